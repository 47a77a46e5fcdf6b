/**
 * The samples of one collector run as a snapshot keeps them: columns instead of an object per sample.
 * A poll's Sample objects (an object, its attributes record and a boxed value each, about 130 bytes) die
 * young; what stays until the next poll is one shape reference, the attribute values and the value
 * (about 40 bytes). Shapes (definition plus attribute-key sequence) are shared by every target and poll.
 *
 * Readers go through {@link forEachPackedSample} or the engine's `forEachTargetSeries`; `samples` still
 * gives Sample objects, built on each read, for the few that want them (tests, tools).
 */
import type { MetricDefinition, Sample } from './metric.js';
import type { CollectorState } from './snapshot.js';

/** What the samples of one definition with one attribute-key sequence share. */
interface SampleShape {
  readonly metric: MetricDefinition;
  readonly keys: readonly string[];
}

/** Receives one sample: its attribute values are `values[offset … offset + keys.length)`, in key order. */
export type PackedSampleVisitor = (
  metric: MetricDefinition,
  keys: readonly string[],
  values: readonly string[],
  offset: number,
  value: number,
) => void;

/** Shapes by definition, shared fleet-wide; a definition almost always has exactly one. */
const shapesByDefinition = new WeakMap<MetricDefinition, SampleShape[]>();

function shapeOf(sample: Sample): SampleShape {
  let shapes = shapesByDefinition.get(sample.metric);
  if (shapes === undefined) {
    shapes = [];
    shapesByDefinition.set(sample.metric, shapes);
  }
  // Indexed loops here and below: this runs for every sample of every poll, and an array iterator that
  // the compiler does not remove allocates a result per step (half a gigabyte in three minutes at 1,000
  // routers, in an allocation profile of the fleet bench).
  for (let index = 0; index < shapes.length; index += 1) {
    const shape = shapes[index]!;
    if (hasKeys(sample.attributes, shape.keys)) return shape;
  }
  const keys: string[] = [];
  // for…in, like every reader of Sample.attributes: the order is the one the exposition shows.
  for (const key in sample.attributes) keys.push(key);
  const shape: SampleShape = { metric: sample.metric, keys: Object.freeze(keys) };
  shapes.push(shape);
  return shape;
}

function hasKeys(attributes: Readonly<Record<string, string>>, keys: readonly string[]): boolean {
  let index = 0;
  for (const key in attributes) {
    if (keys[index++] !== key) return false;
  }
  return index === keys.length;
}

/**
 * The samples of one run, in the order the collector returned them.
 *
 * Built with the same collector's previous run, it keeps what did not change: an attribute value equal to
 * the one at the same place last time is that string, and when every shape and value is the same (the
 * usual case: the same interfaces, queues and rules, with new numbers) the shape and value columns are the
 * previous run's. A snapshot outlives a young-generation collection, so what a poll builds anew reaches the
 * old generation and is garbage at the next poll; kept, it costs nothing. At fleet scale that churn was most
 * of what the old generation collected.
 */
export class PackedSamples {
  private readonly _shapes: readonly SampleShape[];
  private readonly _values: readonly string[];
  private readonly _numbers: readonly number[];

  constructor(samples: readonly Sample[], previous?: PackedSamples) {
    const before = previous?._values ?? [];
    const shapesBefore = previous?._shapes ?? [];
    // Arrays of their exact size (grown by push, they would carry a quarter of slack on average).
    const shapes = new Array<SampleShape>(samples.length);
    const numbers = new Array<number>(samples.length);
    let same = samples.length === shapesBefore.length;
    let valueCount = 0;
    for (let index = 0; index < samples.length; index += 1) {
      const sample = samples[index]!;
      const shape = shapeOf(sample);
      if (shape !== shapesBefore[index]) same = false;
      shapes[index] = shape;
      numbers[index] = sample.value;
      valueCount += shape.keys.length;
    }
    same &&= valueCount === before.length;
    const values = new Array<string>(valueCount);
    let at = 0;
    for (let index = 0; index < samples.length; index += 1) {
      const attributes = samples[index]!.attributes;
      const keys = shapes[index]!.keys;
      for (let position = 0; position < keys.length; position += 1) {
        const value = attributes[keys[position]!]!;
        const old = before[at];
        if (old === value) {
          values[at] = old;
        } else {
          values[at] = value;
          same = false;
        }
        at += 1;
      }
    }
    this._shapes = same ? shapesBefore : shapes;
    this._values = same ? before : values;
    this._numbers = numbers;
  }

