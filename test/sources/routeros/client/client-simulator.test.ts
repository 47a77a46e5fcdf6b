/**
 * The production client against the simulator over real loopback sockets: every client feature, and
 * every simulator fault mode with the typed error it must produce. Each fault test also checks that
 * the failure stays contained: a bystander connection to a second router keeps working while the
 * fault happens, and a sibling connection to the faulty router survives where the fault allows it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import {
  AuthenticationError,
  ConnectionLostError,
  FatalError,
  ProtocolError,
  TimeoutError,
  TrapError,
} from '../../../../src/sources/routeros/client/errors.js';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { SimulatedFleet } from '../../../../src/sources/routeros/simulator/fleet.js';
import { PROFILES } from '../../../../src/sources/routeros/simulator/profiles.js';
import type { SimulatedRouter } from '../../../../src/sources/routeros/simulator/router.js';
import {
  clientOptions,
  eventually,
  PASSWORD,
  ProcessErrorWatcher,
  rejectionOf,
  SimulatorHarness,
  sleep,
} from '../../../conformance/helpers/simulator.js';

/** Profile ids in `mixed` order. */
const PROFILE_IDS = Object.keys(PROFILES);
const harness = new SimulatorHarness();
const processErrors = new ProcessErrorWatcher();

beforeAll(() => processErrors.install());
afterEach(async () => {
  await harness.dispose();
  // Let late socket events of the test run before looking for escaped errors.
  await sleep(20);
  expect(processErrors.events).toEqual([]);
});
afterAll(() => {
  processErrors.uninstall();
  expect(processErrors.events).toEqual([]);
});

/** Rows of a profile menu reduced to `keys`, as the simulator should answer with `.proplist`. */
function profileRows(profileId: string, menu: string, keys: string[], keep: (row: Row) => boolean = () => true): Row[] {
  const rows = PROFILES[profileId]?.menus[menu]?.rows;
  if (!rows) throw new Error(`profile ${profileId} has no ${menu}`);
  return rows.filter(keep).map((row) => Object.fromEntries(keys.filter((key) => row[key] !== undefined).map((key) => [key, row[key]!])));
}

async function identityOf(client: RouterOsClient): Promise<string | undefined> {
  const rows = await client.print('/system/identity', { proplist: ['name'] });
  return rows[0]?.['name'];
}

