/** What every RouterOS target shares: its kind, names and per-router metrics (`routeros_up`, …). */
import type { SourceDescriptor } from '../../engine/snapshot.js';
import type { MetricDefinition } from '../../engine/metric.js';
import { targetMetricList, targetMetrics } from '../../engine/target-metrics.js';

export const ROUTEROS: SourceDescriptor = Object.freeze({
  kind: 'routeros',
  healthKey: 'routers',
  noun: 'router',
  metrics: targetMetrics('routeros', 'router'),
});

/** The per-router engine metrics, in docs order. */
export const ROUTER_METRICS: readonly MetricDefinition[] = targetMetricList(ROUTEROS.metrics);
