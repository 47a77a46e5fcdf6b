/**
 * Turns the engine's router snapshots into OpenTelemetry metric data on every collect.
 *
 * Why a MetricProducer and not observable instruments: the SDK keeps exporting attribute sets that are no
 * longer observed under cumulative temporality (opentelemetry-js #4096), so a removed interface or a router
 * that went down would keep its last values forever. A producer emits exactly what the latest snapshots
 * hold, bypasses the per-instrument cardinality limit, and lets us own counter start times.
 *
 * One producer per reader: counter state (start times, delta baselines) depends on when that reader collects.
 *
 * Counter state outlives its series for a while (counterRetentionMillis) when the run that would have
 * reported it did not happen: a router that misses a cycle or two, or a collector that fails once, removes its
 * series from the snapshot; without the state, the series would come back as a new baseline and a delta reader
 * would lose the traffic of the whole gap. With it, the series continues where it left off: the next delta
 * covers the gap from the last observation, a cumulative series keeps its start time. A series missing from a
 * run its collector completed is an entity that went away, and its state goes at once, so churn (leases,
 * sessions, clients) cannot grow it. The value going down still means a restart. The state is only state: an
 * absent series is never exported.
 *
 * A router restart is also read from its uptime: when the boot time it implies moves forward, every counter
 * of that router starts anew, even one that is already back above its old value (a fast interface after a
 * reboot during a long outage), which the value alone cannot tell.
 *
 * A collect of a large fleet is long work, so it runs in slices (a few milliseconds or a bounded number
 * of series each) with the event loop free in between; collects queue behind each other, so their counter
 * updates never interleave.
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { Temporality } from '../config/types.js';
import { isDistributionKind, type Distribution, type MetricDefinition } from '../engine/metric.js';
import { forEachPackedSample, PackedCollectorState, type PackedSamples } from '../engine/packed-samples.js';
import { attributesSignature, engineDefinitions, forEachTargetSeries, identityKey, packedAttributes, targetAttributes } from '../engine/series.js';
import type { SnapshotSource, SourceDescriptor, TargetSnapshot } from '../engine/snapshot.js';
import { SeriesTemplates } from '../exposition/series-template.js';
import { describeDefinition, distributionProblem, sameDefinition, seriesKey, seriesName } from '../exposition/target-render.js';
import { CollectTimes, DeferredPoints, deferPoints, type PackedTarget } from './deferred-points.js';

/** Options of {@link SnapshotMetricProducer}. */
export interface SnapshotMetricProducerOptions {
  /**
   * Temporality of counters. Prometheus needs cumulative; delta is for OTLP only.
   * @default 'cumulative'
   */
  readonly temporality?: Temporality;
  /** Instrumentation scope of every emitted metric (`otel_scope_name` in Prometheus). */
  readonly scopeName: string;
  readonly scopeVersion?: string;
  /**
   * Wall clock in ms since the epoch; tests inject one.
   * @default Date.now
   */
  readonly nowMillis?: () => number;
  /**
   * How long the counter state of a series that left the snapshots is kept, should it come back. Long
   * enough for a router riding out a few reconnect backoffs (at most 5 minutes each); a series gone for
   * longer starts over. @default 600_000 (10 minutes)
   */
  readonly counterRetentionMillis?: number;
  /**
   * At most this many absent series keep their state; past it the longest-absent are forgotten first, so a
   * large fleet going down at once cannot grow memory without bound. An entry takes 16 bytes in a packed run
   * (two numbers by sample index) and about 150 elsewhere (with its key), so the default is 15 MB at worst.
   * @default 100_000
   */
  readonly maxRetainedCounters?: number;
  /**
   * A collect yields to the event loop once a slice has run this long… @default 10
   */
  readonly sliceMillis?: number;
  /** …or has handled this many series (so a slice stays short on any machine). @default 20_000 */
  readonly sliceSeries?: number;
  /**
   * Number points are kept as columns and built when exported (see deferred-points.ts): the metrics'
   * `dataPoints` are then empty, and only an exporter that reads `deferredPointsOf` (the batching
   * exporter) may be handed them. @default false
   */
  readonly deferPoints?: boolean;
}

/**
 * How far a router's implied boot time (collection time − uptime) may move forward without counting as a
 * restart: uptime has a one-second resolution and is read at some point of a poll that takes up to its
 * timeout. A real restart moves it by the whole previous uptime, and a router takes longer than this to boot.
 */
const BOOT_TIME_TOLERANCE_MILLIS = 60_000;

export const DEFAULT_COUNTER_RETENTION_MILLIS = 10 * 60_000;
export const DEFAULT_MAX_RETAINED_COUNTERS = 100_000;
export const DEFAULT_SLICE_MILLIS = 10;
export const DEFAULT_SLICE_SERIES = 20_000;

/** Histograms and summaries: the rest of the last observation (the counter state holds the count). */
interface DistributionState {
  readonly sum: number | undefined;
  readonly bounds: readonly number[] | undefined;
  readonly counts: readonly number[] | undefined;
}

