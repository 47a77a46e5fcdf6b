/**
 * The real backends installed by scripts/install-tools.sh (Debian trixie packages unpacked into .tools/root):
 * Prometheus, promtool, VictoriaMetrics and Python librouteros.
 *
 * Servers listen on 127.0.0.1 with a free port and a private temp data dir; stop() kills the process group and
 * removes the dir. Nothing here skips: a missing tool is an error that says how to install it.
 */
import { spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, httpRequest, ManagedProcess, StartupError, waitForHttpOk } from './processes.js';
import type { HttpResponse } from './processes.js';

export type ToolName = 'prometheus' | 'promtool' | 'victoria-metrics' | 'prometheus-node-exporter';

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INSTALL_HINT = 'run `npm run tools` (scripts/install-tools.sh) to install the test tools into .tools/';

/** The install root: `$TOOLS_DIR/root` when set (same variable as the script), else `<repo>/.tools/root`. */
export function toolsRoot(): string {
  return join(process.env['TOOLS_DIR'] ?? join(repoDir, '.tools'), 'root');
}

/** Absolute path of an installed binary; throws with the install hint when it is missing. */
export function toolPath(name: ToolName): string {
  const path = join(toolsRoot(), 'usr', 'bin', name);
  if (!existsSync(path)) throw new Error(`${name} is not installed (looked for ${path}): ${INSTALL_HINT}`);
  return path;
}

/**
 * `systemd-analyze` from the machine's own Debian release, unpacked into `.tools/systemd/root` by the install
 * script: the command, and the environment that makes it use its own libraries and its own unit directory
 * (for the targets a unit orders after) besides `unitDir`, so nothing of the machine's systemd is involved.
 */
export function systemdAnalyze(unitDir: string): { command: string; env: NodeJS.ProcessEnv } {
  const root = join(process.env['TOOLS_DIR'] ?? join(repoDir, '.tools'), 'systemd', 'root');
  const command = join(root, 'usr', 'bin', 'systemd-analyze');
  if (!existsSync(command)) throw new Error(`systemd-analyze is not installed (looked for ${command}): ${INSTALL_HINT}`);
  const units = [join(root, 'lib', 'systemd', 'system'), join(root, 'usr', 'lib', 'systemd', 'system')].filter((dir) => existsSync(dir));
  const libraries = [join(root, 'usr', 'lib', 'x86_64-linux-gnu', 'systemd'), join(root, 'usr', 'lib', 'aarch64-linux-gnu', 'systemd')];
  return {
    command,
    env: {
      ...process.env,
      LD_LIBRARY_PATH: libraries.filter((dir) => existsSync(dir)).join(':'),
      SYSTEMD_UNIT_PATH: [unitDir, ...units].join(':'),
    },
  };
}

/** Directory holding the `librouteros` package (Debian's dist-packages layout). */
export function pythonPackagesDir(): string {
  return join(toolsRoot(), 'usr', 'lib', 'python3', 'dist-packages');
}

/**
 * Environment for `python3` so it imports the unpacked librouteros. librouteros is pure Python (>= 3.8), so
 * any python3 works through PYTHONPATH, not only Debian's /usr/bin/python3.
 */