describe('RouterOsClient against SimulatedRouter: features', () => {
  it('logs in with plaintext on 6.43+ profiles (v7 and v6.49)', async () => {
    for (const profileId of ['hex-v7', 'hap-ac2-v6']) {
      const router = await harness.router(profileId, { name: `plain-${profileId}` });
      const client = await harness.client(router);
      expect(client.isOpen).toBe(true);
      expect(await identityOf(client)).toBe(`plain-${profileId}`);
      expect(router.stats).toMatchObject({ logins: 1, failedLogins: 0 });
    }
  });

  it('logs in with the legacy MD5 challenge on the pre-6.43 profile', async () => {
    const router = await harness.router('rb750-v6-legacy', { name: 'legacy' });
    // 6.40 has no plaintext login: success here means the client answered the challenge correctly.
    const client = await harness.client(router);
    expect(await identityOf(client)).toBe('legacy');
    const [resource] = await client.print('/system/resource', { proplist: ['version'] });
    expect(resource).toEqual({ version: '6.40.9 (bugfix)' });
    expect(router.stats).toMatchObject({ logins: 1, failedLogins: 0 });
  });

  it('rejects bad credentials with AuthenticationError (v7 text and legacy text), without the password', async () => {
    const modern = await harness.router('hex-v7');
    const legacy = await harness.router('rb750-v6-legacy');
    const wrong = 'wrong-secret-123';
    const modernError = await rejectionOf(RouterOsClient.connect(clientOptions(modern, { password: wrong })));
    expect(modernError).toBeInstanceOf(AuthenticationError);
    expect(modernError.message).toMatch(/invalid user name or password \(6\)/);
    const legacyError = await rejectionOf(RouterOsClient.connect(clientOptions(legacy, { password: wrong })));
    expect(legacyError).toBeInstanceOf(AuthenticationError);
    expect(legacyError.message).toMatch(/cannot log in/);
    for (const error of [modernError, legacyError]) {
      expect(error.message).not.toContain(wrong);
      expect(error.message).not.toContain(PASSWORD);
    }
    expect(modern.stats.failedLogins).toBe(1);
    expect(legacy.stats.failedLogins).toBe(1);
    // The client hangs up after a refused login (the simulator itself would accept a retry).
    await eventually(() => expect(modern.connectionCount + legacy.connectionCount).toBe(0));
  });

  it('prints with .proplist and queries (plain, OR, negation, comparison)', async () => {
    const router = await harness.router('hex-v7');
    const client = await harness.client(router);
    const ethers = await client.print('/interface', { proplist: ['name', 'type'], query: ['type=ether'] });
    expect(ethers).toEqual(profileRows('hex-v7', '/interface', ['name', 'type'], (row) => row['type'] === 'ether'));
    expect(ethers.length).toBe(5);

    const etherOrVlan = await client.print('/interface', { proplist: ['name'], query: ['type=ether', 'type=vlan', '#|'] });
    expect(etherOrVlan).toEqual(profileRows('hex-v7', '/interface', ['name'], (row) => row['type'] === 'ether' || row['type'] === 'vlan'));

    const notEther = await client.print('/interface', { proplist: ['name'], query: ['type=ether', '#!'] });
    expect(notEther).toEqual(profileRows('hex-v7', '/interface', ['name'], (row) => row['type'] !== 'ether'));

    // `>`: numeric when both sides are numbers (65536 > 1500), string order otherwise ('auto' > '1500').
    const bigMtu = await client.print('/interface', { proplist: ['name', 'mtu'], query: ['>mtu=1500'] });
    const greater = (value: string | undefined): boolean =>
      value !== undefined && (/^\d+$/.test(value) ? Number(value) > 1500 : value > '1500');
    expect(bigMtu).toEqual(profileRows('hex-v7', '/interface', ['name', 'mtu'], (row) => greater(row['mtu'])));
    expect(bigMtu.map((row) => row['name'])).toContain('lo');

    // Without a proplist every property comes back, `.id` included.
    const all = await client.print('/interface', { query: ['name=ether1'] });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ '.id': expect.stringMatching(/^\*[0-9A-F]+$/), name: 'ether1', type: 'ether' });
  });

  it('counts with =count-only= (with and without a query)', async () => {
    const router = await harness.router('hex-v7');
    const client = await harness.client(router);
    expect(await client.count('/interface')).toBe(profileRows('hex-v7', '/interface', ['name']).length);
    expect(await client.count('/interface', { query: ['type=vlan'] })).toBe(3);
    expect(await client.count('/interface', { query: ['type=nothing-like-this'] })).toBe(0);
  });

  it('counts every reply sentence it receives, whether the router still answers at all', async () => {
    const router = await harness.router('hex-v7');
    const client = await harness.client(router);
    const before = client.repliesReceived;
    const rows = await client.print('/interface', { proplist: ['name'] });
    // One !re per row and the !done.
    expect(client.repliesReceived - before).toBe(rows.length + 1);
  });

  it('treats !empty on the 7.18+ profile as no rows and keeps the connection usable', async () => {
    const router = await harness.router('chr-v7-18', { name: 'chr' });
    const client = await harness.client(router);
    expect(await client.print('/system/health')).toEqual([]);
    expect(await client.print('/interface', { proplist: ['name'], query: ['type=vlan'] })).toEqual([]);
    expect(await client.count('/system/health')).toBe(0);
    // !empty is a known reply word, not an ignored one; and the following !done was matched.
    expect(client.ignoredReplies).toBe(0);
    expect(client.pendingCommands).toBe(0);
    expect(client.isOpen).toBe(true);
    expect(await identityOf(client)).toBe('chr');
  });

  it('maps a missing menu or unknown path to TrapError.isMissingFeature and stays usable', async () => {
    const router = await harness.router('hex-v7', { name: 'hex' });
    const client = await harness.client(router);
    const prefix = await rejectionOf(client.print('/interface/lte'));
    expect(prefix).toBeInstanceOf(TrapError);
    expect(prefix.message).toBe('no such command prefix');
    expect((prefix as TrapError).isMissingFeature).toBe(true);

    const unknown = await rejectionOf(client.print('/ip/adress'));
    expect(unknown).toBeInstanceOf(TrapError);
    expect(unknown.message).toBe('no such command or directory (adress)');
    expect((unknown as TrapError).category).toBe(0);
    expect((unknown as TrapError).isMissingFeature).toBe(true);

    // A bad monitor argument is a trap too, but not a missing feature.
    const badItem = await rejectionOf(client.execute('/interface/ethernet/monitor', { numbers: 'ether99', once: '' }));
    expect(badItem).toBeInstanceOf(TrapError);
    expect((badItem as TrapError).category).toBe(1);
    expect((badItem as TrapError).isMissingFeature).toBe(false);

    expect(client.isOpen).toBe(true);
    expect(await identityOf(client)).toBe('hex');
  });

  it('runs a monitor with once via execute', async () => {
    const router = await harness.router('hex-v7');
    const client = await harness.client(router);
    const rows = await client.execute('/interface/ethernet/monitor', { numbers: 'ether1,ether2', once: '' });
    expect(rows.map((row) => row['name'])).toEqual(['ether1', 'ether2']);
    expect(rows[0]).toMatchObject({ status: 'link-ok' });
    const proplisted = await client.execute('/interface/ethernet/monitor', { numbers: 'ether3', once: '' }, { proplist: ['name', 'status'] });
    expect(proplisted).toEqual([{ name: 'ether3', status: expect.any(String) }]);
  });

  it('carries many concurrent commands on one connection and routes every reply to its command', async () => {
    const router = await harness.router('ccr2004-v7');
    const client = await harness.client(router);
    const vlans = profileRows('ccr2004-v7', '/interface', ['name'], (row) => row['type'] === 'vlan').map((row) => row['name']!);
    expect(vlans.length).toBeGreaterThan(40);
    type Outcome = { index: number; rows: Row[] } | { index: number; count: number };
    const work: Array<Promise<Outcome>> = vlans.flatMap((name, index) => [
      client.print('/interface', { proplist: ['name', 'type'], query: [`name=${name}`] }).then((rows) => ({ index, rows })),
      client.count('/interface', { query: [`name=${name}`] }).then((count) => ({ index, count })),
    ]);
    work.push(client.execute('/interface/ethernet/monitor', { numbers: 'ether1', once: '' }).then((rows) => ({ index: -1, rows })));
    expect(client.pendingCommands).toBe(work.length);
    const results = await Promise.all(work);
    for (const result of results) {
      if (result.index < 0) {
        expect('rows' in result ? result.rows.map((row) => row['name']) : result).toEqual(['ether1']);
      } else if ('rows' in result) {
        expect(result.rows).toEqual([{ name: vlans[result.index], type: 'vlan' }]);
      } else {
        expect(result.count).toBe(1);
      }
    }
    expect(client.pendingCommands).toBe(0);
    expect(client.ignoredReplies).toBe(0);
    expect(router.stats.commands).toBe(work.length);
  });

  it('sends /cancel when a streaming command hits its deadline; the stream stops and the connection stays usable', async () => {
    const router = await harness.router('hex-v7', { name: 'hex' });
    const client = await harness.client(router);
    const started = Date.now();
    // Without `once` the monitor streams forever, so only the deadline can end it.
    const error = await rejectionOf(
      client.execute('/interface/ethernet/monitor', { numbers: 'ether1', interval: '100ms' }, { timeoutMillis: 250 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/timed out after 250 ms/);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expectStreamStopped(client);
    expect(client.isOpen).toBe(true);
    expect(await identityOf(client)).toBe('hex');
    // The monitor and the /cancel, plus the identity print.
    expect(router.stats.commands).toBe(3);
  });

  it('sends /cancel when a command is aborted; the connection stays usable', async () => {
    const router = await harness.router('hex-v7', { name: 'hex' });
    const client = await harness.client(router);
    const controller = new AbortController();
    const monitor = client.execute('/interface/ethernet/monitor', { numbers: 'ether1,ether2', interval: '100ms' }, {
      signal: controller.signal,
      timeoutMillis: Infinity,
    });
    await sleep(150);
    controller.abort(new Error('operator gave up'));
    const error = await rejectionOf(monitor);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/aborted/);
    await expectStreamStopped(client);
    expect(await identityOf(client)).toBe('hex');
    expect(client.pendingCommands).toBe(0);
  });

  it('idle probe: answered on a healthy router, closes the connection when the router goes silent', async () => {
    const router = await harness.router('hex-v7', { name: 'hex' });
    const client = await harness.client(router, { idleProbeMillis: 150, commandTimeoutMillis: 200 });
    await sleep(400);
    // At least one `/system/identity/print` probe went out and was answered.
    expect(router.stats.commands).toBeGreaterThanOrEqual(1);
    expect(client.isOpen).toBe(true);
    router.setFault({ kind: 'hang-after-login' });
    const cause = await client.closed;
    expect(cause).toBeInstanceOf(ConnectionLostError);
    expect(cause?.message).toMatch(/did not answer the idle probe/);
  });

  it('close(): in-flight commands reject, /quit reaches the router, the router drops the session', async () => {
    const router = await harness.router('hex-v7');
    const client = await RouterOsClient.connect(clientOptions(router));
    const streaming = rejectionOf(client.execute('/interface/ethernet/monitor', { numbers: 'ether1' }, { timeoutMillis: Infinity }));
    await sleep(30);
    const commandsBefore = router.stats.commands;
    await client.close();
    expect(await streaming).toBeInstanceOf(ConnectionLostError);
    expect(await client.closed).toBeUndefined();
    await client.close();
    await eventually(() => expect(router.connectionCount).toBe(0));
    // The best-effort /quit was read by the router before the socket went away.
    expect(router.stats.commands).toBe(commandsBefore + 1);
  });

  it('talks to every router of a mixed SimulatedFleet on its own port', async () => {
    const fleet = await SimulatedFleet.start({ count: PROFILE_IDS.length, profile: 'mixed', password: PASSWORD });
    const clients: RouterOsClient[] = [];
    try {
      expect(new Set(fleet.routers.map((router) => router.port)).size).toBe(PROFILE_IDS.length);
      for (const router of fleet.routers) clients.push(await RouterOsClient.connect(clientOptions(router)));
      const answers = await Promise.all(
        clients.map(async (client) => ({
          name: await identityOf(client),
          version: (await client.print('/system/resource', { proplist: ['version'] }))[0]?.['version'],
        })),
      );
      expect(answers).toEqual(
        fleet.routers.map((router, index) => ({
          name: router.name,
          version: PROFILES[PROFILE_IDS[index]!]!.version,
        })),
      );
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await fleet.stop();
    }
  });

  it('sees a reboot: connections dropped, counters and uptime from zero', async () => {
    let now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const router = await harness.router('hex-v7', { clock: () => now });
    const before = await harness.client(router);
    now += 3_600_000;
    const trafficBefore = await rxBytes(before);
    expect(trafficBefore.get('ether1')).toBeGreaterThan(0n);
    const [resourceBefore] = await before.print('/system/resource', { proplist: ['uptime'] });

    router.reboot();
    const cause = await before.closed;
    expect(cause).toBeInstanceOf(ConnectionLostError);
    expect(before.isOpen).toBe(false);
    expect(await rejectionOf(before.print('/interface'))).toBeInstanceOf(ConnectionLostError);

    const after = await harness.client(router);
    const [resourceAfter] = await after.print('/system/resource', { proplist: ['uptime'] });
    expect(resourceAfter).toEqual({ uptime: '0s' });
    expect(resourceBefore?.['uptime']).not.toBe('0s');
    const trafficAfterBoot = await rxBytes(after);
    for (const value of trafficAfterBoot.values()) expect(value).toBe(0n);
    now += 10_000;
    const trafficLater = await rxBytes(after);
    expect(trafficLater.get('ether1')).toBeGreaterThan(0n);
    expect(trafficLater.get('ether1')).toBeLessThan(trafficBefore.get('ether1')!);
    expect((await after.print('/system/resource', { proplist: ['uptime'] }))[0]).toEqual({ uptime: '10s' });
  });

  it('sees interfaces added and removed at run time, on an open connection', async () => {
    const router = await harness.router('hex-v7');
    const client = await harness.client(router);
    const initial = await client.count('/interface');
    router.addInterface({ name: 'ether6', type: 'ether', mtu: '1500', running: 'true', disabled: 'false' });
    router.addInterface({ name: 'vlan99', type: 'vlan', mtu: '1500', running: 'true', disabled: 'false' });
    expect(await client.count('/interface')).toBe(initial + 2);
    const added = await client.print('/interface', { proplist: ['.id', 'name', 'type'], query: ['name=vlan99'] });
    expect(added).toEqual([{ '.id': expect.stringMatching(/^\*[0-9A-F]+$/), name: 'vlan99', type: 'vlan' }]);
    const monitor = await client.execute('/interface/ethernet/monitor', { numbers: 'ether6', once: '' });
    expect(monitor.map((row) => row['name'])).toEqual(['ether6']);

    router.removeInterface('vlan99');
    router.removeInterface('ether6');
    expect(await client.count('/interface')).toBe(initial);
    expect(await client.print('/interface', { proplist: ['name'], query: ['name=vlan99'] })).toEqual([]);
    const gone = await rejectionOf(client.execute('/interface/ethernet/monitor', { numbers: 'ether6', once: '' }));
    expect(gone).toBeInstanceOf(TrapError);
    expect(client.isOpen).toBe(true);
  });
});

