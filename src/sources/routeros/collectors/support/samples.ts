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
  // An index loop: this runs for every sample of every poll, and a for-of over the frozen key list
  // allocated an iterator result per key in the profiles.
  const keys = metric.attributes;
  const result: Record<string, string> = {};
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    result[key] = attributes[key] ?? '';
  }
  return result;
}

/**
 * Adds a state set: one series per known state (1 for the current, 0 for the others) plus the
 * current state when it is not a known one. The state goes into the metric's LAST attribute key
 * (`state`, `status`). An absent state adds nothing. States compare case-insensitively and are
 * reported in lower case, so `Registered` and `registered` stay one series.
 */
export function addStateSet(
  list: SampleList,
  metric: MetricDefinition,
  attributes: Readonly<Record<string, string | undefined>>,
  known: readonly string[],
  current: string | undefined,
): void {
  const state = current?.trim().toLowerCase();
  const key = metric.attributes.at(-1);
  if (state === undefined || state === '' || key === undefined) return;
  for (const candidate of known) list.add(metric, { ...attributes, [key]: candidate }, candidate === state ? 1 : 0);
  if (!known.includes(state)) list.add(metric, { ...attributes, [key]: state }, 1);
}
