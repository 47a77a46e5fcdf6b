import { describe, expect, it } from 'vitest';
import { rowsOf } from './helpers/raw-client.js';
import { FakeClock, loggedIn, startRouter } from './helpers/routers.js';

const COUNTERS = '=.proplist=name,rx-byte,tx-byte,rx-packet,fp-rx-byte';

async function counters(client: Awaited<ReturnType<typeof loggedIn>>, name: string) {
  const rows = rowsOf(await client.command('/interface/print', COUNTERS, `?name=${name}`));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('dynamic data', () => {
  it('counters grow with the clock at a per-interface rate, deterministically', async () => {
    const clock = new FakeClock();
    const router = await startRouter('hex-v7', { clock: clock.read });
    const client = await loggedIn(router);
    const before = await counters(client, 'ether1');
    expect(await counters(client, 'ether1')).toEqual(before);
    clock.advance(60_000);
    const after = await counters(client, 'ether1');
    const rxGrowth = BigInt(after['rx-byte']!) - BigInt(before['rx-byte']!);
    // 150 kB/s per row, spread 0.1×–10×, over 60 s.
    expect(rxGrowth).toBeGreaterThanOrEqual(900_000n);
    expect(rxGrowth).toBeLessThanOrEqual(90_000_000n);
    expect(BigInt(after['rx-packet']!)).toBeGreaterThan(BigInt(before['rx-packet']!));

    const twin = await startRouter('hex-v7', { clock: clock.read, name: 'test-hex-v7' });
    clock.advance(60_000);
    const twinClient = await loggedIn(twin);
    const a = await counters(client, 'ether1');
    const b = await counters(twinClient, 'ether1');
    // Same name, same profile: same rate; the twin started 60 s later, so it is one interval behind.
    const lag = BigInt(a['rx-byte']!) - BigInt(b['rx-byte']!);
    expect(lag === rxGrowth || lag === rxGrowth + 1n).toBe(true);
  });

  it('interfaces grow at different rates; links that are down do not grow', async () => {
    const clock = new FakeClock();
    const router = await startRouter('ccr2004-v7', { clock: clock.read });
    const client = await loggedIn(router);
    const read = async () =>
      new Map(rowsOf(await client.command('/interface/print', '=.proplist=name,rx-byte')).map((row) => [row.name!, BigInt(row['rx-byte']!)]));
    const before = await read();
    clock.advance(10_000);
    const after = await read();
    const growth = [...after].map(([name, value]) => [name, value - before.get(name)!] as const);
    const rates = new Set(growth.map(([, delta]) => delta));
    expect(rates.size).toBeGreaterThan(30);
    expect(growth.find(([name]) => name === 'ether16')![1]).toBe(0n);
    expect(growth.find(([name]) => name === 'ether1')![1]).toBeGreaterThan(0n);
  });

  it('counters beyond 2^53 stay exact decimal strings', async () => {
    const clock = new FakeClock();
    const router = await startRouter('ccr2004-v7', { clock: clock.read });
    const client = await loggedIn(router);
    const first = await counters(client, 'sfp-sfpplus1');
    expect(first['rx-byte']).toBe('9345678901234567');
    clock.advance(1_000);
    const next = await counters(client, 'sfp-sfpplus1');
    const delta = BigInt(next['rx-byte']!) - 9_345_678_901_234_567n;
    expect(delta).toBeGreaterThan(0n);
    // A float would have rounded the odd base to an even number.
    expect(next['rx-byte']!.endsWith(String((7n + delta) % 10n))).toBe(true);
  });

  it('reboot() resets counters and uptime and drops connections; names and ids stay', async () => {
    const clock = new FakeClock();
    const router = await startRouter('hex-v7', { clock: clock.read });
    const client = await loggedIn(router);
    const ids = rowsOf(await client.command('/interface/print', '=.proplist=.id,name'));
    clock.advance(30_000);
    expect(BigInt((await counters(client, 'ether2'))['rx-byte']!)).toBeGreaterThan(1_000_000n);
    router.reboot();
    await client.closed;
    const fresh = await loggedIn(router);
    const zero = await counters(fresh, 'ether2');
    expect(zero).toEqual({ name: 'ether2', 'rx-byte': '0', 'tx-byte': '0', 'rx-packet': '0', 'fp-rx-byte': '0' });
    expect(rowsOf(await fresh.command('/system/resource/print', '=.proplist=uptime'))).toEqual([{ uptime: '0s' }]);
    clock.advance(5_000);
    expect(rowsOf(await fresh.command('/system/resource/print', '=.proplist=uptime'))).toEqual([{ uptime: '5s' }]);
    expect(BigInt((await counters(fresh, 'ether2'))['rx-byte']!)).toBeGreaterThan(0n);
    expect(rowsOf(await fresh.command('/interface/print', '=.proplist=.id,name'))).toEqual(ids);
  });

  it('interfaces can be added and removed while running, with stable .ids', async () => {
    const clock = new FakeClock();
    const router = await startRouter('hex-v7', { clock: clock.read });
    const client = await loggedIn(router);
    const list = async () => rowsOf(await client.command('/interface/print', '=.proplist=.id,name'));
    const before = await list();
    expect(before.at(-1)).toEqual({ '.id': '*A', name: 'vlan30' });

    router.addInterface({ name: 'ether6', 'default-name': 'ether6', type: 'ether', running: 'true', disabled: 'false', 'rx-byte': '100' });
    router.addInterface({ name: 'wg0', type: 'wg', running: 'true', disabled: 'false' });
    expect((await list()).slice(-2)).toEqual([
      { '.id': '*B', name: 'ether6' },
      { '.id': '*C', name: 'wg0' },
    ]);
    clock.advance(10_000);
    expect(BigInt((await counters(client, 'ether6'))['rx-byte']!)).toBeGreaterThan(100n);
    const monitor = await client.command('/interface/ethernet/monitor', '=numbers=ether6', '=once=');
    expect(rowsOf(monitor)[0]).toMatchObject({ name: 'ether6', status: 'link-ok' });

    router.removeInterface('ether3');
    router.removeInterface('ether6');
    const after = await list();
    expect(after.map((row) => row.name)).not.toContain('ether3');
    expect(after.find((row) => row.name === 'ether4')).toEqual({ '.id': '*5', name: 'ether4' });
    expect(rowsOf(await client.command('/interface/ethernet/print', '=.proplist=name')).map((row) => row.name)).toEqual([
      'ether1',
      'ether2',
      'ether4',
      'ether5',
    ]);
    const gone = await client.command('/interface/ethernet/monitor', '=numbers=ether3', '=once=');
    expect(gone[0]![0]).toBe('!trap');
    // Removed ids are not handed out again.
    router.addInterface({ name: 'ether3', type: 'ether' });
    expect((await list()).at(-1)).toEqual({ '.id': '*D', name: 'ether3' });
    expect(() => router.addInterface({ name: 'wg0' })).toThrow(/already have such name/);
    expect(() => router.removeInterface('nope')).toThrow(/no such interface "nope"/);
  });

  it('setRows replaces or creates a menu for this router only', async () => {
    const router = await startRouter('hex-v7');
    const other = await startRouter('hex-v7', { name: 'other' });
    const client = await loggedIn(router);
    router.setRows('/interface/lte', [
      { '.id': '*1', name: 'lte1', running: 'true' },
      { '.id': '*2', name: 'lte2', running: 'false' },
    ]);
    expect(await client.command('/interface/lte/print', '=count-only=', '?running=true')).toEqual([['!done', '=ret=1']]);
    const otherClient = await loggedIn(other);
    expect(await otherClient.command('/interface/lte/print')).toEqual([['!trap', '=message=no such command prefix'], ['!done']]);
    router.setRows('/system/health', []);
    expect(await client.command('/system/health/print')).toEqual([['!done']]);
    expect((await otherClient.command('/system/health/print')).length).toBe(3);
  });
});
