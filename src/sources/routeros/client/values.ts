/**
 * Parsers for RouterOS API value strings (RouterOS API manual, https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API). Every value arrives as a string and
 * any property may be absent, so each parser accepts `undefined`, returns `undefined` for anything
 * it does not recognise, never throws and never returns NaN or an infinite number.
 */

const SECOND_MICROS = 1_000_000;

/** Microseconds per unit of the letter duration form. */
const LETTER_UNIT_MICROS: Readonly<Record<string, number>> = {
  w: 7 * 86_400 * SECOND_MICROS,
  d: 86_400 * SECOND_MICROS,
  h: 3_600 * SECOND_MICROS,
  m: 60 * SECOND_MICROS,
  s: SECOND_MICROS,
  ms: 1_000,
  us: 1,
};

// Each unit at most once, in this order; `ms` must be tried before `m` at the same position,
// which the regex engine does by backtracking (`12ms` fails `m` then `s`, then matches `ms`).
const LETTER_DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?(?:(\d+)us)?$/;
const LETTER_UNITS = ['w', 'd', 'h', 'm', 's', 'ms', 'us'] as const;

// Older v6 fields (DHCP `expires-after`) use `[Nw][Nd][ ]HH:MM:SS`, e.g. `2d 03:04:05`.
const CLOCK_DURATION = /^(?:(\d+)w)?(?:(\d+)d)?\s*(\d+):([0-5]\d):([0-5]\d)$/;

function finite(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}

function clean(text: string | undefined): string | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** True for RouterOS's `never` (WireGuard `last-handshake`, …), which {@link parseDuration} rejects. */
export function isNever(text: string | undefined): boolean {
  return clean(text)?.toLowerCase() === 'never';
}

/**
 * A duration in seconds: letter form (`1w2d3h4m5s`, `1s500ms`, `12ms`, `300us`, `1ms519us`) or
 * clock form (`14:40:26`, `2d 03:04:05`, `1w2d03:04:05`). `never` is not a duration: undefined
 * (test it with {@link isNever}).
 */
export function parseDuration(text: string | undefined): number | undefined {
  const value = clean(text);
  if (value === undefined) return undefined;
  const letters = LETTER_DURATION.exec(value);
  if (letters) {
    // Sum integer microseconds first so `1ms519us` is exactly 0.001519, not a float sum.
    let micros = 0;
    LETTER_UNITS.forEach((unit, index) => {
      const digits = letters[index + 1];
      if (digits !== undefined) micros += Number(digits) * (LETTER_UNIT_MICROS[unit] ?? 0);
    });
    return finite(micros / SECOND_MICROS);
  }
  const clock = CLOCK_DURATION.exec(value);
  if (clock) {
    const [, weeks, days, hours, minutes, seconds] = clock;
    const total =
      Number(weeks ?? 0) * 604_800 +
      Number(days ?? 0) * 86_400 +
      Number(hours) * 3_600 +
      Number(minutes) * 60 +
      Number(seconds);
    return finite(total);
  }
  return undefined;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// `mar/10/2033 17:57:09` before RouterOS 7.10 (month case varies), `2033-03-10 17:57:09` from 7.10.
const DATE_OLD = /^([a-z]{3})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}):(\d{2}))?$/i;
const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}):(\d{2}))?$/;

function utcMillis(year: number, month: number, day: number, h: number, m: number, s: number): number | undefined {
  if (h > 23 || m > 59 || s > 59) return undefined;
  const millis = Date.UTC(year, month, day, h, m, s);
  const check = new Date(millis);
  // Date.UTC rolls `feb/30` over into March; reject instead of guessing.
  if (!Number.isFinite(millis) || check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day) {
    return undefined;
  }
  return millis;
}

/**
 * A RouterOS date-time in ms since the epoch: `jan/02/2025 10:00:00` (< 7.10, month in any case),
 * `2025-01-02 10:00:00` (≥ 7.10), or the date-only forms `jan/02/2025` / `2025-01-02` (midnight).
 * RouterOS sends router-local time without an offset; this reads it as UTC, so values are off by
 * the router's UTC offset unless the router's clock runs in UTC.
 */
export function parseDate(text: string | undefined): number | undefined {
  const value = clean(text);
  if (value === undefined) return undefined;
  const old = DATE_OLD.exec(value);
  if (old) {
    const [, monthName, day, year, h, m, s] = old;
    const month = MONTHS[(monthName ?? '').toLowerCase()];
    if (month === undefined) return undefined;
    return utcMillis(Number(year), month, Number(day), Number(h ?? 0), Number(m ?? 0), Number(s ?? 0));
  }
  const iso = DATE_ISO.exec(value);
  if (iso) {
    const [, year, month, day, h, m, s] = iso;
    return utcMillis(Number(year), Number(month) - 1, Number(day), Number(h ?? 0), Number(m ?? 0), Number(s ?? 0));
  }
  return undefined;
}

/** `true`/`yes` → true, `false`/`no` → false (any case); anything else undefined. */
export function parseBoolean(text: string | undefined): boolean | undefined {
  switch (clean(text)?.toLowerCase()) {
    case 'true':
    case 'yes':
      return true;
    case 'false':
    case 'no':
      return false;
    default:
      return undefined;
  }
}

const COUNTER = /^\d+$/;

