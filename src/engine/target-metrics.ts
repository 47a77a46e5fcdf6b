/**
 * The per-target metrics the engine reports for every source, under the source's prefix. They come
 * from the snapshots (not SDK instruments), so a removed target's series disappear with it.
 */
import type { MetricDefinition } from './metric.js';
import type { TargetMetrics } from './snapshot.js';

/**
 * `<prefix>.up`, `<prefix>.collection.duration.seconds`, `<prefix>.collection.success`,
 * `<prefix>.collection.unsupported`, `<prefix>.series.dropped` and
 * `<prefix>.last.success.timestamp.seconds`, described for a target called `noun`.
 */
export function targetMetrics(prefix: string, noun: string): TargetMetrics {
  const metric = (suffix: string, fields: Omit<MetricDefinition, 'name' | 'kind'>): MetricDefinition =>
    Object.freeze({ name: `${prefix}.${suffix}`, kind: 'gauge', ...fields });
  return Object.freeze({
    up: metric('up', {
      unit: '',
      description: `Whether the last poll of the ${noun} succeeded (1) or not (0).`,
      attributes: [],
    }),
    collectionDuration: metric('collection.duration.seconds', {
      unit: 's',
      description: 'How long the last run of a collector took.',
      attributes: ['collector'],
    }),
    collectionSuccess: metric('collection.success', {
      unit: '',
      description: 'Whether the last run of a collector succeeded (1) or not (0); unsupported features report 0.',
      attributes: ['collector'],
    }),
    collectionUnsupported: metric('collection.unsupported', {
      unit: '',
      description: `Whether the ${noun} lacks the feature a collector reads (1) or not (0), so a failure can be told from a missing feature.`,
      attributes: ['collector'],
    }),
    seriesDropped: metric('series.dropped', {
      unit: '{series}',
      description: `Series a collector dropped in its last run because they exceeded the per-${noun} cap.`,
      attributes: ['collector'],
    }),
    lastSuccess: metric('last.success.timestamp.seconds', {
      unit: 's',
      description: `Unix time of the last successful poll of the ${noun}.`,
      attributes: [],
    }),
  });
}

/** The definitions of a set, in docs order. */
export function targetMetricList(metrics: TargetMetrics): readonly MetricDefinition[] {
  return [
    metrics.up,
    metrics.collectionDuration,
    metrics.collectionSuccess,
    metrics.collectionUnsupported,
    metrics.seriesDropped,
    metrics.lastSuccess,
  ];
}
