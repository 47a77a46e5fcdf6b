/**
 * Building Sample lists in map functions: absent or unparsable values are skipped instead of
 * becoming 0 or NaN, and every sample carries exactly its definition's attribute keys.
 */
import type { MetricDefinition, Sample } from '../collector.js';

/** Collects samples; `add` ignores undefined and non-finite values. */
export class SampleList {
  readonly samples: Sample[] = [];

  /**
   * Adds one sample when `value` is a finite number. Attribute keys follow `metric.attributes`:
   * a missing or undefined key becomes '' and keys the metric does not declare are dropped.
   */
  add(metric: MetricDefinition, attributes: Readonly<Record<string, string | undefined>>, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.samples.push({ metric, attributes: attributesOf(metric, attributes), value });
  }

  /** Adds an info sample (value 1). */
  addInfo(metric: MetricDefinition, attributes: Readonly<Record<string, string | undefined>>): void {
    this.add(metric, attributes, 1);
  }
}

/** The attribute record of `metric` in declaration order, '' for missing keys. */
export function attributesOf(
  metric: MetricDefinition,
  attributes: Readonly<Record<string, string | undefined>>,
): Readonly<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const key of metric.attributes) result[key] = attributes[key] ?? '';
  return result;
}
