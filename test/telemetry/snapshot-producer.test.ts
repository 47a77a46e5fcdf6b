import { hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricDefinition } from '../../src/sources/routeros/collectors/collector.js';
import type { SnapshotSource } from '../../src/engine/snapshot.js';
import { SYSTEM_UPTIME } from '../../src/sources/routeros/collectors/system.js';
import { okCollectorState, type PackedCollectorState } from '../../src/engine/packed-samples.js';
import type { CollectorState } from '../../src/engine/snapshot.js';
import { SnapshotMetricProducer } from '../../src/telemetry/snapshot-producer.js';
import {
  CPU_LOAD,
  RX_BYTES,
  TestSnapshotSource,
  collectorState,
  routerSnapshot,
  sample,
} from './fixtures.js';

/** A clock the test advances by hand. */
class TestClock {
  constructor(public millis = 1_700_000_100_000) {}
  readonly now = (): number => this.millis;
  advance(millis: number): void {
    this.millis += millis;
  }
}

function metricsOf(result: CollectionResult): MetricData[] {
  return result.resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}

function metric(result: CollectionResult, name: string): MetricData | undefined {
  return metricsOf(result).find((entry) => entry.descriptor.name === name);
}

function points(result: CollectionResult, name: string): DataPoint<number>[] {
  const found = metric(result, name);
  if (found === undefined) return [];
  if (found.dataPointType !== DataPointType.GAUGE && found.dataPointType !== DataPointType.SUM) {
    throw new Error(`${name} is not a gauge or sum`);
  }
  return found.dataPoints;
}

function point(result: CollectionResult, name: string, attributes: Record<string, string>): DataPoint<number> | undefined {
  return points(result, name).find((entry) =>
    Object.entries(attributes).every(([key, value]) => entry.attributes[key] === value),
  );
}

function rxRouter(name: string, values: Record<string, number>) {
  return routerSnapshot(name, {
    interface: collectorState(Object.entries(values).map(([iface, value]) => sample(RX_BYTES, value, { interface: iface }))),
  });
}

/**
 * rxRouter as the engine polls: each run packed on the router's previous one, so a run with the same
 * interfaces in the same order keeps its columns (the producer then finds every series by index).
 */
function packedRxRouters(): (name: string, values: Record<string, number>) => ReturnType<typeof routerSnapshot> {
  const last = new Map<string, CollectorState>();
  return (name, values) => {
    const samples = Object.entries(values).map(([iface, value]) => sample(RX_BYTES, value, { interface: iface }));
    const state = okCollectorState(samples, 0.25, 1_700_000_000_000, 0, last.get(name));
    last.set(name, state);
    return routerSnapshot(name, { interface: state });
  };
}

/** Plain runs (a push source's, or the engine's own series) and packed ones keep counter state differently. */
const RUN_KINDS = [
  { kind: 'plain', routers: () => rxRouter },
  { kind: 'packed', routers: packedRxRouters },
] as const;

