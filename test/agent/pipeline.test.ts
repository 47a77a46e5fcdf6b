/**
 * The agent's data path end to end against simulated routers: what a reboot, a removed interface, a
 * router going down and a shutdown do to /metrics and to OTLP (http/json to a local receiver).
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../src/agent.js';
import type { AgentConfig, OtlpConfig, Temporality } from '../../src/config/types.js';
import type { PollerTuning } from '../../src/engine/target-poller.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';
import { captureLogger, simRouter, waitFor } from '../sources/routeros/poller/helpers/engine-fixtures.js';
import { attribute, metricsByName, OtlpReceiver, type OtlpJsonPoint } from '../telemetry/otlp-receiver.js';
import { routerSectionValues } from '../../src/sources/routeros/config/sections.js';

const FAST: Partial<PollerTuning> = {
  connectBackoff: { initialMillis: 100, maxMillis: 200, jitter: 'none' },
  authBackoff: { initialMillis: 400, maxMillis: 400, jitter: 'none' },
  closeTimeoutMillis: 500,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function router(name: string): Promise<SimulatedRouter> {
  const simulated = new SimulatedRouter({ profile: PROFILES['hex-v7']!, name, password: 'pipeline-pass' });
  await simulated.start();
  cleanups.push(() => simulated.stop());
  return simulated;
}

async function receiver(): Promise<{ receiver: OtlpReceiver; url: string }> {
  const otlp = new OtlpReceiver();
  const url = await otlp.start();
  cleanups.push(() => otlp.stop());
  return { receiver: otlp, url: `${url}/v1/metrics` };
}

interface Started {
  agent: Agent;
  get(path: string): Promise<{ status: number; body: string }>;
}

async function started(routers: readonly SimulatedRouter[], otlp?: Partial<OtlpConfig>): Promise<Started> {
  const config: AgentConfig = {
    server: { host: '127.0.0.1', port: 0, maxConcurrentScrapes: 4, requestTimeoutMillis: 5_000, maxHeaderBytes: 16_384 },
    collection: { intervalMillis: 300, timeoutMillis: 1_000, concurrency: 8, startupCheck: 'off' },
    otlp: {
      enabled: otlp !== undefined,
      endpoint: 'http://127.0.0.1:9/v1/metrics',
      protocol: 'http/json',
      headers: {},
      intervalMillis: 250,
      timeoutMillis: 250,
      compression: 'none',
      temporality: 'cumulative',
      caFile: '',
      clientCertFile: '',
      clientKeyFile: '',
      ...otlp,
    },
    sections: {
      ...routerSectionValues(
        routers.map((simulated) =>
          simRouter(simulated.name, simulated.port, {
            password: 'pipeline-pass',
            collectors: { system: { enabled: true }, interface: { enabled: true } },
          }),
        ),
      ),
      simulator: { enabled: false, count: 0, profile: 'mixed', host: '127.0.0.1', portBase: 0 },
    },
    log: { level: 'info', format: 'json' },
    resourceAttributes: {},
  };
  const { logger } = captureLogger();
  const agent = await startAgent(config, logger, { tuning: FAST });
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await agent.shutdown();
  });
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: agent.address.host, port: agent.address.port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const originalShutdown = agent.shutdown.bind(agent);
  return {
    agent: {
      ...agent,
      shutdown: async () => {
        stopped = true;
        await originalShutdown();
      },
    },
    get,
  };
}

/** Points of one metric for one router and interface, over every export received so far, in order. */
function interfacePoints(otlp: OtlpReceiver, metric: string, routerName: string, iface: string): OtlpJsonPoint[] {
  const points: OtlpJsonPoint[] = [];
  for (const body of otlp.json()) {
    const data = metricsByName(body).get(metric);
    for (const point of data?.sum?.dataPoints ?? []) {
      if (attribute(point.attributes, 'router') === routerName && attribute(point.attributes, 'interface') === iface) {
        points.push(point);
      }
    }
  }
  return points;
}

const value = (point: OtlpJsonPoint): number => Number(point.asDouble ?? point.asInt ?? 0);

function seriesLines(body: string, routerName: string): string[] {
  return body.split('\n').filter((line) => !line.startsWith('#') && line.includes(`router="${routerName}"`));
}

