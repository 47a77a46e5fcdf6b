import { describe, expect, it } from 'vitest';
import { durationProblem, formatDuration, parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['2d', 172_800_000],
    ['1s500ms', 1_500],
    [' 10s ', 10_000],
    ['0s', 0],
  ])('parses %s', (text, millis) => {
    expect(parseDuration(text)).toBe(millis);
  });

  it.each(['', '30', '30x', 's', '1h 30m', '-5s', '1.s', 'ten seconds', '1h30', '5S', '1e3ms', '9999d'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1_500, '1.5s'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
  ])('formats %i as %s', (millis, text) => {
    expect(formatDuration(millis)).toBe(text);
    expect(parseDuration(text)).toBe(millis);
  });
});

describe('parseDuration and durationProblem on values that are not text', () => {
  it.each([undefined, null, 30, true, ['30s'], { '.': 1 }, { server: {} }])('parseDuration(%j) is undefined', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });

  it('shows scalars, names lists and mappings, and cuts long text', () => {
    expect(durationProblem('30x')).toBe('"30x" is not a duration (use a number with a unit: 500ms, 30s, 1m, 1h30m)');
    expect(durationProblem(30)).toBe('30 is not a duration (use a number with a unit: 500ms, 30s, 1m, 1h30m)');
    expect(durationProblem({ '.': 1 })).toBe('must be a duration like 30s, not a mapping (use a number with a unit: 500ms, 30s, 1m, 1h30m)');
    expect(durationProblem(['30s'])).toBe('must be a duration like 30s, not a list (use a number with a unit: 500ms, 30s, 1m, 1h30m)');
    const long = durationProblem('y'.repeat(500));
    expect(long).toContain(`"${'y'.repeat(32)}…"`);
    expect(long).not.toContain('y'.repeat(33));
  });
});
