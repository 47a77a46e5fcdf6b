/**
 * Every panel query of every dashboard in dashboards/ returns data from real Prometheus scraping the agent on
 * examples/demo.yaml (the demo file as shipped; the poll interval comes from the environment, as a user would
 * override it). The agent also pushes OTLP to real VictoriaMetrics, so the OTLP panel has exports to show.
 *
 * Three things the demo leaves to its user are done here, so that the host, Mist and relay dashboards have
 * data too:
 * - the agent listens on a free port, and the demo's polled endpoint (its own /apps) follows it there;
 * - apps push to the relay the ways the demo's comments show (JSON over TCP and the Unix socket, text through
 *   the Pushgateway API), every second, with one malformed push now and then, as a buggy app would send;
 * - the host source reads this machine's /proc and mount points under a root whose /sys is the hwmon and
 *   thermal tree of test/fixtures/host/basic (a virtual machine has no temperature sensor), with the pressure
 *   collector on (off by default: not every kernel has PSI).
 *
 * Template variables take the values Grafana would offer (their `label_values(metric, label)` query, run
 * against this Prometheus); a query passes when it returns at least one sample with a number (not NaN) for
 * some value. Grafana's built-in intervals are sized for the 0.5 s scrape (helpers/dashboards.ts).
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadDashboards, parseLabelValuesQuery, substituteVariables, type Dashboard, type DashboardTarget } from '../helpers/dashboards.js';
import { freePort, httpRequest } from '../helpers/processes.js';
import { startPrometheus, startVictoriaMetrics, type PrometheusServer, type VictoriaMetricsServer } from '../helpers/tools.js';
import { push } from '../sources/relay/helpers.js';
import { eventually, sleep, startTestAgent, type TestAgent } from './helpers/agent.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));
const FIXTURE_SYS = fileURLToPath(new URL('../fixtures/host/basic/sys', import.meta.url));
/** How long a query may take to show data: rates need two scrapes after two polls; generous for a busy machine. */
const DATA_DEADLINE_MILLIS = 45_000;

let victoria: VictoriaMetricsServer;
let agent: TestAgent;
let prometheus: PrometheusServer;
let apps: DemoApps | undefined;
let hostRoot: string | undefined;

interface DemoConfig {
  server: { listen: string };
  host: Record<string, unknown>;
  relay: { poll_external: { other_scrape_endpoints: { url: string }[] } };
}

/** examples/demo.yaml on `listen`, its polled endpoints moved along, the host read under `root` with pressure on. */
function demoConfigText(listen: string, root: string): string {
  const doc = parse(readFileSync(DEMO_CONFIG, 'utf8')) as DemoConfig;
  const demoListen = doc.server.listen;
  doc.server.listen = listen;
  for (const endpoint of doc.relay.poll_external.other_scrape_endpoints) endpoint.url = endpoint.url.replace(`//${demoListen}/`, `//${listen}/`);
  doc.host = { ...doc.host, root, collectors: { pressure: true } };
  return stringify(doc);
}

/**
 * A root for the host source: every top-level directory of this machine (its /proc, and the mount points the
 * filesystem collector stats) by symlink, and /sys from the fixture, whose hwmon chips give temperatures.
 */
function hostRootWithSensors(): string {
  const root = mkdtempSync(join(tmpdir(), 'dashboards-host-'));
  for (const entry of readdirSync('/')) {
    if (entry !== 'sys') symlinkSync(join('/', entry), join(root, entry));
  }
  cpSync(FIXTURE_SYS, join(root, 'sys'), { recursive: true, verbatimSymlinks: true });
  return root;
}

/** Unlinks the symlinks to this machine's directories first: only the root's own files are removed. */
function removeHostRoot(root: string): void {
  for (const entry of readdirSync(root)) {
    if (entry !== 'sys') unlinkSync(join(root, entry));
  }
  rmSync(root, { recursive: true, force: true });
}

interface DemoApps {
  /** Pushes that failed to reach the relay or were answered unexpectedly, for failure messages. */
  readonly problems: readonly string[];
  stop(): Promise<void>;
}

/**
 * Three apps pushing every second, each over one of the relay's transports, and a malformed push every fifth
 * round (the relay rejects it: a push failure for the dashboards to show).
 */
