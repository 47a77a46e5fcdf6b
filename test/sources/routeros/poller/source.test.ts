/**
 * The engine over a real simulated fleet (loopback sockets): snapshots, the global concurrency
 * limit, shutdown and the startup check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  EngineHarness,
  ProbeCollector,
  sleep,
  waitFor,
} from './helpers/engine-fixtures.js';

const harness = new EngineHarness();
afterEach(() => harness.cleanup());

describe('CollectionEngine', () => {
  it('polls every router of a fleet and publishes snapshots with samples', async () => {
    const fleet = await harness.fleetOf(3, 'mixed');
    const { engine } = harness.engineFor(harness.routersOf(fleet));
    expect(engine.firstRoundDone).toBe(false);
    expect(engine.snapshots().map((s) => [s.name, s.up, s.downReason])).toEqual([
      ['r0', false, 'connecting'],
      ['r1', false, 'connecting'],
      ['r2', false, 'connecting'],
    ]);
    const before = engine.snapshots()[0];
    engine.start();
    await engine.whenFirstRoundDone();
    expect(engine.firstRoundDone).toBe(true);
    for (const [index, snap] of engine.snapshots().entries()) {
      expect(snap.up, snap.name).toBe(true);
      expect(snap.downReason).toBeUndefined();
      expect(snap.address).toBe(`127.0.0.1:${fleet.routers[index]!.port}`);
      expect(snap.consecutiveFailures).toBe(0);
      expect(snap.lastSuccessMillis).toBeGreaterThan(Date.now() - 5_000);
      expect(snap.version).toMatch(/^\d+\.\d+/);
      expect(fleet.routers[index]!.version).toContain(snap.version);
      const system = snap.collectors.get('system');
      expect(system?.status).toBe('ok');
      expect(system?.samples.length).toBeGreaterThan(0);
      expect(snap.collectors.get('interface')?.samples.length).toBeGreaterThan(0);
      expect(Object.isFrozen(snap)).toBe(true);
    }
    // Snapshots are replaced, never mutated.
    expect(before?.up).toBe(false);
    const first = engine.snapshots()[0];
    await waitFor('a second cycle', () => engine.snapshots()[0] !== first);
    expect(first?.collectors).not.toBe(engine.snapshots()[0]?.collectors);
  });

  it('never runs more polls at once than collection.concurrency', async () => {
    const fleet = await harness.fleetOf(5);
    for (const router of fleet.routers) router.setFault({ kind: 'latency', millis: 40 });
    const probe = new ProbeCollector();
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100, timeoutMillis: 3_000 }), {
      collectors: [probe],
      collection: { concurrency: 2 },
    });
    engine.start();
    await engine.whenFirstRoundDone();
    await sleep(400);
    await engine.stop();
    expect(probe.peakActive).toBe(2);
    expect(probe.records.size).toBe(5);
    expect(engine.snapshots().every((snap) => snap.up)).toBe(true);
  });

  it('checkStartup lists the routers it cannot log in to', async () => {
    const fleet = await harness.fleetOf(3);
    fleet.routers[1]!.setFault({ kind: 'auth-failure' });
    fleet.routers[2]!.setFault({ kind: 'hang-before-login' });
    const { engine } = harness.engineFor(harness.routersOf(fleet, { timeoutMillis: 500 }));
    const started = Date.now();
    const failures = await engine.checkStartup();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(failures.map((failure) => failure.target)).toEqual(['r1', 'r2']);
    expect(failures[0]?.error.message).toMatch(/invalid user name or password|cannot log in/);
  });
});
