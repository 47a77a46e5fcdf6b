/**
 * What the relay holds: one target per app (pushed) or endpoint (polled), each replaced whole by a
 * new push or poll, and one metric definition per series name shared by every app, so the exposition
 * carries one HELP/TYPE per family. A push whose types conflict with another app's, that does not
 * parse, or that breaks a limit is rejected whole; nothing already held changes.
 */
import type { Distribution, MetricDefinition, MetricKind, Sample } from '../../engine/metric.js';
import type { CollectorState, TargetSnapshot } from '../../engine/snapshot.js';
import { RELAY, RELAY_METRICS, RESERVED_NAMES } from './descriptor.js';
import { ExpositionError, type FamilyType, type ParsedFamily, formatLabels, parseExposition, parseValue } from './exposition.js';

/** A rejected push: the reason goes back to the pusher. */
export class PushRejected extends Error {
  override name = 'PushRejected';
}

/** Parsed text for one app, checked against the store but not yet applied. */
export interface PreparedApp {
  readonly app: string;
  readonly families: readonly ParsedFamily[];
  /** The distributions of each histogram and summary family, built (and checked) while preparing. */
  readonly distributions: ReadonlyMap<ParsedFamily, readonly DistributionSeries[]>;
  readonly seriesCount: number;
  readonly timestampsStripped: number;
  readonly parseSeconds: number;
}

export interface AppMeta {
  /** `/apps`' Source column: the socket path, the TCP listen address, `external_poll: <url>`, `pushgateway`. */
  readonly source: string;
  /** Extra attributes on every series (Pushgateway's grouping labels). */
  readonly labels?: Readonly<Record<string, string>>;
}

interface Component {
  readonly definition: MetricDefinition;
  /** `<family type>/<kind>`: two apps agree when this is equal. */
  readonly typeKey: string;
  readonly owners: Set<string>;
}

interface AppEntry {
  readonly app: string;
  readonly source: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly names: ReadonlySet<string>;
  readonly families: readonly ParsedFamily[];
  readonly samples: readonly Sample[];
  readonly updatedMillis: number;
  readonly parseSeconds: number;
  lastFailureMillis: number;
}

export interface AppRow {
  readonly app: string;
  readonly lastUpdate: string;
  readonly source: string;
  readonly series: number;
}

export interface StoreOptions {
  readonly maxSeriesPerApp: number;
  readonly now?: () => number;
  readonly onChange?: () => void;
}

/** The metric kind a family's series keep: histograms and summaries stay whole. */
function familyKind(type: FamilyType): MetricKind {
  return type === 'untyped' ? 'gauge' : type;
}

/** One histogram or summary series: its labels (without `le`/`quantile`) and its distribution. */
export interface DistributionSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly distribution: Distribution;
}

/**
 * The names a family's samples leave under, each of which another app's family must not use with
 * another type: a histogram's `_bucket`, `_sum` and `_count`, a summary's quantile lines, `_sum` and
 * `_count`, or the name of a counter (with the `_total` the exposition gives it) or gauge.
 */
