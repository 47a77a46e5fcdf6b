/**
 * Discovery: the core's file_sd reader (format, globs, a broken file keeping its last good groups)
 * and the RouterOS side (modules, naming, reserved labels, conflicts), then the whole agent polling
 * discovered routers of a simulated fleet while the file changes under it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../../../src/agent.js';
import { loadConfig } from '../../../../src/config/load.js';
import { FileSdWatcher, parseFileSd, type TargetGroup } from '../../../../src/engine/file-sd.js';
import { COLLECTORS } from '../../../../src/sources/routeros/collectors/registry.js';
import { discoveredRouters, modulesConfig } from '../../../../src/sources/routeros/discovery.js';
import { SimulatedFleet } from '../../../../src/sources/routeros/simulator/fleet.js';
import { httpRequest } from '../../../helpers/processes.js';
import { SECTIONS } from '../../../helpers/sections.js';
import { captureLogger, waitFor } from '../poller/helpers/engine-fixtures.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'file-sd-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function load(text: string, dir: string) {
  return loadConfig({ text, env: {}, cwd: dir, sections: SECTIONS });
}

describe('file_sd files', () => {
  it('reads JSON and YAML groups and names the entry that is wrong', () => {
    expect(parseFileSd('[{"targets": ["10.0.0.1:8728"], "labels": {"site": "ams"}}]', 'a.json')).toEqual([
      { targets: ['10.0.0.1:8728'], labels: { site: 'ams' }, file: 'a.json', index: 0 },
    ]);
    expect(parseFileSd('- targets: [r1]\n', 'b.yaml')).toEqual([{ targets: ['r1'], labels: {}, file: 'b.yaml', index: 0 }]);
    expect(() => parseFileSd('[{"targets": "r1"}]', 'c.json')).toThrow('c.json[0].targets: must be a list of host:port strings');
    expect(() => parseFileSd('[{"targets": ["r1"], "labels": {"n": 1}}]', 'd.json')).toThrow('d.json[0].labels.n: must be a string');
    expect(() => parseFileSd('{', 'e.json')).toThrow(/^e\.json: not JSON or YAML/);
  });

  it('watches a glob: new files join, removed files leave, a broken file keeps its last good groups', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), '[{"targets": ["r1"]}]');
    writeFileSync(join(dir, 'ignored.txt'), 'not a target file');
    const changes: string[][] = [];
    const errors: string[] = [];
    const watcher = new FileSdWatcher({
      patterns: ['*.json'],
      baseDir: dir,
      onChange: (groups) => changes.push(groups.flatMap((group) => group.targets)),
      onError: (file, message) => errors.push(`${file}: ${message}`),
    });
    await watcher.check();
    writeFileSync(join(dir, 'b.json'), '[{"targets": ["r2", "r3"]}]');
    await watcher.check();
    await watcher.check(); // nothing changed: no report
    writeFileSync(join(dir, 'a.json'), '[{"targets": ');
    await watcher.check();
    rmSync(join(dir, 'b.json'));
    await watcher.check();
    expect(changes).toEqual([['r1'], ['r1', 'r2', 'r3'], ['r1']]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${join(dir, 'a.json')}: ${join(dir, 'a.json')}: not JSON or YAML`);
    expect(watcher.states()).toEqual([{ file: join(dir, 'a.json'), ok: false, groups: 1, error: expect.stringContaining('not JSON or YAML') }]);
  });
});

describe('FileSdWatcher failures', () => {
  it('never rejects: a consumer that throws is reported as an error of the check', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), '[{"targets": ["r1"]}]');
    const errors: string[] = [];
    const watcher = new FileSdWatcher({
      patterns: ['*.json'],
      baseDir: dir,
      onChange: () => {
        throw new Error('duplicate name r1');
      },
      onError: (_file, message) => errors.push(message),
    });
    await expect(watcher.check()).resolves.toBeUndefined();
    expect(errors).toEqual(['duplicate name r1']);
  });
});

describe('discovered routers', () => {
  const group = (targets: string[], labels: Record<string, string>, index = 0): TargetGroup => ({ targets, labels, file: 'targets.json', index });

  it('takes module settings, names routers after the name label or host[_port], keeps reserved labels out of the series', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'edge.secret'), 's3cret\n', { mode: 0o600 });
    const { config } = load('modules:\n  edge: { username: monitor, password_file: edge.secret, interval: 45s, collectors: { bgp: true } }\n', dir);
    const { routers, problems } = discoveredRouters(
      [
        group(['10.0.0.1', '10.0.0.2:9000'], { module: 'edge', site: 'ams', __meta_rack: 'r7' }),
        group(['10.0.0.3'], { name: 'core-3', __meta_module: 'edge', port: '8729', username: 'other' }, 1),
      ],
      modulesConfig(config),
      COLLECTORS,
      new Set(),
    );
    expect(problems).toEqual([]);
    expect(routers.map((router) => [router.name, router.host, router.port, router.username, router.labels])).toEqual([
      ['10.0.0.1', '10.0.0.1', 8728, 'monitor', { site: 'ams' }],
      ['10.0.0.2_9000', '10.0.0.2', 9000, 'monitor', { site: 'ams' }],
      ['core-3', '10.0.0.3', 8729, 'other', {}],
    ]);
    expect(routers[0]?.password).toBe('s3cret');
    expect(routers[0]?.intervalMillis).toBe(45_000);
    expect(routers[0]?.collectors['bgp']?.enabled).toBe(true);
  });

  it('skips only the targets in error: unknown module, a taken name, a bad label', () => {
    const dir = tempDir();
    const { config } = load('modules:\n  edge: { username: monitor }\n', dir);
    const { routers, problems } = discoveredRouters(
      [group(['ok1', 'core1', 'bad1'], {}), group(['bad2'], { module: 'nope' }, 1), group(['bad3'], { router: 'x' }, 2)],
      modulesConfig(config),
      COLLECTORS,
      new Set(['core1']),
    );
    expect(routers.map((router) => router.name)).toEqual(['ok1', 'bad1']);
    expect(problems.map((problem) => [problem.target, problem.message.slice(0, 40)])).toEqual([
      ['core1', 'the name core1 is taken by another route'],
      ['bad2', 'unknown module "nope" (modules: edge)'],
      ['bad3', expect.stringContaining('labels')],
    ]);
  });

  it('reports a bad module at its key path when the config loads', () => {
    expect(() => load('modules:\n  edge: { address: 10.0.0.1, interval: soon }\n', tempDir())).toThrow(
      /modules\.edge\.address: comes from discovery[\s\S]*modules\.edge\.interval/,
    );
  });
});

describe('the agent with discovery.file', () => {
  it('polls discovered routers beside static ones and follows the file', async () => {
    const fleet = await SimulatedFleet.start({ count: 3, profile: 'mixed', host: '127.0.0.1', portBase: 0, username: 'admin', password: 'admin' });
    cleanups.push(() => fleet.stop());
    const dir = tempDir();
    const port = (index: number): number => fleet.routers[index]!.port;
    const targets = (indices: number[]): string =>
      JSON.stringify([{ targets: indices.map((index) => `127.0.0.1:${port(index)}`), labels: { module: 'sim', site: 'lab' } }]);
    writeFileSync(join(dir, 'fleet.json'), targets([1]));
    const { config } = load(
      [
        'server: { listen: "127.0.0.1:0" }',
        'discovery: { file: ["*.json"], refresh_interval: 1s }',
        'modules:',
        '  sim: { username: admin, password: "${SIM}", interval: 1s, collectors: { system: true } }',
        'routers:',
        `  - { name: static0, address: "127.0.0.1:${port(0)}", username: admin, password: admin, interval: 1s }`,
      ].join('\n').replace('${SIM}', 'admin'),
      dir,
    );
    const { logger, lines } = captureLogger();
    const agent = await startAgent(config, logger);
    cleanups.push(() => agent.shutdown());
    const names = (): string[] => agent.engine.snapshots().map((snapshot) => snapshot.name);
    expect(names()).toEqual(['static0', `127.0.0.1_${port(1)}`]);
    await agent.engine.whenFirstRoundDone();
    expect(agent.engine.snapshots().find((snapshot) => snapshot.name === `127.0.0.1_${port(1)}`)?.labels).toEqual({ site: 'lab' });

    writeFileSync(join(dir, 'fleet.json'), targets([2]));
    await waitFor('the file change', () => names().includes(`127.0.0.1_${port(2)}`), 10_000);
    expect(names()).toEqual(['static0', `127.0.0.1_${port(2)}`]);

    writeFileSync(join(dir, 'fleet.json'), '[{"targets": [');
    await waitFor('the broken file reported', () => lines.some((line) => line.msg === 'discovery file unusable; its last good targets stay'), 10_000);
    expect(names()).toEqual(['static0', `127.0.0.1_${port(2)}`]);
    const metrics = (await httpRequest(`http://127.0.0.1:${agent.address.port}/metrics`)).body;
    expect(metrics).toMatch(new RegExp(`^mikrotik_agent_discovery_file_valid\\{[^}]*file="${join(dir, 'fleet.json')}"[^}]*\\} 0$`, 'm'));
  });
});

const SYSTEM_ONLY = Object.fromEntries(COLLECTORS.map((collector) => [collector.name, collector.name === 'system']));

describe('discovery churn', () => {
  it('10 % of the targets change every refresh: unchanged routers keep their session (no reconnect, no gap), removed ones vanish at once', async () => {
    const fleet = await SimulatedFleet.start({ count: 39, profile: 'mixed', host: '127.0.0.1', portBase: 0, username: 'admin', password: 'admin' });
    cleanups.push(() => fleet.stop());
    const dir = tempDir();
    const nameOf = (index: number): string => `r${index}`;
    const write = (indices: readonly number[]): void =>
      writeFileSync(
        join(dir, 'fleet.json'),
        JSON.stringify(indices.map((index) => ({ targets: [`127.0.0.1:${fleet.routers[index]!.port}`], labels: { module: 'sim', name: nameOf(index) } }))),
      );
    let current = Array.from({ length: 30 }, (_, index) => index);
    write(current);
    const { config } = load(
      [
        'server: { listen: "127.0.0.1:0" }',
        'discovery: { file: ["fleet.json"], refresh_interval: 1s }',
        // Only the system collector, and a poll deadline (the interval caps it) no loaded machine reaches: a poll cut
        // off drops its session, and the reconnect would read as a session lost to the churn.
        `modules: { sim: { username: admin, password: admin, interval: 5s, collectors: ${JSON.stringify(SYSTEM_ONLY)} } }`,
      ].join('\n'),
      dir,
    );
    const agent = await startAgent(config, captureLogger().logger);
    cleanups.push(() => agent.shutdown());
    await agent.engine.whenFirstRoundDone();
    const names = (): string[] => agent.engine.snapshots().map((snapshot) => snapshot.name);
    const ever = new Set(current);
    for (let step = 0; step < 3; step += 1) {
      // Drop 3, add 3 never seen before (index 30 onwards): 10 % churn.
      const removed = current.slice(step * 3, step * 3 + 3);
      const added = [30 + step * 3, 31 + step * 3, 32 + step * 3];
      current = [...current.filter((index) => !removed.includes(index)), ...added];
      for (const index of added) ever.add(index);
      write(current);
      await waitFor(`churn step ${step}`, () => added.every((index) => names().includes(nameOf(index))), 10_000);
      // Removed: gone from the snapshots in the same update that brought the new ones.
      for (const index of removed) expect(names()).not.toContain(nameOf(index));
    }
    await waitFor('the last added routers polled', () => agent.engine.firstRoundDone && agent.engine.snapshots().every((snapshot) => snapshot.lastSuccessMillis !== undefined), 10_000);
    // Every router kept its one session through every change: none was reconnected by a reload.
    expect([...ever].map((index) => fleet.routers[index]!.stats.logins)).toEqual([...ever].map(() => 1));
    expect(names().sort()).toEqual(current.map(nameOf).sort());
  });
});
