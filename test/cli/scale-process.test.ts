/**
 * Reload and sharding in the real program: `node dist/cli.js run` processes over one simulated fleet
 * (in this test's process, over loopback), driven with real SIGHUPs and config files rewritten on disk.
 * The simulator counts logins per router, which tells "kept its session" from "reconnected" and
 * "polled by exactly one replica" from "polled twice".
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedFleet } from '../../src/sources/routeros/simulator/fleet.js';
import { logLines, startCli, stopCliProcesses, terminate, waitForOutput } from '../helpers/cli-process.js';
import type { ManagedProcess } from '../helpers/processes.js';
import { httpRequest } from '../helpers/processes.js';

const fleets: SimulatedFleet[] = [];
afterEach(async () => {
  await stopCliProcesses();
  for (const fleet of fleets.splice(0)) await fleet.stop();
});

async function fleetOf(count: number): Promise<SimulatedFleet> {
  const fleet = await SimulatedFleet.start({ count, profile: 'mixed', host: '127.0.0.1', portBase: 0, username: 'admin', password: 'admin' });
  fleets.push(fleet);
  return fleet;
}

/** A config file of `routers` (name → port on loopback), system collector only, polled every `interval`. */
function configText(routers: readonly (readonly [string, number])[], interval = '2s'): string {
  return [
    'server: { listen: "127.0.0.1:0" }',
    `collection: { interval: ${interval}, timeout: 2s }`,
    'defaults: { username: admin, password: "${SIM_PASSWORD}", collectors: { system: true } }',
    'log: { level: info, format: json }',
    'routers:',
    ...routers.map(([name, port]) => `  - { name: ${name}, address: "127.0.0.1:${port}" }`),
  ].join('\n');
}

function startAgent(name: string, config: string, dir: string, args: string[] = []): ManagedProcess {
  return startCli(name, ['run', '--config', config, ...args], [dir], { SIM_PASSWORD: 'admin' });
}

async function agentAddress(proc: ManagedProcess): Promise<string> {
  return waitForOutput(proc, 'the "agent started" line', (output) => {
    const started = logLines(output).find((line) => line.msg === 'agent started');
    return started === undefined ? undefined : String(started['address']);
  });
}

async function scrape(address: string): Promise<string> {
  return (await httpRequest(`http://${address}/metrics`, { timeoutMillis: 5_000 })).body;
}

