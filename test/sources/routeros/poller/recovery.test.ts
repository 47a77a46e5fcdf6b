/**
 * How fast a router comes back: after an outage longer than the reconnect backoff (the port is
 * probed at the router's schedule ticks), without extra load on a router whose port stays open
 * while it fails, and after a session drop on a link slow enough that reconnecting and collecting
 * do not fit in one timeout together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectFn } from '../../../../src/sources/routeros/session/connection.js';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import { RecordingProxy } from '../../../reliability/helpers/tcp-proxy.js';
import { EngineHarness, FAST_TUNING, ProbeCollector, simRouter, sleep, snapshotOf, waitFor } from './helpers/engine-fixtures.js';

const harness = new EngineHarness();
afterEach(() => harness.cleanup());

function countingConnect(attempts: number[]): ConnectFn {
  return (options) => {
    attempts.push(Date.now());
    return RouterOsClient.connect(options);
  };
}

describe('RouterPoller recovery', () => {
  it('polls a router back from an outage within one interval, while full attempts keep to the backoff', async () => {
    const fleet = await harness.fleetOf(1);
    const router = fleet.routers[0]!;
    const interval = 200;
    const attempts: number[] = [];
    const { engine, lines } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: interval }), {
      connect: countingConnect(attempts),
      // Every retry 5 intervals away: without the probes, recovery would wait for it.
      tuning: { ...FAST_TUNING, connectBackoff: { initialMillis: 1_000, maxMillis: 1_000, jitter: 'none' } },
    });
    engine.start();
    await waitFor('up', () => snapshotOf(engine, 'r0').up);

    router.setFault({ kind: 'refuse' });
    await router.settled();
    await waitFor('down', () => snapshotOf(engine, 'r0').downReason === 'connection_failed', 2_000);
    const downAttempts = attempts.length;
    await sleep(1_500);
    // 1.5 s of outage at a fixed 1 s backoff: one or two more full attempts, not one per 200 ms tick.
    expect(attempts.length - downAttempts).toBeGreaterThanOrEqual(1);
    expect(attempts.length - downAttempts).toBeLessThanOrEqual(2);
    const gaps = attempts.slice(downAttempts).map((at, index) => at - attempts[downAttempts + index - 1]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);

    // Back just after a failed attempt: the next one is a whole backoff delay away.
    const failures = snapshotOf(engine, 'r0').consecutiveFailures;
    await waitFor('the next failed attempt', () => snapshotOf(engine, 'r0').consecutiveFailures > failures, 2_000);
    router.setFault(undefined);
    await router.settled();
    const clearedAt = Date.now();
    await waitFor('up again', () => snapshotOf(engine, 'r0').up, 2_000);
    const took = Date.now() - clearedAt;
    expect(took).toBeLessThanOrEqual(interval + 150);
    expect(lines.filter((line) => line.msg === 'router answers again; retrying before the backoff delay ends')).toHaveLength(1);
    expect(lines.filter((line) => line.msg === 'router is down')).toHaveLength(1);
    expect(lines.filter((line) => line.msg === 'router recovered')).toHaveLength(1);
  });

  it('does not probe a router that accepts connections and then fails', async () => {
    const fleet = await harness.fleetOf(1);
    const router = fleet.routers[0]!;
    const proxy = await RecordingProxy.start({ host: '127.0.0.1', port: router.port });
    const attempts: number[] = [];
    const { engine } = harness.engineFor([simRouter('r0', proxy.port, { intervalMillis: 100, timeoutMillis: 200 })], {
      connect: countingConnect(attempts),
      tuning: { ...FAST_TUNING, connectBackoff: { initialMillis: 1_500, maxMillis: 1_500, jitter: 'none' } },
    });
    try {
      engine.start();
      await waitFor('up', () => snapshotOf(engine, 'r0').up);
      router.setFault({ kind: 'hang-before-login' });
      await waitFor('down', () => snapshotOf(engine, 'r0').downReason === 'timeout', 2_000);
      const accepted = proxy.acceptedAt.length;
      const connects = attempts.length;
      await sleep(1_200);
      // A timeout does not say whether the port is open: one probe finds it open, and that is all
      // until the backoff's next attempt (1.5 s away). Probing every 100 ms tick would be ~12.
      expect(attempts.length - connects).toBe(0);
      expect(proxy.acceptedAt.length - accepted).toBe(1);
      expect(snapshotOf(engine, 'r0')).toMatchObject({ up: false, downReason: 'timeout' });

      router.setFault(undefined);
      await waitFor('up again', () => snapshotOf(engine, 'r0').up, 3_000);
    } finally {
      await engine.stop();
      await proxy.stop();
    }
  });

  it('logs in again over a link too slow for reconnecting and collecting within one timeout', async () => {
    const fleet = await harness.fleetOf(1);
    const router = fleet.routers[0]!;
    const interval = 500;
    const timeout = 400;
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: interval, timeoutMillis: timeout }), {
      collectors: [new ProbeCollector()],
    });
    engine.start();
    await waitFor('up', () => snapshotOf(engine, 'r0').up);
    // 120 ms per reply: the probe collector's two round trips take 240 ms, login and version
    // detection another 240 ms; 480 ms together, over the 400 ms timeout.
    router.setFault({ kind: 'latency', millis: 120 });
    await sleep(2 * interval);
    expect(snapshotOf(engine, 'r0').up).toBe(true);

    const failuresBefore = snapshotOf(engine, 'r0').consecutiveFailures;
    const loginsBefore = router.stats.logins;
    router.reboot();
    await sleep(2 * interval + 200);
    const snap = snapshotOf(engine, 'r0');
    expect(snap.up, `${snap.downReason}: ${snap.lastError}`).toBe(true);
    expect(router.stats.logins).toBeGreaterThan(loginsBefore);
    expect(snap.lastSuccessMillis).toBeGreaterThan(Date.now() - 2 * interval);
    expect(failuresBefore).toBe(0);
  });

  it('still times out a session that cannot be opened within the timeout', async () => {
    const fleet = await harness.fleetOf(1);
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 200, timeoutMillis: 300 }), {
      collectors: [new ProbeCollector()],
    });
    fleet.routers[0]!.setFault({ kind: 'hang-before-login' });
    const startedAt = Date.now();
    engine.start();
    await engine.whenFirstRoundDone();
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(snapshotOf(engine, 'r0')).toMatchObject({ up: false, downReason: 'timeout' });
  });
});