function startDemoApps(target: TestAgent): DemoApps {
  const listening = target.logs.find((line) => line.msg === 'relay receivers listening');
  const [host = '', port = ''] = String(listening?.['tcp'] ?? '').split(':');
  const unix = String(listening?.['unix'] ?? '');
  if (host === '' || unix === '') throw new Error(`relay receivers not found in the log:\n${target.logTail()}`);
  const tcp = { host, port: Number(port) };
  const problems: string[] = [];
  const expectAnswer = async (what: string, expected: RegExp, answer: Promise<string>): Promise<void> => {
    try {
      const text = await answer;
      if (!expected.test(text)) problems.push(`${what}: answered ${text}`);
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
    }
  };
  let stopped = false;
  const loop = (async () => {
    for (let round = 1; !stopped; round += 1) {
      const json = (app: string, text: string): string => JSON.stringify({ [app]: text });
      const pushes = [
        expectAnswer('tcp push', /"ok":true/, push(tcp, json('shop_orders', `# TYPE orders_total counter\norders_total ${round * 3}\n# TYPE queue_depth gauge\nqueue_depth ${round % 7}\n`))),
        expectAnswer('unix push', /"ok":true/, push(unix, json('batch_worker', `# TYPE rows_processed_total counter\nrows_processed_total ${round * 100}\n`))),
        expectAnswer(
          'pushgateway push',
          /^$/,
          httpRequest(`http://${target.target}/metrics/job/nightly_backup`, { method: 'PUT', body: `# TYPE backup_bytes gauge\nbackup_bytes ${round * 1024}\n` }).then((res) =>
            res.status === 200 || res.status === 202 ? '' : `HTTP ${res.status} ${res.body}`,
          ),
        ),
      ];
      if (round % 5 === 1) pushes.push(expectAnswer('malformed push', /"ok":false/, push(tcp, json('shop_orders', 'orders_total{'))));
      await Promise.all(pushes);
      await sleep(1_000);
    }
  })();
  return {
    problems,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

beforeAll(async () => {
  victoria = await startVictoriaMetrics();
  hostRoot = hostRootWithSensors();
  const listen = `127.0.0.1:${await freePort()}`;
  agent = await startTestAgent({
    text: demoConfigText(listen, hostRoot),
    env: {
      MIKROTIK_AGENT_COLLECTION_INTERVAL: '2s',
      MIKROTIK_AGENT_COLLECTION_TIMEOUT: '2s',
      MIKROTIK_AGENT_OTLP_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: victoria.otlpMetricsUrl,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
  });
  apps = startDemoApps(agent);
  prometheus = await startPrometheus({ scrapeTargets: [agent.target], scrapeIntervalSeconds: 1 });
  await agent.waitUntilAllUp(20_000);
  await prometheus.waitForScrapes();
}, 60_000);

afterAll(async () => {
  await apps?.stop();
  await prometheus?.stop();
  await agent?.stop();
  await victoria?.stop();
  if (hostRoot !== undefined) removeHostRoot(hostRoot);
});

/** Every combination of the dashboard's query-variable values, as Grafana's variable queries return them. */
async function variableValueSets(dashboard: Dashboard): Promise<Record<string, string>[]> {
  let sets: Record<string, string>[] = [{}];
  for (const variable of dashboard.variables) {
    if (variable.type === 'datasource') continue;
    if (variable.type !== 'query') throw new Error(`${dashboard.file}: variable ${variable.name} of type ${variable.type} is not resolved by this test`);
    const { metric, label } = parseLabelValuesQuery(variable.query ?? '');
    const samples = await prometheus.query(`group by (${label}) (${metric})`);
    const values = samples.map((sample) => sample.labels[label] ?? '').filter((value) => value !== '').sort();
    if (values.length === 0) throw new Error(`${dashboard.file}: variable ${variable.name} has no values (${variable.query})`);
    sets = sets.flatMap((set) => values.map((value) => ({ ...set, [variable.name]: value })));
  }
  return sets;
}

/**
 * {@link variableValueSets}, retried until `deadline`: a scrape that timed out on a loaded machine marks every series
 * stale until the next one, so a variable can be empty for a moment.
 */
async function variableValueSetsBy(dashboard: Dashboard, deadline: number): Promise<Record<string, string>[]> {
  for (;;) {
    try {
      return await variableValueSets(dashboard);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(1_000);
    }
  }
}

/** The first variable values for which the target returns a numeric sample, or undefined. */
async function firstValuesWithData(target: DashboardTarget, sets: readonly Record<string, string>[]): Promise<Record<string, string> | undefined> {
  for (const values of sets) {
    const samples = await prometheus.query(substituteVariables(target.expr, values));
    if (samples.some((sample) => !Number.isNaN(sample.value))) return values;
  }
  return undefined;
}

describe('dashboards against Prometheus scraping the demo fleet', () => {
  const dashboards = loadDashboards();

  it('found dashboards with queries, the host, Mist and relay ones among them', () => {
    expect(dashboards.map((dashboard) => dashboard.json['uid'])).toEqual(expect.arrayContaining(['mikrotik-host', 'mikrotik-mist', 'mikrotik-relay']));
    for (const dashboard of dashboards) expect(dashboard.targets.length, dashboard.file).toBeGreaterThan(0);
  });

  it.each(dashboards.map((dashboard) => [dashboard.title, dashboard] as const))(
    'every panel query of "%s" returns data',
    async (_title, dashboard) => {
      const deadline = Date.now() + DATA_DEADLINE_MILLIS;
      const sets = await variableValueSetsBy(dashboard, deadline);
      let pending = [...dashboard.targets];
      for (;;) {
        const still: DashboardTarget[] = [];
        for (const target of pending) {
          if ((await firstValuesWithData(target, sets)) === undefined) still.push(target);
        }
        pending = still;
        if (pending.length === 0 || Date.now() > deadline) break;
        await sleep(1_000);
      }
      const tried = sets.map((set) => JSON.stringify(set)).join(', ');
      const failures = pending.map(
        (target) => `${dashboard.title} / panel "${target.panelTitle}" (id ${target.panelId}) query ${target.refId} returned no data: ${target.expr}`,
      );
      expect(failures, `variable values tried: ${tried}; push problems: ${apps?.problems.slice(-5).join('; ') || 'none'}`).toEqual([]);
    },
    DATA_DEADLINE_MILLIS + 30_000,
  );

  it('the relay dashboard has the demo polled endpoint up and every pushing app, over each transport', async () => {
    const seen = await eventually(
      'the polled endpoint up and pushes over tcp, unix and http',
      async () => {
        const endpoint = await prometheus.query('relay_collection_success{collector="scrape",app="apps-table"} == 1');
        const pushed = await prometheus.query('push_time_seconds');
        const transports = await prometheus.query('sum by (transport) (relay_pushes_total{result="ok"})');
        const rejected = await prometheus.query('relay_pushes_total{result="rejected"}');
        if (endpoint.length === 0 || transports.length < 3 || rejected.length === 0) return undefined;
        return {
          apps: pushed.map((sample) => sample.labels['app']).sort(),
          transports: transports.map((sample) => sample.labels['transport']).sort(),
        };
      },
      { timeoutMillis: 20_000, pollMillis: 500 },
    );
    expect(seen).toEqual({ apps: ['batch_worker', 'nightly_backup', 'shop_orders'], transports: ['http', 'tcp', 'unix'] });
    expect(apps?.problems).toEqual([]);
  });

  it('the router dashboard follows its router variable: PoE data for some routers, not all', async () => {
    const router = dashboards.find((dashboard) => dashboard.file === 'mikrotik-router.json');
    const poe = router?.targets.find((target) => target.panelTitle === 'PoE power');
    expect(poe).toBeDefined();
    const sets = await variableValueSetsBy(router!, Date.now() + DATA_DEADLINE_MILLIS);
    // Retried: on a busy machine a poll can time out, and a router that is down has no series until the next.
    const withData = await eventually(
      'PoE power for some routers but not all',
      async () => {
        const routers: string[] = [];
        for (const values of sets) {
          if ((await prometheus.query(substituteVariables(poe!.expr, values))).length > 0) routers.push(values['router'] ?? '');
        }
        return routers.length > 0 && routers.length < sets.length ? routers : undefined;
      },
      { timeoutMillis: 20_000, pollMillis: 500 },
    );
    expect(withData.length).toBeLessThan(sets.length);
  });
});