function claimedNames(family: ParsedFamily, series: string): string[] {
  // `x_total` too: a counter of that name is the OpenMetrics family `x`, which would repeat the histogram's.
  const name = family.name;
  if (family.type === 'histogram') return [name, `${name}_total`, `${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (family.type === 'summary') return [name, `${name}_total`, `${name}_sum`, `${name}_count`];
  const kind = familyKind(family.type);
  const exported = exportedName(kind, series);
  // A counter `x_total` is the OpenMetrics family `x`, which a gauge `x` of another app would repeat.
  return kind === 'counter' ? [exported, exported.slice(0, -'_total'.length)] : [exported];
}

/**
 * Groups the samples of a histogram or summary family by their labels without `le` (`quantile`)
 * into distributions; throws PushRejected naming the series when they do not make one: bucket counts
 * that go down as `le` grows, a `+Inf` bucket that differs from `_count`, a bound given twice, or no
 * count at all.
 */
export function buildDistributions(app: string, family: ParsedFamily): DistributionSeries[] {
  interface Group {
    labels: Record<string, string>;
    buckets: [number, number][];
    quantiles: { quantile: number; value: number }[];
    sum?: number;
    count?: number;
  }
  const groups = new Map<string, Group>();
  const special = family.type === 'histogram' ? 'le' : 'quantile';
  for (const series of family.series) {
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(series.labels)) {
      if (key !== special || (family.type === 'histogram' && series.name !== `${family.name}_bucket`) || (family.type === 'summary' && series.name !== family.name)) {
        labels[key] = value;
      }
    }
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let group = groups.get(key);
    if (group === undefined) {
      group = { labels, buckets: [], quantiles: [] };
      groups.set(key, group);
    }
    if (series.name === `${family.name}_sum`) group.sum = series.value;
    else if (series.name === `${family.name}_count`) group.count = series.value;
    else if (family.type === 'histogram' && series.name === `${family.name}_bucket`) group.buckets.push([parseValue(series.labels['le']!), series.value]);
    else if (family.type === 'summary' && series.name === family.name) group.quantiles.push({ quantile: parseValue(series.labels['quantile']!), value: series.value });
    else throw new PushRejected(`app ${app}: ${series.name} is not a sample of ${family.type} ${family.name}`);
  }
  const result: DistributionSeries[] = [];
  for (const group of groups.values()) {
    const where = `app ${app}: ${family.type} ${family.name}${formatLabels(group.labels)}`;
    const sum = group.sum === undefined ? {} : { sum: group.sum };
    if (family.type === 'summary') {
      if (group.count === undefined) throw new PushRejected(`${where} has no ${family.name}_count`);
      const outside = group.quantiles.find((entry) => !(entry.quantile >= 0 && entry.quantile <= 1));
      if (outside !== undefined) throw new PushRejected(`${where} has quantile ${outside.quantile}, outside [0, 1]`);
      group.quantiles.sort((a, b) => a.quantile - b.quantile);
      for (let index = 1; index < group.quantiles.length; index += 1) {
        if (group.quantiles[index]!.quantile === group.quantiles[index - 1]!.quantile) {
          throw new PushRejected(`${where} has quantile ${group.quantiles[index]!.quantile} twice`);
        }
      }
      result.push({ labels: group.labels, distribution: { type: 'summary', quantiles: group.quantiles, count: group.count, ...sum } });
      continue;
    }
    group.buckets.sort((a, b) => a[0] - b[0]);
    const bounds: number[] = [];
    const counts: number[] = [];
    let infinite: number | undefined;
    for (const [bound, count] of group.buckets) {
      if (bound === Infinity) {
        infinite = count;
        continue;
      }
      if (bound === -Infinity) throw new PushRejected(`${where} has a bucket le="-Inf"`);
      if (bounds.length > 0 && bounds[bounds.length - 1] === bound) throw new PushRejected(`${where} has bucket le="${bound}" twice`);
      if (counts.length > 0 && count < counts[counts.length - 1]!) {
        throw new PushRejected(`${where}: bucket le="${bound}" counts ${count}, fewer than the ${counts[counts.length - 1]} of a lower bucket (buckets are cumulative)`);
      }
      bounds.push(bound);
      counts.push(count);
    }
    const count = group.count ?? infinite;
    if (count === undefined) throw new PushRejected(`${where} has neither a +Inf bucket nor ${family.name}_count`);
    if (infinite !== undefined && infinite !== count) {
      throw new PushRejected(`${where}: the +Inf bucket counts ${infinite} but ${family.name}_count is ${count}`);
    }
    if (counts.length > 0 && count < counts[counts.length - 1]!) {
      throw new PushRejected(`${where}: the count ${count} is below the ${counts[counts.length - 1]} of bucket le="${bounds[bounds.length - 1]}"`);
    }
    counts.push(count);
    result.push({ labels: group.labels, distribution: { type: 'histogram', bounds, counts, count, ...sum } });
  }
  return result;
}

export class RelayStore {
  private readonly _apps = new Map<string, AppEntry>();
  private readonly _components = new Map<string, Component>();
  private readonly _options: StoreOptions;
  private readonly _now: () => number;

  constructor(options: StoreOptions) {
    this._options = options;
    this._now = options.now ?? Date.now;
  }

  /** Parses and checks one app's text; throws PushRejected with the reason. */
  prepare(app: string, text: string): PreparedApp {
    const started = process.hrtime.bigint();
    let parsed;
    try {
      parsed = parseExposition(text);
    } catch (error) {
      if (error instanceof ExpositionError) throw new PushRejected(`app ${app}: ${error.message}`);
      throw error;
    }
    return this.prepareFamilies(app, parsed.families, parsed.timestampsStripped, started);
  }

  /** Checks already parsed families for one app (Pushgateway's POST merges them with what is held). */
  prepareFamilies(app: string, families: readonly ParsedFamily[], timestampsStripped: number, started = process.hrtime.bigint()): PreparedApp {
    if (app === '' || app.length > 256) throw new PushRejected('app name must be 1 to 256 characters');
    const parsed = { families, timestampsStripped };
    const seriesCount = parsed.families.reduce((total, family) => total + family.series.length, 0);
    if (seriesCount > this._options.maxSeriesPerApp) {
      throw new PushRejected(`app ${app}: ${seriesCount} series exceed max_series_per_app (${this._options.maxSeriesPerApp})`);
    }
    const distributions = new Map<ParsedFamily, DistributionSeries[]>();
    for (const family of parsed.families) {
      for (const series of family.series) {
        if (RESERVED_NAMES.has(series.name) || series.name.startsWith('relay_')) {
          throw new PushRejected(`app ${app}: ${series.name} is reserved for the relay's own metrics`);
        }
      }
      if (family.type === 'histogram' || family.type === 'summary') distributions.set(family, buildDistributions(app, family));
    }
    return {
      app,
      families: parsed.families,
      distributions,
      seriesCount,
      timestampsStripped: parsed.timestampsStripped,
      parseSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  }

  /**
   * Replaces the data of every prepared app at once, or of none: a type conflict with an app outside
   * the push, or between apps of the push, rejects the whole push.
   */
  commit(prepared: readonly PreparedApp[], meta: AppMeta): void {
    const replacing = new Set(prepared.map((entry) => entry.app));
    const claimed = new Map<string, { typeKey: string; app: string }>();
    for (const entry of prepared) {
      for (const family of entry.families) {
        const whole = family.type === 'histogram' || family.type === 'summary';
        const typeKey = `${family.type}/${familyKind(family.type)}`;
        for (const name of family.series.flatMap((series, index) => (whole && index > 0 ? [] : claimedNames(family, series.name)))) {
          const mine = claimed.get(name);
          if (mine !== undefined && mine.typeKey !== typeKey) {
            throw new PushRejected(`${name} is ${describeKey(typeKey)} in app ${entry.app} but ${describeKey(mine.typeKey)} in app ${mine.app}`);
          }
          claimed.set(name, { typeKey, app: entry.app });
          const held = this._components.get(name);
          if (held === undefined || held.typeKey === typeKey) continue;
          const others = [...held.owners].filter((owner) => !replacing.has(owner));
          if (others.length > 0) {
            throw new PushRejected(
              `app ${entry.app}: ${name} is ${describeKey(typeKey)} here but ${describeKey(held.typeKey)} in app ${others.sort()[0]}`,
            );
          }
        }
      }
    }
    const now = this._now();
    for (const entry of prepared) this._remove(entry.app, false);
    for (const entry of prepared) {
      const samples: Sample[] = [];
      const names = new Set<string>();
      for (const family of entry.families) {
        const distributions = entry.distributions.get(family);
        if (distributions !== undefined) {
          const definition = this._claim(family.name, family, entry.app);
          for (const name of claimedNames(family, family.name)) {
            names.add(name);
            if (name !== definition.name) this._reserve(name, definition, family, entry.app);
          }
          for (const { labels, distribution } of distributions) {
            samples.push({ metric: definition, attributes: labels, value: distribution.count, distribution });
          }
          continue;
        }
        for (const series of family.series) {
          const definition = this._claim(series.name, family, entry.app);
          for (const name of claimedNames(family, series.name)) {
            names.add(name);
            if (name !== definition.name) this._reserve(name, definition, family, entry.app);
          }
          samples.push({ metric: definition, attributes: series.labels, value: series.value });
        }
      }
      this._apps.set(entry.app, {
        app: entry.app,
        source: meta.source,
        labels: meta.labels ?? {},
        names,
        families: entry.families,
        samples,
        updatedMillis: now,
        parseSeconds: entry.parseSeconds,
        lastFailureMillis: this._apps.get(entry.app)?.lastFailureMillis ?? 0,
      });
    }
    this._options.onChange?.();
  }

  /** Records a rejected push of a known app (its data stays). */
  recordFailure(app: string): void {
    const entry = this._apps.get(app);
    if (entry === undefined) return;
    entry.lastFailureMillis = this._now();
    this._options.onChange?.();
  }

  /** Drops an app; true when it was held. */
  remove(app: string): boolean {
    return this._remove(app, true);
  }

  private _remove(app: string, notify: boolean): boolean {
    const entry = this._apps.get(app);
    if (entry === undefined) return false;
    for (const name of entry.names) {
      const component = this._components.get(name);
      if (component === undefined) continue;
      component.owners.delete(app);
      if (component.owners.size === 0) this._components.delete(name);
    }
    this._apps.delete(app);
    if (notify) this._options.onChange?.();
    return true;
  }

  /** Drops the apps not updated within their TTL; returns the names dropped. */
  expire(staleAfterMillis: (app: string) => number): string[] {
    const now = this._now();
    const expired = [...this._apps.values()]
      .filter((entry) => now - entry.updatedMillis > staleAfterMillis(entry.app))
      .map((entry) => entry.app);
    for (const app of expired) this._remove(app, false);
    if (expired.length > 0) this._options.onChange?.();
    return expired;
  }

  has(app: string): boolean {
    return this._apps.has(app);
  }

  get size(): number {
    return this._apps.size;
  }

  /** The families an app holds (Pushgateway's POST keeps those it does not name). */
  familiesOf(app: string): readonly ParsedFamily[] {
    return this._apps.get(app)?.families ?? [];
  }

  rows(): AppRow[] {
    return [...this._apps.values()]
      .sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0))
      .map((entry) => ({
        app: entry.app,
        lastUpdate: new Date(entry.updatedMillis).toISOString(),
        source: entry.source,
        series: entry.samples.length,
      }));
  }

  /** One snapshot per app, sorted by name, with collector `collector` holding its data. */
  snapshots(collector: string, include: (app: string) => boolean = () => true): TargetSnapshot[] {
    return [...this._apps.values()]
      .filter((entry) => include(entry.app))
      .sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0))
      .map((entry) => {
        const status: Sample[] = [
          { metric: RELAY_METRICS.pushTime, attributes: {}, value: entry.updatedMillis / 1000 },
          { metric: RELAY_METRICS.pushFailureTime, attributes: {}, value: entry.lastFailureMillis / 1000 },
        ];
        const state: CollectorState = {
          status: 'ok',
          samples: collector === 'push' ? [...status, ...entry.samples] : entry.samples,
          durationSeconds: entry.parseSeconds,
          finishedAtMillis: entry.updatedMillis,
          dropped: 0,
        };
        return {
          source: RELAY,
          name: entry.app,
          address: entry.source,
          identity: { app: entry.app },
          labels: entry.labels,
          up: true,
          lastSuccessMillis: entry.updatedMillis,
          consecutiveFailures: 0,
          collectors: new Map([[collector, state]]),
        } satisfies TargetSnapshot;
      });
  }

  /** Holds a further name a family leaves under (`x_bucket`, `x_sum`, `x_count`; a counter's OpenMetrics family `x`). */
  private _reserve(name: string, definition: MetricDefinition, family: ParsedFamily, app: string): void {
    const typeKey = `${family.type}/${familyKind(family.type)}`;
    let component = this._components.get(name);
    if (component === undefined || component.typeKey !== typeKey) {
      component = { definition, typeKey, owners: new Set() };
      this._components.set(name, component);
    }
    component.owners.add(app);
  }

  private _claim(seriesName: string, family: ParsedFamily, app: string): MetricDefinition {
    const kind = familyKind(family.type);
    const typeKey = `${family.type}/${kind}`;
    const name = exportedName(kind, seriesName);
    let component = this._components.get(name);
    if (component === undefined || component.typeKey !== typeKey) {
      component = {
        definition: Object.freeze({
          name,
          kind,
          unit: '',
          description: family.help === '' ? `Relayed ${family.type} ${family.name}.` : family.help,
          attributes: [],
        }),
        typeKey,
        owners: new Set(),
      };
      this._components.set(name, component);
    }
    component.owners.add(app);
    return component.definition;
  }
}

/**
 * The name a component leaves under: the exposition appends `_total` to counters that lack it, so
 * `foo` (a counter) and `foo_total` (a gauge) would collide there; keyed by this, they conflict here.
 */
function exportedName(kind: MetricKind, name: string): string {
  return kind === 'counter' && !name.endsWith('_total') ? `${name}_total` : name;
}

function describeKey(typeKey: string): string {
  const [type = '', kind = ''] = typeKey.split('/');
  return type === kind || type === 'untyped' ? `a ${kind}` : `a ${type}`;
}
