/**
 * Helpers for the collector-family tests (firewall, conntrack, dhcp, …) on top of FixtureApi:
 * replies built from fixture files, contexts with a chosen version and package list, samples
 * rendered as exposition-like lines for exact comparisons, and the naming rules every family
 * must follow.
 */
import type { Collector, CollectContext, CollectorOptions, Sample } from '../../../../../src/sources/routeros/collectors/collector.js';
import type { Row } from '../../../../../src/sources/routeros/client/api.js';
import { prometheusName } from '../../../../../src/engine/metric.js';
import { namingMismatches } from '../../../../../src/telemetry/prometheus-naming.js';
import { contextFor, FixtureApi, loadFixture, type RecordedCall, type Reply } from './fixture-api.js';

/** RouterOS versions of the fixture files. */
export const V7 = '7.16';
export const V6 = '6.49';

/** The rows of `test/fixtures/routeros/<menu>/<version>.json`. */
export function rows(menu: string, version: string): Row[] {
  return loadFixture(menu, version).rows;
}

/** Replies keyed by each fixture's own `path`, plus `extra` replies (empty menus, errors). */
export function repliesFrom(
  version: string,
  menus: readonly string[],
  extra: Readonly<Record<string, Reply>> = {},
): Record<string, Reply> {
  const replies: Record<string, Reply> = {};
  for (const menu of menus) {
    const fixture = loadFixture(menu, version);
    replies[fixture.path] = fixture.rows;
  }
  return { ...replies, ...extra };
}

/** Options of {@link familyContext}. */
export interface FamilyContextOptions {
  readonly options?: CollectorOptions;
  /** Enabled packages; `routeros` alone (unknown extras) by default. */
  readonly packages?: readonly string[];
}

/** A CollectContext for a router of `version` (`7.16 (stable)`, `6.49.10 (long-term)`). */
export function familyContext(api: FixtureApi, version: string, settings: FamilyContextOptions = {}): CollectContext {
  const base = contextFor(api, version, settings.options ?? {});
  return settings.packages === undefined ? base : { ...base, router: { ...base.router, packages: new Set(settings.packages) } };
}

/** A fixture API plus a context in one go. */
export function setup(
  replies: Readonly<Record<string, Reply>>,
  version: string,
  settings: FamilyContextOptions = {},
): { api: FixtureApi; context: CollectContext } {
  const api = new FixtureApi(replies);
  return { api, context: familyContext(api, version, settings) };
}

function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** One sample as `prom_name{key="value",…} value`, keys in declaration order. */
export function line(sample: Sample): string {
  const labels = sample.metric.attributes.map((key) => `${key}="${labelValue(sample.attributes[key] ?? '')}"`);
  return `${prometheusName(sample.metric)}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${sample.value}`;
}

/** Samples rendered as sorted lines, for exact comparisons that read like a scrape. */
export function render(samples: readonly Sample[]): string[] {
  return samples.map(line).sort();
}

/** Series (name + attributes) that appear more than once. */
export function duplicateSeries(samples: readonly Sample[]): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const sample of samples) {
    const key = line(sample).replace(/ [^ ]+$/, '');
    if (seen.has(key)) duplicates.push(key);
    seen.add(key);
  }
  return duplicates;
}

/** print/execute calls that went out without a proplist. */
export function callsWithoutProplist(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter((call) => call.method !== 'count' && (call.options?.proplist?.length ?? 0) === 0);
}

/** `count` queries and `print` paths in call order, for asserting exactly what went to the router. */
export function commands(calls: readonly RecordedCall[]): string[] {
  return calls.map((call) => {
    const query = call.options?.query?.length ? ` ?${call.options.query.join(' ?')}` : '';
    return `${call.method} ${call.path}${query}`;
  });
}

const UNIT_WORDS: Readonly<Record<string, string>> = { By: 'bytes', s: 'seconds' };

/**
 * Every way a family's metric names can break the project's naming rule; empty when none:
 * Prometheus name starts with `prefix`, the unit word ends the OTel name (`By` → `.bytes`,
 * `s` → `.seconds`, `{entry}` → `.entries`), gauges in `1` end in `.ratio`, info series end in
 * `.info`, both exporters agree on the name, and no two metrics share one.
 */
export function namingProblems(collector: Collector, prefixes: readonly string[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const metric of collector.metrics) {
    const prom = prometheusName(metric);
    if (!prefixes.some((prefix) => prom.startsWith(prefix))) problems.push(`${prom}: does not start with ${prefixes.join(' or ')}`);
    if (names.has(prom)) problems.push(`${prom}: defined twice`);
    names.add(prom);
    const last = metric.name.split('.').at(-1) ?? '';
    const annotation = /^\{(.+)\}$/.exec(metric.unit)?.[1];
    const word = UNIT_WORDS[metric.unit] ?? (annotation === undefined ? undefined : pluralOf(annotation));
    if (word !== undefined && last !== word) problems.push(`${metric.name}: unit ${metric.unit} but the name does not end in .${word}`);
    if (metric.unit === '1' && metric.kind === 'gauge' && last !== 'ratio') problems.push(`${metric.name}: unit 1 needs .ratio`);
    if (metric.unit === '' && metric.kind === 'counter') problems.push(`${metric.name}: a counter needs a unit`);
    if (!metric.description.endsWith('.')) problems.push(`${metric.name}: description must end with a period`);
  }
  problems.push(...namingMismatches(collector.metrics));
  return problems;
}

function pluralOf(word: string): string {
  if (word.endsWith('y')) return `${word.slice(0, -1)}ies`;
  if (word.endsWith('s') || word.endsWith('x')) return `${word}es`;
  return `${word}s`;
}