export function pythonEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dir = pythonPackagesDir();
  if (!existsSync(join(dir, 'librouteros', '__init__.py'))) {
    throw new Error(`python librouteros is not installed (looked in ${dir}): ${INSTALL_HINT}`);
  }
  const existing = base['PYTHONPATH'];
  return {
    ...base,
    PYTHONPATH: existing ? `${dir}:${existing}` : dir,
    // Keep .tools/ free of __pycache__ written by whichever python happens to run.
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

export interface PromtoolResult {
  /** promtool exited 0: the exposition parsed and passed the lint. */
  ok: boolean;
  /** 0 ok, 1 parse error (e.g. a second HELP line), 3 lint problems only (e.g. a counter without `_total`). */
  exitCode: number | null;
  /** stdout and stderr together. */
  output: string;
}

/** Runs `promtool check metrics` with `text` on stdin. */
export async function promtoolCheckMetrics(text: string, timeoutMillis = 10_000): Promise<PromtoolResult> {
  return runPromtool(['check', 'metrics'], { stdin: text, timeoutMillis });
}

/** Runs promtool with `args` (e.g. `['test', 'rules', file]`) in `cwd`, optionally with `stdin`. */
export async function runPromtool(
  args: readonly string[],
  options: { stdin?: string; cwd?: string; timeoutMillis?: number } = {},
): Promise<PromtoolResult> {
  const command = toolPath('promtool');
  const timeoutMillis = options.timeoutMillis ?? 10_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    // promtool may exit before reading everything (EPIPE); its exit code is what counts.
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`promtool ${args.join(' ')} did not finish within ${timeoutMillis} ms`));
    }, timeoutMillis);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ ok: code === 0, exitCode: code, output: Buffer.concat(chunks).toString('utf8') });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** One element of an instant-vector result. */
export interface InstantSample {
  /** All labels, `__name__` included when the expression keeps it. */
  labels: Record<string, string>;
  value: number;
  timestampSeconds: number;
}

/** One series from VictoriaMetrics `/api/v1/export`. */
export interface ExportedSeries {
  labels: Record<string, string>;
  values: number[];
  timestampsMillis: number[];
}

/** A running Prometheus-API server (Prometheus or VictoriaMetrics). */
export interface PromApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly process: ManagedProcess;
  /** Private config and data directory; removed by stop(). */
  readonly tempDir: string;
  /** Instant PromQL query at the current time (millisecond precision); throws unless the result is a vector. */
  query(promql: string): Promise<InstantSample[]>;
  /** Values of the `__name__` label, sorted. */
  seriesNames(): Promise<string[]>;
  stop(): Promise<void>;
}

/** One alert from `/api/v1/alerts`. */
export interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** `pending` while its `for:` runs, then `firing`. */
  state: string;
}

export interface PrometheusServer extends PromApiServer {
  /** Every pending and firing alert (`/api/v1/alerts`). */
  alerts(): Promise<ActiveAlert[]>;
  /**
   * Waits until every scrape target has been scraped at least once and returns their health by scrape URL.
   * Prometheus 2.x hands targets to the scrape loop only every 5 s, so the first scrape comes ~5 s after start.
   */
  waitForScrapes(timeoutMillis?: number): Promise<Record<string, string>>;
  /** `/api/v1/metadata?metric=…`: type, help and unit as the scrapes declared them ([] when unknown). */
  metadata(metric: string): Promise<{ type: string; help: string; unit: string }[]>;
}

export interface VictoriaMetricsServer extends PromApiServer {
  /** Where OTLP/HTTP protobuf metrics go (`/opentelemetry/v1/metrics`; JSON is refused with 400). */
  readonly otlpMetricsUrl: string;
  /** Makes recently ingested samples searchable (`POST /internal/force_flush`). */
  forceFlush(): Promise<void>;
  /** Raw series from `/api/v1/export?match[]=<match>`, e.g. `{__name__=~"routeros_.*"}`. */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  /** Imports Prometheus text exposition (`/api/v1/import/prometheus`). */
  importPrometheus(text: string): Promise<void>;
}

export interface ScrapeOptions {
  /** `host:port` on loopback (127.0.0.1, localhost or [::1]). */
  scrapeTargets: string[];
  /** May be fractional (0.5 = 500 ms). */
  scrapeIntervalSeconds: number;
  /** Default `/metrics`. */
  metricsPath?: string;
  /** Default `agent`. */
  jobName?: string;
  /** Prometheus `scrape_protocols`, e.g. `['PrometheusText0.0.4']`; default Prometheus's own (OpenMetrics first). */
  scrapeProtocols?: string[];
}

