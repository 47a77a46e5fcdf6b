/**
 * OTel → Prometheus metric names as OTLP consumers render them (Prometheus OTLP ingestion, the Collector,
 * Grafana Cloud, VictoriaMetrics with `-opentelemetry.usePrometheusNaming`): the rules of
 * prometheus/otlptranslator `normalizeName` (UnderscoreEscapingWithSuffixes), which adds unit suffixes.
 *
 * The JS PrometheusExporter adds no unit suffix (opentelemetry-js #5830), so our metric names carry the unit word
 * themselves and both paths produce the same name. {@link namingMismatches} checks that invariant.
 */
import { prometheusName } from '../engine/metric.js';

/** Metric kinds as the translator distinguishes them. */
export type TranslatedKind = 'gauge' | 'counter' | 'histogram' | 'summary';

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

const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** What naming depends on; MetricDefinition and AgentMetricDefinition both fit. */
export interface NamedMetric {
  readonly name: string;
  readonly unit: string;
  readonly kind: TranslatedKind;
}

/** The name an OTLP consumer with Prometheus naming (unit suffixes on) gives a metric. */
export function otlpTranslatedName(name: string, unit: string, kind: TranslatedKind): string {
  let tokens = name.split(/[^a-zA-Z0-9:]+/).filter((token) => token !== '');
  const [mainUnit, perUnit] = unitSuffixes(unit);
  tokens = addUnitTokens(tokens, cleanUpUnit(mainUnit), cleanUpUnit(perUnit));
  if (kind === 'counter') tokens = [...tokens.filter((token) => token !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') tokens = [...tokens.filter((token) => token !== 'ratio'), 'ratio'];
  const joined = tokens.join('_');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** The name the JS PrometheusExporter (0.223) gives a metric: sanitised, `_total` on counters, no unit. */
export function jsExporterName(name: string, kind: TranslatedKind): string {
  if (kind === 'histogram' || kind === 'summary') return name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
  return prometheusName({ name, kind });
}

/** One line per definition whose `/metrics` name differs from its OTLP-translated name; empty when all agree. */
export function namingMismatches(definitions: readonly NamedMetric[]): string[] {
  const mismatches: string[] = [];
  for (const definition of definitions) {
    const scraped = jsExporterName(definition.name, definition.kind);
    const translated = otlpTranslatedName(definition.name, definition.unit, definition.kind);
    if (scraped !== translated) {
      mismatches.push(
        `${definition.name} (${definition.kind}, unit '${definition.unit}'): /metrics has ${scraped}, OTLP consumers store ${translated}`,
      );
    }
  }
  return mismatches;
}

/**
 * The unit word an OpenMetrics `# UNIT` line carries for a UCUM unit, as otlptranslator spells unit
 * suffixes (`By` → `bytes`, `By/s` → `bytes_per_second`, `1` → `ratio`); '' for none or an annotation.
 */
export function otlpUnitWord(unit: string): string {
  if (unit === '1') return 'ratio';
  const [main, per] = unitSuffixes(unit);
  return [cleanUpUnit(main), cleanUpUnit(per)].filter((part) => part !== '').join('_');
}

function unitSuffixes(unit: string): [main: string, per: string] {
  const slash = unit.indexOf('/');
  const mainPart = (slash === -1 ? unit : unit.slice(0, slash)).trim();
  const perPart = slash === -1 ? '' : unit.slice(slash + 1).trim();
  const main = mainPart !== '' && !/[{}]/.test(mainPart) ? (UNIT_WORDS[mainPart] ?? mainPart) : '';
  const perWord = perPart !== '' && !/[{}]/.test(perPart) ? (PER_UNIT_WORDS[perPart] ?? perPart) : '';
  return [main, perWord === '' ? '' : `per_${perWord}`];
}

function cleanUpUnit(unit: string): string {
  return unit
    .replace(/[^a-zA-Z0-9:]/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^_/, '');
}

function addUnitTokens(tokens: string[], main: string, per: string): string[] {
  let mainSuffix = tokens.includes(main) ? '' : main;
  let perSuffix = per === 'per_' ? '' : per.replace(/_$/, '');
  if (tokens.includes(perSuffix)) perSuffix = '';
  if (perSuffix !== '') mainSuffix = mainSuffix.replace(/_$/, '');
  const result = [...tokens];
  if (mainSuffix !== '') result.push(mainSuffix);
  if (perSuffix !== '') result.push(perSuffix);
  return result;
}