/** Routers with `routeros_up 1` in a scrape. */
function upRouters(body: string): string[] {
  return [...body.matchAll(/^routeros_up\{router="([^"]+)"[^}]*\} 1$/gm)].map((match) => match[1] ?? '').sort();
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMillis = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMillis} ms (last: ${JSON.stringify(value).slice(0, 500)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function hup(proc: ManagedProcess): void {
  if (proc.pid === undefined) throw new Error(`${proc.name} has no pid`);
  process.kill(proc.pid, 'SIGHUP');
}

describe('node dist/cli.js run: SIGHUP reload', () => {
  it('survives SIGHUP storms and invalid configs without losing a session, and applies a valid change', async () => {
    const fleet = await fleetOf(3);
    const port = (index: number): number => fleet.routers[index]!.port;
    const dir = mkdtempSync(join(tmpdir(), 'agent-reload-'));
    const config = join(dir, 'agent.yaml');
    writeFileSync(config, configText([['r0', port(0)], ['r1', port(1)]]));
    const agent = startAgent('agent reload', config, dir);
    const address = await agentAddress(agent);
    await until('r0 and r1 up', () => scrape(address), (body) => upRouters(body).join() === 'r0,r1');
    const logins = (): number[] => fleet.routers.map((router) => router.stats.logins);
    const before = logins();

    // A storm of SIGHUPs with the same file: every one answered, nothing reconnects, the process lives.
    for (let index = 0; index < 25; index += 1) hup(agent);
    await waitForOutput(agent, 'a reload after the storm', (output) =>
      logLines(output).filter((line) => line.msg === 'configuration reloaded').length >= 1 ? true : undefined,
    );
    // An invalid file: rejected with every problem by key path, the old routers polled on.
    writeFileSync(config, `${configText([['r0', port(0)]], '10ms')}\n  - { name: bad }\n`);
    hup(agent);
    hup(agent);
    const rejected = await waitForOutput(agent, 'the rejection', (output) => {
      const lines = logLines(output).filter((line) => line.msg.startsWith('reload rejected'));
      return lines.length > 0 ? lines : undefined;
    });
    expect(rejected.map((line) => line['key'])).toEqual(expect.arrayContaining(['collection.interval', 'routers[1].address']));
    let body = await until('the failure gauge', () => scrape(address), (text) => /^mikrotik_agent_config_last_reload_successful(\{[^}]*\})? 0$/m.test(text));
    expect(upRouters(body)).toEqual(['r0', 'r1']);

    // A valid change: r1 goes, r2 comes, r0 keeps its session.
    writeFileSync(config, configText([['r0', port(0)], ['r2', port(2)]]));
    hup(agent);
    body = await until('r2 up', () => scrape(address), (text) => upRouters(text).includes('r2'));
    expect(body).not.toContain('router="r1"');
    expect(body).toMatch(/^mikrotik_agent_config_last_reload_successful(\{[^}]*\})? 1$/m);
    const after = logins();
    expect(after[0]).toBe(before[0]);
    expect(after[2]).toBe((before[2] ?? 0) + 1);

    const exit = await terminate(agent);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(agent.outputTail()).not.toContain('internal error');
  }, 60_000);
});

describe('node dist/cli.js run --watch-config', () => {
  it('an edit of the config file reloads it: an invalid one keeps the running config and sets the gauge to 0, a valid one applies', async () => {
    const fleet = await fleetOf(3);
    const port = (index: number): number => fleet.routers[index]!.port;
    const dir = mkdtempSync(join(tmpdir(), 'agent-watch-'));
    const config = join(dir, 'agent.yaml');
    writeFileSync(config, configText([['r0', port(0)], ['r1', port(1)]]));
    const agent = startAgent('agent watch-config', config, dir, ['--watch-config']);
    const address = await agentAddress(agent);
    await waitForOutput(agent, 'the watch started', (output) => (logLines(output).some((line) => line.msg.startsWith('watching the config file')) ? true : undefined));
    await until('r0 and r1 up', () => scrape(address), (body) => upRouters(body).join() === 'r0,r1');
    const before = fleet.routers.map((router) => router.stats.logins);

    // Several writes in a row, the last one invalid: one reload, rejected by key path; r0 and r1 polled on.
    writeFileSync(config, configText([['r0', port(0)]]));
    writeFileSync(config, `${configText([['r0', port(0)]])}\n  - { name: bad }\n`);
    const rejected = await waitForOutput(agent, 'the rejection', (output) => {
      const lines = logLines(output).filter((line) => line.msg.startsWith('reload rejected'));
      return lines.length > 0 ? lines : undefined;
    });
    expect(rejected.map((line) => line['key'])).toEqual(['routers[1].address']);
    let body = await until('the failure gauge', () => scrape(address), (text) => /^mikrotik_agent_config_last_reload_successful(\{[^}]*\})? 0$/m.test(text));
    expect(upRouters(body)).toEqual(['r0', 'r1']);

    // Replaced by rename, as editors and ConfigMaps do: r1 goes, r2 comes, r0 keeps its session.
    writeFileSync(join(dir, 'agent.yaml.new'), configText([['r0', port(0)], ['r2', port(2)]]));
    renameSync(join(dir, 'agent.yaml.new'), config);
    body = await until('r2 up', () => scrape(address), (text) => upRouters(text).includes('r2'));
    expect(body).not.toContain('router="r1"');
    expect(body).toMatch(/^mikrotik_agent_config_last_reload_successful(\{[^}]*\})? 1$/m);
    expect(fleet.routers[0]!.stats.logins).toBe(before[0]);
    const reloads = logLines(agent.outputTail()).filter((line) => line['trigger'] === 'config file changed');
    expect(reloads.map((line) => line['ok'])).toEqual([false, true]);

    const exit = await terminate(agent);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(agent.outputTail()).not.toContain('internal error');
  }, 60_000);
});

describe('node dist/cli.js run --shard i/3', () => {
  it('three replicas over one fleet: every router polled by exactly one of them', async () => {
    const count = 24;
    const fleet = await fleetOf(count);
    const dir = mkdtempSync(join(tmpdir(), 'agent-shards-'));
    const config = join(dir, 'agent.yaml');
    const names = fleet.routers.map((_, index) => `edge-${index}`);
    // A long interval: each router is polled once by its replica, so its login count tells who polled it.
    writeFileSync(config, configText(names.map((name, index) => [name, fleet.routers[index]!.port] as const), '10m'));
    const replicas = [0, 1, 2].map((index) => startAgent(`shard ${index}`, config, dir, ['--shard', `${index}/3`]));
    const addresses = await Promise.all(replicas.map((replica) => agentAddress(replica)));
    const polled = await Promise.all(
      addresses.map((address) =>
        until(
          'the first round',
          async () => JSON.parse((await httpRequest(`http://${address}/health`, { timeoutMillis: 5_000 })).body) as Health,
          (health) => health.routers.every((router) => router.last_success !== null),
        ),
      ),
    );
    const owned = polled.map((health) => health.routers.map((router) => router.name));
    expect(owned.flat().sort()).toEqual([...names].sort());
    polled.forEach((health, index) => expect(health.shard).toEqual({ index, count: 3, targets: owned[index]!.length }));
    // Exactly one login per router: no router was polled by two replicas.
    expect(fleet.routers.map((router) => router.stats.logins)).toEqual(names.map(() => 1));
  }, 60_000);
});

interface Health {
  readonly shard: unknown;
  readonly routers: readonly { readonly name: string; readonly last_success: string | null }[];
}
