/**
 * Deferred points (the OTLP reader's producer): the points the batching exporter builds a request at a
 * time are the very points an eager collect makes, through counter rises, resets, a target restart, a
 * series that vanishes and one that comes back, summaries, histograms, gauges and duplicates, in both
 * temporalities.
 */
import type { CollectionResult, MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { Distribution, MetricDefinition, Sample } from '../../src/engine/metric.js';
import { okCollectorState } from '../../src/engine/packed-samples.js';
import type { CollectorState } from '../../src/engine/snapshot.js';
import { SYSTEM_UPTIME } from '../../src/sources/routeros/collectors/system.js';
import { splitResourceMetrics } from '../../src/telemetry/batching-exporter.js';
import { deferredPointsOf } from '../../src/telemetry/deferred-points.js';
import { SnapshotMetricProducer } from '../../src/telemetry/snapshot-producer.js';
import { CPU_LOAD, RX_BYTES, TestSnapshotSource, collectorState, routerSnapshot, sample } from './fixtures.js';

const SIZES: MetricDefinition = Object.freeze({ name: 'rpc_size', kind: 'summary', unit: '', description: 'RPC sizes.', attributes: [] });
const LATENCY: MetricDefinition = Object.freeze({
  name: 'rpc_latency_seconds',
  kind: 'histogram',
  unit: '',
  description: 'RPC latency.',
  attributes: [],
});

function distributionSample(metric: MetricDefinition, distribution: Distribution): Sample {
  return { metric, attributes: {}, value: distribution.count, distribution };
}

/** A packed run, as the engine keeps one (okCollectorState packs runs without distributions). */
function packed(samples: readonly Sample[], finishedAtMillis: number): CollectorState {
  return okCollectorState(samples, 0.25, finishedAtMillis, 0);
}

/** One poll of the fleet at `step`: values move, reset, vanish and come back along the steps. */
function fleet(step: number, millis: number) {
  const rx = [100, 200, 50, 80, 90][step]!;
  const uptime = [1000, 1060, 1120, 10, 70][step]!;
  const interfaces: Sample[] = [
    sample(RX_BYTES, rx, { interface: 'ether1' }),
    sample(RX_BYTES, rx * 2, { interface: 'ether2', site: 'override' }),
    // A duplicate of ether1: dropped, and reported.
    sample(RX_BYTES, 1, { interface: 'ether1' }),
  ];
  // ether3 vanishes at step 2 and comes back at step 3.
  if (step !== 2) interfaces.push(sample(RX_BYTES, 1000 + step, { interface: 'ether3' }));
  return [
    routerSnapshot(
      'core1',
      {
        interface: packed(interfaces, millis),
        system: packed([sample(SYSTEM_UPTIME, uptime), sample(CPU_LOAD, step / 10)], millis),
        rpc: collectorState(
          [
            distributionSample(SIZES, { type: 'summary', quantiles: [{ quantile: 0.5, value: step }], count: 10 + step, sum: 5 * step }),
            distributionSample(LATENCY, { type: 'histogram', bounds: [1, 5], counts: [step, step + 1, step + 2], count: step + 2, sum: step }),
            sample(CPU_LOAD, 0.5, { core: '1' }),
          ],
          { finishedAtMillis: millis },
        ),
      },
      { labels: { site: 'lab' } },
    ),
    routerSnapshot('edge1', { interface: packed([sample(RX_BYTES, 7 * (step + 1), { interface: 'wan' })], millis) }, { up: step !== 1 }),
  ];
}

/** Every point of every metric, deferred ones built through the exporter's batches of `size`. */
function builtPoints(result: CollectionResult, size: number): Map<string, unknown[]> {
  const byName = new Map<string, unknown[]>();
  for (const batch of splitResourceMetrics(result.resourceMetrics, size)) {
    const count = batch.scopeMetrics.reduce((total, scope) => total + scope.metrics.reduce((sum, metric) => sum + metric.dataPoints.length, 0), 0);
    expect(count).toBeLessThanOrEqual(size);
    for (const metric of batch.scopeMetrics.flatMap((scope) => scope.metrics)) {
      const list = byName.get(metric.descriptor.name) ?? [];
      list.push(...metric.dataPoints);
      byName.set(metric.descriptor.name, list);
    }
  }
  return byName;
}

function descriptors(result: CollectionResult): unknown[] {
  return result.resourceMetrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.map((metric: MetricData) => ({ ...metric, dataPoints: undefined })),
  );
}

describe('deferred points', () => {
  for (const temporality of ['cumulative', 'delta'] as const) {
    it(`are the eager collect's points, request by request (${temporality})`, async () => {
      let millis = 1_700_000_100_000;
      const source = new TestSnapshotSource();
      const options = { temporality, scopeName: 'test', nowMillis: () => millis };
      const eager = new SnapshotMetricProducer(source, options);
      const deferring = new SnapshotMetricProducer(source, { ...options, deferPoints: true });
      for (let step = 0; step < 5; step += 1) {
        millis += 60_000;
        source.routers = fleet(step, millis - 5_000);
        const expected = await eager.collect();
        const got = await deferring.collect();
        // The points really are deferred: the metrics carry none until the exporter builds them.
        const rx = got.resourceMetrics.scopeMetrics[0]!.metrics.find((metric) => metric.descriptor.name === RX_BYTES.name);
        if (rx !== undefined) {
          expect(rx.dataPoints).toEqual([]);
          expect(deferredPointsOf(rx)?.length).toBeGreaterThan(0);
        }
        expect(descriptors(got)).toEqual(descriptors(expected));
        expect(builtPoints(got, 3)).toEqual(builtPoints(expected, 1_000));
        expect(got.errors.map(String)).toEqual(expected.errors.map(String));
      }
    });
  }

  it('build the same points past the end of a block of columns, in batches that straddle blocks', async () => {
    const millis = 1_700_000_100_000;
    const interfaces = (scale: number) => Array.from({ length: 2_500 }, (_, index) => sample(RX_BYTES, index * scale, { interface: `ether${index}` }));
    const source = new TestSnapshotSource([routerSnapshot('core1', { interface: packed(interfaces(1), millis) })]);
    const options = { scopeName: 'test', nowMillis: () => millis };
    const eager = new SnapshotMetricProducer(source, options);
    const deferring = new SnapshotMetricProducer(source, { ...options, deferPoints: true });
    const expected = builtPoints(await eager.collect(), 5_000);
    const got = builtPoints(await deferring.collect(), 777);
    expect(got.get(RX_BYTES.name)).toHaveLength(2_500);
    expect(got).toEqual(expected);
  });
});
