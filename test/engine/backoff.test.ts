import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/engine/backoff.js';

/** A deterministic random source cycling through the given values. */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}

describe('Backoff', () => {
  it('doubles without jitter up to the cap', () => {
    const backoff = new Backoff({ initialMillis: 1_000, maxMillis: 5_000, jitter: 'none' });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
    expect(backoff.attempts).toBe(5);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ initialMillis: 100, maxMillis: 10_000, jitter: 'none' });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(100);
  });

  it('full jitter stays within [0, exponential ceiling]', () => {
    const backoff = new Backoff({ initialMillis: 1_000, maxMillis: 300_000, jitter: 'full', random: sequence(0.5) });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([500, 1_000, 2_000]);
    const zero = new Backoff({ initialMillis: 1_000, maxMillis: 300_000, jitter: 'full', random: sequence(0) });
    expect(zero.next()).toBe(0);
  });

  it('decorrelated jitter never goes below the initial delay nor above the cap', () => {
    const backoff = new Backoff({ initialMillis: 30_000, maxMillis: 1_800_000, jitter: 'decorrelated' });
    let previous = 30_000;
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(30_000);
      expect(delay).toBeLessThanOrEqual(1_800_000);
      expect(delay).toBeLessThanOrEqual(Math.max(previous, 30_000) * 3);
      previous = delay;
    }
  });

  it('decorrelated jitter grows to the cap with a high random draw', () => {
    const backoff = new Backoff({ initialMillis: 1_000, maxMillis: 300_000, random: sequence(0.999_999) });
    const delays = Array.from({ length: 10 }, () => backoff.next());
    expect(delays[0]).toBe(1_000);
    expect(delays[1]).toBe(3_000);
    expect(delays[2]).toBe(9_000);
    expect(delays.at(-1)).toBe(300_000);
  });

  it('rejects nonsense settings', () => {
    expect(() => new Backoff({ initialMillis: 0, maxMillis: 1 })).toThrow('initialMillis');
    expect(() => new Backoff({ initialMillis: 10, maxMillis: 1 })).toThrow('maxMillis');
    expect(() => new Backoff({ initialMillis: 1, maxMillis: 10, multiplier: 0.5 })).toThrow('multiplier');
  });
});
