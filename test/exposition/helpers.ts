/** The SDK's own rendering of snapshots, the reference the exposition is compared with. */
import { gunzipSync } from 'node:zlib';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { unitSuffixedName, type MetricKind } from '../../src/engine/metric.js';
import type { SnapshotSource, TargetSnapshot } from '../../src/engine/snapshot.js';
import { SnapshotExposition } from '../../src/exposition/exposition.js';
import type { ExpositionFormat } from '../../src/exposition/format.js';
import { SnapshotMetricProducer } from '../../src/telemetry/snapshot-producer.js';

export const SCOPE = { name: 'mikrotik-otel-agent.targets', version: '9.9.9' } as const;

/** A source frozen at one list of snapshots, so both renderings see the same data. */
export function frozen(snapshots: readonly TargetSnapshot[]): SnapshotSource {
  return { snapshots: () => snapshots, firstRoundDone: true };
}

/**
 * What the stock pipeline (SnapshotMetricProducer + PrometheusSerializer) prints, without target_info. The
 * serializer adds no unit suffix (opentelemetry-js #3466), so it is handed each name with the suffix the OTel
 * compatibility spec asks for, which the exposition adds ({@link unitSuffixedName}, tested on its own).
 */
export async function sdkText(source: SnapshotSource, scopeLabels: boolean): Promise<{ text: string; errors: string[] }> {
  const producer = new SnapshotMetricProducer(source, { scopeName: SCOPE.name, scopeVersion: SCOPE.version });
  const { resourceMetrics, errors } = await producer.collect();
  const serializer = new PrometheusSerializer(undefined, false, undefined, true, !scopeLabels);
  const text = serializer.serialize(withUnitSuffixes(resourceMetrics));
  return { text: text === '# no registered metrics' ? '' : text, errors: errors.map((error) => (error instanceof Error ? error.message : String(error))) };
}

function withUnitSuffixes(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => {
        const kind = kindOf(metric);
        const name = unitSuffixedName(metric.descriptor.name, metric.descriptor.unit, kind);
        return { ...metric, descriptor: { ...metric.descriptor, name } } as MetricData;
      }),
    })),
  };
}

function kindOf(metric: MetricData): MetricKind {
  if (metric.dataPointType === DataPointType.HISTOGRAM) return 'histogram';
  return metric.dataPointType === DataPointType.SUM && metric.isMonotonic ? 'counter' : 'gauge';
}

/** The exposition's body as text (gunzipped when asked for gzip). */
export function expositionText(
  source: SnapshotSource,
  options: { scopeLabels?: boolean; format?: ExpositionFormat; gzip?: boolean; exposition?: SnapshotExposition } = {},
): { text: string; errors: readonly string[]; chunks: number } {
  const exposition =
    options.exposition ?? new SnapshotExposition({ source, ...(options.scopeLabels === true ? { scope: SCOPE } : {}) });
  const body = exposition.body(options.format ?? 'text', options.gzip ?? false);
  const joined = Buffer.concat(body.chunks);
  expectLength(joined.length, body.byteLength);
  const text = (options.gzip === true ? gunzipSync(joined) : joined).toString('utf8');
  return { text, errors: body.errors, chunks: body.chunks.length };
}

function expectLength(actual: number, declared: number): void {
  if (actual !== declared) throw new Error(`byteLength ${declared} but the chunks hold ${actual} bytes`);
}

/** `name{labels}` → value of every sample line; throws on a repeated series. */
export function samplesOf(text: string): Map<string, string> {
  const samples = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    if (samples.has(series)) throw new Error(`repeated series ${series}`);
    samples.set(series, line.slice(space + 1));
  }
  return samples;
}
