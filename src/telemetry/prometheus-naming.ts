/**
 * OTel → Prometheus metric names as OTLP consumers render them (Prometheus OTLP ingestion, the Collector,
 * Grafana Cloud, VictoriaMetrics with `-opentelemetry.usePrometheusNaming`): the rules of
 * prometheus/otlptranslator `normalizeName` (UnderscoreEscapingWithSuffixes), which adds unit suffixes.
 *
 * `/metrics` adds the same unit suffixes ({@link prometheusName}), so both paths give one name;
 * {@link namingMismatches} checks that invariant for a list of definitions.
 */
import { prometheusName, unitSuffixedName, unitSuffixWords } from '../engine/metric.js';

/** Metric kinds as the translator distinguishes them. */
export type TranslatedKind = 'gauge' | 'counter' | 'histogram' | 'summary';

/** What naming depends on; MetricDefinition and AgentMetricDefinition both fit. */
export interface NamedMetric {
  readonly name: string;
  readonly unit: string;
  readonly kind: TranslatedKind;
}

/** The name an OTLP consumer with Prometheus naming (unit suffixes on) gives a metric. */
export function otlpTranslatedName(name: string, unit: string, kind: TranslatedKind): string {
  let tokens = name.split(/[^a-zA-Z0-9:]+/).filter((token) => token !== '');
  const [mainUnit, perUnit] = unitSuffixWords(unit);
  tokens = addUnitTokens(tokens, mainUnit, perUnit);
  if (kind === 'counter') tokens = [...tokens.filter((token) => token !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') tokens = [...tokens.filter((token) => token !== 'ratio'), 'ratio'];
  const joined = tokens.join('_');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** The family name `/metrics` gives a metric: unit suffix, sanitised, `_total` on counters. */
export function exposedName(name: string, unit: string, kind: TranslatedKind): string {
  if (kind === 'histogram' || kind === 'summary') {
    return unitSuffixedName(name, unit, kind).replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
  }
  return prometheusName({ name, kind, unit });
}

/** One line per definition whose `/metrics` name differs from its OTLP-translated name; empty when all agree. */
export function namingMismatches(definitions: readonly NamedMetric[]): string[] {
  const mismatches: string[] = [];
  for (const definition of definitions) {
    const scraped = exposedName(definition.name, definition.unit, definition.kind);
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
  return unitSuffixWords(unit).filter((part) => part !== '').join('_');
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
