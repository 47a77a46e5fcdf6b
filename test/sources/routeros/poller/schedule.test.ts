/**
 * A router's schedule and collector isolation: no overlapping cycles, per-collector intervals,
 * unsupported and failing collectors, the per-cycle deadline, one persistent connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../../../src/sources/routeros/collectors/registry.js';
import type { Collector } from '../../../../src/sources/routeros/collectors/collector.js';
import type { ConnectFn } from '../../../../src/sources/routeros/session/connection.js';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import {
  EndlessMonitorCollector,
  EngineHarness,
  FlakyCollector,
  MissingMenuCollector,
  ProbeCollector,
  sleep,
  snapshotOf,
  waitFor,
} from './helpers/engine-fixtures.js';

const harness = new EngineHarness();
afterEach(() => harness.cleanup());

describe('RouterPoller schedule', () => {
  it('a collector that ignores its abort signal is cut off at the deadline; only it fails, the router stays up', async () => {
    const fleet = await harness.fleetOf(1);
    const stuck: Collector = {
      name: 'stuck',
      defaultEnabled: true,
      summary: 'Never finishes.',
      paths: [],
      metrics: [],
      collect: () => new Promise(() => undefined),
    };
    const { engine, lines } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100, timeoutMillis: 300 }), {
      collectors: [...COLLECTORS, stuck],
    });
    const startedAt = Date.now();
    engine.start();
    await engine.whenFirstRoundDone();
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    const snap = snapshotOf(engine, 'r0');
    expect(snap).toMatchObject({ up: true, consecutiveFailures: 0 });
    expect(snap.collectors.get('stuck')).toMatchObject({ status: 'error', samples: [] });
    expect(snap.collectors.get('stuck')?.error).toMatch(/did not finish within the router's 300 ms timeout/);
    expect(snap.lastError).toMatch(/^collector stuck: did not finish within/);
    for (const name of ['system', 'interface']) {
      expect(snap.collectors.get(name)?.status, name).toBe('ok');
      expect(snap.collectors.get(name)?.samples.length, name).toBeGreaterThan(0);
    }
    // The next cycles keep collecting on the same session.
    const firstFinished = snap.collectors.get('system')!.finishedAtMillis;
    await waitFor('a later cycle', () => snapshotOf(engine, 'r0').collectors.get('system')!.finishedAtMillis > firstFinished + 300, 3_000);
    expect(snapshotOf(engine, 'r0').up).toBe(true);
    expect(fleet.routers[0]!.stats.logins).toBe(1);
    expect(lines.filter((line) => line.msg === 'router is down')).toEqual([]);
    expect(lines.filter((line) => line.msg === 'collector failed' && line['collector'] === 'stuck')).toHaveLength(1);
  });

  it('cancels a command still running at the deadline and polls again on the same connection', async () => {
    const fleet = await harness.fleetOf(1);
    const endless = new EndlessMonitorCollector();
    const clients: RouterOsClient[] = [];
    const connect: ConnectFn = async (options) => {
      const client = await RouterOsClient.connect(options);
      clients.push(client);
      return client;
    };
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 200, timeoutMillis: 300 }), {
      collectors: [...COLLECTORS, endless],
      connect,
    });
    engine.start();
    await waitFor('three runs of the endless collector', () => endless.endings.length >= 3, 5_000);
    const snap = snapshotOf(engine, 'r0');
    expect(snap.up).toBe(true);
    expect(snap.collectors.get('endless')?.status).toBe('error');
    expect(snap.collectors.get('interface')?.status).toBe('ok');
    // Each run was aborted by the deadline (its command rejected as cancelled), none finished.
    expect(endless.endings.every((ending) => ending === 'TimeoutError')).toBe(true);
    expect(clients).toHaveLength(1);
    expect(fleet.routers[0]!.stats.logins).toBe(1);
    // Between cycles nothing is left pending on the client: cancelled tags are gone, not leaked.
    await engine.stop();
    expect(clients[0]!.pendingCommands).toBe(0);
  });

  it('retries a collector with its own long interval at the next cycle after it failed', async () => {
    const fleet = await harness.fleetOf(1);
    const hourly = new FlakyCollector(3_600_000);
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100 }), { collectors: [...COLLECTORS, hourly] });
    engine.start();
    await waitFor('flaky error', () => snapshotOf(engine, 'r0').collectors.get('flaky')?.status === 'error');
    await sleep(600);
    // About one retry per 100 ms cycle; waiting out its hour would mean a single call.
    expect(hourly.calls).toBeGreaterThanOrEqual(3);

    hourly.failing = false;
    await waitFor('flaky ok', () => snapshotOf(engine, 'r0').collectors.get('flaky')?.status === 'ok');
    const callsWhenOk = hourly.calls;
    await sleep(500);
    // Once it succeeded, it keeps its hour.
    expect(hourly.calls).toBe(callsWhenOk);
    expect(snapshotOf(engine, 'r0').collectors.get('flaky')?.status).toBe('ok');
  });

  it('marks a missing menu unsupported, keeps the other collectors, and does not retry it on the same connection', async () => {
    const fleet = await harness.fleetOf(1);
    const missing = new MissingMenuCollector();
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100 }), { collectors: [...COLLECTORS, missing] });
    engine.start();
    await waitFor('first cycle', () => snapshotOf(engine, 'r0').up);
    const cyclesBefore = Date.now();
    await sleep(500);
    const snap = snapshotOf(engine, 'r0');
    expect(snap.up).toBe(true);
    expect(snap.collectors.get('missing')).toMatchObject({ status: 'unsupported', samples: [] });
    expect(snap.collectors.get('missing')?.error).toMatch(/no such command/);
    expect(snap.collectors.get('system')?.status).toBe('ok');
    expect(snap.collectors.get('interface')?.status).toBe('ok');
    expect(snap.collectors.get('system')!.finishedAtMillis).toBeGreaterThan(cyclesBefore);
    expect(missing.calls).toBe(1);
  });

  it('a failing collector reports error without touching the router or the other collectors; logged once', async () => {
    const fleet = await harness.fleetOf(1);
    const flaky = new FlakyCollector();
    const { engine, lines } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100 }), { collectors: [...COLLECTORS, flaky] });
    engine.start();
    await waitFor('flaky error', () => snapshotOf(engine, 'r0').collectors.get('flaky')?.status === 'error');
    await sleep(400);
    const snap = snapshotOf(engine, 'r0');
    expect(snap.up).toBe(true);
    expect(snap.consecutiveFailures).toBe(0);
    expect(snap.collectors.get('flaky')).toMatchObject({ status: 'error', samples: [], error: 'cannot map identity rows' });
    expect(snap.collectors.get('system')?.status).toBe('ok');
    expect(fleet.routers[0]!.stats.logins).toBe(1);
    const failed = lines.filter((line) => line.msg === 'collector failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ router: 'r0', collector: 'flaky', error: 'cannot map identity rows' });

    flaky.failing = false;
    await waitFor('flaky ok', () => snapshotOf(engine, 'r0').collectors.get('flaky')?.status === 'ok');
    expect(snapshotOf(engine, 'r0').collectors.get('flaky')?.samples).toHaveLength(1);
    expect(lines.filter((line) => line.msg === 'collector recovered')).toHaveLength(1);
  });

  it('never overlaps cycles of one router, even when a cycle outlasts the interval', async () => {
    const fleet = await harness.fleetOf(2);
    const probe = new ProbeCollector();
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100, timeoutMillis: 2_000 }), { collectors: [probe] });
    fleet.routers[0]!.setFault({ kind: 'latency', millis: 120 });
    engine.start();
    await sleep(1_500);
    await engine.stop();
    expect(probe.records.size).toBe(2);
    for (const [identity, record] of probe.records) {
      expect(record.peakActive, identity).toBe(1);
      expect(record.runs, identity).toBeGreaterThanOrEqual(2);
    }
    // The slow router (2 × 120 ms round trips per probe run) fits fewer cycles than the fast one.
    const runs = [...probe.records.values()].map((record) => record.runs).sort((a, b) => a - b);
    expect(runs[0]).toBeLessThan(runs[1]!);
    expect(snapshotOf(engine, 'r0').up).toBe(true);
  });

  it('runs a collector with its own longer interval only when due and keeps its last state between runs', async () => {
    const fleet = await harness.fleetOf(1);
    const every = new ProbeCollector('every-cycle');
    const slow = new ProbeCollector('slow', 600);
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100 }), { collectors: [every, slow] });
    engine.start();
    await sleep(1_300);
    await engine.stop();
    const fast = [...every.records.values()][0]!;
    const slowRecord = [...slow.records.values()][0]!;
    expect(fast.runs).toBeGreaterThanOrEqual(8);
    expect(slowRecord.runs).toBeGreaterThanOrEqual(2);
    expect(slowRecord.runs).toBeLessThanOrEqual(3);
    const slowState = snapshotOf(engine, 'r0').collectors.get('slow');
    expect(slowState?.status).toBe('ok');
    expect(slowState?.samples).toHaveLength(1);
  });

  it('uses one persistent connection while the router is healthy', async () => {
    const fleet = await harness.fleetOf(1);
    const { engine } = harness.engineFor(harness.routersOf(fleet, { intervalMillis: 100 }));
    engine.start();
    await sleep(800);
    expect(snapshotOf(engine, 'r0').up).toBe(true);
    expect(fleet.routers[0]!.stats.logins).toBe(1);
  });

});
