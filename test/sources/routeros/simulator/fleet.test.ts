import { PROFILES } from '../../../../src/sources/routeros/simulator/profiles.js';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runSimulateCommand } from '../../../../src/sources/routeros/simulator/command.js';
import { fleetRouterNames, SimulatedFleet, type FleetOptions } from '../../../../src/sources/routeros/simulator/fleet.js';
import { RawClient, rowsOf } from './helpers/raw-client.js';
import { DEMO_CERTIFICATE_PEM } from '../../../../src/sources/routeros/simulator/demo-certificate.js';

const fleets: SimulatedFleet[] = [];

afterEach(async () => {
  await Promise.all(fleets.splice(0).map((fleet) => fleet.stop()));
});

async function startFleet(options: FleetOptions): Promise<SimulatedFleet> {
  const fleet = await SimulatedFleet.start(options);
  fleets.push(fleet);
  return fleet;
}

function listenOn(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A base port with `count` free ports after it (probed, then released). */
async function freePortBase(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const servers: Server[] = [];
    let free = true;
    for (let port = base; port < base + count && free; port += 1) {
      const server = await listenOn(port);
      if (server) servers.push(server);
      else free = false;
    }
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    if (free) return base;
  }
  throw new Error('no free port range found');
}

async function identity(port: number, tls = false, username = 'admin', password = 'admin'): Promise<string> {
  const client = await RawClient.connect(port, tls ? { tls: { ca: DEMO_CERTIFICATE_PEM, servername: 'localhost' } } : {});
  try {
    await client.login(username, password);
    return rowsOf(await client.command('/system/identity/print'))[0]!.name!;
  } finally {
    client.close();
  }
}

