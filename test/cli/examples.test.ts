import { SECTIONS } from '../helpers/sections.js';
import { simulatorConfig } from '../../src/sources/routeros/simulator/config.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPromtool } from '../helpers/tools.js';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startAgent } from '../../src/agent.js';
import { type CliIo, main } from '../../src/cli.js';
import { RelaySource } from '../../src/sources/relay/source.js';
import { push } from '../sources/relay/helpers.js';
import { loadConfig } from '../../src/config/load.js';
import { formatFault, planFleetFaults } from '../../src/sources/routeros/simulator/faults.js';
import { fleetRouterNames } from '../../src/sources/routeros/simulator/fleet.js';
import { captureLogger, waitFor } from '../sources/routeros/poller/helpers/engine-fixtures.js';

/** The sections the CLI passes: the examples use the sources' own (simulator.mist, host:, relay:). */

/** The shipped examples, checked with the real collector registry (no dependency overrides). */
function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIo = { stdout, stderr, env };
  return main(argv, io).then((code) => ({ code, out, err }));
}

/** The sections the CLI loads (the registry's), so the examples' `host:` reads as it does in the agent. */
const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;

function getText(address: { host: string; port: number }, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address.host, port: address.port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('examples', () => {
  it('are each checked here', () => {
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const files = readdirSync(new URL('../../examples/', import.meta.url)).filter((name) => /\.(ya?ml|json)$/.test(name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(source, file).toContain(`example('${file}')`);
  });

  it('demo.yaml is valid: one simulated router of each of the 11 profiles on 127.0.0.1:9436', async () => {
    const result = await run(['check-config', '--config', example('demo.yaml')]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const config = parse(result.out) as { server: { listen: string }; simulator: { enabled: boolean; count: number; profile: string }; routers: unknown[]; collection: { interval: string } };
    expect(config.server.listen).toBe('127.0.0.1:9436');
    expect(config.simulator).toMatchObject({ enabled: true, count: 11, profile: 'mixed' });
    expect(config.collection.interval).toBe('10s');
    expect(config.routers).toEqual([]);
  });

  it('demo.yaml runs the relay: both receivers on a temporary socket and a free port, one polled local endpoint', async () => {
    const { config } = loadConfig({
      file: example('demo.yaml'),
      env: {},
      sections: SECTIONS,
      overrides: { listen: '127.0.0.1:0' },
    });
    const { logger } = captureLogger();
    const agent = await startAgent(config, logger);
    try {
      const relay = agent.engine.sources.find((source): source is RelaySource => source instanceof RelaySource);
      const { tcp = '', unix = '' } = relay?.addresses ?? {};
      expect(unix).toMatch(/^\/tmp\/mikrotik-otel-agent-relay-[A-Za-z0-9]{8}\.sock$/);
      expect(tcp).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
      const [host = '', port = ''] = tcp.split(':');
      expect(await push({ host, port: Number(port) }, JSON.stringify({ tcp_app: 'a 1' }))).toBe('{"ok":true}\n');
      expect(await push(unix, JSON.stringify({ unix_app: 'b 1' }))).toBe('{"ok":true}\n');
      await relay!.whenFirstRoundDone();
      expect(relay!.snapshots().map((snapshot) => snapshot.name)).toEqual(['relay', 'tcp_app', 'unix_app', 'apps-table']);
      const metrics = await getText(agent.address, '/metrics');
      expect(metrics.body).toMatch(/^a\{app="tcp_app"/m);
    } finally {
      await agent.shutdown();
    }
  }, 30_000);

  it('demo-faults.yaml is the demo fleet with one slow (below the timeout), one hung and one rejecting router, as its comments say', async () => {
    const result = await run(['check-config', '--config', example('demo-faults.yaml')]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const printed = parse(result.out) as { simulator: { faults: unknown[] }; relay: unknown };
    const demo = parse((await run(['check-config', '--config', example('demo.yaml')])).out) as { simulator: { faults: unknown[] }; relay: unknown };
    // Nothing but the faults differs from the demo's fleet; the relay is the demo's alone.
    expect({ ...printed, simulator: { ...printed.simulator, faults: [] }, relay: demo.relay }).toEqual(demo);

    const { config } = loadConfig({ file: example('demo-faults.yaml'), env: {}, sections: SECTIONS });
    const names = fleetRouterNames(simulatorConfig(config).profile, simulatorConfig(config).count);
    const { byIndex } = planFleetFaults(simulatorConfig(config).faults ?? [], names);
    const faulted = Object.fromEntries([...byIndex].map(([index, fault]) => [`sim-${names[index]}`, formatFault(fault)]));
    expect(faulted).toEqual({ 'sim-hex-3': 'latency:1000', 'sim-chr-5': 'hang-after-login', 'sim-bng1-7': 'auth-failure' });
    // Some collectors send two commands one after the other, so a poll of the slow router takes twice its latency.
    const latency = [...byIndex.values()].find((fault) => fault.kind === 'latency');
    expect(latency?.kind === 'latency' ? latency.millis : Infinity).toBeLessThan(config.collection.timeoutMillis / 2);
    const text = readFileSync(example('demo-faults.yaml'), 'utf8');
    for (const name of Object.keys(faulted)) expect(text).toMatch(new RegExp(`^#   ${name} `, 'm'));
    expect(text).toContain('simulate --count 11 --fault 3=latency:1000 --fault chr-5=hang-after-login --fault 7=auth-failure');
  });

  it('demo-faults.yaml, run: /health shows exactly the three routers in trouble, each for its reason', async () => {
    const { config } = loadConfig({
      file: example('demo-faults.yaml'),
      env: {},
      sections: SECTIONS,
      overrides: { listen: '127.0.0.1:0' },
    });
    const { logger } = captureLogger();
    const agent = await startAgent(config, logger);
    try {
      // The hung router takes the 5 s timeout to be given up on.
      await waitFor('the first round', () => agent.engine.firstRoundDone, 20_000);
      const health = await getText(agent.address, '/health');
      expect(health.status).toBe(503);
      const routers = (JSON.parse(health.body) as { routers: { name: string; up: boolean; down_reason: string | null; collectors: Record<string, string> }[] }).routers;
      expect(routers).toHaveLength(11);
      const down = Object.fromEntries(routers.filter((router) => !router.up).map((router) => [router.name, router.down_reason]));
      expect(down).toEqual({ 'sim-chr-5': 'timeout', 'sim-bng1-7': 'authentication_failed' });
      // The slow router's data is complete: no collector failed or was cut off.
      // The demo watches the machine it runs on beside the routers.
      const hosts = (JSON.parse(health.body) as { hosts: { up: boolean; collectors: Record<string, string> }[] }).hosts;
      expect(hosts).toHaveLength(1);
      expect(hosts[0]?.up).toBe(true);
      expect(hosts[0]?.collectors['cpu']).toBe('ok');
      const slow = routers.find((router) => router.name === 'sim-hex-3');
      expect(Object.values(slow?.collectors ?? {}).filter((status) => status === 'error')).toEqual([]);
    } finally {
      await agent.shutdown();
    }
  }, 30_000);

  it('grafana-cloud.yaml is valid once its variables are set, and names them when not', async () => {
    const result = await run(['check-config', '--config', example('grafana-cloud.yaml')], {
      GRAFANA_OTLP_AUTH: 'Z3JhZmFuYTpzZWNyZXQ=',
      CORE1_PASSWORD: 'pw-example-1',
    });
    expect(result.code).toBe(0);
    expect(result.out).not.toContain('Z3JhZmFuYTpzZWNyZXQ=');
    expect(result.out).not.toContain('pw-example-1');
    const config = parse(result.out) as { otlp: { enabled: boolean; headers: Record<string, string> } };
    expect(config.otlp).toMatchObject({ enabled: true, headers: { Authorization: '<redacted>' } });

    const missing = await run(['check-config', '--config', example('grafana-cloud.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('otlp.headers.Authorization: environment variable GRAFANA_OTLP_AUTH is not set');
    expect(missing.err).toContain('routers[0].password: environment variable CORE1_PASSWORD is not set');
  });

  it('agent.yaml only fails on the secret and certificate files this machine lacks', async () => {
    const result = await run(['check-config', '--config', example('agent.yaml')], { EDGE_FRA_PASSWORD: 'x' });
    expect(result.code).toBe(2);
    const problems = result.err.split('\n').slice(1).filter((line) => line !== '');
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/: cannot read \/(etc|run)\/\S+ \(ENOENT\)$/);
  });
});

describe('examples/prometheus-probe.yml', () => {
  it('is a valid Prometheus config (promtool check config)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-example-'));
    try {
      // promtool checks that credentials_file exists: point it at a file of this test.
      writeFileSync(join(dir, 'token'), 'token\n');
      const text = readFileSync(example('prometheus-probe.yml'), 'utf8').replaceAll('/etc/prometheus/mikrotik-agent.token', join(dir, 'token'));
      writeFileSync(join(dir, 'prometheus.yml'), text);
      const result = await runPromtool(['check', 'config', 'prometheus.yml'], { cwd: dir });
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