describe('SnapshotMetricProducer', () => {
  describe('collect', () => {
    it('exports up, collection metrics and samples of an up router with router, labels and sample attributes', async () => {
      const source = new TestSnapshotSource([
        routerSnapshot(
          'core1',
          {
            interface: collectorState([sample(RX_BYTES, 1234, { interface: 'ether1' })], { durationSeconds: 0.5, dropped: 3 }),
            system: collectorState([sample(CPU_LOAD, 0.25)]),
          },
          { labels: { site: 'lab' }, lastSuccessMillis: 1_700_000_000_500 },
        ),
      ]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 'test.scope', scopeVersion: '1.2.3' });

      const result = await producer.collect();

      expect(result.errors).toEqual([]);
      expect(result.resourceMetrics.scopeMetrics).toHaveLength(1);
      expect(result.resourceMetrics.scopeMetrics[0]?.scope).toEqual({ name: 'test.scope', version: '1.2.3' });
      expect(points(result, 'routeros.up').map((entry) => [entry.attributes, entry.value])).toEqual([
        [{ router: 'core1', site: 'lab' }, 1],
      ]);
      expect(point(result, 'routeros.last.success.timestamp.seconds', { router: 'core1' })?.value).toBe(1_700_000_000.5);
      expect(point(result, 'routeros.collection.duration.seconds', { collector: 'interface' })?.value).toBe(0.5);
      expect(point(result, 'routeros.collection.success', { collector: 'system' })?.value).toBe(1);
      expect(point(result, 'routeros.series.dropped', { collector: 'interface' })?.value).toBe(3);
      expect(points(result, 'routeros.interface.receive.bytes').map((entry) => [entry.attributes, entry.value])).toEqual([
        [{ router: 'core1', site: 'lab', interface: 'ether1' }, 1234],
      ]);
      expect(points(result, 'routeros.system.cpu.utilization.ratio')[0]?.attributes).toEqual({ router: 'core1', site: 'lab' });
    });

    it('builds one MetricData per name with kind, unit and description from the definition', async () => {
      const source = new TestSnapshotSource([rxRouter('a', { ether1: 1 }), rxRouter('b', { ether1: 2, ether2: 3 })]);
      const result = await new SnapshotMetricProducer(source, { scopeName: 's' }).collect();

      const rx = metricsOf(result).filter((entry) => entry.descriptor.name === RX_BYTES.name);
      expect(rx).toHaveLength(1);
      expect(rx[0]).toMatchObject({
        descriptor: { name: RX_BYTES.name, unit: 'By', description: RX_BYTES.description },
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
      });
      expect(points(result, RX_BYTES.name)).toHaveLength(3);
      expect(metric(result, 'routeros.up')?.dataPointType).toBe(DataPointType.GAUGE);
      expect(metricsOf(result).map((entry) => entry.descriptor.name)).toEqual([
        'routeros.up',
        'routeros.collection.duration.seconds',
        'routeros.collection.success',
        'routeros.collection.unsupported',
        'routeros.series.dropped',
        'routeros.last.success.timestamp.seconds',
        RX_BYTES.name,
      ]);
    });

    it('exports only up 0 and collection metrics for a down router', async () => {
      const source = new TestSnapshotSource([
        routerSnapshot(
          'edge',
          {
            interface: collectorState([sample(RX_BYTES, 99, { interface: 'ether1' })]),
            system: collectorState([], { status: 'error', error: 'timeout' }),
          },
          { up: false, downReason: 'timeout', lastSuccessMillis: undefined, consecutiveFailures: 3 },
        ),
      ]);
      const result = await new SnapshotMetricProducer(source, { scopeName: 's' }).collect();

      expect(metricsOf(result).map((entry) => entry.descriptor.name).sort()).toEqual([
        'routeros.collection.duration.seconds',
        'routeros.collection.success',
        'routeros.collection.unsupported',
        'routeros.series.dropped',
        'routeros.up',
      ]);
      expect(point(result, 'routeros.up', { router: 'edge' })?.value).toBe(0);
      expect(point(result, 'routeros.collection.success', { collector: 'interface' })?.value).toBe(1);
      expect(point(result, 'routeros.collection.success', { collector: 'system' })?.value).toBe(0);
    });

    it('reports success 0 and no samples for collectors in error or unsupported', async () => {
      const source = new TestSnapshotSource([
        routerSnapshot('r', {
          interface: collectorState([sample(RX_BYTES, 5, { interface: 'ether1' })], { status: 'error' }),
          wireless: collectorState([], { status: 'unsupported' }),
          system: collectorState([sample(CPU_LOAD, 0.5)]),
        }),
      ]);
      const result = await new SnapshotMetricProducer(source, { scopeName: 's' }).collect();

      expect(points(result, RX_BYTES.name)).toEqual([]);
      expect(point(result, 'routeros.collection.success', { collector: 'interface' })?.value).toBe(0);
      expect(point(result, 'routeros.collection.success', { collector: 'wireless' })?.value).toBe(0);
      // A missing feature is told apart from a failure.
      expect(point(result, 'routeros.collection.unsupported', { collector: 'wireless' })?.value).toBe(1);
      expect(point(result, 'routeros.collection.unsupported', { collector: 'interface' })?.value).toBe(0);
      expect(points(result, CPU_LOAD.name)).toHaveLength(1);
    });

    it('drops series that left the snapshot on the next collect', async () => {
      const source = new TestSnapshotSource([rxRouter('a', { ether1: 1, ether2: 2 }), rxRouter('b', { ether1: 3 })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's' });
      expect(points(await producer.collect(), RX_BYTES.name)).toHaveLength(3);

      source.routers = [rxRouter('a', { ether1: 1 })];
      const second = await producer.collect();

      expect(points(second, RX_BYTES.name).map((entry) => entry.attributes)).toEqual([{ router: 'a', interface: 'ether1' }]);
      expect(points(second, 'routeros.up').map((entry) => entry.attributes['router'])).toEqual(['a']);

      source.routers = [];
      const third = await producer.collect();
      expect(third.resourceMetrics.scopeMetrics).toEqual([]);
      expect(third.errors).toEqual([]);
    });

    it('keeps router as the identity even when labels or sample attributes use that key', async () => {
      const source = new TestSnapshotSource([
        routerSnapshot(
          'real',
          { interface: collectorState([sample(RX_BYTES, 1, { interface: 'e1', router: 'fake' })]) },
          { labels: { router: 'label-fake', site: 's1' } },
        ),
      ]);
      const result = await new SnapshotMetricProducer(source, { scopeName: 's' }).collect();
      expect(points(result, RX_BYTES.name)[0]?.attributes).toEqual({ router: 'real', site: 's1', interface: 'e1' });
      expect(points(result, 'routeros.up')[0]?.attributes).toEqual({ router: 'real', site: 's1' });
    });

    it('reports a second definition with the same name as an error and keeps the first', async () => {
      const otherRx: MetricDefinition = { ...RX_BYTES, kind: 'gauge', unit: 'bit' };
      const sameRx: MetricDefinition = { ...RX_BYTES };
      const source = new TestSnapshotSource([
        routerSnapshot('r', {
          interface: collectorState([sample(RX_BYTES, 10, { interface: 'e1' }), sample(sameRx, 11, { interface: 'e2' })]),
          other: collectorState([sample(otherRx, 99, { interface: 'e3' })]),
        }),
      ]);
      const result = await new SnapshotMetricProducer(source, { scopeName: 's' }).collect();

      expect(result.errors).toHaveLength(1);
      expect(String(result.errors[0])).toContain('metric routeros.interface.receive.bytes: two different definitions');
      expect(metric(result, RX_BYTES.name)?.dataPointType).toBe(DataPointType.SUM);
      expect(points(result, RX_BYTES.name).map((entry) => entry.value)).toEqual([10, 11]);
    });

    it('keeps an engine metric name for the engine when a collector reuses it', async () => {
      const fakeUp: MetricDefinition = { name: 'routeros.up', kind: 'counter', unit: '', description: 'x', attributes: [] };
      const source = new TestSnapshotSource([routerSnapshot('r', { bad: collectorState([sample(fakeUp, 7)]) })]);
      const result = await new SnapshotMetricProducer(source, { scopeName: 's' }).collect();
      expect(result.errors).toHaveLength(1);
      expect(points(result, 'routeros.up').map((entry) => entry.value)).toEqual([1]);
    });

    it('drops duplicate series and invalid counter values with an error, never throwing', async () => {
      const source = new TestSnapshotSource([
        routerSnapshot('r', {
          interface: collectorState([
            sample(RX_BYTES, 1, { interface: 'e1' }),
            sample(RX_BYTES, 2, { interface: 'e1' }),
            sample(RX_BYTES, Number.NaN, { interface: 'e2' }),
            sample(RX_BYTES, -5, { interface: 'e3' }),
          ]),
        }),
      ]);
      const result = await new SnapshotMetricProducer(source, { scopeName: 's' }).collect();
      expect(points(result, RX_BYTES.name).map((entry) => entry.value)).toEqual([1]);
      expect(result.errors.map(String)).toEqual([
        expect.stringContaining('1 duplicate series dropped'),
        expect.stringContaining('2 counter samples dropped'),
      ]);
    });

    it('keeps dropping a duplicate of a packed run that kept its columns, collect after collect', async () => {
      const rows = (value: number) => [sample(RX_BYTES, value, { interface: 'e1' }), sample(RX_BYTES, value + 1, { interface: 'e1' })];
      let state = okCollectorState(rows(1), 0.1, 1, 0);
      const source = new TestSnapshotSource([routerSnapshot('r', { interface: state })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's' });
      for (let collect = 0; collect < 3; collect += 1) {
        if (collect > 0) {
          const previous = state as PackedCollectorState;
          state = okCollectorState(rows(collect * 10), 0.1, 1 + collect, 0, previous);
          // The usual poll: the same series with new numbers, so the run kept its columns.
          expect((state as PackedCollectorState).packed.sameColumns(previous.packed)).toBe(true);
          source.routers = [routerSnapshot('r', { interface: state })];
        }
        const result = await producer.collect();
        expect(points(result, RX_BYTES.name).map((entry) => entry.value)).toEqual([collect === 0 ? 1 : collect * 10]);
        expect(result.errors.map(String)).toEqual([expect.stringContaining('1 duplicate series dropped')]);
      }
    });

    it('drops a series that an earlier target of the same identity showed, keeping the other targets whole', async () => {
      const state = () => collectorState([sample(RX_BYTES, 1, { interface: 'e1' }), sample(RX_BYTES, 2, { interface: 'e2' })]);
      const source = new TestSnapshotSource([
        routerSnapshot('r', { interface: state() }),
        routerSnapshot('other', { interface: state() }),
        // Same identity as the first target, a different name (two config entries for one router).
        { ...routerSnapshot('r', { interface: state() }), name: 'r-again' },
      ]);
      const result = await new SnapshotMetricProducer(source, { scopeName: 's' }).collect();
      const rx = points(result, RX_BYTES.name).map((entry) => `${String(entry.attributes['router'])}/${String(entry.attributes['interface'])}`);
      expect(rx).toEqual(['r/e1', 'r/e2', 'other/e1', 'other/e2']);
      expect(result.errors.map(String)).toEqual([expect.stringContaining('duplicate series dropped')]);
    });

    it('returns errors instead of rejecting when the source throws', async () => {
      const broken: SnapshotSource = {
        firstRoundDone: true,
        snapshots() {
          throw new Error('boom');
        },
      };
      const result = await new SnapshotMetricProducer(broken, { scopeName: 's' }).collect();
      expect(result.resourceMetrics.scopeMetrics).toEqual([]);
      expect(String(result.errors[0])).toContain('boom');
    });
  });

  describe('cumulative counters', () => {
    it('keeps the start time while the counter grows and starts anew on a decrease (reset)', async () => {
      const clock = new TestClock();
      const source = new TestSnapshotSource([rxRouter('r', { e1: 100 })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's', nowMillis: clock.now });
      const t1 = clock.millis;

      const first = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(first && [hrTimeToMilliseconds(first.startTime), hrTimeToMilliseconds(first.endTime), first.value]).toEqual([t1, t1, 100]);

      clock.advance(30_000);
      source.routers = [rxRouter('r', { e1: 200 })];
      const second = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(second && [hrTimeToMilliseconds(second.startTime), hrTimeToMilliseconds(second.endTime), second.value]).toEqual([
        t1,
        t1 + 30_000,
        200,
      ]);

      clock.advance(30_000);
      const t3 = clock.millis;
      source.routers = [rxRouter('r', { e1: 50 })];
      const third = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(third && [hrTimeToMilliseconds(third.startTime), third.value]).toEqual([t3, 50]);

      clock.advance(30_000);
      source.routers = [rxRouter('r', { e1: 60 })];
      const fourth = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(fourth && hrTimeToMilliseconds(fourth.startTime)).toBe(t3);
    });

    it.each(RUN_KINDS)('follows each series through reordered, inserted and removed rows as a per-series map would ($kind runs)', async ({ routers }) => {
      // The state is kept by position in the collector's last run; rows that move must not trade state.
      const row = fc.record({ name: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6'), value: fc.integer({ min: 0, max: 1_000 }) });
      // Half the rounds repeat the previous interfaces in order with new values: the common case of a poll.
      const round = fc.record({ repeat: fc.boolean(), rows: fc.uniqueArray(row, { selector: (entry) => entry.name, minLength: 1, maxLength: 6 }) });
      const rounds = fc.array(round, { minLength: 2, maxLength: 12 });
      await fc.assert(
        fc.asyncProperty(rounds, async (collects) => {
          const clock = new TestClock();
          const source = new TestSnapshotSource();
          const producer = new SnapshotMetricProducer(source, { scopeName: 's', nowMillis: clock.now });
          const router = routers();
          const model = new Map<string, { start: number; last: number }>();
          let previous: { name: string; value: number }[] | undefined;
          for (const collect of collects) {
            const rows = collect.repeat && previous !== undefined ? previous.map((entry, index) => ({ name: entry.name, value: collect.rows[index]?.value ?? entry.value + 1 })) : collect.rows;
            previous = rows;
            clock.advance(30_000);
            source.routers = [router('r', Object.fromEntries(rows.map((entry) => [entry.name, entry.value])))];
            const result = await producer.collect();
            for (const name of [...model.keys()]) if (!rows.some((entry) => entry.name === name)) model.delete(name);
            for (const { name, value } of rows) {
              const known = model.get(name);
              const start = known === undefined || value < known.last ? clock.millis : known.start;
              model.set(name, { start, last: value });
              const emitted = point(result, RX_BYTES.name, { interface: name });
              expect(emitted && [hrTimeToMilliseconds(emitted.startTime), emitted.value]).toEqual([start, value]);
            }
          }
          expect(producer['_counterCount']()).toBe(model.size);
        }),
        { numRuns: 200 },
      );
    });

    it('a series that disappears is absent while gone; back soon and higher, it keeps its start time', async () => {
      const clock = new TestClock();
      const source = new TestSnapshotSource([rxRouter('r', { e1: 100 })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's', nowMillis: clock.now });
      const t1 = clock.millis;
      await producer.collect();

      clock.advance(30_000);
      source.routers = [routerSnapshot('r', {}, { up: false })];
      expect(metric(await producer.collect(), RX_BYTES.name)).toBeUndefined();

      clock.advance(30_000);
      source.routers = [rxRouter('r', { e1: 500 })];
      const back = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(back && [hrTimeToMilliseconds(back.startTime), back.value]).toEqual([t1, 500]);
    });

    it('a series back lower after a gap (the router rebooted meanwhile) starts anew', async () => {
      const clock = new TestClock();
      const source = new TestSnapshotSource([rxRouter('r', { e1: 100_000 })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's', nowMillis: clock.now });
      await producer.collect();
      clock.advance(30_000);
      source.routers = [routerSnapshot('r', {}, { up: false })];
      await producer.collect();
      clock.advance(30_000);
      source.routers = [rxRouter('r', { e1: 70 })];
      const back = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(back && [hrTimeToMilliseconds(back.startTime), back.value]).toEqual([clock.millis, 70]);
    });

    it.each(['cumulative', 'delta'] as const)(
      'a reboot read from the uptime restarts every counter of that router, even one already back higher (%s)',
      async (temporality) => {
        const clock = new TestClock();
        const uptimeRouter = (name: string, uptimeSeconds: number, values: Record<string, number>) =>
          routerSnapshot(name, {
            system: collectorState([sample(SYSTEM_UPTIME, uptimeSeconds)], { finishedAtMillis: clock.millis }),
            interface: collectorState(Object.entries(values).map(([iface, value]) => sample(RX_BYTES, value, { interface: iface }))),
          });
        const source = new TestSnapshotSource([uptimeRouter('r', 86_400, { e1: 1_000 }), uptimeRouter('other', 3_600, { e1: 1_000 })]);
        const producer = new SnapshotMetricProducer(source, { scopeName: 's', nowMillis: clock.now, temporality });
        const t0 = clock.millis;
        await producer.collect();

        // 30 s later, uptime 30 s more give or take the poll's jitter: not a restart.
        clock.advance(30_000);
        source.routers = [uptimeRouter('r', 86_431, { e1: 2_000 }), uptimeRouter('other', 3_629, { e1: 2_000 })];
        const steady = await producer.collect();
        const steadyPoint = point(steady, RX_BYTES.name, { router: 'r', interface: 'e1' });
        expect(steadyPoint && [hrTimeToMilliseconds(steadyPoint.startTime), steadyPoint.value]).toEqual(
          temporality === 'cumulative' ? [t0, 2_000] : [t0, 1_000],
        );

        // Down for a while; r reboots meanwhile and is back with 5 minutes of uptime and a counter
        // above its old value: only the uptime tells.
        clock.advance(30_000);
        source.routers = [routerSnapshot('r', {}, { up: false }), uptimeRouter('other', 3_659, { e1: 3_000 })];
        await producer.collect();
        clock.advance(300_000);
        const t3 = clock.millis;
        source.routers = [uptimeRouter('r', 300, { e1: 50_000 }), uptimeRouter('other', 3_959, { e1: 4_000 })];
        const back = await producer.collect();
        const rebooted = point(back, RX_BYTES.name, { router: 'r', interface: 'e1' });
        const untouched = point(back, RX_BYTES.name, { router: 'other', interface: 'e1' });
        if (temporality === 'cumulative') {
          expect(rebooted && [hrTimeToMilliseconds(rebooted.startTime), rebooted.value]).toEqual([t3, 50_000]);
          expect(untouched && [hrTimeToMilliseconds(untouched.startTime), untouched.value]).toEqual([t0, 4_000]);
        } else {
          // Everything since the restart is new traffic; the old total is not subtracted from it.
          expect(rebooted?.value).toBe(50_000);
          expect(untouched?.value).toBe(1_000);
        }
      },
    );

    it('forgets a series gone for longer than the retention: it comes back with a new start time', async () => {
      const clock = new TestClock();
      const source = new TestSnapshotSource([rxRouter('r', { e1: 100 })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's', nowMillis: clock.now, counterRetentionMillis: 60_000 });
      await producer.collect();

      clock.advance(30_000);
      source.routers = [routerSnapshot('r', {}, { up: false })];
      await producer.collect();
      expect(producer['_counterCount']()).toBe(1);
      clock.advance(31_000);
      await producer.collect();
      expect(producer['_counterCount']()).toBe(0);

      clock.advance(10_000);
      source.routers = [rxRouter('r', { e1: 500 })];
      const back = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(back && [hrTimeToMilliseconds(back.startTime), back.value]).toEqual([clock.millis, 500]);
    });

    it('keeps no state for entities that went away while their collector ran: churn cannot grow it', async () => {
      const clock = new TestClock();
      const source = new TestSnapshotSource();
      const producer = new SnapshotMetricProducer(source, { scopeName: 's', nowMillis: clock.now });
      // Five rounds of 100 new series each (leases, sessions coming and going), the collector fine every time.
      for (let round = 0; round < 5; round++) {
        source.routers = [rxRouter('r', Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`if${round}-${i}`, i])))];
        await producer.collect();
        clock.advance(10_000);
        expect(producer['_counterCount']()).toBe(100);
      }
    });

    it.each(RUN_KINDS)('bounds the state of series of missed runs by the retention and by count, dropping the longest-absent first ($kind runs)', async ({ kind, routers }) => {
      const clock = new TestClock();
      const names = ['r0', 'r1', 'r2', 'r3', 'r4'];
      const router = routers();
      const series = (name: string, base = 0) => Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${name}-if${i}`, base + i]));
      const t0 = clock.millis;
      const source = new TestSnapshotSource(names.map((name) => router(name, series(name))));
      const producer = new SnapshotMetricProducer(source, {
        scopeName: 's',
        nowMillis: clock.now,
        counterRetentionMillis: 60_000,
        maxRetainedCounters: 250,
      });
      await producer.collect();
      // One more router goes down each round: r0 first (longest absent), then r1, r2, r3.
      for (let down = 1; down <= 4; down++) {
        clock.advance(10_000);
        source.routers = names.map((name, index) =>
          index < down ? routerSnapshot(name, {}, { up: false }) : router(name, series(name)),
        );
        await producer.collect();
      }
      // r4's 100 present, plus at most 250 absent: r3 and r2 whole, half of r1, none of r0.
      expect(producer['_counterCount']()).toBe(350);
      if (kind === 'plain') {
        const keys = producer['_counterKeys']();
        expect(names.map((name) => keys.filter((key) => key.includes(`\u0001${name}-if`)).length)).toEqual([0, 50, 100, 100, 100]);
      }
      // Back, higher: a series with state keeps its first start time, one without starts now.
      clock.advance(10_000);
      source.routers = names.map((name) => router(name, series(name, 1_000)));
      const back = await producer.collect();
      const kept = names.map((name) => points(back, RX_BYTES.name).filter((entry) => entry.attributes['router'] === name && hrTimeToMilliseconds(entry.startTime) === t0).length);
      expect(kept).toEqual([0, 50, 100, 100, 100]);

      // Past the retention only the present series are left.
      source.routers = [router('r4', series('r4', 2_000))];
      clock.advance(61_000);
      await producer.collect();
      expect(producer['_counterCount']()).toBe(100);
    });
  });

  describe('delta temporality', () => {
    it('records a baseline first, then emits increases since the previous collect', async () => {
      const clock = new TestClock();
      const source = new TestSnapshotSource([rxRouter('r', { e1: 1000 })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's', temporality: 'delta', nowMillis: clock.now });

      const first = await producer.collect();
      expect(metric(first, RX_BYTES.name)).toBeUndefined();
      expect(point(first, 'routeros.up', {})?.value).toBe(1);

      const t1 = clock.millis;
      clock.advance(60_000);
      source.routers = [rxRouter('r', { e1: 1500 })];
      const second = await producer.collect();
      expect(metric(second, RX_BYTES.name)?.aggregationTemporality).toBe(AggregationTemporality.DELTA);
      const p2 = point(second, RX_BYTES.name, { interface: 'e1' });
      expect(p2 && [hrTimeToMilliseconds(p2.startTime), hrTimeToMilliseconds(p2.endTime), p2.value]).toEqual([
        t1,
        t1 + 60_000,
        500,
      ]);

      clock.advance(60_000);
      const p3 = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(p3 && [hrTimeToMilliseconds(p3.startTime), p3.value]).toEqual([t1 + 60_000, 0]);

      // Reset: the router rebooted; the new value is what accumulated since.
      clock.advance(60_000);
      source.routers = [rxRouter('r', { e1: 70 })];
      const p4 = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
      expect(p4?.value).toBe(70);
    });

    it('leaves gauges as they are', async () => {
      const source = new TestSnapshotSource([routerSnapshot('r', { system: collectorState([sample(CPU_LOAD, 0.4)]) })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's', temporality: 'delta' });
      expect(point(await producer.collect(), CPU_LOAD.name, {})?.value).toBe(0.4);
      expect(point(await producer.collect(), CPU_LOAD.name, {})?.value).toBe(0.4);
    });

    it('never emits a negative delta and each delta is the increase or, after a reset, the new value', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }), async (values) => {
          const source = new TestSnapshotSource();
          const producer = new SnapshotMetricProducer(source, { scopeName: 's', temporality: 'delta' });
          let previous: number | undefined;
          for (const value of values) {
            source.routers = [rxRouter('r', { e1: value })];
            const emitted = point(await producer.collect(), RX_BYTES.name, { interface: 'e1' });
            if (previous === undefined) {
              expect(emitted).toBeUndefined();
            } else {
              expect(emitted?.value).toBe(value >= previous ? value - previous : value);
              expect(emitted?.value).toBeGreaterThanOrEqual(0);
            }
            previous = value;
          }
        }),
        { numRuns: 200 },
      );
    });

    it('a series back after missed cycles gets one delta over the whole gap, from its last observation', async () => {
      const clock = new TestClock();
      const source = new TestSnapshotSource([rxRouter('r', { e1: 1_000, e2: 5_000 })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 's', temporality: 'delta', nowMillis: clock.now });
      await producer.collect();
      const lastSeen = clock.millis;

      // Two collects with the router down (or its interface collector failing): nothing to export.
      for (let missed = 0; missed < 2; missed++) {
        clock.advance(60_000);
        source.routers = [routerSnapshot('r', {}, { up: false })];
        expect(metric(await producer.collect(), RX_BYTES.name)).toBeUndefined();
      }

      clock.advance(60_000);
      // e1 grew across the gap; e2 went down: the router rebooted meanwhile.
      source.routers = [rxRouter('r', { e1: 4_000, e2: 300 })];
      const back = await producer.collect();
      const e1 = point(back, RX_BYTES.name, { interface: 'e1' });
      expect(e1 && [hrTimeToMilliseconds(e1.startTime), hrTimeToMilliseconds(e1.endTime), e1.value]).toEqual([
        lastSeen,
        clock.millis,
        3_000,
      ]);
      const e2 = point(back, RX_BYTES.name, { interface: 'e2' });
      expect(e2 && [hrTimeToMilliseconds(e2.startTime), e2.value]).toEqual([lastSeen, 300]);

      clock.advance(60_000);
      source.routers = [rxRouter('r', { e1: 4_500, e2: 400 })];
      const next = await producer.collect();
      expect(point(next, RX_BYTES.name, { interface: 'e1' })?.value).toBe(500);
      expect(point(next, RX_BYTES.name, { interface: 'e2' })?.value).toBe(100);
    });

    it('a series gone longer than the retention starts over with a baseline', async () => {
      const clock = new TestClock();
      const source = new TestSnapshotSource([rxRouter('r', { e1: 1_000 })]);
      const producer = new SnapshotMetricProducer(source, {
        scopeName: 's',
        temporality: 'delta',
        nowMillis: clock.now,
        counterRetentionMillis: 120_000,
      });
      await producer.collect();
      source.routers = [routerSnapshot('r', {}, { up: false })];
      for (let missed = 0; missed < 3; missed++) {
        clock.advance(60_000);
        await producer.collect();
      }
      clock.advance(60_000);
      source.routers = [rxRouter('r', { e1: 9_000 })];
      expect(metric(await producer.collect(), RX_BYTES.name)).toBeUndefined();
    });

    it('keeps separate state per producer instance (one per reader)', async () => {
      const source = new TestSnapshotSource([rxRouter('r', { e1: 10 })]);
      const a = new SnapshotMetricProducer(source, { scopeName: 's', temporality: 'delta' });
      const b = new SnapshotMetricProducer(source, { scopeName: 's', temporality: 'delta' });
      await a.collect();
      source.routers = [rxRouter('r', { e1: 25 })];
      expect(point(await a.collect(), RX_BYTES.name, {})?.value).toBe(15);
      expect(metric(await b.collect(), RX_BYTES.name)).toBeUndefined();
    });
  });

  describe('slices', () => {
    it('yields to the event loop during a big fleet\'s collect and still returns every series', async () => {
      const interfaces = (router: number): Record<string, number> =>
        Object.fromEntries(Array.from({ length: 1_000 }, (_, index) => [`ether${index}`, router * 1_000 + index]));
      const fleet = Array.from({ length: 50 }, (_, router) => rxRouter(`r${router}`, interfaces(router)));
      const producer = new SnapshotMetricProducer(new TestSnapshotSource(fleet), { scopeName: 'test' });
      let fired = false;
      const collecting = producer.collect();
      // Scheduled after the collect started: it can only fire first if the collect gave the loop back.
      setTimeout(() => {
        fired = true;
      }, 0);
      const firedBeforeDone = await collecting.then(() => fired);
      expect(firedBeforeDone).toBe(true);
      const result = await collecting;
      expect(points(result, RX_BYTES.name)).toHaveLength(50_000);
      expect(point(result, RX_BYTES.name, { router: 'r49', interface: 'ether999' })?.value).toBe(49_999);
    });

    it('runs concurrent collects one after the other, so counter state never interleaves', async () => {
      const clock = new TestClock();
      const startMillis = clock.millis;
      const source = new TestSnapshotSource([rxRouter('a', { e1: 10 }), rxRouter('b', { e1: 1 })]);
      const producer = new SnapshotMetricProducer(source, { scopeName: 'test', nowMillis: clock.now, sliceSeries: 1 });
      const first = producer.collect();
      // The first collect has begun and yielded after its first target.
      await new Promise<void>((resolve) => setImmediate(resolve));
      source.routers = [rxRouter('a', { e1: 20 }), rxRouter('b', { e1: 2 })];
      clock.advance(1_000);
      const second = producer.collect();
      const [one, two] = await Promise.all([first, second]);
      expect(point(one, RX_BYTES.name, { router: 'a' })?.value).toBe(10);
      expect(point(two, RX_BYTES.name, { router: 'a' })?.value).toBe(20);
      // The second collect continued the first one's series: same start time.
      expect(hrTimeToMilliseconds(point(two, RX_BYTES.name, { router: 'a' })!.startTime)).toBe(startMillis);
    });
  });
});
