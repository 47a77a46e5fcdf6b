/**
 * Reload of a running agent (POST /-/reload; SIGHUP goes the same way, see test/cli/reload-process.test.ts)
 * and sharding, wired for real: simulated routers over loopback, the engine, telemetry and the HTTP server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../src/agent.js';
import { ConfigError } from '../../src/config/errors.js';
import type { AgentConfig } from '../../src/config/types.js';
import type { RouterConfig } from '../../src/sources/routeros/config/types.js';
import { shardFilter } from '../../src/engine/shard.js';
import { SimulatedFleet } from '../../src/sources/routeros/simulator/fleet.js';
import { httpRequest } from '../helpers/processes.js';
import { agentConfig as baseConfig } from '../reliability/helpers/harness.js';
import { captureLogger, simRouter, waitFor } from '../sources/routeros/poller/helpers/engine-fixtures.js';

const TOKEN = 'reload-test-token';

/** The reliability harness's config with lifecycle and auth on, polling `routers`. */
function agentConfig(routers: readonly RouterConfig[], overrides: Partial<AgentConfig> = {}): AgentConfig {
  const base = baseConfig();
  return baseConfig({
    server: { ...base.server, enableLifecycle: true, auth: { basicUsers: {}, bearerToken: TOKEN, openPaths: [] } },
    collection: { intervalMillis: 15_000, timeoutMillis: 2_000, concurrency: 8, startupCheck: 'off' },
    routers,
    ...overrides,
  });
}

async function call(
  address: { host: string; port: number },
  method: string,
  path: string,
  token: string | null = TOKEN,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  return httpRequest(`http://${address.host}:${address.port}${path}`, { method, headers });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fleetOf(count: number): Promise<SimulatedFleet> {
  const fleet = await SimulatedFleet.start({ count, profile: 'mixed', host: '127.0.0.1', portBase: 0, username: 'admin', password: 'admin' });
  cleanups.push(() => fleet.stop());
  return fleet;
}

async function started(config: AgentConfig, reloadConfig: () => Promise<AgentConfig>) {
  const { logger, lines } = captureLogger();
  const agent: Agent = await startAgent(config, logger, { reloadConfig });
  cleanups.push(() => agent.shutdown());
  return { agent, lines };
}

function routerNames(health: string): string[] {
  return (JSON.parse(health) as { routers: { name: string }[] }).routers.map((router) => router.name);
}

describe('POST /-/reload', () => {
  it('applies a new router list: unchanged routers keep their session, removed ones vanish at once, new ones start', async () => {
    const fleet = await fleetOf(3);
    const router = (index: number): RouterConfig => simRouter(`r${index}`, fleet.routers[index]!.port, { collectors: { system: { enabled: true } } });
    let next = agentConfig([router(0), router(1)]);
    const { agent, lines } = await started(next, () => Promise.resolve(next));
    await agent.engine.whenFirstRoundDone();
    const loginsBefore = fleet.routers[0]!.stats.logins;

    next = agentConfig([router(0), router(2)]);
    expect((await call(agent.address, 'POST', '/-/reload', null)).status).toBe(401);
    expect((await call(agent.address, 'GET', '/-/reload')).status).toBe(405);
    const answer = await call(agent.address, 'POST', '/-/reload');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok', problems: [], restart_needed: [] });

    const metrics = await call(agent.address, 'GET', '/metrics');
    expect(metrics.body).not.toContain('router="r1"');
    expect(metrics.body).toMatch(/^routeros_up\{router="r0"[^}]*\} 1$/m);
    expect(routerNames((await call(agent.address, 'GET', '/health')).body)).toEqual(['r0', 'r2']);
    await waitFor('r2 polled', () => agent.engine.snapshots().find((snapshot) => snapshot.name === 'r2')?.up === true);
    expect(fleet.routers[0]!.stats.logins).toBe(loginsBefore);
    expect(lines.some((line) => line.msg === 'configuration reloaded')).toBe(true);
  });

  it('keeps the running configuration when the new one is invalid, and says why by key path', async () => {
    const fleet = await fleetOf(1);
    const config = agentConfig([simRouter('r0', fleet.routers[0]!.port, { collectors: { system: { enabled: true } } })]);
    let invalid = true;
    const { agent, lines } = await started(config, () =>
      invalid
        ? Promise.reject(new ConfigError([{ path: 'routers[0].address', message: 'must be host or host:port' }, { path: 'collection.interval', message: 'must be at least 1s' }]))
        : Promise.resolve(config),
    );
    await agent.engine.whenFirstRoundDone();

    const answer = await call(agent.address, 'POST', '/-/reload');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'failed', problems: [{ path: 'routers[0].address' }, { path: 'collection.interval' }] });
    expect(lines.filter((line) => line['key'] !== undefined).map((line) => line['key'])).toEqual(['routers[0].address', 'collection.interval']);
    const metrics = (await call(agent.address, 'GET', '/metrics')).body;
    expect(metrics).toMatch(/^mikrotik_agent_config_last_reload_successful(\{[^}]*\})? 0$/m);
    expect(metrics).toMatch(/^routeros_up\{router="r0"[^}]*\} 1$/m);
    const failedAt = /^mikrotik_agent_config_last_reload_success_timestamp_seconds(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1];

    invalid = false;
    expect((await call(agent.address, 'POST', '/-/reload')).status).toBe(200);
    const after = (await call(agent.address, 'GET', '/metrics')).body;
    expect(after).toMatch(/^mikrotik_agent_config_last_reload_successful(\{[^}]*\})? 1$/m);
    const succeededAt = /^mikrotik_agent_config_last_reload_success_timestamp_seconds(?:\{[^}]*\})? (\S+)$/m.exec(after)?.[1];
    expect(Number(succeededAt)).toBeGreaterThanOrEqual(Number(failedAt));
  });

  it('reports settings that need a restart and keeps the old ones', async () => {
    const config = agentConfig([]);
    const { agent } = await started(config, () => Promise.resolve(agentConfig([], { server: { ...config.server, port: 1 }, log: { level: 'info', format: 'json' } })));
    const outcome = await agent.reload();
    expect(outcome.ok).toBe(true);
    expect(outcome.restartNeeded).toEqual(['server.listen', 'log']);
    expect((await call(agent.address, 'GET', '/health')).status).toBe(200);
  });

  it('reports a section of a source the agent started without (the first mist: entry) as needing a restart', async () => {
    const config = agentConfig([]);
    const withMist = agentConfig([], { sections: { ...config.sections, mist: [{ name: 'acme' }] } });
    const { agent } = await started(config, () => Promise.resolve(withMist));
    const outcome = await agent.reload();
    expect(outcome.ok).toBe(true);
    expect(outcome.restartNeeded).toEqual(['mist']);
    // Unchanged sections of unused sources say nothing.
    const again = await started(config, () => Promise.resolve(config));
    expect((await again.agent.reload()).restartNeeded).toEqual([]);
  });

  it('is not served unless server.enable_lifecycle is on', async () => {
    const config = agentConfig([]);
    const { agent } = await started({ ...config, server: { ...config.server, enableLifecycle: false } }, () => Promise.resolve(config));
    expect((await call(agent.address, 'POST', '/-/reload')).status).toBe(404);
  });
});