/** The series key of a packed sample, as the collect computes it. */
type PackedKey = (definition: MetricDefinition, keys: readonly string[], values: readonly string[], offset: number) => string;

/**
 * The counter state of one owner's series (one collector run on one target): columns rather than an
 * object and a map entry per series.
 *
 * - A packed run (the engine packs every run without distributions) keeps its state by sample index,
 *   with the run it refers to: a run that kept its predecessor's columns (same shapes and attribute
 *   values, see PackedSamples) has every series where it was, so neither a key nor a lookup is needed;
 *   after a change, the old run's keys are worked out once and looked up. No key is kept: at 1,000
 *   routers the keys were 50 MB of the heap.
 * - Other runs (the engine's own series, runs with distributions, push sources) keep a key per series,
 *   in the order they came; a series is almost always where it was, and looked up by key when not.
 *
 * Every series of an owner is observed by the same collect, so the time of observation is the owner's.
 */
class OwnerCounters {
  /** Keyed owners: series keys by position (the key first seen is kept, so it stays in the old generation). */
  keys: string[] = [];
  /** Packed owners: the run the positions are sample indexes of. */
  packed: PackedSamples | undefined;
  /** Cumulative: start of each series (first observation or last reset); NaN where a packed sample has none. */
  starts: number[] = [];
  /** Last value (a distribution's count). */
  values: number[] = [];
  /** Distributions only, by position; undefined when the owner has none. */
  distributions: (DistributionState | undefined)[] | undefined;
  /** Series with state. */
  size = 0;
  /** When the values were observed: the start of the next delta, and the age of an absent owner. */
  lastMillis = 0;
  /** The collect that last saw the owner. */
  run = 0;
  private _positions: Map<string, number> | undefined;

  constructor(packed?: PackedSamples) {
    if (packed !== undefined) {
      this.packed = packed;
      this.starts = new Array<number>(packed.length).fill(Number.NaN);
      this.values = new Array<number>(packed.length).fill(Number.NaN);
    }
  }

  /**
   * Position of `key` in the last run, or -1: `expected` (the series' position now) first for a keyed
   * owner, then by key; `keyOf` gives the keys of a packed run's samples.
   */
  find(key: string, expected: number, keyOf: PackedKey): number {
    if (this.packed === undefined && this.keys[expected] === key) return expected;
    if (this._positions === undefined) {
      const positions = new Map<string, number>();
      if (this.packed === undefined) {
        for (let index = 0; index < this.keys.length; index += 1) positions.set(this.keys[index]!, index);
      } else {
        let index = 0;
        this.packed.forEach((metric, keys, values, offset) => {
          // The collect kept the first of two equal series.
          if (!Number.isNaN(this.starts[index]!)) {
            const found = keyOf(metric, keys, values, offset);
            if (!positions.has(found)) positions.set(found, index);
          }
          index += 1;
        });
      }
      this._positions = positions;
    }
    return this._positions.get(key) ?? -1;
  }

  /** Takes on the state a collect built. */
  replaceWith(next: OwnerCounters, nowMillis: number, run: number): void {
    this.keys = next.keys;
    this.packed = next.packed;
    this.starts = next.starts;
    this.values = next.values;
    this.distributions = next.distributions;
    this.size = next.size;
    this.lastMillis = nowMillis;
    this.run = run;
    this._positions = undefined;
  }

  /** Keeps the first `count` series (an absent owner past the cap of retained counters). */
  truncate(count: number): void {
    if (this.packed === undefined) {
      this.keys.length = count;
      this.starts.length = count;
      this.values.length = count;
      if (this.distributions !== undefined) this.distributions.length = count;
    } else {
      let kept = 0;
      for (let index = 0; index < this.starts.length; index += 1) {
        if (Number.isNaN(this.starts[index]!)) continue;
        if (kept < count) kept += 1;
        else this.starts[index] = Number.NaN;
      }
    }
    this.size = count;
    this._positions = undefined;
  }
}

/** Points of one metric name in one collect. */
interface MetricGroup {
  readonly definition: MetricDefinition;
  readonly points: DataPoint<number>[];
  /** Histograms: their points (`points` stays empty). */
  readonly histogramPoints?: DataPoint<Histogram>[];
  /** With deferPoints, every number point of the group (`points` stays empty). */
  readonly deferred?: DeferredPoints;
  /** A summary's `_sum` or `_count`: a sum not flagged monotonic (see CollectRun._addDistribution). */
  readonly nonMonotonic?: boolean;
}

