/**
 * The metric model every source shares: a definition per metric, and samples of it. Sources
 * declare their definitions; the engine keeps samples in snapshots; telemetry and the exposition
 * turn them into OpenTelemetry points and Prometheus text.
 */

/** gauge: an instantaneous value; counter: a monotonic cumulative total (Prometheus `_total`). */
export type MetricKind = 'gauge' | 'counter';

/**
 * What a metric means to the engine beyond its value. `uptime`: this gauge is the target's uptime
 * in seconds; when the boot time it implies moves forward, the target restarted and every counter
 * of it starts a new series, even one already back above its old value.
 */
export type MetricRole = 'uptime';

/** One metric a source emits. Names carry their unit word, so scrape and OTLP agree. */
export interface MetricDefinition {
  /** OpenTelemetry instrument name, dotted: `routeros.interface.receive.bytes`. */
  readonly name: string;
  readonly kind: MetricKind;
  /** UCUM unit (`By`, `s`, `Cel`, `{packet}`, `1` for ratios) or '' for none. */
  readonly unit: string;
  /** One sentence ending in a period, in the node_exporter voice. */
  readonly description: string;
  /** Attribute keys besides the target's identity and labels, in order. */
  readonly attributes: readonly string[];
  readonly role?: MetricRole;
}

/** One observed value. */
export interface Sample {
  readonly metric: MetricDefinition;
  /** Values for the metric's attribute keys. Never time-varying values. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The result of one collector run: samples, plus series it dropped because of a cap. */
export interface CollectOutput {
  readonly samples: Sample[];
  /** Series dropped by a per-target cap (counted in `<source>_series_dropped`). */
  readonly dropped?: number;
}

/**
 * Prometheus name of a definition as both the JS exporter and otlptranslator render it: dots and
 * other characters outside [a-zA-Z0-9_] become `_`, and counters end in `_total`.
 */
export function prometheusName(metric: Pick<MetricDefinition, 'name' | 'kind'>): string {
  const base = metric.name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_+/g, '_');
  return metric.kind === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}

/**
 * The name Prometheus shows for an attribute key, as the JS PrometheusExporter writes it: every
 * character outside `[A-Za-z0-9_]` becomes `_`, then runs of `_` collapse to one.
 */
export function prometheusLabelName(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, '_').replace(/_{2,}/g, '_');
}