  get length(): number {
    return this._shapes.length;
  }

  /**
   * The value column, which a run keeps together with the shape column when neither changed: two runs
   * with the same `columns` hold the same series in the same order ({@link sameColumns}).
   */
  get columns(): readonly string[] {
    return this._values;
  }

  /** True when both runs hold the very same shape and value columns (one kept the other's): the same series, in the same order. */
  sameColumns(other: PackedSamples): boolean {
    return this._values === other._values && this._shapes === other._shapes;
  }

  forEach(visit: PackedSampleVisitor): void {
    const shapes = this._shapes;
    const values = this._values;
    const numbers = this._numbers;
    let offset = 0;
    for (let index = 0; index < shapes.length; index += 1) {
      const shape = shapes[index]!;
      visit(shape.metric, shape.keys, values, offset, numbers[index]!);
      offset += shape.keys.length;
    }
  }

  /** Fresh Sample objects, equal to the ones packed. */
  toArray(): Sample[] {
    const samples: Sample[] = [];
    this.forEach((metric, keys, values, offset, value) => {
      const attributes: Record<string, string> = {};
      for (let index = 0; index < keys.length; index += 1) attributes[keys[index]!] = values[offset + index]!;
      samples.push({ metric, attributes, value });
    });
    return samples;
  }
}

/** The state of a successful run, its samples packed. */
export class PackedCollectorState implements CollectorState {
  readonly status = 'ok' as const;
  readonly packed: PackedSamples;
  readonly durationSeconds: number;
  readonly finishedAtMillis: number;
  readonly dropped: number;

  /** `previous`: the same collector's last state on the same target, whose unchanged parts are kept. */
  constructor(samples: readonly Sample[], durationSeconds: number, finishedAtMillis: number, dropped: number, previous?: CollectorState) {
    this.packed = new PackedSamples(samples, previous instanceof PackedCollectorState ? previous.packed : undefined);
    this.durationSeconds = durationSeconds;
    this.finishedAtMillis = finishedAtMillis;
    this.dropped = dropped;
    Object.freeze(this);
  }

  /** Built on every read: the engine's readers use {@link forEachPackedSample}. */
  get samples(): readonly Sample[] {
    return Object.freeze(this.packed.toArray());
  }
}

/**
 * The state of a successful run: packed, unless a sample carries a histogram's or summary's distribution,
 * which the packed columns do not hold (such runs are rare and small: they keep their Sample objects).
 */
export function okCollectorState(
  samples: readonly Sample[],
  durationSeconds: number,
  finishedAtMillis: number,
  dropped: number,
  previous?: CollectorState,
): CollectorState {
  if (samples.some((sample) => sample.distribution !== undefined)) {
    return Object.freeze({ status: 'ok', samples: Object.freeze([...samples]), durationSeconds, finishedAtMillis, dropped });
  }
  return new PackedCollectorState(samples, durationSeconds, finishedAtMillis, dropped, previous);
}

/**
 * Visits every sample of a collector state, packed or not (push sources build their states with Sample
 * arrays), without building objects for packed ones.
 */
export function forEachPackedSample(state: CollectorState, visit: PackedSampleVisitor): void {
  if (state instanceof PackedCollectorState) {
    state.packed.forEach(visit);
    return;
  }
  for (const sample of state.samples) {
    const keys: string[] = [];
    const values: string[] = [];
    for (const key in sample.attributes) {
      keys.push(key);
      values.push(sample.attributes[key]!);
    }
    visit(sample.metric, keys, values, 0, sample.value);
  }
}
