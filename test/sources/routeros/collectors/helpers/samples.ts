/** Sample helpers for collector tests. */
import type { Sample } from '../../../../../src/sources/routeros/collectors/collector.js';

/** A sample without its definition object, for readable toEqual assertions. */
export interface PlainSample {
  readonly attributes: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Samples grouped by OTel metric name, in emission order. */
export function byMetric(samples: readonly Sample[]): Record<string, PlainSample[]> {
  const grouped: Record<string, PlainSample[]> = {};
  for (const sample of samples) {
    (grouped[sample.metric.name] ??= []).push({ attributes: sample.attributes, value: sample.value });
  }
  return grouped;
}

/** The value of `metric` for the series whose attributes include `match`. */
export function valueOf(samples: readonly Sample[], metric: string, match: Readonly<Record<string, string>>): number | undefined {
  return samples.find(
    (sample) => sample.metric.name === metric && Object.entries(match).every(([key, value]) => sample.attributes[key] === value),
  )?.value;
}
