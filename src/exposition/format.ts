/**
 * The Prometheus text format 0.0.4 and OpenMetrics 1.0 spelling of names, labels, values and family
 * headers. The text spelling reproduces the OpenTelemetry JS PrometheusSerializer (exporter-prometheus
 * 0.223) character for character, so the exposition says exactly what the SDK would; OpenMetrics follows
 * https://github.com/prometheus/OpenMetrics/blob/main/specification/OpenMetrics.md.
 */
import { otlpUnitWord } from '../telemetry/prometheus-naming.js';

export type ExpositionFormat = 'text' | 'openmetrics';

export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Backslash and newline, as the SDK escapes HELP text and names. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label values and OpenMetrics HELP: backslash, newline and double quote. */
export function escapeLabelValue(text: string): string {
  // Most values need nothing: one scan instead of three replacements and their copies.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return escapeText(text).replace(/"/g, '\\"');
}

const NEEDS_ESCAPE = /[\\\n"]/;

/** Characters outside [a-zA-Z0-9_] become `_`, runs of `_` collapse (the SDK's sanitizer). */
export function sanitizeName(name: string): string {
  return name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
}

/**
 * The sample name the SDK gives a metric, or undefined where it drops the metric (an empty or `_` name).
 * Counters end in `_total`; a leading digit gets a `_` prefix.
 */
export function sampleName(name: string, counter: boolean): string | undefined {
  let result = sanitizeName(escapeText(name));
  if (result === '' || result === '_') return undefined;
  if (result[0]! >= '0' && result[0]! <= '9') result = `_${result}`;
  return counter && !result.endsWith('_total') ? `${result}_total` : result;
}

/** A sample value as the SDK prints it: `+Inf`, `-Inf`, `NaN` or JavaScript's number text. */
export function valueText(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return `${value}`;
}

/**
 * Label names as {@link sanitizeName} spells them. Attribute keys come from metric definitions and the
 * config, a few hundred in all, and every sample line repeats them; bounded all the same.
 */
const labelNames = new Map<string, string>();
const MAX_LABEL_NAMES = 10_000;

export function labelName(key: string): string {
  let name = labelNames.get(key);
  if (name === undefined) {
    name = sanitizeName(key);
    if (labelNames.size >= MAX_LABEL_NAMES) labelNames.clear();
    labelNames.set(key, name);
  }
  return name;
}

/** `{k="v",…}` for attributes then extra labels (the SDK's order), '' when there are none. */
export function labelText(attributes: Readonly<Record<string, unknown>>, extra = ''): string {
  let text = '';
  for (const key in attributes) {
    const value = attributes[key];
    text += `${text === '' ? '' : ','}${labelName(key)}="${labelValueText(value)}"`;
  }
  if (extra !== '') text += `${text === '' ? '' : ','}${extra}`;
  return text === '' ? '' : `{${text}}`;
}

/** A label's value as it appears between the quotes. */
export function labelValueText(value: unknown): string {
  return escapeLabelValue(typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));
}

/** One sample line. */
export function sampleLine(name: string, attributes: Readonly<Record<string, unknown>>, value: number, extra = ''): string {
  return `${name}${labelText(attributes, extra)} ${valueText(value)}\n`;
}

/**
 * An `le` or `quantile` label value as Prometheus' Go client writes it in the text format
 * (`strconv.FormatFloat(v, 'g', -1, 64)`: shortest digits, the exponent form when the decimal exponent
 * is below -4 or at least 6, as Go's %g with shortest precision decides), so relayed buckets keep the
 * label values their Go-instrumented sources had: `0.005`, `1`, `100000`, `1e+06`, `1e-05`, `+Inf`.
 */
export function goFloatText(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', exp = '0'] = value.toExponential().split('e');
  const power = Number(exp);
  if (power < -4 || power >= 6) return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
  return `${value}`;
}

/**
 * An `le` or `quantile` label value in OpenMetrics: its canonical number form, as client_golang's
 * OpenMetrics encoder writes it (a `.0` on integral values: `1.0`, `0.005`, `+Inf`), which the
 * OpenMetrics specification asks of these labels.
 */
export function openMetricsFloatText(value: number): string {
  const text = goFloatText(value);
  return /^[+-]?\d+$/.test(text) ? `${text}.0` : text;
}

/** What a family header is made of. */
export interface FamilyMeta {
  /** The sample name (`…_total` for counters). */
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';
  readonly description: string;
  /** UCUM unit as the definition has it, '' for none. */
  readonly unit: string;
}

/** HELP, UNIT (UCUM, as the SDK writes it) and TYPE of a family in the text format. */
export function textHeader(meta: FamilyMeta): string {
  const unit = meta.unit === '' ? '' : `# UNIT ${meta.name} ${escapeText(meta.unit)}\n`;
  const type = meta.type === 'info' ? 'gauge' : meta.type;
  return `# HELP ${meta.name} ${escapeText(meta.description || 'description missing')}\n${unit}# TYPE ${meta.name} ${type}\n`;
}

/**
 * HELP, TYPE and UNIT of a family in OpenMetrics. A counter's family name has no `_total` (its samples
 * keep it), an info family none of `_info`. UNIT only where the family name ends in the unit word, as
 * OpenMetrics requires (Prometheus rejects the scrape otherwise).
 */
export function openMetricsHeader(meta: FamilyMeta): string {
  const family = openMetricsFamilyName(meta);
  const word = otlpUnitWord(meta.unit);
  const unit = word !== '' && family.endsWith(`_${word}`) ? `# UNIT ${family} ${word}\n` : '';
  return `# HELP ${family} ${escapeLabelValue(meta.description || 'description missing')}\n# TYPE ${family} ${meta.type}\n${unit}`;
}

export function openMetricsFamilyName(meta: Pick<FamilyMeta, 'name' | 'type'>): string {
  if (meta.type === 'counter' && meta.name.endsWith('_total')) return meta.name.slice(0, -'_total'.length);
  if (meta.type === 'info' && meta.name.endsWith('_info')) return meta.name.slice(0, -'_info'.length);
  return meta.name;
}

export const OPENMETRICS_EOF = '# EOF\n';