describe('collection.shard', () => {
  it('polls only the shard, reports it in /health and the gauge, and re-shards on reload', async () => {
    const routers = Array.from({ length: 12 }, (_, index) => simRouter(`s${index}`, 1, { intervalMillis: 60_000 }));
    const sharded = (index: number): AgentConfig => ({
      ...agentConfig(routers),
      collection: { intervalMillis: 15_000, timeoutMillis: 2_000, concurrency: 8, startupCheck: 'off', shard: { index, count: 3 } },
    });
    let next = sharded(1);
    const { agent } = await started(next, () => Promise.resolve(next));
    const mine = routers.map((router) => router.name).filter(shardFilter({ index: 1, count: 3 }));
    const health = JSON.parse((await call(agent.address, 'GET', '/health')).body) as { shard: unknown; routers: { name: string }[] };
    expect(health.shard).toEqual({ index: 1, count: 3, targets: mine.length });
    expect(health.routers.map((router) => router.name)).toEqual(mine);
    const metrics = (await call(agent.address, 'GET', '/metrics')).body;
    expect(metrics).toMatch(new RegExp(`^mikrotik_agent_shard_targets\\{[^}]*shard="1"[^}]*\\} ${mine.length}$`, 'm'));

    next = sharded(2);
    expect((await agent.reload()).ok).toBe(true);
    const theirs = routers.map((router) => router.name).filter(shardFilter({ index: 2, count: 3 }));
    expect(routerNames((await call(agent.address, 'GET', '/health')).body)).toEqual(theirs);
  });
});
