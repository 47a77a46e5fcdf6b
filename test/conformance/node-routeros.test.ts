/**
 * Conformance: node-routeros 1.6.9 (a client written against real routers, not by us) against the
 * simulator (RouterOS API manual, https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API). If the simulator and our own client shared a misreading of the
 * protocol, this third-party implementation would disagree.
 *
 * node-routeros cannot handle `!empty` (RouterOS 7.18+): it throws from inside its socket handler
 * (node-red-contrib-mikrotik #95). One test asserts exactly that known failure, in a child process,
 * which also proves the simulator sends `!empty` the way RouterOS 7.18+ does.
 */
import { fileURLToPath } from 'node:url';
import { RouterOSAPI } from 'node-routeros';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import type { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';
import { runJsonChild } from './helpers/child.js';
import { PASSWORD, ProcessErrorWatcher, SimulatorHarness, sleep, USERNAME } from './helpers/simulator.js';

const harness = new SimulatorHarness();
const processErrors = new ProcessErrorWatcher();
const apis: RouterOSAPI[] = [];
/** 'error' events node-routeros emitted (none expected in these scenarios). */
const errorEvents: string[] = [];

beforeAll(() => processErrors.install());
afterEach(async () => {
  for (const api of apis.splice(0)) {
    if (api.connected) await api.close();
  }
  await harness.dispose();
  await sleep(20);
  expect(processErrors.events).toEqual([]);
  expect(errorEvents.splice(0)).toEqual([]);
});
afterAll(() => {
  processErrors.uninstall();
  expect(processErrors.events).toEqual([]);
});

/** A connected node-routeros session; the 'error' listener goes on before connect(), always. */
async function connectApi(router: SimulatedRouter, password = PASSWORD): Promise<RouterOSAPI> {
  const api = new RouterOSAPI({ host: '127.0.0.1', port: router.port, user: USERNAME, password, timeout: 5, keepalive: false });
  api.on('error', (error: unknown) => errorEvents.push(String(error instanceof Error ? error.message : error)));
  apis.push(api);
  await api.connect();
  return api;
}

function profileRows(profileId: string, menu: string, keys: string[], keep: (row: Record<string, string>) => boolean) {
  const rows = PROFILES[profileId]?.menus[menu]?.rows ?? [];
  return rows.filter(keep).map((row) => Object.fromEntries(keys.map((key) => [key, row[key]])));
}

describe('node-routeros 1.6.9 against the simulator', () => {
  it('logs in with plaintext (7.16 and 6.49)', async () => {
    for (const profileId of ['hex-v7', 'hap-ac2-v6']) {
      const router = await harness.router(profileId, { name: `nr-${profileId}` });
      const api = await connectApi(router);
      expect(await api.write('/system/identity/print')).toEqual([{ name: `nr-${profileId}` }]);
      expect(router.stats).toMatchObject({ logins: 1, failedLogins: 0 });
    }
  });

  it('logs in with the legacy challenge (6.40 has no plaintext login)', async () => {
    const router = await harness.router('rb750-v6-legacy', { name: 'nr-legacy' });
    const api = await connectApi(router);
    expect(await api.write('/system/resource/print', ['=.proplist=version'])).toEqual([{ version: '6.40.9 (bugfix)' }]);
    expect(router.stats).toMatchObject({ logins: 1, failedLogins: 0 });
  });

  it('recognises the bad-credentials trap of both login styles', async () => {
    for (const profileId of ['hex-v7', 'rb750-v6-legacy']) {
      const router = await harness.router(profileId);
      const api = new RouterOSAPI({ host: '127.0.0.1', port: router.port, user: USERNAME, password: 'nope', timeout: 5 });
      api.on('error', (error: unknown) => errorEvents.push(String(error)));
      // node-routeros maps `invalid user name or password (6)` and `cannot log in` to its CANTLOGIN text.
      await expect(api.connect()).rejects.toThrow(/Username or password is invalid/);
      expect(router.stats.failedLogins).toBe(1);
    }
  });

  it('prints with =.proplist= and a ?type=ether query', async () => {
    const router = await harness.router('hex-v7');
    const api = await connectApi(router);
    const ethers = await api.write('/interface/print', ['=.proplist=name,type', '?type=ether']);
    expect(ethers).toEqual(profileRows('hex-v7', '/interface', ['name', 'type'], (row) => row['type'] === 'ether'));
    expect(ethers).toHaveLength(5);
    // Query stack with an operation word, as node-routeros passes words through verbatim.
    const etherOrVlan = await api.write('/interface/print', ['=.proplist=name', '?type=ether', '?type=vlan', '?#|']);
    expect(etherOrVlan).toEqual(
      profileRows('hex-v7', '/interface', ['name'], (row) => row['type'] === 'ether' || row['type'] === 'vlan'),
    );
  });

  it('gets =count-only= as the !done attributes ([{ ret }])', async () => {
    const router = await harness.router('hex-v7');
    const api = await connectApi(router);
    expect(await api.write('/interface/print', ['=count-only=', '?type=ether'])).toEqual([{ ret: '5' }]);
    expect(await api.write('/interface/print', ['=count-only='])).toEqual([{ ret: '10' }]);
  });

  it('rejects with the trap text for an unknown path and a missing menu, and stays usable', async () => {
    const router = await harness.router('hex-v7', { name: 'nr-hex' });
    const api = await connectApi(router);
    await expect(api.write('/ip/adress/print')).rejects.toThrow('no such command or directory (adress)');
    await expect(api.write('/interface/lte/print')).rejects.toThrow('no such command prefix');
    expect(await api.write('/system/identity/print')).toEqual([{ name: 'nr-hex' }]);
  });

  it('runs concurrent tagged writes on one connection', async () => {
    const router = await harness.router('ccr2004-v7');
    const api = await connectApi(router);
    const vlans = profileRows('ccr2004-v7', '/interface', ['name'], (row) => row['type'] === 'vlan').map((row) => row['name']);
    const results = await Promise.all(
      vlans.map((name) => api.write('/interface/print', ['=.proplist=name,type', `?name=${name}`])),
    );
    expect(results).toEqual(vlans.map((name) => [{ name, type: 'vlan' }]));
    const counts = await Promise.all([
      api.write('/interface/print', ['=count-only=', '?type=vlan']),
      api.write('/interface/ethernet/monitor', ['=numbers=ether1,ether2', '=once=']),
      api.write('/system/identity/print'),
    ]);
    expect(counts[0]).toEqual([{ ret: String(vlans.length) }]);
    expect(counts[1].map((row) => row['name'])).toEqual(['ether1', 'ether2']);
    expect(counts[2]).toEqual([{ name: router.name }]);
  });

  it('streams a monitor and stops it with /cancel =tag=', async () => {
    const router = await harness.router('hex-v7', { name: 'nr-hex' });
    const api = await connectApi(router);
    const packets: Array<Record<string, string>> = [];
    const streamErrors: string[] = [];
    const stream = api.stream(
      ['/interface/ethernet/monitor', '=numbers=ether1', '=interval=100ms'],
      (error: Error | null, packet: Record<string, string> | Array<Record<string, string>> | null) => {
        if (error) streamErrors.push(error.message);
        else if (packet && !Array.isArray(packet)) packets.push(packet);
      },
    );
    const start = Date.now();
    while (packets.length < 3 && Date.now() - start < 2_000) await sleep(20);
    expect(packets.length).toBeGreaterThanOrEqual(3);
    expect(packets[0]).toMatchObject({ name: 'ether1', status: 'link-ok' });
    const commandsBeforeStop = router.stats.commands;
    // stop() sends `/cancel =tag=<stream tag>` and resolves on the cancel's !done.
    await stream.stop();
    expect(router.stats.commands).toBe(commandsBeforeStop + 1);
    const afterStop = packets.length;
    await sleep(350);
    expect(packets.length).toBe(afterStop);
    expect(streamErrors).toEqual([]);
    expect(await api.write('/system/identity/print')).toEqual([{ name: 'nr-hex' }]);
  });

  it('KNOWN FAILURE: !empty (7.18+) throws UNKNOWNREPLY inside node-routeros and wedges the connection', async () => {
    const script = fileURLToPath(new URL('./fixtures/node-routeros-empty.cjs', import.meta.url));
    const run = (router: SimulatedRouter, ...command: string[]) =>
      runJsonChild<EmptyOutcome>({
        command: process.execPath,
        args: [script, String(router.port), USERNAME, PASSWORD, ...command],
        timeoutMillis: 8_000,
      });

    const hex = await harness.router('hex-v7', { name: 'nr-hex' });
    const chr = await harness.router('chr-v7-18', { name: 'nr-chr' });
    const [control, ...broken] = await Promise.all([
      // Control: the same empty print on 7.16 (no !empty) works in node-routeros.
      run(hex, '/interface/print', '?type=nothing-like-this'),
      run(chr, '/system/health/print'),
      run(chr, '/interface/print', '?type=nothing-like-this'),
    ]);
    expect(control!.exitCode).toBe(0);
    expect(control!.json).toEqual({
      uncaught: [],
      errorEvents: [],
      before: [{ name: 'nr-hex' }],
      emptyWrite: { state: 'resolved', rows: [] },
      afterWrite: { state: 'resolved', rows: [{ name: 'nr-hex' }] },
    });
    // 7.19: the simulator answers `!empty` + `!done`; node-routeros throws from its data handler,
    // never settles the write, and its reply pipe stays stuck for every later command.
    for (const result of broken) {
      expect(result.exitCode).toBe(0);
      expect(result.json).toEqual({
        uncaught: [{ name: 'RosException', errno: 'UNKNOWNREPLY', message: 'Tried to process unknown reply: !empty' }],
        errorEvents: [],
        before: [{ name: 'nr-chr' }],
        emptyWrite: 'pending',
        afterWrite: 'pending',
      });
    }
  });
});

interface EmptyOutcome {
  uncaught: Array<{ name?: string; errno?: string; message: string }>;
  errorEvents: string[];
  before: unknown;
  emptyWrite: unknown;
  afterWrite: unknown;
  failed?: string;
}
