/**
 * Time acceleration: the engine's production tuning with every duration scaled by the ratio of a test
 * interval to the production default interval, so a 1 s test interval sees the backoff a 30 s one does;
 * and a seeded random source, so jittered schedules can be replayed.
 */
import type { BackoffOptions } from '../../../src/engine/backoff.js';
import { DEFAULT_TUNING, type PollerTuning } from '../../../src/engine/target-poller.js';

/** `collection.interval` default (src/config/schema.ts): what the production backoff was chosen for. */
export const PRODUCTION_INTERVAL_MILLIS = 30_000;

/** A backoff with both bounds scaled; jitter mode and multiplier as in production. */
export function scaleBackoff(backoff: BackoffOptions, scale: number): BackoffOptions {
  return {
    ...backoff,
    initialMillis: Math.max(1, Math.round(backoff.initialMillis * scale)),
    maxMillis: Math.max(1, Math.round(backoff.maxMillis * scale)),
  };
}

/** DEFAULT_TUNING at `intervalMillis` instead of 30 s, plus the factor used. */
export function accelerated(
  intervalMillis: number,
  overrides: Partial<PollerTuning> = {},
): { scale: number; tuning: Partial<PollerTuning> } {
  const scale = intervalMillis / PRODUCTION_INTERVAL_MILLIS;
  return {
    scale,
    tuning: {
      connectBackoff: scaleBackoff(DEFAULT_TUNING.connectBackoff, scale),
      authBackoff: scaleBackoff(DEFAULT_TUNING.authBackoff, scale),
      // Already bounded by the interval in the poller (min(interval, spread)); kept as in production.
      firstPollSpreadMillis: DEFAULT_TUNING.firstPollSpreadMillis,
      closeTimeoutMillis: DEFAULT_TUNING.closeTimeoutMillis,
      ...overrides,
    },
  };
}

/** Reproducible "random" draws for jittered schedules. */
export { seededRandom } from '../../../src/engine/seeded-random.js';
