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

/** One metric a source emits. Its Prometheus name gains the unit's words ({@link prometheusName}). */
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
 * Prometheus name of a definition: its name with the unit suffix (see {@link unitSuffixedName}),
 * characters outside [a-zA-Z0-9_] as `_`, and counters ending in `_total`. OTLP consumers that add
 * suffixes (prometheus/otlptranslator) derive the very same name from the OTLP name and unit.
 */
export function prometheusName(metric: Pick<MetricDefinition, 'name' | 'kind' | 'unit'>): string {
  const base = unitSuffixedName(metric.name, metric.unit, metric.kind).replace(/[^a-zA-Z0-9_]/g, '_').replace(/_+/g, '_');
  return metric.kind === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}

/** UCUM units as Prometheus unit words (prometheus/otlptranslator `unitMap`). */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

/** The `/unit` part of a UCUM unit as a word (prometheus/otlptranslator `perUnitMap`). */
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/**
 * A UCUM unit as its Prometheus suffix words: `By` → [`bytes`, ''], `By/s` → [`bytes`, `per_second`],
 * `1/s` → ['', `per_second`]; annotations (`{packet}`) and '' give none.
 */
export function unitSuffixWords(unit: string): [main: string, per: string] {
  const slash = unit.indexOf('/');
  const mainPart = (slash === -1 ? unit : unit.slice(0, slash)).trim();
  const perPart = slash === -1 ? '' : unit.slice(slash + 1).trim();
  const main = mainPart !== '' && !/[{}]/.test(mainPart) ? (UNIT_WORDS[mainPart] ?? mainPart) : '';
  const per = perPart !== '' && !/[{}]/.test(perPart) ? (PER_UNIT_WORDS[perPart] ?? perPart) : '';
  return [cleanUnitWord(main), per === '' ? '' : cleanUnitWord(`per_${per}`)];
}

function cleanUnitWord(word: string): string {
  return word.replace(/[^a-zA-Z0-9:]/g, '_').replace(/_{2,}/g, '_').replace(/^_/, '').replace(/_$/, '');
}

/**
 * The name with its unit as a suffix, as the OpenTelemetry compatibility spec asks of Prometheus
 * exporters ("as a suffix to the metric name unless the metric name already contains the unit",
 * opentelemetry-specification compatibility/prometheus_and_openmetrics.md); the JS exporter adds none
 * (opentelemetry-js #3466). The rule is otlptranslator's `addUnitTokens`: a word is added unless it is
 * one of the name's tokens, so a name must not spell a `per_` unit itself (`rate` with `By/s`, not
 * `rate.bytes_per_second`). Before a counter's `total`; a gauge of unit `1` ends in `ratio`.
 */
export function unitSuffixedName(name: string, unit: string, kind: MetricKind): string {
  const ratio = unit === '1' && kind === 'gauge';
  const [main, per] = unitSuffixWords(unit);
  if (main === '' && per === '' && !ratio) return name;
  const tokens = name.split(/[^a-zA-Z0-9:]+/).filter((token) => token !== '');
  let stem = name;
  let tail = '';
  if (kind === 'counter' && tokens.at(-1) === 'total') [stem, tail] = [name.replace(/[^a-zA-Z0-9:]+total$/, ''), '_total'];
  if (ratio && tokens.at(-1) === 'ratio') stem = name.replace(/[^a-zA-Z0-9:]+ratio$/, '');
  if (ratio) tail = '_ratio';
  if (main !== '' && !tokens.includes(main)) stem += `_${main}`;
  if (per !== '' && !tokens.includes(per)) stem += `_${per}`;
  return stem + tail;
}

/**
 * The name Prometheus shows for an attribute key, as the JS PrometheusExporter writes it: every
 * character outside `[A-Za-z0-9_]` becomes `_`, then runs of `_` collapse to one.
 */
export function prometheusLabelName(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, '_').replace(/_{2,}/g, '_');
}
