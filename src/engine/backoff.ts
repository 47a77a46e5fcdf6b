/**
 * Capped exponential backoff with jitter, for reconnecting to a router. Jitter spreads the
 * reconnects of many routers that failed together (a switch reboot) so they do not retry in step.
 */

/**
 * full: a uniform delay in [0, min(cap, initial × multiplier^attempt)].
 * decorrelated: a uniform delay in [initial, previous × 3], capped; never below `initialMillis`,
 * which keeps authentication retries from hammering a router.
 * none: the plain exponential sequence (tests and docs).
 */
export type JitterMode = 'full' | 'decorrelated' | 'none';

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** First delay (decorrelated and none) or first ceiling (full), in milliseconds. */
  initialMillis: number;
  /** Upper bound of every delay, in milliseconds. */
  maxMillis: number;
  /** Growth factor per attempt for `full` and `none`. @default 2 */
  multiplier?: number;
  /** @default 'decorrelated' */
  jitter?: JitterMode;
  /** Uniform random number in [0, 1); injectable for tests. @default Math.random */
  random?: () => number;
}

/** One backoff sequence. Call {@link next} after each failure and {@link reset} after a success. */
export class Backoff {
  private readonly _initialMillis: number;
  private readonly _maxMillis: number;
  private readonly _multiplier: number;
  private readonly _jitter: JitterMode;
  private readonly _random: () => number;
  private _attempts = 0;
  private _previousMillis = 0;

  constructor(options: BackoffOptions) {
    if (!(options.initialMillis > 0)) throw new Error('backoff initialMillis must be greater than 0');
    if (!(options.maxMillis >= options.initialMillis)) {
      throw new Error('backoff maxMillis must be at least initialMillis');
    }
    const multiplier = options.multiplier ?? 2;
    if (!(multiplier >= 1)) throw new Error('backoff multiplier must be at least 1');
    this._initialMillis = options.initialMillis;
    this._maxMillis = options.maxMillis;
    this._multiplier = multiplier;
    this._jitter = options.jitter ?? 'decorrelated';
    this._random = options.random ?? Math.random;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this._attempts;
  }

  /** The delay before the next attempt, in milliseconds; advances the sequence. */
  next(): number {
    const attempt = this._attempts;
    this._attempts += 1;
    let delay: number;
    switch (this._jitter) {
      case 'none':
        delay = this._exponential(attempt);
        break;
      case 'full':
        delay = this._random() * this._exponential(attempt);
        break;
      case 'decorrelated': {
        const previous = Math.max(this._previousMillis, this._initialMillis);
        const upper = attempt === 0 ? this._initialMillis : previous * 3;
        delay = this._initialMillis + this._random() * (upper - this._initialMillis);
        break;
      }
    }
    delay = Math.min(this._maxMillis, Math.max(0, delay));
    this._previousMillis = delay;
    return Math.round(delay);
  }

  /** Back to the first delay (after a successful attempt). */
  reset(): void {
    this._attempts = 0;
    this._previousMillis = 0;
  }

  private _exponential(attempt: number): number {
    // Math.min before pow overflows to Infinity is harmless: the cap applies either way.
    return Math.min(this._maxMillis, this._initialMillis * this._multiplier ** attempt);
  }
}
