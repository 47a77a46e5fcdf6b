/**
 * The series of one target snapshot, in one place: the engine's per-target metrics, then the
 * samples of every collector that succeeded. The OpenTelemetry producer and the Prometheus
 * exposition both walk snapshots through this, so they can never disagree on what a target shows.
 */
import type { Distribution, MetricDefinition } from './metric.js';
import { PackedCollectorState } from './packed-samples.js';
import type { TargetSnapshot } from './snapshot.js';
import { targetMetricList } from './target-metrics.js';

/**
 * Receives one series. `collector` names the run it came from, undefined for the engine's own
 * per-target series. `attributes` is a fresh object the visitor may keep. `distribution` is set for the
 * samples of histograms and summaries (then `value` is their count).
 */
export type SeriesVisitor = (
  definition: MetricDefinition,
  attributes: Record<string, string>,
  value: number,
  collector: string | undefined,
  distribution?: Distribution,
) => void;

/**
 * Receives one sample of a packed collector run, without an attributes object: the series' attributes
 * are the target's ({@link targetAttributes}) with `keys` → `values[offset + i]` set on them in order,
 * except identity keys, which a sample cannot redefine ({@link packedAttributes} builds them).
 */
export type PackedSeriesVisitor = (
  definition: MetricDefinition,
  keys: readonly string[],
  values: readonly string[],
  offset: number,
  value: number,
  /** The run the sample came from; undefined for the engine's own per-target series. */
  collector: string | undefined,
) => void;

/** The attributes a {@link PackedSeriesVisitor} call stands for, as {@link forEachTargetSeries} builds them. */
export function packedAttributes(
  base: Readonly<Record<string, string>>,
  identity: Readonly<Record<string, string>>,
  keys: readonly string[],
  values: readonly string[],
  offset: number,
): Record<string, string> {
  const attributes = copyOf(base);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (!(key in identity)) attributes[key] = values[offset + index]!;
  }
  return attributes;
}

/** The attributes on every series of a target: its identity, then its labels (identity keys win). */
export function targetAttributes(snapshot: TargetSnapshot): Record<string, string> {
  const base: Record<string, string> = { ...snapshot.identity };
  for (const [key, value] of Object.entries(snapshot.labels)) {
    if (!(key in snapshot.identity)) base[key] = value;
  }
  return base;
}

/**
 * What a target adds to its samples' attributes, as one string: two snapshots with the same signature give
 * the same samples the same attributes (readers that reuse work from an earlier snapshot compare it).
 */
export function attributesSignature(base: Readonly<Record<string, string>>, identity: Readonly<Record<string, string>>): string {
  return `${JSON.stringify(base)}\u0000${Object.keys(identity).join('\u0000')}`;
}