/** After a cancel, no more stream replies arrive (the simulator really stopped the command). */
async function expectStreamStopped(client: RouterOsClient): Promise<void> {
  // The cancel's own replies (trap + !done for the tag, untagged !done) land shortly after.
  await sleep(80);
  const ignored = client.ignoredReplies;
  expect(ignored).toBeGreaterThan(0);
  // Three stream intervals: a live stream would have sent more (ignored) rows by now.
  await sleep(350);
  expect(client.ignoredReplies).toBe(ignored);
}

async function rxBytes(client: RouterOsClient): Promise<Map<string, bigint>> {
  const rows = await client.print('/interface', { proplist: ['name', 'rx-byte'], query: ['type=ether'] });
  return new Map(rows.map((row) => [row['name']!, BigInt(row['rx-byte']!)]));
}

interface Scene {
  /** The router that gets the fault. */
  target: SimulatedRouter;
  /** A second connection to `target`, logged in before the fault. */
  sibling: RouterOsClient;
  /** A router without faults and a connection to it. */
  other: SimulatedRouter;
  bystander: RouterOsClient;
}

async function scene(profileId = 'hex-v7'): Promise<Scene> {
  const target = await harness.router(profileId, { name: 'target' });
  const other = await harness.router('hex-v7', { name: 'other' });
  const sibling = await harness.client(target);
  const bystander = await harness.client(other);
  return { target, sibling, other, bystander };
}

