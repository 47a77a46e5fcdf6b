/**
 * The whole agent, wired for real: in-process simulator over loopback sockets, engine, telemetry and
 * HTTP server; startup checks and graceful shutdown.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, StartupCheckError, type Agent } from '../../src/agent.js';
import type { AgentConfig } from '../../src/config/types.js';
import type { RouterConfig } from '../../src/sources/routeros/config/types.js';
import type { PollerTuning } from '../../src/engine/target-poller.js';
import { SimulatedFleet } from '../../src/sources/routeros/simulator/fleet.js';
import { captureLogger, simRouter, waitFor } from '../sources/routeros/poller/helpers/engine-fixtures.js';
import { routerSectionValues } from '../../src/sources/routeros/config/sections.js';

const FAST: Partial<PollerTuning> = {
  connectBackoff: { initialMillis: 100, maxMillis: 200, jitter: 'none' },
  authBackoff: { initialMillis: 400, maxMillis: 400, jitter: 'none' },
  closeTimeoutMillis: 500,
};

function agentConfig(overrides: Partial<AgentConfig> & { readonly routers?: readonly RouterConfig[] } = {}): AgentConfig {
  const { routers = [], sections, ...rest } = overrides;
  return {
    server: {
      host: '127.0.0.1',
      port: 0,
      maxConcurrentScrapes: 4,
      requestTimeoutMillis: 5_000,
      maxHeaderBytes: 16_384,
    },
    collection: { intervalMillis: 15_000, timeoutMillis: 2_000, concurrency: 8, startupCheck: 'off' },
    otlp: {
      enabled: false,
      endpoint: 'http://127.0.0.1:4318',
      protocol: 'http/protobuf',
      headers: {},
      intervalMillis: 60_000,
      timeoutMillis: 10_000,
      compression: 'none',
      temporality: 'cumulative',
      caFile: '',
      clientCertFile: '',
      clientKeyFile: '',
    },
    sections: { ...routerSectionValues(routers), ...(sections ?? { simulator: { enabled: false, count: 2, profile: 'mixed', host: '127.0.0.1', portBase: 0 } }) },
    log: { level: 'debug', format: 'json' },
    resourceAttributes: {},
    ...rest,
  };
}

/** GET without keep-alive; resolves with status and body. */
function get(address: { host: string; port: number }, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address.host, port: address.port, path, agent: false, headers: { connection: 'close' } }, (res) => {
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

/** Listening TCP sockets of this process. */
function tcpListeners(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(config: AgentConfig): Promise<{ agent: Agent; lines: ReturnType<typeof captureLogger>['lines'] }> {
  const { logger, lines } = captureLogger();
  const agent = await startAgent(config, logger, { tuning: FAST });
  cleanups.push(() => agent.shutdown());
  return { agent, lines };
}

async function externalFleet(count: number): Promise<SimulatedFleet> {
  const fleet = await SimulatedFleet.start({ count, profile: 'v7', host: '127.0.0.1', portBase: 0 });
  cleanups.push(() => fleet.stop());
  return fleet;
}

describe('startAgent', () => {
  it('serves the in-process simulator fleet on /metrics within 5 s of start', async () => {
    const startedAt = Date.now();
    const { agent } = await started(
      agentConfig({ sections: { simulator: { enabled: true, count: 3, profile: 'mixed', host: '127.0.0.1', portBase: 0 } } }),
    );
    expect(agent.address.host).toBe('127.0.0.1');
    expect(agent.address.port).toBeGreaterThan(0);
    let body = '';
    await waitFor(
      'every simulated router up in /metrics',
      () => agent.engine.firstRoundDone && agent.engine.snapshots().every((snap) => snap.up),
      5_000,
    );
    const response = await get(agent.address, '/metrics');
    body = response.body;
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(response.status).toBe(200);
    const names = agent.engine.snapshots().map((snap) => snap.name);
    expect(names).toHaveLength(3);
    for (const name of names) {
      expect(name).toMatch(/^sim-/);
      expect(body).toMatch(new RegExp(`routeros_up\\{[^}]*router="${name}"[^}]*\\} 1`));
    }
    expect(body).toContain('routeros_system_uptime_seconds');
    // The engine records the agent's self-metrics through telemetry.
    expect(body).toMatch(/mikrotik_agent_router_connection_attempts_total\{result="ok"[^}]*\} 3/);
    expect(body).toMatch(/^# TYPE mikrotik_agent_router_connections gauge$/m);
    expect(body).toMatch(/^mikrotik_agent_router_connections\{state="connected"[^}]*\} 3$/m);
    expect(body).toMatch(/^mikrotik_agent_router_connections\{state="connecting"[^}]*\} 0$/m);
    expect(body).toMatch(/mikrotik_agent_collector_runs_total\{collector="system",result="ok"[^}]*\} [1-9]/);
    expect(body).toMatch(/mikrotik_agent_poll_duration_seconds_count\{result="ok"[^}]*\} [1-9]/);
  });

  it('simulator.faults: /health has the auth-failure router down (authentication_failed), the hung one down (timeout), the slow one and the rest up', async () => {
    const { agent, lines } = await started(
      agentConfig({
        sections: { simulator: {
          enabled: true,
          count: 5,
          profile: 'mixed',
          host: '127.0.0.1',
          portBase: 0,
          faults: [
            // Far below the 2 s timeout, even for collectors that send a few commands one after another.
            { router: 1, fault: { kind: 'latency', millis: 300 } },
            { router: 'rb750-2', fault: { kind: 'auth-failure' } },
            { router: 'sim-hex-3', fault: { kind: 'hang-after-login' } },
          ],
        } },
      }),
    );
    expect(lines.find((line) => line.msg.startsWith('simulator started'))?.['faults']).toEqual({
      'sim-hap-ac2-1': 'latency:300',
      'sim-rb750-2': 'auth-failure',
      'sim-hex-3': 'hang-after-login',
    });
    await waitFor('the first round', () => agent.engine.firstRoundDone, 10_000);
    const response = await get(agent.address, '/health');
    expect(response.status).toBe(503);
    const health = JSON.parse(response.body) as { status: string; routers: { name: string; up: boolean; down_reason: string | null; last_error: string | null }[] };
    expect(health.status).toBe('degraded');
    const byName = Object.fromEntries(health.routers.map((router) => [router.name, router]));
    expect(Object.keys(byName)).toEqual(['sim-hap-ac2-1', 'sim-rb750-2', 'sim-hex-3', 'sim-rb4011-4', 'sim-chr-5']);
    expect(byName['sim-rb750-2']).toMatchObject({ up: false, down_reason: 'authentication_failed' });
    expect(byName['sim-rb750-2']?.last_error).toMatch(/cannot log in|invalid user name or password/);
    expect(byName['sim-hex-3']).toMatchObject({ up: false, down_reason: 'timeout' });
    for (const name of ['sim-hap-ac2-1', 'sim-rb4011-4', 'sim-chr-5']) expect(byName[name], name).toMatchObject({ up: true, down_reason: null });
    // The slow router really is slow: each of its collectors waited at least one delayed reply.
    const metrics = (await get(agent.address, '/metrics')).body;
    const durations = [...metrics.matchAll(/^routeros_collection_duration_seconds\{([^}]*)\} (\S+)$/gm)]
      .filter((match) => match[1]?.includes('router="sim-hap-ac2-1"'))
      .map((match) => Number(match[2]));
    expect(durations.length).toBeGreaterThan(0);
    for (const seconds of durations) expect(seconds).toBeGreaterThanOrEqual(0.29);
  });

  it('polls configured routers next to the simulator and warns about unverified TLS', async () => {
    const fleet = await externalFleet(1);
    const insecure: RouterConfig = simRouter('edge-insecure', 9, {
      tls: { enabled: true, caFile: '', serverName: '', fingerprint: '', insecure: true, anonymous: false },
    });
    const anonymous: RouterConfig = simRouter('edge-anon', 9, {
      tls: { enabled: true, caFile: '', serverName: '', fingerprint: '', insecure: false, anonymous: true },
    });
    const plain = simRouter('core', fleet.routers[0]!.port, { intervalMillis: 15_000, timeoutMillis: 2_000 });
    const { agent, lines } = await started(agentConfig({ routers: [plain, insecure, anonymous] }));
    await waitFor('core up', () => agent.engine.snapshots()[0]?.up === true);
    const tlsWarnings = lines.filter((line) => line.level === 40 && /TLS/.test(line.msg));
    expect(tlsWarnings.map((line) => line['router'])).toEqual(['edge-insecure', 'edge-anon']);
    expect(JSON.stringify(lines)).not.toMatch(/"password"\s*:\s*"admin"/);
  });

  it('startup_check strict refuses to start when a router rejects the login', async () => {
    const fleet = await externalFleet(2);
    fleet.routers[1]!.setFault({ kind: 'auth-failure' });
    const routers = fleet.routers.map((router, index) => simRouter(`r${index}`, router.port, { timeoutMillis: 1_000 }));
    const { logger, lines } = captureLogger();
    const config = agentConfig({
      routers,
      collection: { intervalMillis: 15_000, timeoutMillis: 1_000, concurrency: 4, startupCheck: 'strict' },
    });
    const failure = await startAgent(config, logger, { tuning: FAST }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StartupCheckError);
    const check = failure as StartupCheckError;
    expect(check.failures.map((item) => item.target)).toEqual(['r1']);
    expect(check.failures[0]?.message).toMatch(/invalid user name or password|cannot log in/);
    expect(check.message).toContain('r1');
    expect(lines.some((line) => line.msg.startsWith('startup check') && line['router'] === 'r1')).toBe(true);
    // Nothing was left running: the healthy router saw exactly the one check login.
    const logins = fleet.routers[0]!.stats.logins;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fleet.routers[0]!.stats.logins).toBe(logins);
  });

  it('stops what it started when a later step fails (HTTP port taken)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as AddressInfo).port;
    const { logger } = captureLogger();
    const config = agentConfig({
      server: { ...agentConfig().server, port },
      sections: { simulator: { enabled: true, count: 2, profile: 'v7', host: '127.0.0.1', portBase: 0 } },
    });
    await expect(startAgent(config, logger, { tuning: FAST })).rejects.toThrow(/EADDRINUSE|in use|listen/i);
    // The simulator's two listeners are gone again.
    // Only the blocker keeps listening: the simulator's two listeners are gone again.
    await waitFor('simulator listeners closed', () => tcpListeners() === 1, 3_000);
  });

  it('startup_check warn logs the failing router and starts anyway', async () => {
    const fleet = await externalFleet(2);
    fleet.routers[0]!.setFault({ kind: 'refuse' });
    await fleet.routers[0]!.settled();
    const routers = fleet.routers.map((router, index) => simRouter(`r${index}`, router.port, { intervalMillis: 15_000 }));
    const { agent, lines } = await started(
      agentConfig({
        routers,
        collection: { intervalMillis: 15_000, timeoutMillis: 1_000, concurrency: 4, startupCheck: 'warn' },
      }),
    );
    expect(lines.filter((line) => line.msg.startsWith('startup check')).map((line) => line['router'])).toEqual(['r0']);
    await waitFor('r1 up', () => agent.engine.snapshots()[1]?.up === true);
    await waitFor('r0 down', () => agent.engine.snapshots()[0]?.downReason === 'connection_failed');
  });

  it('shuts down gracefully within 10 s even with a hung router, idempotently', async () => {
    const fleet = await externalFleet(2);
    const routers = fleet.routers.map((router, index) =>
      simRouter(`r${index}`, router.port, { intervalMillis: 200, timeoutMillis: 8_000 }),
    );
    const { logger, lines } = captureLogger();
    const agent = await startAgent(
      agentConfig({ routers, sections: { simulator: { enabled: true, count: 1, profile: 'v6', host: '127.0.0.1', portBase: 0 } } }),
      logger,
      { tuning: FAST },
    );
    await waitFor('first round', () => agent.engine.firstRoundDone);
    fleet.routers[0]!.setFault({ kind: 'hang-after-login' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const stoppingAt = Date.now();
    const first = agent.shutdown();
    const second = agent.shutdown();
    await Promise.all([first, second, agent.done]);
    expect(Date.now() - stoppingAt).toBeLessThan(10_000);
    expect(lines.some((line) => line.msg === 'agent stopped')).toBe(true);
    expect(lines.filter((line) => line.msg === 'agent shutting down')).toHaveLength(1);
    expect(lines.filter((line) => /shutdown step/.test(line.msg))).toEqual([]);
    // The server no longer listens.
    await expect(get(agent.address, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
    // No poll starts after shutdown.
    const logins = fleet.routers[1]!.stats.logins + fleet.routers[1]!.stats.commands;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(fleet.routers[1]!.stats.logins + fleet.routers[1]!.stats.commands).toBe(logins);
  });
});
