/**
 * Fuzzing the RouterOS value parsers with strings a router, a proxy or a bug could produce: any text,
 * text shaped like RouterOS values, and numbers far outside the double range. Every numeric parser gives
 * `undefined` or a finite number — never NaN, never Infinity, never a throw. values.test.ts has the
 * happy paths; this file adds adversarial shapes and scales with FUZZ_RUNS.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isNever,
  parseBoolean,
  parseCounter,
  parseDate,
  parseDuration,
  parseNumber,
  parsePair,
  parsePercent,
  parsePlainNumber,
  parseQuantity,
  parseRate,
  parseVersion,
} from '../../src/sources/routeros/client/values.js';
import { fuzzRuns, fuzzTimeout } from './helpers/harness.js';

const RUNS = fuzzRuns(3_000);
const TIMEOUT = fuzzTimeout(RUNS, 20_000, 0.5);

const digits = (max: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`));
/** Text shaped like RouterOS values, with numbers long enough to overflow a double. */
const valueShaped = fc.oneof(
  fc.tuple(digits(400), fc.constantFrom('', 'w', 'd', 'h', 'm', 's', 'ms', 'us', 'ns', '%', 'bps', 'kbps', 'Mbps', 'Gbps', 'KiB', 'MiB', 'GiB', 'e400', 'e-400')).map(
    ([number, unit]) => `${number}${unit}`,
  ),
  fc.tuple(digits(30), digits(30), digits(30)).map(([a, b, c]) => `${a}w${b}d${c}h${a}m${b}s${c}ms${a}us`),
  fc.tuple(digits(6), digits(3), digits(3), digits(3)).map(([days, h, m, s]) => `${days}d ${h}:${m}:${s}`),
  fc.tuple(digits(12), digits(12)).map(([a, b]) => `${a},${b}`),
  fc.tuple(digits(400), digits(400)).map(([a, b]) => `${a}/${b}`),
  fc.tuple(digits(20), digits(20), digits(20)).map(([a, b, c]) => `${a}.${b}.${c} (stable)`),
  fc.constantFrom('never', 'NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x1F', '0b1', ' 12 ', '\t7\n', '١٢٣', '１２', '--1', '+-1'),
  fc.tuple(fc.constantFrom('jan', 'feb', 'dec', 'foo'), digits(3), digits(6), digits(2), digits(2), digits(2)).map(
    ([month, day, year, h, m, s]) => `${month}/${day}/${year} ${h}:${m}:${s}`,
  ),
  fc.tuple(digits(6), digits(3), digits(3)).map(([year, month, day]) => `${year}-${month}-${day} 25:61:61`),
);
const anyText = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-zA-Z:/\-. ,%()+e]{0,40}$/) },
  { weight: 3, arbitrary: valueShaped },
);
const maybeText = fc.option(anyText, { nil: undefined });

const NUMERIC = { parseDuration, parseDate, parseCounter, parseNumber, parsePercent, parseRate, parsePlainNumber } as const;

function finiteOrUndefined(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

describe('value parsers under fuzzing', () => {
  for (const [name, parse] of Object.entries(NUMERIC)) {
    it(`${name}: undefined or a finite number, never a throw`, () => {
      fc.assert(
        fc.property(maybeText, (text) => {
          let result: unknown;
          expect(() => (result = parse(text)), JSON.stringify(text)).not.toThrow();
          expect(finiteOrUndefined(result), `${name}(${JSON.stringify(text)}) = ${String(result)}`).toBe(true);
        }),
        { numRuns: RUNS },
      );
    }, TIMEOUT);
  }

  it('parsePair, parseQuantity, parseVersion, parseBoolean and isNever: well-formed results, never a throw', () => {
    fc.assert(
      fc.property(maybeText, (text) => {
        const pair = parsePair(text);
        const pairOfRates = parsePair(text, parseRate);
        const quantity = parseQuantity(text);
        const version = parseVersion(text);
        const bool = parseBoolean(text);
        const never = isNever(text);
        const label = JSON.stringify(text);
        expect(pair === undefined || (pair.length === 2 && pair.every(Number.isFinite)), label).toBe(true);
        expect(pairOfRates === undefined || pairOfRates.every(Number.isFinite), label).toBe(true);
        expect(quantity === undefined || (Number.isFinite(quantity.value) && typeof quantity.unit === 'string'), label).toBe(true);
        expect(
          version === undefined || [version.major, version.minor, version.patch].every(Number.isSafeInteger),
          label,
        ).toBe(true);
        expect(bool === undefined || typeof bool === 'boolean', label).toBe(true);
        expect(typeof never).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('stays fast on long inputs (no catastrophic regex backtracking)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('1', '1w', '1d', ':', '1:', ',', '/', '1.', ' ', 'a', '(', '9'),
        fc.integer({ min: 1_000, max: 20_000 }),
        fc.constantFrom('', 'x', '!', '(', ' ', 'ms'),
        (unit, repeat, tail) => {
          const text = unit.repeat(repeat) + tail;
          const started = performance.now();
          for (const parse of Object.values(NUMERIC)) parse(text);
          parsePair(text);
          parseQuantity(text);
          parseVersion(text);
          parseBoolean(text);
          expect(performance.now() - started, `${JSON.stringify(unit)} × ${repeat} + ${JSON.stringify(tail)}`).toBeLessThan(200);
        },
      ),
      { numRuns: Math.min(RUNS, 300) },
    );
  }, TIMEOUT);
});