/** Runs `during` while the bystander works concurrently, then checks the bystander is untouched. */
async function withBystander<T>(s: Scene, during: () => Promise<T>): Promise<T> {
  const busy = Promise.all([
    s.bystander.print('/interface', { proplist: ['name'], query: ['type=ether'] }),
    s.bystander.count('/interface'),
    identityOf(s.bystander),
  ]);
  const result = await during();
  const [ethers, count, name] = await busy;
  expect(ethers).toHaveLength(5);
  expect(count).toBe(10);
  expect(name).toBe('other');
  expect(await identityOf(s.bystander)).toBe('other');
  expect(s.bystander.isOpen).toBe(true);
  expect(s.other.connectionCount).toBe(1);
  return result;
}

/** Clears the fault and checks the sibling connection to the faulty router works again. */
async function expectSiblingRecovers(s: Scene): Promise<void> {
  s.target.setFault(undefined);
  await s.target.settled();
  expect(s.sibling.isOpen).toBe(true);
  expect(await identityOf(s.sibling)).toBe('target');
}

describe('RouterOsClient against SimulatedRouter: fault modes', () => {
  it('latency: slow but successful within the deadline', async () => {
    const s = await scene();
    s.target.setFault({ kind: 'latency', millis: 400 });
    await withBystander(s, async () => {
      const bystanderStart = Date.now();
      const bystanderDone = identityOf(s.bystander).then(() => Date.now() - bystanderStart);
      const started = Date.now();
      const rows = await s.sibling.print('/interface', { proplist: ['name'], query: ['type=ether'] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      expect(rows).toHaveLength(5);
      // The other router is not slowed down.
      expect(await bystanderDone).toBeLessThan(300);
      // Login is delayed too, but succeeds within the connect deadline.
      const loginStart = Date.now();
      const fresh = await harness.client(s.target);
      expect(Date.now() - loginStart).toBeGreaterThanOrEqual(390);
      expect(fresh.isOpen).toBe(true);
    });
    await expectSiblingRecovers(s);
  });

  it('latency: a command past its deadline rejects with TimeoutError; late replies are ignored', async () => {
    const s = await scene();
    s.target.setFault({ kind: 'latency', millis: 500 });
    await withBystander(s, async () => {
      const started = Date.now();
      const error = await rejectionOf(s.sibling.print('/interface', { proplist: ['name'], timeoutMillis: 100 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(450);
      expect(s.sibling.isOpen).toBe(true);
    });
    await expectSiblingRecovers(s);
    // The delayed reply of the timed-out print (and the /cancel's) still arrive; none leaks into a command.
    await sleep(700);
    expect(s.sibling.ignoredReplies).toBeGreaterThan(0);
    expect(await s.sibling.count('/interface')).toBe(10);
    expect(s.sibling.pendingCommands).toBe(0);
  });

  it('hang-before-login: connect rejects with TimeoutError at the connect deadline', async () => {
    const s = await scene();
    s.target.setFault({ kind: 'hang-before-login' });
    await withBystander(s, async () => {
      const started = Date.now();
      const error = await rejectionOf(RouterOsClient.connect(clientOptions(s.target, { connectTimeoutMillis: 300 })));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toMatch(/timed out after 300 ms/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      // The fault silences the whole router, the already logged-in sibling included.
      expect(await rejectionOf(s.sibling.print('/interface', { timeoutMillis: 150 }))).toBeInstanceOf(TimeoutError);
    });
    await expectSiblingRecovers(s);
    // The timed-out connect left nothing behind on the router.
    await sleep(50);
    expect(s.target.connectionCount).toBe(1);
  });

  it('hang-after-login: login works, the command rejects with TimeoutError, the connection survives', async () => {
    const s = await scene();
    s.target.setFault({ kind: 'hang-after-login' });
    const victim = await withBystander(s, async () => {
      const client = await harness.client(s.target);
      const error = await rejectionOf(client.print('/interface', { timeoutMillis: 200 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toMatch(/timed out after 200 ms/);
      expect(client.isOpen).toBe(true);
      return client;
    });
    await expectSiblingRecovers(s);
    expect(await identityOf(victim)).toBe('target');
  });

  it('drop-mid-reply: ConnectionLostError for every command in flight; the sibling is untouched', async () => {
    const s = await scene();
    const victim = await harness.client(s.target);
    s.target.setFault({ kind: 'drop-mid-reply' });
    await withBystander(s, async () => {
      const first = rejectionOf(victim.print('/interface'));
      const second = rejectionOf(victim.count('/interface'));
      expect(await first).toBeInstanceOf(ConnectionLostError);
      expect(await second).toBeInstanceOf(ConnectionLostError);
      expect(await victim.closed).toBeInstanceOf(ConnectionLostError);
      expect(victim.isOpen).toBe(false);
    });
    expect(s.sibling.isOpen).toBe(true);
    await expectSiblingRecovers(s);
  });

  it('garbage: ProtocolError, only that connection closes', async () => {
    const s = await scene();
    const victim = await harness.client(s.target);
    s.target.setFault({ kind: 'garbage' });
    await withBystander(s, async () => {
      const error = await rejectionOf(victim.print('/interface'));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(await victim.closed).toBe(error);
    });
    expect(s.sibling.isOpen).toBe(true);
    await expectSiblingRecovers(s);
  });

  it('fatal: FatalError with the reason for every command in flight; the sibling is untouched', async () => {
    const s = await scene();
    const victim = await harness.client(s.target);
    s.target.setFault({ kind: 'fatal' });
    await withBystander(s, async () => {
      const errors = await Promise.all([rejectionOf(victim.print('/interface')), rejectionOf(victim.count('/interface'))]);
      for (const error of errors) {
        expect(error).toBeInstanceOf(FatalError);
        expect((error as FatalError).reason).toBe('session terminated by simulated fault');
      }
      expect(await victim.closed).toBeInstanceOf(FatalError);
    });
    expect(s.sibling.isOpen).toBe(true);
    await expectSiblingRecovers(s);
  });

  it('auth-failure: AuthenticationError for new logins while logged-in connections keep working', async () => {
    const s = await scene();
    s.target.setFault({ kind: 'auth-failure' });
    await withBystander(s, async () => {
      const error = await rejectionOf(RouterOsClient.connect(clientOptions(s.target)));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(/invalid user name or password \(6\)/);
      expect(error.message).not.toContain(PASSWORD);
      // The fault is about logins only.
      expect(await identityOf(s.sibling)).toBe('target');
    });
    expect(s.target.stats.failedLogins).toBe(1);
    await expectSiblingRecovers(s);
    expect((await harness.client(s.target)).isOpen).toBe(true);
  });

  it('auth-failure on the legacy profile: AuthenticationError with the old text', async () => {
    const s = await scene('rb750-v6-legacy');
    s.target.setFault({ kind: 'auth-failure' });
    await withBystander(s, async () => {
      const error = await rejectionOf(RouterOsClient.connect(clientOptions(s.target)));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(/cannot log in/);
    });
    await expectSiblingRecovers(s);
  });

  it('oversize-word: ProtocolError without waiting for 256 MiB; only that connection closes', async () => {
    const s = await scene();
    const victim = await harness.client(s.target);
    s.target.setFault({ kind: 'oversize-word' });
    await withBystander(s, async () => {
      const started = Date.now();
      const error = await rejectionOf(victim.print('/interface'));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(victim.isOpen).toBe(false);
    });
    expect(s.sibling.isOpen).toBe(true);
    await expectSiblingRecovers(s);
  });

  it('refuse: open connections end and new ones are refused with ConnectionLostError, until cleared', async () => {
    const s = await scene();
    await withBystander(s, async () => {
      const inFlight = rejectionOf(s.sibling.execute('/interface/ethernet/monitor', { numbers: 'ether1' }, { timeoutMillis: Infinity }));
      await sleep(50);
      s.target.setFault({ kind: 'refuse' });
      await s.target.settled();
      expect(await inFlight).toBeInstanceOf(ConnectionLostError);
      expect(await s.sibling.closed).toBeInstanceOf(ConnectionLostError);
      const error = await rejectionOf(RouterOsClient.connect(clientOptions(s.target)));
      expect(error).toBeInstanceOf(ConnectionLostError);
      expect(error.message).toMatch(/ECONNREFUSED/);
    });
    s.target.setFault(undefined);
    await s.target.settled();
    const again = await harness.client(s.target);
    expect(await identityOf(again)).toBe('target');
  });
});
