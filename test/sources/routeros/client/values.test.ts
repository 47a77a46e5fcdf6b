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
} from '../../../../src/sources/routeros/client/values.js';

describe('parseDuration', () => {
  it.each([
    ['1w2d3h4m5s', 7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['2d20h12m20s', 2 * 86400 + 20 * 3600 + 12 * 60 + 20],
    ['15w3d3h42m53s', 15 * 604800 + 3 * 86400 + 3 * 3600 + 42 * 60 + 53],
    ['42m53s', 42 * 60 + 53],
    ['7w6d9h34m', 7 * 604800 + 6 * 86400 + 9 * 3600 + 34 * 60],
    ['5s', 5],
    ['0s', 0],
    ['1s500ms', 1.5],
    ['12ms', 0.012],
    ['300us', 0.0003],
    ['1ms519us', 0.001519],
    ['8h19m34s', 8 * 3600 + 19 * 60 + 34],
    ['14:40:26', 14 * 3600 + 40 * 60 + 26],
    ['01:22:53', 3600 + 22 * 60 + 53],
    ['00:00:10', 10],
    ['2d 03:04:05', 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['1w2d03:04:05', 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['  5m ', 300],
  ])('%s → %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['never', '', '   ', 'abc', '5', '1h1w', 's', '1m1m', '12:61:00', '-5s', '1.5.5s', '5x', undefined])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('rejects durations too long for a double', () => {
    expect(parseDuration(`${'9'.repeat(400)}w`)).toBeUndefined();
  });

  it('recognises never', () => {
    expect(isNever('never')).toBe(true);
    expect(isNever(' Never ')).toBe(true);
    expect(isNever('0s')).toBe(false);
    expect(isNever(undefined)).toBe(false);
  });
});

describe('parseDate', () => {
  it.each([
    ['jan/02/2025 10:00:00', Date.UTC(2025, 0, 2, 10, 0, 0)],
    ['Dec/04/2020 14:19:51', Date.UTC(2020, 11, 4, 14, 19, 51)],
    ['MAR/10/2033 17:57:09', Date.UTC(2033, 2, 10, 17, 57, 9)],
    ['2025-01-02 10:00:00', Date.UTC(2025, 0, 2, 10, 0, 0)],
    ['2026-01-08 09:40:00', Date.UTC(2026, 0, 8, 9, 40, 0)],
    ['jan/02/2025', Date.UTC(2025, 0, 2)],
    ['2025-01-02', Date.UTC(2025, 0, 2)],
    ['feb/29/2024 00:00:00', Date.UTC(2024, 1, 29)],
  ])('%s', (text, millis) => {
    expect(parseDate(text)).toBe(millis);
  });

  it.each(['feb/30/2025', 'foo/02/2025', '2025-13-01', '2025-02-29 10:00:00', '2025-01-02 24:00:00', '2025-01-02 10:61:00', 'yesterday', '', undefined])(
    'rejects %j',
    (text) => {
      expect(parseDate(text)).toBeUndefined();
    },
  );
});

describe('parseBoolean', () => {
  it('reads true/false/yes/no', () => {
    expect([parseBoolean('true'), parseBoolean('yes'), parseBoolean('false'), parseBoolean('no')]).toEqual([true, true, false, false]);
    expect(parseBoolean('auto')).toBeUndefined();
    expect(parseBoolean('')).toBeUndefined();
    expect(parseBoolean(undefined)).toBeUndefined();
  });
});

describe('parseCounter', () => {
  it('reads small and 32-bit-overflowing counters exactly', () => {
    expect(parseCounter('0')).toBe(0);
    expect(parseCounter('194632346152')).toBe(194632346152);
    expect(parseCounter('4294967296')).toBe(2 ** 32);
  });

  it('reads counters beyond 2^53 as the nearest double', () => {
    expect(parseCounter('9007199254740993')).toBe(Number(9007199254740993n));
    expect(parseCounter('18446744073709551615')).toBe(2 ** 64);
    expect(Number.isFinite(parseCounter('1'.repeat(300)))).toBe(true);
  });

  it.each(['-1', '1.5', '1e5', '0x10', 'abc', '', '1 2', '9'.repeat(400), undefined])('rejects %j', (text) => {
    expect(parseCounter(text)).toBeUndefined();
  });
});

describe('parseNumber and parseQuantity', () => {
  it.each([
    ['24.2V', 24.2],
    ['45C', 45],
    ['-71dBm', -71],
    ['930RPM', 930],
    ['12%', 12],
    ['24.1', 24.1],
    ['1500', 1500],
    ['.5', 0.5],
  ])('%s → %d', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });

  it('keeps the unit', () => {
    expect(parseQuantity('-71dBm')).toEqual({ value: -71, unit: 'dBm' });
    expect(parseQuantity('7')).toEqual({ value: 7, unit: '' });
  });

  it.each(['auto', 'ok', '', '-', '1.2.3', '12 34', undefined])('rejects %j', (text) => {
    expect(parseNumber(text)).toBeUndefined();
  });
});

describe('parsePercent', () => {
  it('reads percent with or without the sign', () => {
    expect(parsePercent('25')).toBe(25);
    expect(parsePercent('0.1%')).toBe(0.1);
    expect(parsePercent('25V')).toBeUndefined();
  });
});

describe('parseRate', () => {
  it.each([
    ['1Gbps', 1e9],
    ['100Mbps', 1e8],
    ['10Mbps', 1e7],
    ['2.5Gbps', 2.5e9],
    ['65Mbps-20MHz/1S', 65e6],
    ['144.4Mbps', 144_400_000],
    ['1200.9Mbps-80MHz/2S/MCS11', 1_200_900_000],
    ['6Mbps', 6e6],
    ['54kbps', 54_000],
  ])('%s → %d bit/s', (text, bits) => {
    expect(parseRate(text)).toBe(bits);
  });

  it.each(['1G', 'fast', 'Mbps', '', undefined])('rejects %j', (text) => {
    expect(parseRate(text)).toBeUndefined();
  });
});

describe('parsePair', () => {
  it('reads comma and slash pairs', () => {
    expect(parsePair('300,400')).toEqual([300, 400]);
    expect(parsePair('0/0')).toEqual([0, 0]);
    expect(parsePair('18446744073709551615,1')).toEqual([2 ** 64, 1]);
  });

  it('takes a part parser', () => {
    expect(parsePair('1Gbps/100Mbps', parseRate)).toEqual([1e9, 1e8]);
  });

  it.each(['300', '1,2,3', 'a/b', '10M/10M', ',', '', undefined])('rejects %j', (text) => {
    expect(parsePair(text)).toBeUndefined();
  });

  it('parsePlainNumber refuses units', () => {
    expect(parsePlainNumber('1.5')).toBe(1.5);
    expect(parsePlainNumber('1.5V')).toBeUndefined();
  });
});

describe('parseVersion', () => {
  it.each([
    ['7.16.1 (stable)', { major: 7, minor: 16, patch: 1, text: '7.16.1', channel: 'stable' }],
    ['7.16 (stable)', { major: 7, minor: 16, patch: 0, text: '7.16', channel: 'stable' }],
    ['7.20.7 (long-term)', { major: 7, minor: 20, patch: 7, text: '7.20.7', channel: 'long-term' }],
    ['6.47.1 (stable)', { major: 6, minor: 47, patch: 1, text: '6.47.1', channel: 'stable' }],
    ['7.1beta4 (development)', { major: 7, minor: 1, patch: 0, text: '7.1beta4', channel: 'development' }],
    ['7.10', { major: 7, minor: 10, patch: 0, text: '7.10' }],
  ])('%s', (text, version) => {
    expect(parseVersion(text)).toEqual(version);
  });

  it.each(['stable', '7', 'v7.16', '', undefined])('rejects %j', (text) => {
    expect(parseVersion(text)).toBeUndefined();
  });
});

describe('parsers never throw and never return NaN', () => {
  const numeric = { parseDuration, parseDate, parseCounter, parseNumber, parsePercent, parseRate, parsePlainNumber };
  // Strings built from the characters RouterOS values use, so the regexes get exercised, plus any string.
  const routerish = fc.stringMatching(/^[0-9a-zA-Z:\/\-. ,%@]{0,24}$/);
  const anyText = fc.oneof(fc.string({ maxLength: 40 }), routerish, fc.string({ unit: 'binary', maxLength: 20 }));

  for (const [name, parse] of Object.entries(numeric)) {
    it(`${name} gives a finite number or undefined`, () => {
      fc.assert(
        fc.property(anyText, (text) => {
          const result = parse(text);
          return result === undefined || (typeof result === 'number' && Number.isFinite(result));
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('parsePair, parseQuantity, parseVersion and parseBoolean never throw', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const pair = parsePair(text);
        const quantity = parseQuantity(text);
        const version = parseVersion(text);
        const bool = parseBoolean(text);
        return (
          (pair === undefined || pair.every(Number.isFinite)) &&
          (quantity === undefined || Number.isFinite(quantity.value)) &&
          (version === undefined || [version.major, version.minor, version.patch].every(Number.isSafeInteger)) &&
          (bool === undefined || typeof bool === 'boolean')
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('parseDuration round-trips generated letter durations', () => {
    fc.assert(
      fc.property(
        fc.record({ w: fc.nat(60), d: fc.nat(6), h: fc.nat(23), m: fc.nat(59), s: fc.nat(59) }),
        ({ w, d, h, m, s }) => {
          const text = `${w}w${d}d${h}h${m}m${s}s`;
          return parseDuration(text) === w * 604800 + d * 86400 + h * 3600 + m * 60 + s;
        },
      ),
    );
  });

  it('parseCounter has one meaning for any text: the fast path for short digit strings equals the general rule', () => {
    // The general rule, as parseCounter defined it before its fast path: trimmed, digits only, exact via BigInt.
    const general = (text: string): number | undefined => {
      const value = text.trim();
      return /^\d+$/.test(value) ? Number(BigInt(value)) : undefined;
    };
    const digitsAndMore = fc.string({ unit: fc.constantFrom('0', '1', '9', ' ', '\t', '-', '+', '.', 'e', '٣', '０'), maxLength: 18 });
    fc.assert(fc.property(fc.oneof(digitsAndMore, fc.string({ maxLength: 20 })), (text) => parseCounter(text) === general(text)));
  });

  it('parseCounter agrees with BigInt for any non-negative integer', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n }), (value) => parseCounter(value.toString()) === Number(value)));
  });
});