/** A MetricProducer over a {@link SnapshotSource}. Never throws: problems become `errors`. */
export class SnapshotMetricProducer implements MetricProducer {
  private readonly _source: SnapshotSource;
  private readonly _temporality: Temporality;
  private readonly _scope: { name: string; version?: string };
  private readonly _nowMillis: () => number;
  private readonly _retentionMillis: number;
  private readonly _maxRetained: number;
  private readonly _sliceMillis: number;
  private readonly _sliceSeries: number;
  private readonly _deferPoints: boolean;
  /** The collect in progress (or the last one): the next waits for it. */
  private _queue: Promise<unknown> = Promise.resolve();
  /**
   * Counter state by owner (`source \0 target \0 collector`): every present series, plus those of owners
   * absent within the retention. Each collect replaces an owner's columns, then sweeps what is no longer kept.
   */
  private readonly _counters = new Map<string, OwnerCounters>();
  private _runs = 0;
  /** Last implied boot time per target, kept while it is down (its restart shows once it is back). */
  private readonly _bootMillis = new Map<string, number>();
  /** The runs of every target whose last collect found no duplicate series (see {@link TargetRuns}). */
  private _clean = new Map<string, TargetRuns>();

  constructor(source: SnapshotSource, options: SnapshotMetricProducerOptions) {
    this._source = source;
    this._temporality = options.temporality ?? 'cumulative';
    this._scope =
      options.scopeVersion === undefined
        ? { name: options.scopeName }
        : { name: options.scopeName, version: options.scopeVersion };
    this._nowMillis = options.nowMillis ?? Date.now;
    this._retentionMillis = options.counterRetentionMillis ?? DEFAULT_COUNTER_RETENTION_MILLIS;
    this._maxRetained = options.maxRetainedCounters ?? DEFAULT_MAX_RETAINED_COUNTERS;
    this._sliceMillis = options.sliceMillis ?? DEFAULT_SLICE_MILLIS;
    this._sliceSeries = options.sliceSeries ?? DEFAULT_SLICE_SERIES;
    this._deferPoints = options.deferPoints ?? false;
  }

  /** Collects run one at a time, so concurrent readers cannot interleave their counter updates. */
  collect(): Promise<CollectionResult> {
    const result = this._queue.then(() => this._collectSafely());
    // The queue holds only the fact that a collect ran, not its result: a fleet's points would otherwise
    // stay in memory until the next collect.
    this._queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async _collectSafely(): Promise<CollectionResult> {
    try {
      return await this._collect();
    } catch (err) {
      // A bug here must not make the whole reader's collect reject (MetricReader uses Promise.all).
      return {
        resourceMetrics: { resource: emptyResource(), scopeMetrics: [] },
        errors: [new Error(`snapshot producer failed: ${err instanceof Error ? err.message : String(err)}`)],
      };
    }
  }

  private async _collect(): Promise<CollectionResult> {
    const nowMillis = this._nowMillis();
    const now = millisToHrTime(nowMillis);
    const snapshots = this._source.snapshots();
    const shared = sharedIdentities(snapshots);
    const run = new CollectRun(this._temporality, nowMillis, now, this._counters, ++this._runs, shared, this._deferPoints);
    const slice = new Slice(this._sliceMillis, this._sliceSeries);
    const clean = new Map<string, TargetRuns>();
    for (const snapshot of snapshots) {
      const before = run.series;
      const key = targetKey(snapshot);
      const runs = targetRuns(snapshot);
      const unique = shared.size === 0 || !shared.has(identityKey(snapshot));
      const found = run.duplicates;
      run.addTarget(snapshot, this._restarted(snapshot), unique && sameRuns(this._clean.get(key), runs));
      if (unique && run.duplicates === found) clean.set(key, runs);
      await slice.done(run.series - before);
    }
    this._clean = clean;
    this._sweep(this._runs, run.reported, nowMillis);
    const metrics = run.metricData();
    return {
      // Ignored by MetricReader: the SDK's resource is used instead.
      resourceMetrics: { resource: emptyResource(), scopeMetrics: metrics.length > 0 ? [{ scope: this._scope, metrics }] : [] },
      errors: run.errors(),
    };
  }

  /** True when the target's uptime says it booted again since the last collect that saw its uptime. */
  private _restarted(snapshot: TargetSnapshot): boolean {
    if (!snapshot.up) return false;
    const boot = impliedBootMillis(snapshot);
    if (boot === undefined) return false;
    const key = targetKey(snapshot);
    const previous = this._bootMillis.get(key);
    // Never backwards: a boot time that drifts back by the poll's jitter must not hide a later restart.
    this._bootMillis.set(key, previous === undefined ? boot : Math.max(previous, boot));
    return previous !== undefined && boot - previous > BOOT_TIME_TOLERANCE_MILLIS;
  }

  /**
   * Keeps the state of the series this collect saw, plus that of absent owners seen within the retention,
   * newest first up to the cap (in series); forgets the rest. An owner is an entry per collector run and
   * target, so this is quick even for a large fleet.
   */
  private _sweep(run: number, reported: ReadonlySet<string>, nowMillis: number): void {
    const absent: [string, OwnerCounters][] = [];
    for (const entry of this._counters) {
      const counters = entry[1];
      if (counters.run === run) continue;
      // A collector run that completed without a series it had (a lease, a session went away) replaced
      // its state; one that reported no counters at all leaves none to keep.
      if (reported.has(entry[0]) || nowMillis - counters.lastMillis > this._retentionMillis) {
        this._counters.delete(entry[0]);
      } else {
        absent.push(entry);
      }
    }
    absent.sort((a, b) => b[1].lastMillis - a[1].lastMillis);
    let kept = 0;
    for (const [owner, counters] of absent) {
      const room = this._maxRetained - kept;
      if (room <= 0) this._counters.delete(owner);
      else if (counters.size > room) counters.truncate(room);
      kept += counters.size;
    }
  }

  /** How many series have counter state (tests). */
  private _counterCount(): number {
    let count = 0;
    for (const counters of this._counters.values()) count += counters.size;
    return count;
  }

  /** The series keys with counter state, of owners that keep keys (tests). */
  private _counterKeys(): string[] {
    return [...this._counters.values()].flatMap((counters) => counters.keys);
  }
}

/** Bounds one stretch of synchronous work: `done(n)` yields to the event loop once the slice is full. */
class Slice {
  private _start = performance.now();
  private _count = 0;

