/**
 * Histograms and summaries of the core's metric model over OTLP (the producer) and on /metrics (the
 * exposition): OTLP histogram points with explicit bounds and per-bucket counts whose start time
 * follows the counter reset rule, summaries as their parts, and both exposition formats.
 */
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { DataPointType, type CollectionResult, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { Distribution, MetricDefinition, Sample } from '../../src/engine/metric.js';
import { SnapshotExposition } from '../../src/exposition/exposition.js';
import { goFloatText, openMetricsFloatText } from '../../src/exposition/format.js';
import { SnapshotMetricProducer } from '../../src/telemetry/snapshot-producer.js';
import { promtoolCheckMetrics, unexpectedLintFindings } from '../helpers/tools.js';
import { collectorState, routerSnapshot, TestSnapshotSource } from './fixtures.js';

const LATENCY: MetricDefinition = Object.freeze({
  name: 'rpc_latency_seconds',
  kind: 'histogram',
  unit: '',
  description: 'RPC latency.',
  attributes: ['method'],
});
const SIZES: MetricDefinition = Object.freeze({ name: 'rpc_size', kind: 'summary', unit: '', description: 'RPC sizes.', attributes: [] });

function histogram(bounds: number[], counts: number[], sum: number): Distribution {
  return { type: 'histogram', bounds, counts, sum, count: counts.at(-1)! };
}

function distributionSample(metric: MetricDefinition, distribution: Distribution, attributes: Record<string, string> = {}): Sample {
  return { metric, attributes, value: distribution.count, distribution };
}

function source(samples: Sample[]): TestSnapshotSource {
  return new TestSnapshotSource([routerSnapshot('r1', { rpc: collectorState(samples) })]);
}

function histogramPoints(result: CollectionResult, name: string): DataPoint<Histogram>[] {
  const metric = result.resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((entry) => entry.descriptor.name === name);
  if (metric?.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram: ${metric?.dataPointType}`);
  return metric.dataPoints;
}

function metricOf(result: CollectionResult, name: string) {
  return result.resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((entry) => entry.descriptor.name === name);
}

describe('histograms and summaries over OTLP', () => {
  it('a histogram is an OTLP histogram with per-bucket counts; its start time moves only when the count goes down', async () => {
    let now = 1_700_000_000_000;
    const snapshots = source([distributionSample(LATENCY, histogram([0.1, 1], [2, 5, 6], 3.5), { method: 'get' })]);
    const producer = new SnapshotMetricProducer(snapshots, { scopeName: 'test', nowMillis: () => now });
    const first = await producer.collect();
    expect(first.errors).toEqual([]);
    const [point] = histogramPoints(first, 'rpc_latency_seconds');
    expect(point!.value).toEqual({ buckets: { boundaries: [0.1, 1], counts: [2, 3, 1] }, sum: 3.5, count: 6 });
    expect(point!.attributes).toMatchObject({ router: 'r1', method: 'get' });
    expect(hrTimeToMilliseconds(point!.startTime)).toBe(now);

    now += 10_000;
    snapshots.routers = source([distributionSample(LATENCY, histogram([0.1, 1], [3, 7, 9], 5), { method: 'get' })]).routers;
    const second = histogramPoints(await producer.collect(), 'rpc_latency_seconds')[0]!;
    expect(hrTimeToMilliseconds(second.startTime)).toBe(now - 10_000);
    expect(second.value.count).toBe(9);

    now += 10_000;
    snapshots.routers = source([distributionSample(LATENCY, histogram([0.1, 1], [1, 1, 1], 0.05), { method: 'get' })]).routers;
    const reset = histogramPoints(await producer.collect(), 'rpc_latency_seconds')[0]!;
    expect(hrTimeToMilliseconds(reset.startTime)).toBe(now);
  });

  it('delta temporality sends the increase of every bucket since the previous collect', async () => {
    let now = 1_700_000_000_000;
    const snapshots = source([distributionSample(LATENCY, histogram([1], [1, 2], 2))]);
    const producer = new SnapshotMetricProducer(snapshots, { scopeName: 'test', temporality: 'delta', nowMillis: () => now });
    expect(metricOf(await producer.collect(), 'rpc_latency_seconds')).toBeUndefined();
    now += 5_000;
    snapshots.routers = source([distributionSample(LATENCY, histogram([1], [4, 6], 9))]).routers;
    const [point] = histogramPoints(await producer.collect(), 'rpc_latency_seconds');
    expect(point!.value).toEqual({ buckets: { boundaries: [1], counts: [3, 1] }, sum: 7, count: 4 });
    expect(hrTimeToMilliseconds(point!.startTime)).toBe(now - 5_000);
    // After a reset (the count went down) the new totals are the increase, as for counters.
    now += 5_000;
    snapshots.routers = source([distributionSample(LATENCY, histogram([1], [1, 1], 0.5))]).routers;
    expect(histogramPoints(await producer.collect(), 'rpc_latency_seconds')[0]!.value).toEqual({
      buckets: { boundaries: [1], counts: [1, 0] },
      sum: 0.5,
      count: 1,
    });
  });

  it('delta temporality: a summary\'s quantiles go at once, its _sum and _count from the second collect on', async () => {
    let now = 1_700_000_000_000;
    const summary = (count: number, sum: number): Sample => distributionSample(SIZES, { type: 'summary', quantiles: [{ quantile: 0.5, value: 3 }], sum, count });
    const snapshots = source([summary(2, 10)]);
    const producer = new SnapshotMetricProducer(snapshots, { scopeName: 'test', temporality: 'delta', nowMillis: () => now });
    const first = await producer.collect();
    expect(metricOf(first, 'rpc_size')?.dataPoints.map((entry) => entry.value)).toEqual([3]);
    expect(metricOf(first, 'rpc_size_count')).toBeUndefined();
    now += 1_000;
    snapshots.routers = source([summary(5, 16)]).routers;
    const second = await producer.collect();
    expect(metricOf(second, 'rpc_size_count')?.dataPoints[0]?.value).toBe(3);
    expect(metricOf(second, 'rpc_size_sum')?.dataPoints[0]?.value).toBe(6);
  });

  it('a summary is a quantile gauge plus _sum and _count sums sharing the count reset rule', async () => {
    let now = 1_700_000_000_000;
    const summary = (count: number, sum: number): Sample =>
      distributionSample(SIZES, { type: 'summary', quantiles: [{ quantile: 0.5, value: 10 }, { quantile: 0.99, value: 40 }], sum, count });
    const snapshots = source([summary(5, 60)]);
    const producer = new SnapshotMetricProducer(snapshots, { scopeName: 'test', nowMillis: () => now });
    const first = await producer.collect();
    const quantiles = metricOf(first, 'rpc_size');
    expect(quantiles?.dataPointType).toBe(DataPointType.GAUGE);
    expect(quantiles?.dataPoints.map((entry) => [entry.attributes['quantile'], entry.value])).toEqual([
      ['0.5', 10],
      ['0.99', 40],
    ]);
    for (const [name, value] of [
      ['rpc_size_count', 5],
      ['rpc_size_sum', 60],
    ] as const) {
      const part = metricOf(first, name);
      expect(part).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: false });
      expect(part?.dataPoints[0]?.value).toBe(value);
    }
    now += 1_000;
    snapshots.routers = source([summary(2, 7)]).routers;
    const after = metricOf(await producer.collect(), 'rpc_size_count')!;
    expect(hrTimeToMilliseconds(after.dataPoints[0]!.startTime)).toBe(now);
  });

  it('drops a distribution that is not cumulative, with a reason', async () => {
    const producer = new SnapshotMetricProducer(source([distributionSample(LATENCY, histogram([1, 2], [3, 2, 4], 1))]), { scopeName: 'test' });
    const result = await producer.collect();
    expect(metricOf(result, 'rpc_latency_seconds')).toBeUndefined();
    expect(result.errors.map(String)).toEqual([expect.stringContaining('bucket count 2 not cumulative')]);
  });
});

describe('histograms and summaries on /metrics', () => {
  it('leaves out a negative sum, or the sum of a histogram with a negative bound, in OpenMetrics only', () => {
    const exposition = new SnapshotExposition({
      source: source([
        distributionSample(LATENCY, histogram([-1, 1], [1, 2, 2], 0.5), { method: 'neg' }),
        distributionSample(SIZES, { type: 'summary', quantiles: [], sum: -3, count: 2 }),
      ]),
    });
    const render = (format: 'text' | 'openmetrics') => Buffer.concat(exposition.body(format, false).chunks).toString('utf8');
    expect(render('text')).toContain('rpc_latency_seconds_sum{router="r1",method="neg"} 0.5\n');
    expect(render('text')).toContain('rpc_size_sum{router="r1"} -3\n');
    expect(render('openmetrics')).not.toMatch(/_sum/);
    expect(render('openmetrics')).toContain('rpc_latency_seconds_bucket{router="r1",method="neg",le="-1.0"} 1\n');
  });

  const samples = [
    distributionSample(LATENCY, histogram([0.005, 1, 1e6], [1, 2, 2, 3], 1.5), { method: 'get' }),
    distributionSample(SIZES, { type: 'summary', quantiles: [{ quantile: 0.5, value: 10 }, { quantile: 1, value: NaN }], sum: 60, count: 5 }),
  ];

  it('spells le and quantile as client_golang does in each format', () => {
    expect([0.005, 1, 100000, 1e6, 1e-5, 6.399999999999999e-8, Infinity].map(goFloatText)).toEqual([
      '0.005',
      '1',
      '100000',
      '1e+06',
      '1e-05',
      '6.399999999999999e-08',
      '+Inf',
    ]);
    expect([0.005, 1, 0, 1e6, Infinity].map(openMetricsFloatText)).toEqual(['0.005', '1.0', '0.0', '1e+06', '+Inf']);
  });

  it.each(['text', 'openmetrics'] as const)('renders %s that promtool accepts without findings', async (format) => {
    const exposition = new SnapshotExposition({ source: source(samples) });
    const body = exposition.body(format, false);
    expect(body.errors).toEqual([]);
    const text = Buffer.concat(body.chunks).toString('utf8');
    const one = format === 'text' ? '1' : '1.0';
    const lines = text.split('\n').filter((line) => line.startsWith('rpc_') || line.startsWith('# TYPE rpc_'));
    expect(lines).toEqual([
      '# TYPE rpc_latency_seconds histogram',
      'rpc_latency_seconds_bucket{router="r1",method="get",le="0.005"} 1',
      `rpc_latency_seconds_bucket{router="r1",method="get",le="${one}"} 2`,
      'rpc_latency_seconds_bucket{router="r1",method="get",le="1e+06"} 2',
      'rpc_latency_seconds_bucket{router="r1",method="get",le="+Inf"} 3',
      'rpc_latency_seconds_sum{router="r1",method="get"} 1.5',
      'rpc_latency_seconds_count{router="r1",method="get"} 3',
      '# TYPE rpc_size summary',
      'rpc_size{router="r1",quantile="0.5"} 10',
      `rpc_size{router="r1",quantile="${one}"} NaN`,
      'rpc_size_sum{router="r1"} 60',
      'rpc_size_count{router="r1"} 5',
    ]);
    const gzipped = exposition.body(format, true);
    expect(gzipped.chunks.length).toBe(body.chunks.length);
    const lint = await promtoolCheckMetrics(text);
    expect(lint.exitCode, lint.output).toBe(0);
    expect(unexpectedLintFindings(lint.output)).toEqual([]);
  });
});
