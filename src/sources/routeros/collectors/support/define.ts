/**
 * Terse, frozen MetricDefinitions. Collectors declare their metrics once at module level:
 *
 *   const RX_BYTES = counter('routeros.interface.receive.bytes', 'By', 'Bytes received.', ['interface']);
 */
import type { MetricDefinition, MetricKind } from '../collector.js';

/** Any definition, frozen (attributes too) so a collector cannot change it at run time. */
export function metric(definition: MetricDefinition): MetricDefinition {
  return Object.freeze({ ...definition, attributes: Object.freeze([...definition.attributes]) });
}

function define(
  kind: MetricKind,
  name: string,
  unit: string,
  description: string,
  attributes: readonly string[],
): MetricDefinition {
  return metric({ name, kind, unit, description, attributes });
}

/** An instantaneous value. `unit` is UCUM (`By`, `s`, `Cel`, `1`) or '' for none. */
export function gauge(name: string, unit: string, description: string, attributes: readonly string[] = []): MetricDefinition {
  return define('gauge', name, unit, description, attributes);
}

/** A monotonic cumulative total; Prometheus shows it with `_total`. */
export function counter(name: string, unit: string, description: string, attributes: readonly string[] = []): MetricDefinition {
  return define('counter', name, unit, description, attributes);
}

/** An info series: a gauge whose value is always 1 and whose attributes carry the facts. */
export function info(name: string, description: string, attributes: readonly string[]): MetricDefinition {
  return define('gauge', name, '', description, attributes);
}
