/** What the host target carries beside its collectors' series: `host_up`, `host_collection_success`, … */
import type { MetricDefinition } from '../../engine/metric.js';
import type { SourceDescriptor } from '../../engine/snapshot.js';
import { targetMetricList, targetMetrics } from '../../engine/target-metrics.js';

export const HOST: SourceDescriptor = Object.freeze({
  kind: 'host',
  healthKey: 'hosts',
  noun: 'host',
  metrics: targetMetrics('host', 'host'),
});

/** The per-host engine metrics, in docs order. */
export const HOST_ENGINE_METRICS: readonly MetricDefinition[] = targetMetricList(HOST.metrics);