  constructor(
    private readonly _maxMillis: number,
    private readonly _maxCount: number,
  ) {}

  async done(count: number): Promise<void> {
    this._count += count;
    if (this._count < this._maxCount && performance.now() - this._start < this._maxMillis) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this._start = performance.now();
    this._count = 0;
  }
}

/** Where a series comes from, for its counter state. */
interface SeriesContext {
  /** `source \0 target \0 collector` ('' for the engine's own series). */
  readonly owner: string;
  /** The router booted again since the previous collect. */
  readonly restarted: boolean;
  /** A packed run: its samples, and the index of the sample being added. */
  readonly packed?: PackedSamples;
  index: number;
  /** The owner's counter state before this collect, and the one this collect builds (once it has a counter). */
  previous?: OwnerCounters;
  next?: OwnerCounters;
  /** The previous state is by index of a run with the same shapes and values: every series is where it was. */
  samePlaces?: boolean;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => b[index] === value);
}

/** The definitions {@link summaryParts} made: their groups are sums that are not monotonic. */
const summarySums = new WeakSet<MetricDefinition>();
const summaryPartCache = new WeakMap<MetricDefinition, { sum: MetricDefinition; count: MetricDefinition }>();

/** The definitions of a summary's `_sum` and `_count` over OTLP (see CollectRun._addDistribution). */
function summaryParts(definition: MetricDefinition): { sum: MetricDefinition; count: MetricDefinition } {
  let parts = summaryPartCache.get(definition);
  if (parts === undefined) {
    const part = (suffix: string, what: string): MetricDefinition =>
      Object.freeze({ ...definition, name: `${definition.name}${suffix}`, kind: 'counter', description: `${definition.description} (${what})` });
    parts = { sum: part('_sum', 'sum of the observations'), count: part('_count', 'count of the observations') };
    summarySums.add(parts.sum);
    summarySums.add(parts.count);
    summaryPartCache.set(definition, parts);
  }
  return parts;
}

/** Identities that more than one target has (a misconfiguration, but one that must not break the output). */
function sharedIdentities(snapshots: readonly TargetSnapshot[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const snapshot of snapshots) {
    const key = identityKey(snapshot);
    if (seen.has(key)) shared.add(key);
    seen.add(key);
  }
  return shared;
}

function targetKey(snapshot: TargetSnapshot): string {
  return `${snapshot.source.kind}\u0000${snapshot.name}`;
}

function ownerKey(snapshot: TargetSnapshot, collector: string): string {
  return `${targetKey(snapshot)}\u0000${collector}`;
}

/**
 * When the target booted, from the last reading of a metric declared as its uptime (role `uptime`);
 * undefined without one.
 */
function impliedBootMillis(snapshot: TargetSnapshot): number | undefined {
  for (const state of snapshot.collectors.values()) {
    if (state.status !== 'ok') continue;
    let uptime: number | undefined;
    forEachPackedSample(state, (metric, _keys, _values, _offset, value) => {
      if (uptime === undefined && metric.role === 'uptime') uptime = value;
    });
    if (uptime === undefined) continue;
    if (!Number.isFinite(uptime) || uptime < 0) return undefined;
    return state.finishedAtMillis - uptime * 1000;
  }
  return undefined;
}

/** The key of a series that `_add` did not check for duplicates: '' (a real key holds its metric's name). */
const UNCHECKED = '';

/**
 * What decides which series a target shows, in which order: its attributes, and per collector run its
 * name and its columns (a packed run's value column, kept while its series stay; any other run's state
 * object). Two collects of equal TargetRuns see the same series.
 */
interface TargetRuns {
  readonly base: string;
  readonly up: boolean;
  readonly names: readonly string[];
  readonly columns: readonly unknown[];
}

function targetRuns(snapshot: TargetSnapshot): TargetRuns {
  const names: string[] = [];
  const columns: unknown[] = [];
  for (const [name, state] of snapshot.collectors) {
    names.push(name);
    columns.push(state instanceof PackedCollectorState ? state.packed.columns : state);
  }
  const base = attributesSignature(targetAttributes(snapshot), snapshot.identity);
  return { base, up: snapshot.up, names, columns };
}

