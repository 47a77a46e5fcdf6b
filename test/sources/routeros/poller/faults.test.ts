/**
 * Router faults from the real simulator: hung routers, rejected credentials, refused and dropped
 * connections. Backoff is shortened through the tuning options.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectFn } from '../../../../src/sources/routeros/session/connection.js';
import type { ConnectionState, EngineMetrics } from '../../../../src/engine/target-poller.js';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import {
  EngineHarness,
  FAST_TUNING,
  ProbeCollector,
  sleep,
  snapshotOf,
  waitFor,
} from './helpers/engine-fixtures.js';

const harness = new EngineHarness();
afterEach(() => harness.cleanup());

/** Keeps routers per connection state the way an UpDownCounter does: +1 on entering, -1 on leaving. */
class ConnectionStateCounts implements EngineMetrics {
  readonly counts = new Map<ConnectionState, number>();

  recordCollectorRun(): void {}
  recordPoll(): void {}
  recordConnectionAttempt(): void {}
  recordConnectionState(from: ConnectionState | undefined, to: ConnectionState | undefined): void {
    if (from !== undefined) this.counts.set(from, (this.counts.get(from) ?? 0) - 1);
    if (to !== undefined) this.counts.set(to, (this.counts.get(to) ?? 0) + 1);
  }

  /** Non-zero counts, in a stable order. */
  get nonZero(): Record<string, number> {
    return Object.fromEntries([...this.counts].filter(([, count]) => count !== 0).sort(([a], [b]) => a.localeCompare(b)));
  }
}

