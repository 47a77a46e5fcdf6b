/**
 * The host source inside the whole agent: golden scrapes of the fixture machine in both namings (linted by
 * the real promtool), a platform without /proc reported as unsupported while the routers run on, and a
 * wrapped counter or a vanished device seen through the OpenTelemetry producer across two real cycles.
 *
 * Regenerate the golden files after an intended change (review the diff before committing):
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/sources/host/agent.test.ts
 *
 * statfs sizes come from {@link fixedStatfs} (the real call decides whether a mount can be read; the sizes
 * are fixed so the files do not depend on the disk the tests run on).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src/agent.js';
import { ConcurrencyLimiter } from '../../../src/engine/limiter.js';
import { loadConfig } from '../../../src/config/load.js';
import type { Source } from '../../../src/engine/source.js';
import { HOST_SECTION } from '../../../src/sources/host/config.js';
import type { HostIo } from '../../../src/sources/host/fs.js';
import { hostPlugin } from '../../../src/sources/host/plugin.js';
import { routerosPlugin } from '../../../src/sources/routeros/plugin.js';
import { SnapshotMetricProducer } from '../../../src/telemetry/snapshot-producer.js';
import { normaliseScrape, unifiedDiff } from '../../e2e/helpers/golden.js';
import { httpRequest } from '../../helpers/processes.js';
import { promtoolCheckMetrics, unexpectedLintFindings } from '../../helpers/tools.js';
import { captureLogger, waitFor } from '../routeros/poller/helpers/engine-fixtures.js';
import { denying, fixedStatfs, fixtureRoot, type FixtureRoot } from './helpers.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const SECTIONS = [...(routerosPlugin().configSections ?? []), HOST_SECTION];
/** Wall-clock values: the series stay, their values become 0. */
const ZEROED = new Set(['host_collection_duration_seconds', 'host_last_success_timestamp_seconds', 'node_time_seconds']);

let fixture: FixtureRoot | undefined;
let agent: Agent | undefined;
const temporary: string[] = [];
afterEach(async () => {
  await agent?.shutdown();
  agent = undefined;
  fixture?.cleanup();
  fixture = undefined;
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(yaml: string, io?: HostIo, withRouters = false, env: NodeJS.ProcessEnv = {}): Promise<Agent> {
  const { config } = loadConfig({ text: yaml, env: {}, sections: SECTIONS, overrides: { listen: '127.0.0.1:0' } });
  const plugins = [...(withRouters ? [routerosPlugin()] : []), hostPlugin({ env, ...(io ? { io } : {}) })];
  agent = await startAgent(config, captureLogger().logger, { sources: plugins, tuning: { firstPollSpreadMillis: 0 } });
  const running = agent;
  await waitFor('the first round', () => running.engine.firstRoundDone, 15_000);
  return running;
}

async function get(running: Agent, path: string): Promise<{ status: number; body: string }> {
  const response = await httpRequest(`http://${running.address.host}:${running.address.port}${path}`);
  return { status: response.status, body: response.body };
}

function normalise(scrape: string): string {
  return normaliseScrape(scrape)
    .split('\n')
    .map((line) => {
      const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line)?.[1];
      return name !== undefined && ZEROED.has(name) ? line.replace(/ \S+$/, ' 0') : line;
    })
    .join('\n');
}

describe.each(['otel', 'node_exporter'] as const)('golden scrape, names: %s', (names) => {
  it(`matches test/fixtures/host/metrics-${names}.prom and passes promtool`, async () => {
    fixture = fixtureRoot();
    const running = await start(
      [
        'routers: []',
        'collection: { timeout: 10s }',
        'resource_attributes: { host.name: fixture-host }',
        `host: { enabled: true, interval: 60s, root: "${fixture.root}", names: ${names}, collectors: { pressure: true } }`,
      ].join('\n'),
      fixedStatfs(fixture.root),
    );
    const scrape = (await get(running, '/metrics')).body;
    const golden = [
      `# Golden scrape of test/sources/host/agent.test.ts: the test/fixtures/host/basic machine, names: ${names}, pressure on.`,
      '# Generated; do not edit by hand. Regenerate: UPDATE_GOLDEN=1 npx vitest run test/sources/host/agent.test.ts',
      `# Normalised: values of ${[...ZEROED].join(', ')} are 0; mikrotik_agent_* left out; versions and machine labels replaced.`,
      normalise(scrape),
    ].join('\n');
    const file = fileURLToPath(new URL(`../../fixtures/host/metrics-${names}.prom`, import.meta.url));
    if (UPDATE) writeFileSync(file, golden);
    const expected = readFileSync(file, 'utf8');
    if (golden !== expected) expect.fail(`the scrape differs from ${file}:\n${unifiedDiff(expected, golden)}`);
    const lint = await promtoolCheckMetrics(scrape);
    // node_exporter's meminfo names keep the kernel's field names (node_memory_MemTotal_bytes): dashboards
    // query them so, and node_exporter's own output draws the same finding. Nothing else may be reported.
    const camelCase = /^node_memory_[A-Za-z0-9_]+ metric names should be written in 'snake_case' not 'camelCase'$/;
    expect(unexpectedLintFindings(lint.output).filter((line) => !(names === 'node_exporter' && camelCase.test(line)))).toEqual([]);
  });
});

describe('platform', () => {
  it('without /proc, the host is down as unsupported and the routers run on', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'host-empty-'));
    temporary.push(empty);
    const running = await start(
      ['routers: []', 'simulator: { enabled: true, count: 1, profile: mixed }', `host: { enabled: true, root: "${empty}" }`].join('\n'),
      undefined,
      true,
    );
    const health = JSON.parse((await get(running, '/health')).body) as {
      routers: { up: boolean }[];
      hosts: { name: string; up: boolean; down_reason: string | null; last_error: string | null }[];
    };
    expect(health.routers.map((router) => router.up)).toEqual([true]);
    expect(health.hosts).toHaveLength(1);
    expect(health.hosts[0]).toMatchObject({ up: false, down_reason: 'unsupported' });
    expect(health.hosts[0]?.last_error).toContain(`no procfs at ${join(empty, 'proc')}`);
    // The index page lists the host like any target.
    const index = (await get(running, '/')).body;
    expect(index).toContain(health.hosts[0]?.name ?? 'no host');
    expect(index).toContain('unsupported');
    const scrape = (await get(running, '/metrics')).body;
    expect(scrape).toMatch(/^host_up\{host="[^"]+"[^}]*\} 0$/m);
    expect(scrape).toMatch(/^routeros_up\{[^}]*\} 1$/m);
  });
});

