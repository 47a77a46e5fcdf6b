/**
 * DNS SRV discovery against a real DNS server (dnsmasq on a loopback port): the core's DnsSrvWatcher
 * (records become targets, a failed lookup keeps the last good set), the `discovery.dns_srv` keys, and
 * the whole agent polling SRV-discovered routers of a simulated fleet beside a static one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../../../src/agent.js';
import { loadConfig } from '../../../../src/config/load.js';
import { DnsSrvWatcher } from '../../../../src/engine/dns-sd.js';
import type { TargetGroup } from '../../../../src/engine/file-sd.js';
import { discoveryConfig } from '../../../../src/sources/routeros/discovery.js';
import { SimulatedFleet } from '../../../../src/sources/routeros/simulator/fleet.js';
import { httpRequest } from '../../../helpers/processes.js';
import { SECTIONS } from '../../../helpers/sections.js';
import { startDnsmasq, type DnsmasqServer, type SrvRecord } from '../../../helpers/tools.js';
import { captureLogger, waitFor } from '../poller/helpers/engine-fixtures.js';

const SERVICE = '_mikrotik-api._tcp.example.test';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dnsmasq(records: readonly SrvRecord[], port?: number): Promise<DnsmasqServer> {
  const server = await startDnsmasq(records, port);
  cleanups.push(() => server.stop());
  return server;
}

function load(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dns-srv-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return loadConfig({ text, env: {}, cwd: dir, sections: SECTIONS });
}

describe('DnsSrvWatcher', () => {
  it('turns SRV records into targets and keeps the last good ones while the server does not answer', async () => {
    const first = await dnsmasq([
      { name: SERVICE, target: 'r1.example.test', port: 8728 },
      { name: SERVICE, target: '192.0.2.7', port: 9000 },
      { name: '_other._tcp.example.test', target: 'x.example.test', port: 1 },
    ]);
    const changes: string[][] = [];
    const errors: string[] = [];
    const watcher = new DnsSrvWatcher({
      names: [{ name: SERVICE, refreshMillis: 60_000, labels: { module: 'edge' }, server: first.server }],
      onChange: (groups: readonly TargetGroup[]) => changes.push(groups.flatMap((group) => group.targets)),
      onError: (where, message) => errors.push(`${where}: ${message}`),
      timeoutMillis: 500,
    });
    cleanups.push(() => watcher.stop());
    await watcher.check();
    await watcher.check(); // the same answer: no report
    expect(changes).toEqual([['192.0.2.7:9000', 'r1.example.test:8728']]);
    expect(watcher.groups()).toEqual([
      { targets: ['192.0.2.7:9000', 'r1.example.test:8728'], labels: { module: 'edge' }, file: `dns_srv:${SERVICE}`, index: 0 },
    ]);

    await first.stop();
    await watcher.check();
    expect(changes).toHaveLength(1);
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^dns_srv:${SERVICE}: SRV lookup of ${SERVICE} at ${first.server} failed \\(E[A-Z]+\\)$`))]);
    expect(watcher.states()).toEqual([{ file: `dns_srv:${SERVICE}`, ok: false, groups: 1, error: expect.stringContaining('failed') }]);
    expect(watcher.groups()[0]?.targets).toEqual(['192.0.2.7:9000', 'r1.example.test:8728']);

    // The server back with other records (dnsmasq reads them only at start: a new one on the same port).
    await dnsmasq([{ name: SERVICE, target: 'r1.example.test', port: 8728 }], first.port);
    await watcher.check();
    expect(changes).toEqual([['192.0.2.7:9000', 'r1.example.test:8728'], ['r1.example.test:8728']]);
    expect(watcher.states()).toEqual([{ file: `dns_srv:${SERVICE}`, ok: true, groups: 1 }]);
  });

  it('a name the server does not know is a failed lookup, reported and without targets', async () => {
    const server = await dnsmasq([{ name: SERVICE, target: 'r1.example.test', port: 8728 }]);
    const errors: string[] = [];
    const watcher = new DnsSrvWatcher({
      names: [{ name: '_nothing._tcp.example.test', refreshMillis: 60_000, labels: {}, server: server.server }],
      onChange: () => undefined,
      onError: (_where, message) => errors.push(message),
      timeoutMillis: 500,
    });
    await watcher.check();
    expect(errors).toEqual([expect.stringContaining('SRV lookup of _nothing._tcp.example.test')]);
    expect(watcher.groups()).toEqual([]);
  });
});

describe('discovery.dns_srv keys', () => {
  it('reads name, refresh, module and server', () => {
    const { config } = load(`discovery:\n  dns_srv: [{ name: ${SERVICE}, refresh: 5m, module: edge, server: "127.0.0.1:5353" }, { name: _b._tcp.example.test }]\nmodules: { edge: { username: monitor } }\n`);
    expect(discoveryConfig(config).dnsSrv).toEqual([
      { name: SERVICE, refreshMillis: 300_000, module: 'edge', server: '127.0.0.1:5353' },
      { name: '_b._tcp.example.test', refreshMillis: 30_000 },
    ]);
  });

  it('reports every bad entry at its key path', () => {
    expect(() =>
      load('discovery:\n  dns_srv: [{ name: "bad name", refresh: 10ms, server: dns.example.test, extra: 1 }, 7]\n'),
    ).toThrow(/discovery\.dns_srv\[0\]\.extra[\s\S]*discovery\.dns_srv\[0\]\.name: must be a DNS name[\s\S]*discovery\.dns_srv\[0\]\.refresh: must be a duration[\s\S]*discovery\.dns_srv\[0\]\.server: must be an IP address[\s\S]*discovery\.dns_srv\[1\]: must be a mapping/);
    expect(() => load('discovery: { dns_srv: _a._tcp.example.test }\n')).toThrow(/discovery\.dns_srv: must be a list/);
  });
});

describe('the agent with discovery.dns_srv', () => {
  it('polls SRV-discovered routers beside static ones, skips a name conflict, keeps the last good set while DNS is down', async () => {
    const fleet = await SimulatedFleet.start({ count: 4, profile: 'mixed', host: '127.0.0.1', portBase: 0, username: 'admin', password: 'admin' });
    cleanups.push(() => fleet.stop());
    const port = (index: number): number => fleet.routers[index]!.port;
    const records = (indices: number[]): SrvRecord[] => indices.map((index) => ({ name: SERVICE, target: '127.0.0.1', port: port(index) }));
    const dns = await dnsmasq(records([1, 2]));
    const { config } = load(
      [
        'server: { listen: "127.0.0.1:0" }',
        `discovery: { dns_srv: [{ name: ${SERVICE}, refresh: 1s, module: sim, server: "${dns.server}" }] }`,
        'modules: { sim: { username: admin, password: admin, interval: 1s, collectors: { system: true }, labels: { site: lab } } }',
        'routers:',
        // Takes the name the SRV record for router 2 would get: that one target is skipped, the rest is used.
        `  - { name: "127.0.0.1_${port(2)}", address: "127.0.0.1:${port(0)}", username: admin, password: admin, interval: 1s }`,
      ].join('\n'),
    );
    const { logger, lines } = captureLogger();
    const agent = await startAgent(config, logger);
    cleanups.push(() => agent.shutdown());
    const names = (): string[] => agent.engine.snapshots().map((snapshot) => snapshot.name);
    expect(names()).toEqual([`127.0.0.1_${port(2)}`, `127.0.0.1_${port(1)}`]);
    expect(lines.filter((line) => line.msg === 'discovered target skipped').map((line) => [line['target'], line['error']])).toEqual([
      [`127.0.0.1:${port(2)}`, `the name 127.0.0.1_${port(2)} is taken by another router`],
    ]);
    await agent.engine.whenFirstRoundDone();
    const discovered = agent.engine.snapshots().find((snapshot) => snapshot.name === `127.0.0.1_${port(1)}`);
    expect(discovered?.labels).toEqual({ site: 'lab' });
    expect(discovered?.lastSuccessMillis).toBeDefined();

    // DNS down: the discovered router stays and the gauge says the name is unusable.
    await dns.stop();
    await waitFor('the failed lookup reported', () => lines.some((line) => line.msg === 'DNS SRV discovery failed; its last good targets stay'), 10_000);
    expect(names()).toEqual([`127.0.0.1_${port(2)}`, `127.0.0.1_${port(1)}`]);
    const metrics = (await httpRequest(`http://127.0.0.1:${agent.address.port}/metrics`)).body;
    expect(metrics).toMatch(new RegExp(`^mikrotik_agent_discovery_file_valid\\{[^}]*file="dns_srv:${SERVICE}"[^}]*\\} 0$`, 'm'));

    // DNS back with router 3 instead of router 1: the set follows on the next refresh.
    await dnsmasq(records([3]), dns.port);
    await waitFor('the new SRV set applied', () => names().includes(`127.0.0.1_${port(3)}`), 10_000);
    expect(names()).toEqual([`127.0.0.1_${port(2)}`, `127.0.0.1_${port(3)}`]);
    const after = (await httpRequest(`http://127.0.0.1:${agent.address.port}/metrics`)).body;
    expect(after).toMatch(new RegExp(`^mikrotik_agent_discovery_file_valid\\{[^}]*file="dns_srv:${SERVICE}"[^}]*\\} 1$`, 'm'));
    expect(after).toContain(`router="127.0.0.1_${port(3)}"`);
    expect(after).not.toContain(`router="127.0.0.1_${port(1)}"`);
  });
});