describe('RouterPoller faults', () => {
  it('a hung router is marked down for timeout without delaying the others', async () => {
    const fleet = await harness.fleetOf(3);
    const interval = 1_000;
    const timeout = 6_000;
    const { engine, lines } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: interval, timeoutMillis: timeout }));
    engine.start();
    await engine.whenFirstRoundDone();
    const hungAt = Date.now();
    fleet.routers[0]!.setFault({ kind: 'hang-after-login' });
    // While r0 hangs until its timeout, r1 and r2 go on completing polls on their own schedule (about one
    // a second). A hung router that held the others up would leave them none inside the hang. Counting
    // their polls instead of timing them keeps a loaded machine's scheduling delays out of the verdict.
    const polled = { r1: new Set<number>(), r2: new Set<number>() };
    await waitFor(
      'r0 down for timeout',
      () => {
        for (const name of ['r1', 'r2'] as const) {
          const success = snapshotOf(engine, name).lastSuccessMillis;
          if (success !== undefined && success > hungAt) polled[name].add(success);
        }
        return snapshotOf(engine, 'r0').downReason === 'timeout';
      },
      60_000,
    );
    expect(polled.r1.size).toBeGreaterThanOrEqual(2);
    expect(polled.r2.size).toBeGreaterThanOrEqual(2);
    for (const name of ['r1', 'r2']) expect(snapshotOf(engine, name).up).toBe(true);
    const down = snapshotOf(engine, 'r0');
    expect(down.up).toBe(false);
    expect(down.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(down.lastError).toBeTruthy();
    expect([...down.collectors.values()].every((state) => state.status === 'error' && state.samples.length === 0)).toBe(true);
    const downLogs = lines.filter((line) => line.msg === 'router is down' && line['router'] === 'r0');
    expect(downLogs).toHaveLength(1);
    expect(downLogs[0]?.['reason']).toBe('timeout');

    fleet.routers[0]!.setFault(undefined);
    await waitFor('r0 back up', () => snapshotOf(engine, 'r0').up, 30_000);
    expect(lines.filter((line) => line.msg === 'router recovered' && line['router'] === 'r0')).toHaveLength(1);
  }, 120_000);

  it('backs off after rejected credentials and logs it once', async () => {
    const fleet = await harness.fleetOf(2);
    const routers = harness.routersOf(fleet, { intervalMillis: 100, timeoutMillis: 1_000 });
    const { engine, lines } = harness.engineFor(routers);
    fleet.routers[0]!.setFault({ kind: 'auth-failure' });
    engine.start();
    await waitFor('r0 auth failure', () => snapshotOf(engine, 'r0').downReason === 'authentication_failed');
    const startFailed = fleet.routers[0]!.stats.failedLogins;
    await sleep(1_500);
    const attempts = fleet.routers[0]!.stats.failedLogins - startFailed;
    // 1.5 s at a 400 ms auth backoff: at most 4 more logins; without backoff (100 ms interval) ~15.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(4);
    const authLogs = lines.filter((line) => line['router'] === 'r0' && line['reason'] === 'authentication_failed');
    expect(authLogs).toHaveLength(1);
    expect(authLogs[0]?.level).toBe(50);
    expect(JSON.stringify(lines)).not.toContain('"password"');
    // admin/admin: the user name is named as such, not masked as if it were the password.
    expect(snapshotOf(engine, 'r0').lastError).toMatch(/^login as "admin" refused/);
    expect(snapshotOf(engine, 'r0').consecutiveFailures).toBeGreaterThanOrEqual(3);
    // The other router is unaffected.
    expect(snapshotOf(engine, 'r1').up).toBe(true);

    fleet.routers[0]!.setFault(undefined);
    await waitFor('r0 up after the credentials work again', () => snapshotOf(engine, 'r0').up, 3_000);
    expect(snapshotOf(engine, 'r0').consecutiveFailures).toBe(0);
  });

  it('retries a refused connection with backoff and recovers when it is accepted again', async () => {
    const fleet = await harness.fleetOf(1);
    const attempts: number[] = [];
    const connect: ConnectFn = (options) => {
      attempts.push(Date.now());
      return RouterOsClient.connect(options);
    };
    const { engine, lines } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 50 }), {
      connect,
      tuning: { ...FAST_TUNING, connectBackoff: { initialMillis: 150, maxMillis: 300, jitter: 'none' } },
    });
    fleet.routers[0]!.setFault({ kind: 'refuse' });
    engine.start();
    await waitFor('connection_failed', () => snapshotOf(engine, 'r0').downReason === 'connection_failed');
    const failedSince = attempts.length;
    await sleep(1_000);
    const retries = attempts.length - failedSince;
    // Delays 150, 300, 300, …: about 4 retries in 1 s, against ~20 at the 50 ms interval.
    expect(retries).toBeGreaterThanOrEqual(2);
    expect(retries).toBeLessThanOrEqual(5);
    const gaps = attempts.slice(1).map((at, index) => at - attempts[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(140);

    fleet.routers[0]!.setFault(undefined);
    await waitFor('recovery', () => snapshotOf(engine, 'r0').up, 3_000);
    expect(snapshotOf(engine, 'r0').collectors.get('system')?.status).toBe('ok');
    expect(lines.filter((line) => line.msg === 'router is down')).toHaveLength(1);
  });

  it('reconnects after the router drops the connection mid-reply', async () => {
    const fleet = await harness.fleetOf(1);
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100 }));
    engine.start();
    await waitFor('up', () => snapshotOf(engine, 'r0').up);
    const connectionsBefore = fleet.routers[0]!.stats.logins;
    fleet.routers[0]!.setFault({ kind: 'drop-mid-reply' });
    await waitFor('down', () => snapshotOf(engine, 'r0').downReason === 'connection_failed');
    fleet.routers[0]!.setFault(undefined);
    await waitFor('up again', () => snapshotOf(engine, 'r0').up);
    expect(fleet.routers[0]!.stats.logins).toBeGreaterThan(connectionsBefore);
    expect(snapshotOf(engine, 'r0').collectors.get('interface')?.status).toBe('ok');
  });

  it('reports each router\'s connection state: connected, backoff, auth_backoff, and none after stop', async () => {
    const fleet = await harness.fleetOf(3);
    const metrics = new ConnectionStateCounts();
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100 }), { metrics });
    fleet.routers[2]!.setFault({ kind: 'auth-failure' });
    expect(metrics.nonZero).toEqual({});
    engine.start();
    expect(metrics.nonZero).toEqual({ connecting: 3 });
    await waitFor('two up, one locked out', () => metrics.nonZero['connected'] === 2 && metrics.nonZero['auth_backoff'] === 1);
    expect(metrics.nonZero).toEqual({ auth_backoff: 1, connected: 2 });

    fleet.routers[1]!.setFault({ kind: 'drop-mid-reply' });
    await waitFor('r1 down', () => snapshotOf(engine, 'r1').downReason === 'connection_failed');
    expect(metrics.nonZero).toEqual({ auth_backoff: 1, backoff: 1, connected: 1 });
    fleet.routers[1]!.setFault(undefined);
    await waitFor('r1 up again', () => snapshotOf(engine, 'r1').up, 3_000);
    expect(metrics.nonZero).toEqual({ auth_backoff: 1, connected: 2 });

    await engine.stop();
    expect(metrics.nonZero).toEqual({});
  });

  it('stops quickly with a hung router in flight, and stop is idempotent', async () => {
    const fleet = await harness.fleetOf(2);
    const probe = new ProbeCollector();
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100, timeoutMillis: 10_000 }), { collectors: [probe] });
    engine.start();
    await engine.whenFirstRoundDone();
    fleet.routers[0]!.setFault({ kind: 'hang-after-login' });
    await sleep(300);
    const stoppedAt = Date.now();
    const first = engine.stop();
    expect(engine.stop()).toBe(first);
    await first;
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    const runs = [...probe.records.values()].reduce((sum, record) => sum + record.runs, 0);
    await sleep(300);
    expect([...probe.records.values()].reduce((sum, record) => sum + record.runs, 0)).toBe(runs);
    // A stopped engine keeps serving its last snapshots.
    expect(engine.snapshots()).toHaveLength(2);
  });

});