function sameRuns(a: TargetRuns | undefined, b: TargetRuns): boolean {
  return (
    a !== undefined &&
    a.base === b.base &&
    a.up === b.up &&
    a.names.length === b.names.length &&
    a.names.every((name, index) => b.names[index] === name && a.columns[index] === b.columns[index])
  );
}

/** The work of one collect: groups points by metric name and carries counter state forward. */
class CollectRun {
  /** `source \0 target \0 collector` of every collector run that delivered samples in this collect. */
  readonly reported = new Set<string>();
  private readonly _groups = new Map<string, MetricGroup>();
  /** Sources whose per-target metrics already have their groups. */
  private readonly _sources = new Set<SourceDescriptor>();
  /**
   * Keys of the series shown so far, to drop duplicates. Two series can only be the same when their
   * targets' identities are, so the set is per target, shared only by targets of a shared identity: a
   * fleet-wide set would hold a key per series for the whole collect.
   */
  private _seriesKeys = new Set<string>();
  private readonly _sharedKeys = new Map<string, Set<string>>();
  /** HrTimes of this collect by ms: most counters share a start time, and every delta its start. */
  private readonly _times: CollectTimes;
  private readonly _conflicts = new Map<string, MetricDefinition>();
  private _duplicateSeries = 0;
  /** The target being added is known to have no duplicate series: its packed samples skip the key check. */
  private _trusted = false;
  private _definition: MetricDefinition | undefined;
  private _firstDuplicate = '';
  private _nonFinite = 0;
  private _firstNonFinite = '';
  /**
   * The series being added: its attributes object, or (a packed sample, until something needs the
   * object) where to build it from. Fields rather than an object per series.
   */
  private _attributes: Record<string, string> | undefined;
  private _target: PackedTarget | undefined;
  private _keys: readonly string[] = [];
  private _values: readonly string[] = [];
  private _offset = 0;
  /** Set by `_locate` for the counter being added: its owner's state before this collect and after it, and its position in the former (-1 when new). */
  private _previous: OwnerCounters | undefined;
  private _next: OwnerCounters | undefined;
  private _at = -1;
  /** The packed sample's index in its run. */
  private _index = -1;
  /** The series key of a packed sample of the target being added. */
  private _packedKey: PackedKey = () => '';
  /** Series visited so far. */
  series = 0;

  constructor(
    private readonly _temporality: Temporality,
    private readonly _nowMillis: number,
    private readonly _now: HrTime,
    private readonly _counters: Map<string, OwnerCounters>,
    private readonly _run: number,
    private readonly _sharedIdentities: ReadonlySet<string>,
    private readonly _deferPoints: boolean,
  ) {
    this._times = new CollectTimes(_nowMillis, _now);
  }

  /** Duplicate series dropped so far. */
  get duplicates(): number {
    return this._duplicateSeries;
  }

  /**
   * `restarted`: the target booted again since the previous collect; its counters all start anew.
   * `trusted`: its runs are the ones of a collect that found no duplicate among its series (the same
   * columns, see {@link sameRuns}), so none can be found now: its packed samples are not checked, and their
   * series keys are made only where counter state is looked up by key.
   */
  addTarget(snapshot: TargetSnapshot, restarted = false, trusted = false): void {
    this._trusted = trusted;
    if (!this._sources.has(snapshot.source)) {
      this._sources.add(snapshot.source);
      // The engine's per-target metrics lead their source's series and win any name conflict.
      for (const definition of engineDefinitions(snapshot)) {
        if (!this._groups.has(definition.name)) this._groups.set(definition.name, this._newGroup(definition));
      }
    }
    this._seriesKeys = new Set();
    if (this._sharedIdentities.size > 0) {
      const identity = identityKey(snapshot);
      if (this._sharedIdentities.has(identity)) {
        const keys = this._sharedKeys.get(identity) ?? new Set<string>();
        this._sharedKeys.set(identity, keys);
        this._seriesKeys = keys;
      }
    }
    const engine: SeriesContext = { owner: ownerKey(snapshot, ''), restarted: false, index: -1 };
    this.reported.add(engine.owner);
    // One context (and owner string) per collector, shared by its series and their counter state.
    const contexts = new Map<string, SeriesContext>();
    const contextOf = (collector: string): SeriesContext => {
      let context = contexts.get(collector);
      if (context === undefined) {
        const state = snapshot.collectors.get(collector);
        context =
          state instanceof PackedCollectorState
            ? { owner: ownerKey(snapshot, collector), restarted, packed: state.packed, index: -1 }
            : { owner: ownerKey(snapshot, collector), restarted, index: -1 };
        contexts.set(collector, context);
        this.reported.add(context.owner);
      }
      return context;
    };
    const target: PackedTarget = { base: targetAttributes(snapshot), identity: snapshot.identity };
    // Packed samples get their series key from a template per shape instead of sorting their keys.
    const templates = new SeriesTemplates(target.base, target.identity);
    this._packedKey = (definition, keys, values, offset) =>
      `${definition.name}\u0000${templates.get(keys)?.key(values, offset) ?? seriesKey(packedAttributes(target.base, target.identity, keys, values, offset))}`;
    forEachTargetSeries(
      snapshot,
      (definition, attributes, value, collector, distribution) => {
        this._attributes = attributes;
        this._target = undefined;
        this._add(definition, value, collector === undefined ? engine : contextOf(collector), distribution);
      },
      (definition, keys, values, offset, value, collector) => {
        this._attributes = undefined;
        this._target = target;
        this._keys = keys;
        this._values = values;
        this._offset = offset;
        // The engine's own series come packed too (collector undefined): a keyed owner, index unused.
        const context = collector === undefined ? engine : contextOf(collector);
        context.index += 1;
        this._add(definition, value, context, undefined, trusted ? undefined : templates.get(keys)?.key(values, offset));
      },
    );
    this._attributes = undefined;
    this._target = undefined;
    this._trusted = false;
    this._commit(engine);
    for (const context of contexts.values()) this._commit(context);
  }

