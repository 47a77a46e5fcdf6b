/**
 * Per-router series caps for unbounded tables (connections, leases, routes): keep the first N,
 * count the rest so the engine can report them in `routeros.series.dropped`.
 */
import type { Sample } from '../collector.js';

/** What survived a cap and how much was cut. */
export interface Capped<T> {
  readonly kept: T[];
  readonly dropped: number;
}

/**
 * Keeps the first `limit` items (rows or objects) and counts the others as dropped.
 * No limit (undefined) keeps everything. Cap objects before mapping so an object's series
 * stay together; multiply `dropped` by series per object if the family reports series.
 */
export function capItems<T>(items: readonly T[], limit: number | undefined): Capped<T> {
  if (limit === undefined || items.length <= limit) return { kept: [...items], dropped: 0 };
  return { kept: items.slice(0, limit), dropped: items.length - limit };
}

/** Keeps the first `limit` samples (each sample is one series) and counts the others. */
export function capSamples(samples: readonly Sample[], limit: number | undefined): Capped<Sample> {
  return capItems(samples, limit);
}

/** The series of the objects a cap kept, and how many series it dropped. */
export interface CappedSeries {
  readonly samples: Sample[];
  /** Series of the objects over the cap (what `routeros.series.dropped` counts). */
  readonly dropped: number;
}

/**
 * Caps objects whose series come in groups (one group per interface, session, certificate):
 * keeps the groups of the first `limit` objects whole and counts the series of the others.
 * `limit` is a count from the options (a non-negative integer) or undefined for no cap. A plain
 * loop: it runs on every group of every poll, and `flat()` with the copies around it was the
 * largest single cost of mapping the interface table.
 */
export function capSeriesGroups(groups: readonly (readonly Sample[])[], limit: number | undefined): CappedSeries {
  const keptGroups = limit === undefined || groups.length <= limit ? groups.length : limit;
  const samples: Sample[] = [];
  for (let index = 0; index < keptGroups; index++) {
    const group = groups[index]!;
    for (let item = 0; item < group.length; item++) samples.push(group[item]!);
  }
  let dropped = 0;
  for (let index = keptGroups; index < groups.length; index++) dropped += groups[index]!.length;
  return { samples, dropped };
}
