/** What every relay target shares, and the relay's own metrics (Pushgateway's names where it has them). */
import type { MetricDefinition } from '../../engine/metric.js';
import type { SourceDescriptor } from '../../engine/snapshot.js';
import { targetMetricList, targetMetrics } from '../../engine/target-metrics.js';

export const RELAY: SourceDescriptor = Object.freeze({
  kind: 'relay',
  healthKey: 'apps',
  noun: 'app',
  metrics: targetMetrics('relay', 'app'),
});

const gauge = (name: string, unit: string, description: string, attributes: readonly string[] = []): MetricDefinition =>
  Object.freeze({ name, kind: 'gauge', unit, description, attributes });
const counter = (name: string, unit: string, description: string, attributes: readonly string[] = []): MetricDefinition =>
  Object.freeze({ name, kind: 'counter', unit, description, attributes });

/** The relay's own metrics. `push_time_seconds` and `push_failure_time_seconds` carry Pushgateway's names. */
export const RELAY_METRICS = Object.freeze({
  pushTime: gauge('push_time_seconds', 's', 'Unix time of the last accepted push of the app.'),
  pushFailureTime: gauge('push_failure_time_seconds', 's', 'Unix time of the last rejected push of the app (0 when none).'),
  pushes: counter('relay.pushes', '{push}', 'Pushes received, by transport, format and result.', ['transport', 'format', 'result']),
  pushBytes: counter('relay.push.bytes', 'By', 'Bytes of pushes received, by transport and format.', ['transport', 'format']),
  apps: gauge('relay.apps', '{app}', 'Apps and polled endpoints whose data the relay holds now.'),
  timestampsStripped: counter(
    'relay.timestamps.stripped',
    '{sample}',
    'Samples whose client timestamp was removed (pushed and polled data is stamped when scraped).',
  ),
  expired: counter('relay.apps.expired', '{app}', 'Apps whose data was dropped because they were silent longer than stale_after.'),
});

/** Every metric of the relay source, in docs order. */
export const RELAY_METRIC_LIST: readonly MetricDefinition[] = [...targetMetricList(RELAY.metrics), ...Object.values(RELAY_METRICS)];

/** Names pushes may not use: the relay's own. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(
  RELAY_METRIC_LIST.flatMap((definition) => {
    const base = definition.name.replace(/[^a-zA-Z0-9_]/g, '_');
    return [base, `${base}_total`];
  }),
);