  /** Stores the counter state an owner's series built in this collect. */
  private _commit(context: SeriesContext): void {
    const next = context.next;
    if (next === undefined) return;
    if (context.previous === undefined) this._counters.set(context.owner, next);
    (context.previous ?? next).replaceWith(next, this._nowMillis, this._run);
  }

  /** Finds the counter's state before this collect (`_previous`, `_at`) and where to record it (`_next`). */
  private _locate(context: SeriesContext, key: string): void {
    let next = context.next;
    if (next === undefined) {
      next = new OwnerCounters(context.packed);
      context.next = next;
      const previous = this._counters.get(context.owner);
      context.previous = previous;
      context.samePlaces = context.packed !== undefined && previous?.packed !== undefined && previous.packed.sameColumns(context.packed);
    }
    const previous = context.previous;
    this._previous = previous;
    this._next = next;
    if (previous === undefined) {
      this._at = -1;
    } else if (context.packed !== undefined) {
      const at = context.samePlaces === true ? context.index : previous.find(this._keyOf(key), context.index, this._packedKey);
      this._at = at >= 0 && !Number.isNaN(previous.starts[at]!) ? at : -1;
    } else {
      // In an unchanged run the series is where it was: the position it takes now.
      this._at = previous.find(this._keyOf(key), next.keys.length, this._packedKey);
    }
    this._index = context.index;
  }

  /** The series key, made now for a sample `_add` did not check ({@link UNCHECKED}). */
  private _keyOf(key: string): string {
    if (key !== UNCHECKED) return key;
    return this._attributes !== undefined
      ? `${this._definition!.name}\u0000${seriesKey(this._attributes)}`
      : this._packedKey(this._definition!, this._keys, this._values, this._offset);
  }

  /** Records this collect's observation of the counter `_locate` found. */
  private _record(key: string, startMillis: number, value: number, distribution?: DistributionState): void {
    const next = this._next!;
    next.size += 1;
    if (next.packed !== undefined) {
      // Packed runs carry no distributions (see okCollectorState).
      next.starts[this._index] = startMillis;
      next.values[this._index] = value;
      return;
    }
    // A key already held stays, and this collect's equal copy dies young instead of reaching the old generation.
    next.keys.push(this._at >= 0 ? this._previous!.keys[this._at]! : this._keyOf(key));
    next.starts.push(startMillis);
    next.values.push(value);
    if (distribution !== undefined || next.distributions !== undefined) {
      next.distributions ??= new Array<DistributionState | undefined>(next.keys.length - 1).fill(undefined);
      next.distributions.push(distribution);
    }
  }

  /** The attributes object of the series being added, built now for a packed sample. */
  private _attributesNow(): Record<string, string> {
    this._attributes ??= packedAttributes(this._target!.base, this._target!.identity, this._keys, this._values, this._offset);
    return this._attributes;
  }

  /** The number point of the series being added, or its columns when points are deferred. */
  private _emit(group: MetricGroup, value: number, startMillis: number): void {
    const deferred = group.deferred;
    if (deferred === undefined) {
      group.points.push({ startTime: this._hrTime(startMillis), endTime: this._now, attributes: this._attributesNow(), value });
    } else if (this._attributes === undefined) {
      deferred.addPacked(this._target!, this._keys, this._values, this._offset, value, startMillis);
    } else {
      deferred.add(this._attributes, value, startMillis);
    }
  }

  /** A number point with its own attributes (summary parts). */
  private _pushPoint(group: MetricGroup, attributes: Attributes, value: number, startMillis: number): void {
    if (group.deferred !== undefined) group.deferred.add(attributes, value, startMillis);
    else group.points.push({ startTime: this._hrTime(startMillis), endTime: this._now, attributes, value });
  }