describe('one unreadable file', () => {
  it('fails only the collector that reads it; the host stays up and is named from OTEL_RESOURCE_ATTRIBUTES', async () => {
    fixture = fixtureRoot();
    const running = await start(
      [
        'routers: []',
        'resource_attributes: { host.name: from-config }',
        `host: { enabled: true, interval: 60s, root: "${fixture.root}", collectors: { filesystem: false } }`,
      ].join('\n'),
      denying(fixture.root, ['/proc/diskstats']),
      false,
      { OTEL_RESOURCE_ATTRIBUTES: 'service.name=x,host.name=from-env' },
    );
    const health = JSON.parse((await get(running, '/health')).body) as {
      hosts: { name: string; up: boolean; collectors: Record<string, string>; last_error: string | null }[];
    };
    expect(health.hosts[0]).toMatchObject({ name: 'from-env', up: true });
    expect(health.hosts[0]?.collectors).toEqual({ cpu: 'ok', load: 'ok', memory: 'ok', disk: 'error', network: 'ok', temperature: 'ok', uptime: 'ok' });
    const scrape = (await get(running, '/metrics')).body;
    expect(scrape).toMatch(/^host_collection_success\{host="from-env",collector="disk"\} 0$/m);
    expect(scrape).toMatch(/^host_collection_success\{host="from-env",collector="network"\} 1$/m);
    expect(scrape).not.toMatch(/^system_disk_/m);
    expect(scrape).toMatch(/^system_network_io_bytes_total\{host="from-env",device="eth0",direction="receive"\} /m);
    expect(scrape).toMatch(/^system_cpu_time_seconds_total\{host="from-env",cpu="cpu63",state="user"\} /m);
    // Every host series carries the same host attribute.
    const hosts = new Set([...scrape.matchAll(/^(?:system|hw|host)_\w+\{host="([^"]*)"/gm)].map((match) => match[1]));
    expect([...hosts]).toEqual(['from-env']);
  });
});

describe('counters across cycles', () => {
  it('a wrapped counter starts a new series, the others keep their start; a vanished device goes', async () => {
    fixture = fixtureRoot();
    const { config } = loadConfig({
      text: `routers: []\nhost: { enabled: true, interval: 1s, root: "${fixture.root}", collectors: { filesystem: false, temperature: false } }`,
      env: {},
      sections: SECTIONS,
    });
    const source = (await hostPlugin().create({
      config,
      logger: captureLogger().logger,
      limiter: new ConcurrencyLimiter(4),
      tuning: { firstPollSpreadMillis: 0 },
      onShutdown: () => undefined,
    })) as Source;
    let now = Date.now();
    const producer = new SnapshotMetricProducer(source, { scopeName: 'test', nowMillis: () => now });
    try {
      source.start();
      await waitFor('the first cycle', () => source.snapshots()[0]?.up === true, 10_000);
      const first = points(await producer.collect());
      const firstCycle = source.snapshots()[0]?.lastSuccessMillis;
      fixture.overlay('step2');
      await waitFor('the second cycle', () => source.snapshots()[0]?.lastSuccessMillis !== firstCycle, 10_000);
      now += 5_000;
      const second = points(await producer.collect());
      const key = (device: string): string => `system.disk.io device=${device} direction=read`;
      expect(second.get(key('nvme0n1'))?.value).toBe(1234 * 512);
      expect(second.get(key('nvme0n1'))?.start).toBeGreaterThan(first.get(key('nvme0n1'))?.start ?? Infinity);
      expect(second.get(key('sda'))?.start).toBe(first.get(key('sda'))?.start);
      expect(first.has(key('dm-1'))).toBe(true);
      expect(second.has(key('dm-1'))).toBe(false);
      const eth0 = 'system.network.io device=eth0 direction=receive';
      expect(second.get(eth0)?.start).toBeGreaterThan(first.get(eth0)?.start ?? Infinity);
      expect(second.has('system.network.io device=eth1 direction=receive')).toBe(false);
      expect(second.get('system.cpu.utilization cpu=cpu3 state=user')?.value).toBeCloseTo(0.4, 9);
    } finally {
      await source.stop();
    }
  });
});

/** The points of a collect by `name attr=value …` (host left out), with value and start time in ms. */
function points(result: Awaited<ReturnType<SnapshotMetricProducer['collect']>>): Map<string, { value: number; start: number }> {
  const map = new Map<string, { value: number; start: number }>();
  for (const scope of result.resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints) {
        const attributes = Object.entries(point.attributes)
          .filter(([key]) => key !== 'host')
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(' ');
        map.set(`${metric.descriptor.name} ${attributes}`, { value: Number(point.value), start: point.startTime[0] * 1000 + point.startTime[1] / 1e6 });
      }
    }
  }
  return map;
}