describe('SimulatedFleet', () => {
  it('starts routers on ephemeral ports, cycling through every profile for mixed', async () => {
    const fleet = await startFleet({ count: 8, profile: 'mixed' });
    const profiles = Object.values(PROFILES);
    expect(fleet.routers.map((router) => router.name)).toEqual(
      Array.from({ length: 8 }, (_, index) => `${profiles[index % profiles.length]!.identity}-${index + 1}`),
    );
    expect(fleet.routers.slice(0, 3).map((router) => router.name)).toEqual(['hap-ac2-1', 'rb750-2', 'hex-3']);
    const ports = fleet.routers.map((router) => router.port);
    expect(new Set(ports).size).toBe(8);
    expect(ports.every((port) => port > 0)).toBe(true);
    expect(await identity(ports[2]!)).toBe('hex-3');
    await fleet.stop();
    await expect(RawClient.connect(ports[2]!)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('selects v6 and v7 profiles', async () => {
    const v6 = await startFleet({ count: 3, profile: 'v6' });
    expect(v6.routers.map((router) => router.version)).toEqual(['6.49.17', '6.40.9', '6.49.17']);
    const v7 = await startFleet({ count: 2, profile: 'ccr2004-v7' });
    expect(v7.routers.map((router) => router.name)).toEqual(['ccr2004-1', 'ccr2004-2']);
  });

  it('listens on portBase..portBase+N-1, and fails cleanly when one of its ports is taken', async () => {
    // The one test with chosen ports: a probed free range, every other test uses ephemeral ports.
    const base = await freePortBase(5);
    const fleet = await startFleet({ count: 3, profile: 'hex-v7', portBase: base, username: 'u', password: 'p' });
    expect(fleet.routers.map((router) => router.port)).toEqual([base, base + 1, base + 2]);
    const client = await RawClient.connect(base + 2);
    try {
      expect(await client.login('u', 'p')).toEqual([['!done']]);
    } finally {
      client.close();
    }
    // A second fleet overlapping the first: base+3 starts, base+2 is taken, so it stops again.
    await expect(SimulatedFleet.start({ count: 2, profile: 'chr-v7-18', portBase: base + 2 })).rejects.toThrow(
      new RegExp(`router chr-1: cannot listen on 127\\.0\\.0\\.1:${base + 2}`),
    );
    await expect(RawClient.connect(base + 3)).rejects.toThrow(/ECONNREFUSED/);
    expect(await identity(base + 2, false, 'u', 'p')).toBe('hex-3');
  });

  it('serves api-ssl with the demo certificate when tls is set', async () => {
    const fleet = await startFleet({ count: 1, profile: 'chr-v7-18', tls: true });
    expect(await identity(fleet.routers[0]!.port, true)).toBe('chr-1');
  });

  it('starts with faults in force: routers by number from 1 or by name, the others unaffected', async () => {
    const fleet = await startFleet({
      count: 4,
      profile: 'mixed',
      faults: [
        { router: 1, fault: { kind: 'auth-failure' } },
        { router: 'sim-rb750-2', fault: { kind: 'refuse' } },
        { router: 'rb4011-4', fault: { kind: 'latency', millis: 300 } },
      ],
    });
    expect(fleet.routers.map((router) => router.fault)).toEqual([
      { kind: 'auth-failure' },
      { kind: 'refuse' },
      undefined,
      { kind: 'latency', millis: 300 },
    ]);
    const [authFailure, refusing, healthy, slow] = fleet.routers.map((router) => router.port);
    const client = await RawClient.connect(authFailure!);
    try {
      expect((await client.login())[0]?.[0]).toBe('!trap');
    } finally {
      client.close();
    }
    expect(await identity(healthy!)).toBe('hex-3');
    // A refusing router still got its own port, and has closed it by the time start resolves.
    expect(refusing).toBeGreaterThan(0);
    await expect(RawClient.connect(refusing!)).rejects.toThrow(/ECONNREFUSED/);
    const started = Date.now();
    expect(await identity(slow!)).toBe('rb4011-4');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 290);
  });

  it('rejects faults it cannot apply, naming each entry, before starting anything', async () => {
    await expect(
      SimulatedFleet.start({
        count: 3,
        profile: 'mixed',
        faults: [
          { router: 4, fault: { kind: 'garbage' } },
          { router: 'hex-9', fault: { kind: 'fatal' } },
          { router: 2, fault: { kind: 'latency', millis: -5 } },
          { router: 'rb750-2', fault: { kind: 'fatal' } },
          { router: 3, fault: { kind: 'explode' } as never },
        ],
      }),
    ).rejects.toThrow(
      new RegExp(
        [
          'faults\\[2\\]\\.fault\\.millis: must be from 0 to 2147483647 milliseconds, got -5',
          'faults\\[4\\]\\.fault\\.kind: unknown fault "explode" \\(known: latency, hang-before-login, [a-z, -]+, refuse\\)',
          'faults\\[0\\]\\.router: no router number 4: the fleet has routers 1 to 3',
          'faults\\[1\\]\\.router: no router named "hex-9" \\(the fleet has routers 1 to 3: hap-ac2-1, rb750-2, hex-3\\)',
          'faults\\[3\\]\\.router: router rb750-2 already has the fault latency:-5; a router has one at most',
        ].join('; '),
      ),
    );
  });

  it('fleetRouterNames gives the names start uses, and throws on an unknown profile', async () => {
    expect(fleetRouterNames('mixed', 3)).toEqual(['hap-ac2-1', 'rb750-2', 'hex-3']);
    const fleet = await startFleet({ count: 13, profile: 'mixed' });
    expect(fleet.routers.map((router) => router.name)).toEqual(fleetRouterNames('mixed', 13));
    expect(() => fleetRouterNames('vx', 1)).toThrow(/profile: unknown profile "vx"/);
  });

  it('rejects bad options, naming each field', async () => {
    await expect(SimulatedFleet.start({ count: 0, profile: 'nope', portBase: -1 })).rejects.toThrow(
      /count: must be an integer.*portBase: must be 0.*profile: unknown profile "nope"/,
    );
    await expect(SimulatedFleet.start({ count: 10, profile: 'mixed', portBase: 65_530 })).rejects.toThrow(
      /runs past port 65535/,
    );
  });
});

describe('runSimulateCommand', () => {
  it('prints one line per router, serves until aborted, then stops', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const running = runSimulateCommand({ count: 3, profile: 'mixed' }, (line) => lines.push(line), controller.signal);
    await expect.poll(() => lines.length).toBe(3);
    const pattern = /^router (\S+) listening on 127\.0\.0\.1:(\d+) \(RouterOS (\d+\.\d+(?:\.\d+)?)\)$/;
    const parsed = lines.map((line) => pattern.exec(line));
    expect(parsed.every((match) => match !== null)).toBe(true);
    expect(parsed.map((match) => [match![1], match![3]])).toEqual([
      ['hap-ac2-1', '6.49.17'],
      ['rb750-2', '6.40.9'],
      ['hex-3', '7.16.2'],
    ]);
    const port = Number(parsed[2]![2]);
    expect(await identity(port)).toBe('hex-3');
    controller.abort();
    await running;
    await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('adds " fault <kind>[:<millis>]" to the line of a router with a fault, after the unchanged prefix', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const running = runSimulateCommand(
      {
        count: 3,
        profile: 'mixed',
        faults: [
          { router: 3, fault: { kind: 'hang-after-login' } },
          { router: 1, fault: { kind: 'latency', millis: 250 } },
        ],
      },
      (line) => lines.push(line),
      controller.signal,
    );
    await expect.poll(() => lines.length).toBe(3);
    const prefix = /^router (\S+) listening on 127\.0\.0\.1:(\d+) \(RouterOS (\d+\.\d+(?:\.\d+)?)\)/;
    expect(lines.map((line) => line.replace(prefix, '<$1>'))).toEqual(['<hap-ac2-1> fault latency:250', '<rb750-2>', '<hex-3> fault hang-after-login']);
    controller.abort();
    await running;
  });

  it('returns at once for an aborted signal and rejects bad options', async () => {
    const lines: string[] = [];
    await runSimulateCommand({ count: 2, profile: 'mixed' }, (line) => lines.push(line), AbortSignal.abort());
    expect(lines).toEqual([]);
    await expect(
      runSimulateCommand({ count: 1, profile: 'vx' }, (line) => lines.push(line), new AbortController().signal),
    ).rejects.toThrow(/profile: unknown profile "vx"/);
  });
});