  /** Adds the series whose attributes are set in `_attributes` or the packed fields. */
  private _add(definition: MetricDefinition, value: number, context: SeriesContext, distribution?: Distribution, attributesKey?: string): void {
    this.series += 1;
    const group = this._group(definition);
    if (group === undefined) return;
    this._definition = definition;
    let key = UNCHECKED;
    if (!this._trusted || this._attributes !== undefined) {
      // Cheaper than the JSON of seriesName (which only messages need): keys sorted, joined by control characters.
      key = `${definition.name}\u0000${attributesKey ?? seriesKey(this._attributesNow())}`;
      if (this._seriesKeys.has(key)) {
        // Two identical series would make Prometheus reject the whole scrape; keep the first.
        if (this._duplicateSeries++ === 0) this._firstDuplicate = seriesName(definition.name, this._attributesNow());
        return;
      }
      this._seriesKeys.add(key);
    }
    if (isDistributionKind(definition.kind)) {
      const problem = distributionProblem(definition, distribution);
      if (problem !== undefined) {
        if (this._nonFinite++ === 0) this._firstNonFinite = `${seriesName(definition.name, this._attributesNow())}: ${problem}`;
        return;
      }
      this._addDistribution(group, key, this._attributesNow(), distribution!, context);
      return;
    }
    if (definition.kind === 'gauge') {
      this._emit(group, value, this._nowMillis);
      return;
    }
    if (!Number.isFinite(value) || value < 0) {
      if (this._nonFinite++ === 0) this._firstNonFinite = `${seriesName(definition.name, this._attributesNow())} = ${value}`;
      return;
    }
    if (this._temporality === 'delta') this._deltaPoint(group, key, value, context);
    else this._cumulativePoint(group, key, value, context);
  }

  /** Cumulative: the value as is; a decrease means the counter restarted (router reboot) → new start time. */
  private _cumulativePoint(group: MetricGroup, key: string, value: number, context: SeriesContext): void {
    this._locate(context, key);
    const at = this._at;
    const previous = this._previous;
    const reset = at < 0 || context.restarted || value < previous!.values[at]!;
    const startMillis = reset ? this._nowMillis : previous!.starts[at]!;
    this._record(key, startMillis, value);
    this._emit(group, value, startMillis);
  }

  /**
   * Delta: the increase since this reader's previous collect, covering (previous collect, now].
   * The first observation of a series only records a baseline and emits nothing: the counter's history
   * before we saw it is unknown, and emitting the full total as one delta would report e.g. a router's
   * lifetime traffic as traffic of the last interval. After a decrease (reset) the new value is the
   * increase since the restart, so it is emitted as the delta; deltas are never negative.
   * A series back after a gap (within the retention) gets one delta over the whole gap, from its last
   * observation; one gone for longer starts over with a baseline.
   */
  private _deltaPoint(group: MetricGroup, key: string, value: number, context: SeriesContext): void {
    this._locate(context, key);
    const at = this._at;
    const previous = this._previous;
    this._record(key, this._nowMillis, value);
    if (at < 0) return;
    const lastValue = previous!.values[at]!;
    const delta = !context.restarted && value >= lastValue ? value - lastValue : value;
    this._emit(group, delta, previous!.lastMillis);
  }

  /**
   * A histogram or summary observation. Its start time follows the counter rule: a new series starts
   * when the count goes down (or the target restarted, or a histogram's bucket layout changed or a
   * bucket went down); delta readers get the increase of every count since the previous collect.
   *
   * A histogram becomes one OTLP histogram point (explicit bounds, per-bucket counts). OpenTelemetry JS
   * has no summary point type (its DataPointType has none, and no SDK instrument makes an OTLP Summary),
   * so a summary is sent as its parts, under the names an OTLP Summary gets in Prometheus
   * (opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/#summaries): the
   * quantiles a gauge of the summary's name with a `quantile` attribute, and `<name>_sum` and
   * `<name>_count` cumulative sums that are not flagged monotonic (a monotonic sum would gain `_total`
   * in Prometheus naming, and a sum of negative observations may go down); both share the start time
   * the count's reset rule gives.
   */
  private _addDistribution(group: MetricGroup, key: string, attributes: Attributes, distribution: Distribution, context: SeriesContext): void {
    this._locate(context, key);
    const state = this._at < 0 ? undefined : this._previous!;
    const last = state?.distributions?.[this._at];
    const previous =
      state === undefined
        ? undefined
        : { count: state.values[this._at]!, millis: state.lastMillis, startMillis: state.starts[this._at]!, sum: last?.sum, bounds: last?.bounds, counts: last?.counts };
    const histogram = distribution.type === 'histogram' ? distribution : undefined;
    const reset =
      previous === undefined ||
      context.restarted ||
      distribution.count < previous.count ||
      (histogram !== undefined &&
        (previous.counts === undefined ||
          !sameNumbers(previous.bounds ?? [], histogram.bounds) ||
          histogram.counts.some((count, index) => count < previous.counts![index]!)));
    const delta = this._temporality === 'delta';
    const startMillis = delta || reset ? this._nowMillis : previous.startMillis;
    this._record(key, startMillis, distribution.count, { sum: distribution.sum, bounds: histogram?.bounds, counts: histogram?.counts });
    if (delta && previous === undefined) {
      // As for counters: the first observation is only a baseline.
      if (distribution.type === 'summary') this._summaryQuantiles(group, attributes, distribution.quantiles);
      return;
    }
    const since = delta && !reset ? previous : undefined;
    const startTime = this._hrTime(delta ? previous!.millis : startMillis);
    const count = distribution.count - (since?.count ?? 0);
    const sum = distribution.sum === undefined ? undefined : distribution.sum - (since?.sum ?? 0);
    if (distribution.type === 'histogram') {
      const cumulativeCounts = distribution.counts;
      const counts = cumulativeCounts.map((cumulative, index) => {
        const own = cumulative - (index === 0 ? 0 : cumulativeCounts[index - 1]!);
        const before = since?.counts === undefined ? 0 : since.counts[index]! - (index === 0 ? 0 : since.counts[index - 1]!);
        return own - before;
      });
      const value: Histogram = { buckets: { boundaries: [...distribution.bounds], counts }, count, ...(sum === undefined ? {} : { sum }) };
      group.histogramPoints!.push({ startTime, endTime: this._now, attributes, value });
      return;
    }
    this._summaryQuantiles(group, attributes, distribution.quantiles);
    const parts = summaryParts(group.definition);
    const startOfParts = delta ? previous!.millis : startMillis;
    this._part(parts.count, attributes, count, startOfParts);
    if (sum !== undefined) this._part(parts.sum, attributes, sum, startOfParts);
  }