describe('agent data path', () => {
  it.each<[Temporality]>([['cumulative'], ['delta']])(
    'a reboot resets counters (%s OTLP): cumulative points restart with a new start time, deltas are never negative',
    async (temporality) => {
      const core = await router('core');
      const { receiver: otlp, url } = await receiver();
      await started([core], { endpoint: url, temporality });

      const points = () => interfacePoints(otlp, 'routeros.interface.receive.bytes', 'core', 'ether1');
      await waitFor('three exports of ether1 before the reboot', () => points().length >= 3, 8_000);
      const before = points();
      const lastBefore = before.at(-1)!;
      core.reboot();
      // After the reboot the router's counter restarts from zero, far below the cumulative total.
      await waitFor(
        'an export after the reboot',
        () => points().length > before.length + 2,
        8_000,
      );
      const all = points();
      const after = all.slice(before.length);
      if (temporality === 'cumulative') {
        const reset = after.find((point) => value(point) < value(lastBefore));
        expect(reset, 'a cumulative point below the pre-reboot total').toBeDefined();
        expect(BigInt(reset!.startTimeUnixNano)).toBeGreaterThan(BigInt(lastBefore.startTimeUnixNano));
        expect(BigInt(reset!.startTimeUnixNano)).toBeGreaterThan(BigInt(lastBefore.timeUnixNano) - 1n);
      } else {
        for (const point of all) expect(value(point)).toBeGreaterThanOrEqual(0);
        // Deltas cover consecutive windows: each starts where the previous one ended.
        for (let index = 1; index < before.length; index += 1) {
          expect(BigInt(before[index]!.startTimeUnixNano)).toBe(BigInt(before[index - 1]!.timeUnixNano));
        }
        expect(after.some((point) => value(point) > 0), 'traffic is counted again after the reboot').toBe(true);
      }
    },
  );

  it('a removed interface disappears from the next scrape and the next OTLP export', async () => {
    const edge = await router('edge');
    const { receiver: otlp, url } = await receiver();
    const { get } = await started([edge], { endpoint: url });
    await waitFor('ether5 exported', () => interfacePoints(otlp, 'routeros.interface.receive.bytes', 'edge', 'ether5').length > 0, 8_000);
    expect((await get('/metrics')).body).toContain('interface="ether5"');

    edge.removeInterface('ether5');
    const requestsAtRemoval = otlp.requests.length;
    await waitFor('a poll after the removal', () => otlp.requests.length > requestsAtRemoval + 3, 8_000);
    const scrape = (await get('/metrics')).body;
    expect(scrape).not.toContain('interface="ether5"');
    expect(scrape).toContain('interface="ether4"');
    const latest = otlp.json().at(-1)!;
    const latestPoints = metricsByName(latest).get('routeros.interface.receive.bytes')?.sum?.dataPoints ?? [];
    expect(latestPoints.map((point) => attribute(point.attributes, 'interface'))).not.toContain('ether5');
    expect(latestPoints.map((point) => attribute(point.attributes, 'interface'))).toContain('ether4');
  });

  it('a router that is down exports only routeros_up 0 and its collection metrics; the others are untouched', async () => {
    const [alive, dying] = [await router('alive'), await router('dying')];
    const { get } = await started([alive, dying]);
    let body = '';
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      body = (await get('/metrics')).body;
      // Both routers polled: the assertions below compare the dying one with the one that stays up.
      const polled = (name: string): boolean =>
        new RegExp(`^routeros_up\\{router="${name}"[^}]*\\} 1$`, 'm').test(body) &&
        new RegExp(`^routeros_interface_receive_bytes_total\\{router="${name}"`, 'm').test(body);
      if (polled('dying') && polled('alive')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seriesLines(body, 'dying').length).toBeGreaterThan(20);

    dying.setFault({ kind: 'refuse' });
    // A bound on the wait, not a latency target: a loaded machine may take a while to run the next poll.
    const downDeadline = Date.now() + 30_000;
    while (Date.now() < downDeadline) {
      body = (await get('/metrics')).body;
      if (/^routeros_up\{router="dying"[^}]*\} 0$/m.test(body)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const families = new Set(seriesLines(body, 'dying').map((line) => line.slice(0, line.indexOf('{'))));
    expect([...families].sort()).toEqual(
      [
        'routeros_collection_duration_seconds',
        'routeros_collection_success',
        'routeros_collection_unsupported',
        'routeros_series_dropped',
        'routeros_up',
      ].concat(
        families.has('routeros_last_success_timestamp_seconds') ? ['routeros_last_success_timestamp_seconds'] : [],
      ).sort(),
    );
    expect(body).toMatch(/^routeros_up\{router="dying"[^}]*\} 0$/m);
    expect(body).toMatch(/^routeros_up\{router="alive"[^}]*\} 1$/m);
    expect(seriesLines(body, 'alive').some((line) => line.startsWith('routeros_interface_receive_bytes_total'))).toBe(true);
    const health = JSON.parse((await get('/health')).body) as { status: string; routers: { name: string; up: boolean; down_reason: string | null }[] };
    expect(health.status).toBe('degraded');
    expect(health.routers.find((entry) => entry.name === 'dying')).toMatchObject({ up: false, down_reason: 'connection_failed' });
  });

  it('graceful shutdown makes exactly one final OTLP export, with the latest data', async () => {
    const core = await router('flush');
    const { receiver: otlp, url } = await receiver();
    // An export interval far beyond the test: only the shutdown flush can deliver anything.
    const { agent, get } = await started([core], { endpoint: url, intervalMillis: 600_000, timeoutMillis: 5_000 });
    const deadline = Date.now() + 8_000;
    while (Date.now() < deadline && !/^routeros_up\{router="flush"[^}]*\} 1$/m.test((await get('/metrics')).body)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(otlp.requests).toHaveLength(0);
    const began = Date.now();
    await agent.shutdown();
    expect(Date.now() - began).toBeLessThan(10_000);
    // One POST: a forceFlush before the provider's shutdown (which flushes again) would send two.
    expect(otlp.requests).toHaveLength(1);
    const up = metricsByName(otlp.json()[0]!).get('routeros.up');
    expect(up?.gauge?.dataPoints.map((point) => [attribute(point.attributes, 'router'), value(point)])).toEqual([['flush', 1]]);
  });
});