/** A target's identity attributes in key order: only targets with the same one can show the same series. */
export function identityKey(snapshot: TargetSnapshot): string {
  return JSON.stringify(Object.entries(snapshot.identity).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The per-target metric definitions of a snapshot's source, in exposition order. */
export function engineDefinitions(snapshot: TargetSnapshot): readonly MetricDefinition[] {
  return targetMetricList(snapshot.source.metrics);
}

/**
 * Visits every series of a snapshot. A down target shows only its liveness and collection series:
 * its last samples are stale. With `visitPacked`, the samples of packed runs go there instead of to
 * `visit`, in the same order, so a reader that can work on the columns need not build an object each.
 */
export function forEachTargetSeries(snapshot: TargetSnapshot, visit: SeriesVisitor, visitPacked?: PackedSeriesVisitor): void {
  const base = targetAttributes(snapshot);
  const identity = snapshot.identity;
  if (visitPacked !== undefined && !('collector' in identity)) {
    visitEnginePacked(snapshot, visitPacked);
  } else {
    visitEngine(snapshot, base, visit);
  }
  if (!snapshot.up) return;
  for (const [collector, state] of snapshot.collectors) {
    if (state.status !== 'ok') continue;
    if (state instanceof PackedCollectorState) {
      if (visitPacked !== undefined) {
        state.packed.forEach((metric, keys, values, offset, value) => visitPacked(metric, keys, values, offset, value, collector));
        continue;
      }
      state.packed.forEach((metric, keys, values, offset, value) => {
        visit(metric, packedAttributes(base, identity, keys, values, offset), value, collector);
      });
      continue;
    }
    for (const sample of state.samples) {
      const attributes = copyOf(base);
      for (const key in sample.attributes) {
        // The identity keys say which target a series belongs to; a sample cannot redefine them.
        if (!(key in identity)) attributes[key] = sample.attributes[key]!;
      }
      visit(sample.metric, attributes, sample.value, collector, sample.distribution);
    }
  }
}

/** The engine's per-target series as SeriesVisitor calls, each with its attributes object. */
function visitEngine(snapshot: TargetSnapshot, base: Readonly<Record<string, string>>, visit: SeriesVisitor): void {
  const metrics = snapshot.source.metrics;
  visit(metrics.up, copyOf(base), snapshot.up ? 1 : 0, undefined);
  for (const [collector, state] of snapshot.collectors) {
    visit(metrics.collectionDuration, withCollector(base, collector), state.durationSeconds, undefined);
    visit(metrics.collectionSuccess, withCollector(base, collector), state.status === 'ok' ? 1 : 0, undefined);
    visit(metrics.collectionUnsupported, withCollector(base, collector), state.status === 'unsupported' ? 1 : 0, undefined);
    visit(metrics.seriesDropped, withCollector(base, collector), state.dropped, undefined);
  }
  if (snapshot.lastSuccessMillis !== undefined) {
    visit(metrics.lastSuccess, copyOf(base), snapshot.lastSuccessMillis / 1000, undefined);
  }
}

const NO_KEYS: readonly string[] = Object.freeze([]);
const COLLECTOR_KEY: readonly string[] = Object.freeze(['collector']);

/**
 * The same series, in the same order, as packed visits: `collector` set from a column of the collector
 * names (a target's are the same from poll to poll, and so is that column: see {@link collectorColumn}).
 * Only where the identity has no `collector` key, which `withCollector` would override and a packed
 * sample cannot.
 */
function visitEnginePacked(snapshot: TargetSnapshot, visit: PackedSeriesVisitor): void {
  const metrics = snapshot.source.metrics;
  const names = collectorColumn(snapshot.collectors);
  visit(metrics.up, NO_KEYS, names, 0, snapshot.up ? 1 : 0, undefined);
  let index = 0;
  for (const state of snapshot.collectors.values()) {
    visit(metrics.collectionDuration, COLLECTOR_KEY, names, index, state.durationSeconds, undefined);
    visit(metrics.collectionSuccess, COLLECTOR_KEY, names, index, state.status === 'ok' ? 1 : 0, undefined);
    visit(metrics.collectionUnsupported, COLLECTOR_KEY, names, index, state.status === 'unsupported' ? 1 : 0, undefined);
    visit(metrics.seriesDropped, COLLECTOR_KEY, names, index, state.dropped, undefined);
    index += 1;
  }
  if (snapshot.lastSuccessMillis !== undefined) {
    visit(metrics.lastSuccess, NO_KEYS, names, 0, snapshot.lastSuccessMillis / 1000, undefined);
  }
}

/**
 * The collector names of a target's runs, as one array shared by every snapshot with the same names in
 * the same order: like a packed run that kept its columns, an unchanged column tells readers that the
 * series are the ones they saw last time (the exposition then rewrites only the values).
 */
function collectorColumn(collectors: ReadonlyMap<string, unknown>): readonly string[] {
  let joined = '';
  for (const name of collectors.keys()) joined += `${name}\u0000`;
  let column = collectorColumns.get(joined);
  if (column === undefined) {
    column = Object.freeze([...collectors.keys()]);
    // Sets of collector names are few (one per kind of target); bounded all the same.
    if (collectorColumns.size >= MAX_COLLECTOR_COLUMNS) collectorColumns.clear();
    collectorColumns.set(joined, column);
  }
  return column;
}

const collectorColumns = new Map<string, readonly string[]>();
const MAX_COLLECTOR_COLUMNS = 1_000;

/**
 * A copy made key by key from an empty literal, not by spread: in a heap snapshot of the agent at 100
 * routers every spread copy here had a hidden class of its own (about 250 bytes with its descriptors, per
 * series), while objects grown from `{}` share the hidden classes of their key sequence.
 */
function copyOf(base: Readonly<Record<string, string>>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const key in base) copy[key] = base[key]!;
  return copy;
}

function withCollector(base: Readonly<Record<string, string>>, collector: string): Record<string, string> {
  const copy = copyOf(base);
  copy['collector'] = collector;
  return copy;
}