/** True when every character is an ASCII digit (COUNTER without the regex engine). */
function isDigits(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/**
 * A non-negative integer counter (`194632346152`). RouterOS counters are unbounded; beyond 2^53
 * the result is the nearest double (via BigInt), which is what a float metric can carry anyway.
 */
export function parseCounter(text: string | undefined): number | undefined {
  // Fast path for what RouterOS sends on every poll, hundreds of times per router: digits only,
  // short enough for Number() to be exact (what the general path below does with such text too).
  if (typeof text === 'string' && text.length > 0 && text.length < 16 && isDigits(text)) return Number(text);
  const value = clean(text);
  if (value === undefined || !COUNTER.test(value)) return undefined;
  // Below 16 digits Number() is exact; above, BigInt avoids precision surprises in parsing.
  const parsed = value.length < 16 ? Number(value) : Number(BigInt(value));
  return finite(parsed);
}

const NUMBER_WITH_UNIT = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-z%°]*)$/i;

/** A number and the unit letters that followed it: `-71dBm` → `{ value: -71, unit: 'dBm' }`. */
export interface Quantity {
  readonly value: number;
  /** Suffix as sent (`V`, `C`, `dBm`, `RPM`, `%`), '' when there was none. */
  readonly unit: string;
}

/** A decimal number with an optional unit suffix (`24.2V`, `45C`, `-71dBm`, `930RPM`, `12%`). */
export function parseQuantity(text: string | undefined): Quantity | undefined {
  const value = clean(text);
  if (value === undefined) return undefined;
  const match = NUMBER_WITH_UNIT.exec(value);
  if (!match) return undefined;
  const parsed = finite(Number(match[1]));
  return parsed === undefined ? undefined : { value: parsed, unit: match[2] ?? '' };
}

/** The number of {@link parseQuantity}, unit dropped: `24.2V` → 24.2, `1500` → 1500, `auto` → undefined. */
export function parseNumber(text: string | undefined): number | undefined {
  return parseQuantity(text)?.value;
}

/** A percentage as a number of percent (`12%` or `12` → 12; RouterOS `cpu-load` has no `%`). */
export function parsePercent(text: string | undefined): number | undefined {
  const quantity = parseQuantity(text);
  if (quantity === undefined || (quantity.unit !== '' && quantity.unit !== '%')) return undefined;
  return quantity.value;
}

const RATE_MULTIPLIERS: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

// Ethernet `rate` (`2.5Gbps`) and wireless `tx-rate` (`65Mbps-20MHz/1S`, `1200.9Mbps-80MHz/2S/MCS11`):
// only the leading rate counts, the channel width and stream details after it are ignored.
const RATE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)bps(?:[-/@].*)?$/i;

/** A link or PHY rate in bits per second: `1Gbps` → 1e9, `65Mbps-20MHz/1S` → 65e6. */
export function parseRate(text: string | undefined): number | undefined {
  const value = clean(text);
  if (value === undefined) return undefined;
  const match = RATE.exec(value);
  if (!match) return undefined;
  const multiplier = RATE_MULTIPLIERS[(match[2] ?? '').toLowerCase()];
  if (multiplier === undefined) return undefined;
  // Round: `144.4 * 1e6` is not exactly 144400000 in binary floating point.
  return finite(Math.round(Number(match[1]) * multiplier));
}

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A plain decimal number without unit; integers beyond 2^53 go through {@link parseCounter}. */
export function parsePlainNumber(text: string | undefined): number | undefined {
  const value = clean(text);
  if (value === undefined || !PLAIN_NUMBER.test(value)) return undefined;
  if (COUNTER.test(value)) return parseCounter(value);
  return finite(Number(value));
}

const PAIR = /^([^,/]*)[,/]([^,/]*)$/;

/**
 * Two numbers packed in one value: `300,400` (wireless `tx,rx`) or `0/0` (queue `upload/download`).
 * Each half is parsed by `part` (plain decimal numbers by default); undefined unless both parse.
 */
export function parsePair(
  text: string | undefined,
  part: (half: string) => number | undefined = parsePlainNumber,
): readonly [number, number] | undefined {
  const value = clean(text);
  if (value === undefined) return undefined;
  const match = PAIR.exec(value);
  if (!match) return undefined;
  const first = part(match[1] ?? '');
  const second = part(match[2] ?? '');
  return first === undefined || second === undefined ? undefined : [first, second];
}

/** A RouterOS version from `/system/resource` `version`. */
export interface RouterOsVersion {
  readonly major: number;
  readonly minor: number;
  /** 0 when the version has no patch part (`7.16`, `7.1beta4`). */
  readonly patch: number;
  /** The version without the channel: `7.16.1`, `7.1beta4`. */
  readonly text: string;
  /** `stable`, `long-term`, `testing`, `development`, … when present. */
  readonly channel?: string;
}

const VERSION = /^((\d+)\.(\d+)(?:\.(\d+))?[0-9a-z.]*)(?:\s*\(([^()]*)\))?$/i;

/** `7.16.1 (stable)` → `{ major: 7, minor: 16, patch: 1, text: '7.16.1', channel: 'stable' }`. */
export function parseVersion(text: string | undefined): RouterOsVersion | undefined {
  const value = clean(text);
  if (value === undefined) return undefined;
  const match = VERSION.exec(value);
  if (!match) return undefined;
  const [, versionText, major, minor, patch, channel] = match;
  const numbers = [Number(major), Number(minor), Number(patch ?? 0)];
  if (!numbers.every(Number.isSafeInteger)) return undefined;
  const version = { major: numbers[0] ?? 0, minor: numbers[1] ?? 0, patch: numbers[2] ?? 0, text: versionText ?? '' };
  return channel === undefined || channel.trim() === '' ? version : { ...version, channel: channel.trim() };
}
