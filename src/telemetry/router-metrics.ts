/**
 * Per-router metrics the engine itself reports, next to the collectors' own. They come from the
 * snapshot producer (not SDK instruments) so a removed router's series disappear with it.
 */
import type { MetricDefinition } from '../sources/routeros/collectors/collector.js';

export const ROUTER_UP: MetricDefinition = {
  name: 'routeros.up',
  kind: 'gauge',
  unit: '',
  description: 'Whether the last poll of the router succeeded (1) or not (0).',
  attributes: [],
};

export const COLLECTION_DURATION: MetricDefinition = {
  name: 'routeros.collection.duration.seconds',
  kind: 'gauge',
  unit: 's',
  description: 'How long the last run of a collector took.',
  attributes: ['collector'],
};

export const COLLECTION_SUCCESS: MetricDefinition = {
  name: 'routeros.collection.success',
  kind: 'gauge',
  unit: '',
  description: 'Whether the last run of a collector succeeded (1) or not (0); unsupported features report 0.',
  attributes: ['collector'],
};

export const SERIES_DROPPED: MetricDefinition = {
  name: 'routeros.series.dropped',
  kind: 'gauge',
  unit: '{series}',
  description: 'Series a collector dropped in its last run because they exceeded the per-router cap.',
  attributes: ['collector'],
};

export const LAST_SUCCESS: MetricDefinition = {
  name: 'routeros.last.success.timestamp.seconds',
  kind: 'gauge',
  unit: 's',
  description: 'Unix time of the last successful poll of the router.',
  attributes: [],
};

/** Every per-router engine metric, in docs order. */
export const ROUTER_METRICS: readonly MetricDefinition[] = [
  ROUTER_UP,
  COLLECTION_DURATION,
  COLLECTION_SUCCESS,
  SERIES_DROPPED,
  LAST_SUCCESS,
];

/** Prometheus name of a definition as both the JS exporter and otlptranslator render it. */
export function prometheusName(metric: MetricDefinition): string {
  const base = metric.name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_+/g, '_');
  return metric.kind === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}
