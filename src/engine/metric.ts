/**
 * The metric model every source shares: a definition per metric, and samples of it. Sources
 * declare their definitions; the engine keeps samples in snapshots; telemetry and the exposition
 * turn them into OpenTelemetry points and Prometheus text.
 */

/**
 * gauge: an instantaneous value; counter: a monotonic cumulative total (Prometheus `_total`);
 * histogram and summary: a distribution of observations whose samples carry a {@link Distribution}
 * (Prometheus `_bucket`/`_sum`/`_count` and `quantile`/`_sum`/`_count`).
 */
export type MetricKind = 'gauge' | 'counter' | 'histogram' | 'summary';

/**
 * A cumulative histogram as Prometheus exposes it: `bounds` are the finite upper bounds in ascending
 * order, `counts` the cumulative count of each bucket with the `+Inf` bucket last (one more than
 * `bounds`), so the last count equals `count`.
 */
export interface HistogramDistribution {
  readonly type: 'histogram';
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  /** Sum of the observations; undefined when the producer did not report one (OpenMetrics makes it optional). */
  readonly sum?: number;
  readonly count: number;
}

/** A summary: φ-quantiles (ascending) with their values, the sum and the count of the observations. */
export interface SummaryDistribution {
  readonly type: 'summary';
  readonly quantiles: readonly { readonly quantile: number; readonly value: number }[];
  readonly sum?: number;
  readonly count: number;
}

export type Distribution = HistogramDistribution | SummaryDistribution;

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
  /** The value; for a histogram or summary its count (the distribution is in `distribution`). */
  readonly value: number;
  /** Set exactly when the metric's kind is histogram or summary. */
  readonly distribution?: Distribution;
}

/** True for the kinds whose samples carry a {@link Distribution}. */
export function isDistributionKind(kind: MetricKind): kind is 'histogram' | 'summary' {
  return kind === 'histogram' || kind === 'summary';
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