export interface StartPrometheusOptions extends ScrapeOptions {
  /** Absolute paths of rule files to evaluate. */
  ruleFiles?: string[];
  /** Rule evaluation interval; may be fractional. Default: Prometheus's (1 m). */
  evaluationIntervalSeconds?: number;
  /** Extra command-line flags. */
  flags?: string[];
  /** Readiness wait. Default 15 000. */
  startTimeoutMillis?: number;
}

export interface StartVictoriaMetricsOptions extends Partial<ScrapeOptions> {
  /**
   * Extra command-line flags, e.g. `-opentelemetry.usePrometheusNaming`. Later flags win over the defaults
   * (`-search.latencyOffset=0s -search.disableCache`, which make fresh samples visible to queries at once).
   */
  flags?: string[];
  /** Readiness wait. Default 15 000. */
  startTimeoutMillis?: number;
}

const PORT_ATTEMPTS = 3;

/** Starts Prometheus scraping `scrapeTargets`; resolves once `/-/ready` answers 200. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const config = scrapeConfigYaml(options, { ruleFiles: options.ruleFiles, evaluationIntervalSeconds: options.evaluationIntervalSeconds });
  const command = toolPath('prometheus');
  return startWithFreePort(async (port) => {
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-test-'));
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(configFile, config);
    const proc = new ManagedProcess({
      name: 'prometheus',
      command,
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...(options.flags ?? []),
      ],
      tempDirs: [dir],
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(proc, `${url}/-/ready`, options.startTimeoutMillis);
    const api = new PromApi(url);
    return {
      url,
      port,
      process: proc,
      tempDir: dir,
      query: (promql) => api.query(promql),
      seriesNames: () => api.seriesNames(),
      alerts: () => api.alerts(),
      waitForScrapes: (timeoutMillis) => api.waitForScrapes(timeoutMillis ?? 15_000),
      metadata: (metric) => api.metadata(metric),
      stop: () => proc.stop(),
    };
  });
}

/** Starts single-node VictoriaMetrics (optionally scraping targets); resolves once `/health` answers 200. */
export async function startVictoriaMetrics(options: StartVictoriaMetricsOptions = {}): Promise<VictoriaMetricsServer> {
  const { scrapeTargets, scrapeIntervalSeconds } = options;
  if ((scrapeTargets === undefined) !== (scrapeIntervalSeconds === undefined)) {
    throw new Error('startVictoriaMetrics: scrapeTargets and scrapeIntervalSeconds go together');
  }
  const config =
    scrapeTargets !== undefined && scrapeIntervalSeconds !== undefined
      ? scrapeConfigYaml({ ...options, scrapeTargets, scrapeIntervalSeconds })
      : undefined;
  const command = toolPath('victoria-metrics');
  return startWithFreePort(async (port) => {
    const dir = mkdtempSync(join(tmpdir(), 'victoria-metrics-test-'));
    const args = [
      `-storageDataPath=${join(dir, 'data')}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      '-search.latencyOffset=0s',
      '-search.disableCache',
    ];
    if (config !== undefined) {
      const configFile = join(dir, 'scrape.yml');
      writeFileSync(configFile, config);
      args.push(`-promscrape.config=${configFile}`);
    }
    const proc = new ManagedProcess({
      name: 'victoria-metrics',
      command,
      args: [...args, ...(options.flags ?? [])],
      tempDirs: [dir],
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(proc, `${url}/health`, options.startTimeoutMillis);
    const api = new PromApi(url);
    return {
      url,
      port,
      process: proc,
      tempDir: dir,
      otlpMetricsUrl: `${url}/opentelemetry/v1/metrics`,
      query: (promql) => api.query(promql),
      seriesNames: () => api.seriesNames(),
      forceFlush: async () => {
        expectStatus(await httpRequest(`${url}/internal/force_flush`, { method: 'POST' }), 'force_flush', [200, 204]);
      },
      exportSeries: (match) => api.exportSeries(match),
      importPrometheus: async (text) => {
        const res = await httpRequest(`${url}/api/v1/import/prometheus`, { method: 'POST', body: text });
        expectStatus(res, 'import/prometheus', [200, 204]);
      },
      stop: () => proc.stop(),
    };
  });
}

/** Both servers take the port as a flag, so a port stolen between freePort() and bind just means: try again. */
/** A running node_exporter (Debian's prometheus-node-exporter) on loopback. */
export interface NodeExporterServer {
  readonly url: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** Starts node_exporter with `flags` on a free loopback port; resolves once `/metrics` answers 200. */
export async function startNodeExporter(flags: readonly string[]): Promise<NodeExporterServer> {
  const command = toolPath('prometheus-node-exporter');
  return startWithFreePort(async (port) => {
    const proc = new ManagedProcess({
      name: 'prometheus-node-exporter',
      command,
      args: [`--web.listen-address=127.0.0.1:${port}`, ...flags],
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(proc, `${url}/metrics`, undefined);
    return { url, process: proc, stop: () => proc.stop() };
  });
}

async function startWithFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      if (!(err instanceof StartupError && err.isPortTaken) || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

async function waitForReady(proc: ManagedProcess, url: string, timeoutMillis: number | undefined): Promise<void> {
  try {
    await waitForHttpOk(url, proc, { timeoutMillis: timeoutMillis ?? 15_000 });
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

const LOOPBACK_TARGET = /^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

function scrapeConfigYaml(
  options: ScrapeOptions,
  rules: { ruleFiles?: string[] | undefined; evaluationIntervalSeconds?: number | undefined } = {},
): string {
  const { scrapeTargets, scrapeIntervalSeconds } = options;
  if (scrapeTargets.length === 0) throw new Error('scrapeTargets: at least one host:port is needed');
  for (const target of scrapeTargets) {
    if (!LOOPBACK_TARGET.test(target)) {
      throw new Error(`scrapeTargets: "${target}" is not a loopback host:port (127.0.0.1, localhost or [::1])`);
    }
  }
  if (!Number.isFinite(scrapeIntervalSeconds) || scrapeIntervalSeconds < 0.001) {
    throw new Error(`scrapeIntervalSeconds: ${scrapeIntervalSeconds} is not a positive number of seconds`);
  }
  const interval = `${Math.round(scrapeIntervalSeconds * 1000)}ms`;
  const evaluation = rules.evaluationIntervalSeconds;
  if (evaluation !== undefined && !(Number.isFinite(evaluation) && evaluation >= 0.001)) {
    throw new Error(`evaluationIntervalSeconds: ${evaluation} is not a positive number of seconds`);
  }
  // JSON is valid YAML and spares us quoting rules.
  const config = {
    global: {
      scrape_interval: interval,
      scrape_timeout: interval,
      ...(evaluation === undefined ? {} : { evaluation_interval: `${Math.round(evaluation * 1000)}ms` }),
    },
    ...(rules.ruleFiles === undefined ? {} : { rule_files: rules.ruleFiles }),
    scrape_configs: [
      {
        job_name: options.jobName ?? 'agent',
        metrics_path: options.metricsPath ?? '/metrics',
        static_configs: [{ targets: scrapeTargets }],
        ...(options.scrapeProtocols === undefined ? {} : { scrape_protocols: options.scrapeProtocols }),
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function expectStatus(res: HttpResponse, what: string, statuses: number[]): void {
  if (!statuses.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  }
}

/** The part of the Prometheus HTTP API that both servers implement. */
class PromApi {
  constructor(private readonly url: string) {}

  async query(promql: string): Promise<InstantSample[]> {
    // An explicit time with milliseconds: VictoriaMetrics' default "now" is rounded down to the second and would
    // miss samples ingested within the current second.
    const params = new URLSearchParams({ query: promql, time: (Date.now() / 1000).toFixed(3) });
    const data = await this.getData(`/api/v1/query?${params}`);
    const result = asRecord(data, 'query data');
    if (result['resultType'] !== 'vector' || !Array.isArray(result['result'])) {
      throw new Error(`query ${promql}: expected a vector result, got ${JSON.stringify(data).slice(0, 300)}`);
    }
    return result['result'].map((item: unknown) => {
      const sample = asRecord(item, 'vector sample');
      const value = sample['value'];
      if (!Array.isArray(value) || value.length !== 2) throw new Error(`query ${promql}: malformed sample value`);
      return {
        labels: asLabels(sample['metric']),
        timestampSeconds: Number(value[0]),
        value: Number(value[1]),
      };
    });
  }

  async alerts(): Promise<ActiveAlert[]> {
    const data = asRecord(await this.getData('/api/v1/alerts'), 'alerts data');
    if (!Array.isArray(data['alerts'])) throw new Error('alerts: expected a list');
    return data['alerts'].map((item: unknown) => {
      const alert = asRecord(item, 'alert');
      return {
        labels: asLabels(alert['labels']),
        annotations: asLabels(alert['annotations'] ?? {}),
        state: String(alert['state']),
      };
    });
  }

  async seriesNames(): Promise<string[]> {
    const data = await this.getData('/api/v1/label/__name__/values');
    if (!Array.isArray(data)) throw new Error('label values: expected an array');
    return data.map(String).sort();
  }

  async exportSeries(match: string): Promise<ExportedSeries[]> {
    // `end` a little ahead of now, for the same reason as in query().
    const params = new URLSearchParams({ 'match[]': match, end: (Date.now() / 1000 + 1).toFixed(3) });
    const res = await httpRequest(`${this.url}/api/v1/export?${params}`);
    expectStatus(res, `export ${match}`, [200]);
    return res.body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const row = asRecord(JSON.parse(line), 'export line');
        const values = row['values'];
        const timestamps = row['timestamps'];
        if (!Array.isArray(values) || !Array.isArray(timestamps)) throw new Error(`export ${match}: malformed line ${line}`);
        return { labels: asLabels(row['metric']), values: values.map(Number), timestampsMillis: timestamps.map(Number) };
      });
  }

  async waitForScrapes(timeoutMillis: number): Promise<Record<string, string>> {
    const deadline = Date.now() + timeoutMillis;
    let last = 'no targets yet';
    while (Date.now() < deadline) {
      const data = asRecord(await this.getData('/api/v1/targets'), 'targets data');
      const active = Array.isArray(data['activeTargets']) ? data['activeTargets'].map((t: unknown) => asRecord(t, 'target')) : [];
      const scraped = active.filter((t) => typeof t['lastScrape'] === 'string' && !String(t['lastScrape']).startsWith('0001-'));
      if (active.length > 0 && scraped.length === active.length) {
        // The target list shows a scrape before its samples are committed (the scrape loop reports, then
        // commits); `up` is committed with them, so once every target has one, their samples are queryable.
        const up = await this.query('up');
        if (up.length >= active.length) {
          return Object.fromEntries(active.map((t) => [String(t['scrapeUrl']), String(t['health']) + (t['lastError'] ? ` (${String(t['lastError'])})` : '')]));
        }
        last = `${active.length} targets scraped, ${up.length} up samples committed`;
      } else {
        last = `${scraped.length}/${active.length} targets scraped`;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`targets not scraped within ${timeoutMillis} ms (${last})`);
  }

  async metadata(metric: string): Promise<{ type: string; help: string; unit: string }[]> {
    const data = asRecord(await this.getData(`/api/v1/metadata?${new URLSearchParams({ metric })}`), 'metadata');
    const entries = data[metric];
    if (!Array.isArray(entries)) return [];
    return entries.map((entry: unknown) => {
      const record = asRecord(entry, 'metadata entry');
      return { type: String(record['type']), help: String(record['help']), unit: String(record['unit'] ?? '') };
    });
  }

  private async getData(path: string): Promise<unknown> {
    const res = await httpRequest(`${this.url}${path}`);
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new Error(`GET ${path}: HTTP ${res.status}, not JSON: ${res.body.slice(0, 300)}`);
    }
    const envelope = asRecord(body, `GET ${path}`);
    if (res.status !== 200 || envelope['status'] !== 'success') {
      throw new Error(`GET ${path}: HTTP ${res.status}: ${String(envelope['error'] ?? res.body.slice(0, 300))}`);
    }
    return envelope['data'];
  }
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: expected an object`);
  return value as Record<string, unknown>;
}

function asLabels(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(asRecord(value, 'metric labels')).map(([k, v]) => [k, String(v)]));
}

/** promtool output lines that are not empty: every one is a finding, since the scrape must lint clean. */
export function unexpectedLintFindings(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A running dnsmasq answering SRV queries on a loopback port. */
export interface DnsmasqServer {
  /** `127.0.0.1:<port>`, as Resolver.setServers and `discovery.dns_srv[].server` take it. */
  readonly server: string;
  readonly port: number;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** One SRV record: `name` answers `target:port`. */
export interface SrvRecord {
  readonly name: string;
  readonly target: string;
  readonly port: number;
}

/**
 * Starts dnsmasq (from the machine's Debian release, unpacked into `.tools/dnsmasq/root` by the install script)
 * unprivileged on `127.0.0.1:<port>` (a free one unless given), answering `records` and nothing else: no upstream
 * servers, no hosts file, no config file. Resolves once it answers. dnsmasq reads SRV records only at start, so a
 * test changes them by stopping it and starting another on the same port.
 */
export async function startDnsmasq(records: readonly SrvRecord[], port?: number): Promise<DnsmasqServer> {
  const root = join(process.env['TOOLS_DIR'] ?? join(repoDir, '.tools'), 'dnsmasq', 'root');
  const command = join(root, 'usr', 'sbin', 'dnsmasq');
  if (!existsSync(command)) throw new Error(`dnsmasq is not installed (looked for ${command}): ${INSTALL_HINT}`);
  const libraries = ['x86_64-linux-gnu', 'aarch64-linux-gnu'].flatMap((triplet) => [join(root, 'lib', triplet), join(root, 'usr', 'lib', triplet)]);
  const start = async (listenPort: number): Promise<DnsmasqServer> => {
    const proc = new ManagedProcess({
      name: 'dnsmasq',
      command,
      args: [
        '--keep-in-foreground',
        '--no-resolv',
        '--no-hosts',
        '--conf-file=/dev/null',
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        `--port=${listenPort}`,
        '--pid-file=',
        `--user=${userInfo().username}`,
        '--log-facility=-',
        ...records.map((record) => `--srv-host=${record.name},${record.target},${record.port}`),
      ],
      env: { ...process.env, LD_LIBRARY_PATH: libraries.filter((dir) => existsSync(dir)).join(':') },
    });
    const server = `127.0.0.1:${listenPort}`;
    await waitForDns(proc, server, records[0]?.name ?? 'ready.invalid');
    return { server, port: listenPort, process: proc, stop: () => proc.stop() };
  };
  return port === undefined ? startWithFreePort(start) : start(port);
}

/** Waits until dnsmasq answers a query (any answer: refused and not-found count), or fails with its output. */
async function waitForDns(proc: ManagedProcess, server: string, name: string): Promise<void> {
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([server]);
  const deadline = Date.now() + 15_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (proc.exitStatus !== undefined) {
      throw new StartupError(proc, `exited (code ${String(proc.exitStatus.code)}) before answering on ${server}`);
    }
    try {
      await resolver.resolveSrv(name);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'failed';
      if (code === 'EREFUSED' || code === 'ENOTFOUND' || code === 'ENODATA') return;
      last = code;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await proc.stop();
  throw new StartupError(proc, `did not answer on ${server} within 15000 ms (last: ${last})`);
}