  private _summaryQuantiles(group: MetricGroup, attributes: Attributes, quantiles: readonly { quantile: number; value: number }[]): void {
    for (const { quantile, value } of quantiles) this._pushPoint(group, { ...attributes, quantile: `${quantile}` }, value, this._nowMillis);
  }

  /** A point of a summary's `_sum` or `_count` metric (dropped, as any, when another definition owns its name). */
  private _part(definition: MetricDefinition, attributes: Attributes, value: number, startMillis: number): void {
    const group = this._group(definition);
    if (group !== undefined) this._pushPoint(group, attributes, value, startMillis);
  }

  private _hrTime(millis: number): HrTime {
    return this._times.of(millis);
  }

  /** The group for a definition's name, or undefined when another definition already claimed the name. */
  private _group(definition: MetricDefinition): MetricGroup | undefined {
    const group = this._groups.get(definition.name);
    if (group === undefined) {
      const created = this._newGroup(definition);
      this._groups.set(definition.name, created);
      return created;
    }
    if (group.definition === definition || sameDefinition(group.definition, definition)) return group;
    if (!this._conflicts.has(definition.name)) this._conflicts.set(definition.name, definition);
    return undefined;
  }

  private _newGroup(definition: MetricDefinition): MetricGroup {
    if (definition.kind === 'histogram') return { definition, points: [], histogramPoints: [] };
    const deferred = this._deferPoints ? new DeferredPoints(this._times) : undefined;
    const nonMonotonic = summarySums.has(definition) ? { nonMonotonic: true } : {};
    return deferred === undefined ? { definition, points: [], ...nonMonotonic } : { definition, points: [], deferred, ...nonMonotonic };
  }

  metricData(): MetricData[] {
    const temporality =
      this._temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
    const metrics: MetricData[] = [];
    for (const { definition, points, histogramPoints, nonMonotonic, deferred } of this._groups.values()) {
      if (points.length === 0 && (histogramPoints === undefined || histogramPoints.length === 0) && (deferred === undefined || deferred.length === 0)) {
        continue;
      }
      const descriptor = {
        name: definition.name,
        description: definition.description,
        unit: definition.unit,
        valueType: ValueType.DOUBLE,
      };
      if (histogramPoints !== undefined) {
        metrics.push({ descriptor, aggregationTemporality: temporality, dataPointType: DataPointType.HISTOGRAM, dataPoints: histogramPoints });
      } else {
        const metric: MetricData =
          definition.kind === 'counter'
            ? { descriptor, aggregationTemporality: temporality, dataPointType: DataPointType.SUM, isMonotonic: nonMonotonic !== true, dataPoints: points }
            : { descriptor, aggregationTemporality: temporality, dataPointType: DataPointType.GAUGE, dataPoints: points };
        metrics.push(deferred === undefined ? metric : deferPoints(metric, deferred));
      }
    }
    return metrics;
  }

  errors(): Error[] {
    const errors: Error[] = [];
    for (const [name, rejected] of this._conflicts) {
      const kept = this._groups.get(name)?.definition;
      errors.push(
        new Error(
          `metric ${name}: two different definitions share this name; kept ${describeDefinition(kept)}, dropped samples of ${describeDefinition(rejected)}`,
        ),
      );
    }
    if (this._duplicateSeries > 0) {
      errors.push(new Error(`${this._duplicateSeries} duplicate series dropped, first: ${this._firstDuplicate}`));
    }
    if (this._nonFinite > 0) {
      errors.push(
        new Error(`${this._nonFinite} counter samples dropped: not a finite non-negative number, first: ${this._firstNonFinite}`),
      );
    }
    return errors;
  }
}
