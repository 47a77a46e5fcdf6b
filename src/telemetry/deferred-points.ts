/**
 * The number points of one metric of a collect, kept as columns until an export asks for them.
 *
 * A collect of a large fleet makes a point and an attributes object for every series (about 130 bytes
 * each), and a batched export keeps them all until its last request is sent: at fleet scale that is a
 * hundred megabytes that outlive a young-generation collection and so land in the old generation every
 * export. Kept as columns (a few numbers and shared references per series), the points are built a request
 * at a time by the batching exporter and die young.
 *
 * The counter state (start times, resets, deltas) is settled by the collect, as for built points: the
 * columns hold the very value and start time the point gets. A packed sample's attributes are built from
 * its run's columns, which are immutable (a snapshot never changes; a new poll makes a new one).
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { packedAttributes } from '../engine/series.js';

/** What every packed sample of one target shares: the target's attributes and identity. */
export interface PackedTarget {
  readonly base: Readonly<Record<string, string>>;
  readonly identity: Readonly<Record<string, string>>;
}

/** The HrTimes of one collect by ms: its end time, and the few start times most points share. */
export class CollectTimes {
  private readonly _times = new Map<number, HrTime>();

  constructor(
    readonly endMillis: number,
    readonly end: HrTime = millisToHrTime(endMillis),
  ) {}

  of(millis: number): HrTime {
    if (millis === this.endMillis) return this.end;
    let time = this._times.get(millis);
    if (time === undefined) {
      time = millisToHrTime(millis);
      this._times.set(millis, time);
    }
    return time;
  }
}

/** Points per block of columns. */
const BLOCK = 1024;

/** The columns of up to {@link BLOCK} points. */
class Block {
  /** A packed sample's target, or the attributes object of a series that already has one. */
  readonly owners: (PackedTarget | Attributes)[] = [];
  /** The packed sample's shape keys; undefined for a series with its attributes object. */
  readonly keys: (readonly string[] | undefined)[] = [];
  readonly values: (readonly string[] | undefined)[] = [];
  readonly offsets: number[] = [];
  readonly numbers: number[] = [];
  readonly starts: number[] = [];
}

/**
 * Columns in blocks of a fixed size rather than arrays grown by push: a metric of a large fleet has
 * hundreds of thousands of points, and an array that size lives in the old generation, where every
 * regrowth left a copy to collect (about twice the final columns per collect).
 */
export class DeferredPoints {
  private readonly _blocks: Block[] = [];
  private _length = 0;

  constructor(private readonly _times: CollectTimes) {}

  get length(): number {
    return this._length;
  }

  /** A series whose attributes object exists already. */
  add(attributes: Attributes, value: number, startMillis: number): void {
    this._push(attributes, undefined, undefined, 0, value, startMillis);
  }

  /** A packed sample: its attributes are built when its point is. */
  addPacked(target: PackedTarget, keys: readonly string[], values: readonly string[], offset: number, value: number, startMillis: number): void {
    this._push(target, keys, values, offset, value, startMillis);
  }

  private _push(
    owner: PackedTarget | Attributes,
    keys: readonly string[] | undefined,
    values: readonly string[] | undefined,
    offset: number,
    value: number,
    startMillis: number,
  ): void {
    let block = this._blocks[this._blocks.length - 1];
    if (block === undefined || block.numbers.length === BLOCK) {
      block = new Block();
      this._blocks.push(block);
    }
    block.owners.push(owner);
    block.keys.push(keys);
    block.values.push(values);
    block.offsets.push(offset);
    block.numbers.push(value);
    block.starts.push(startMillis);
    this._length += 1;
  }

  /** The points `[start, end)`, built now. */
  points(start: number, end: number): DataPoint<number>[] {
    const points: DataPoint<number>[] = [];
    for (let index = start; index < end; index += 1) {
      const block = this._blocks[Math.floor(index / BLOCK)]!;
      const at = index % BLOCK;
      const keys = block.keys[at];
      const owner = block.owners[at]!;
      const attributes =
        keys === undefined
          ? (owner as Attributes)
          : packedAttributes((owner as PackedTarget).base, (owner as PackedTarget).identity, keys, block.values[at]!, block.offsets[at]!);
      // A literal, as the producer's points: one shared hidden class.
      points.push({ startTime: this._times.of(block.starts[at]!), endTime: this._times.end, attributes, value: block.numbers[at]! });
    }
    return points;
  }
}

/** The deferred points of metrics made by a producer with `deferPoints`; their `dataPoints` are empty. */
const deferred = new WeakMap<MetricData, DeferredPoints>();

export function deferPoints(metric: MetricData, points: DeferredPoints): MetricData {
  deferred.set(metric, points);
  return metric;
}

/** The deferred points of a metric, or undefined when its `dataPoints` are the points. */
export function deferredPointsOf(metric: MetricData): DeferredPoints | undefined {
  return deferred.get(metric);
}

/** How many points a metric has, deferred or not. */
export function pointCount(metric: MetricData): number {
  return deferred.get(metric)?.length ?? metric.dataPoints.length;
}
