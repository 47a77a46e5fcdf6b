/**
 * Durations as people write them in config files: `500ms`, `30s`, `1m`, `1h30m`, `1.5s`, `1d`.
 * A bare number is rejected on purpose: `interval: 30` could mean seconds or milliseconds.
 */

const UNIT_MILLIS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** The longest duration accepted: a year, far beyond any sensible poll interval or timeout. */
export const MAX_DURATION_MILLIS = 365 * 86_400_000;

/**
 * Parses `1h30m`, `500ms`, `2.5s` … into whole milliseconds (rounded).
 * Returns undefined for anything else (empty text, bare numbers, unknown units, negative values,
 * and values that are not text at all: config trees may hold anything where a duration belongs).
 */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const input = text.trim();
  if (input === '') return undefined;
  let total = 0;
  let position = 0;
  while (position < input.length) {
    PART.lastIndex = position;
    const match = PART.exec(input);
    if (match === null) return undefined;
    const amount = Number(match[1]);
    const unit = UNIT_MILLIS[match[2] ?? ''];
    if (unit === undefined || !Number.isFinite(amount)) return undefined;
    total += amount * unit;
    position = PART.lastIndex;
  }
  const millis = Math.round(total);
  return millis <= MAX_DURATION_MILLIS ? millis : undefined;
}

const DURATION_HINT = 'use a number with a unit: 500ms, 30s, 1m, 1h30m';

/**
 * The message used when a value is not a duration. A scalar is shown (durations are not secret);
 * a list or mapping is only named, as its text would be noise.
 */
export function durationProblem(value: unknown): string {
  if (typeof value === 'string') {
    // Long text is cut: the message is for a person, and the text could be anything pasted by mistake.
    const shown = value.length > 32 ? `${JSON.stringify(value.slice(0, 32)).slice(0, -1)}…"` : JSON.stringify(value);
    return `${shown} is not a duration (${DURATION_HINT})`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} is not a duration (${DURATION_HINT})`;
  const kind = Array.isArray(value) ? 'a list' : value !== null && typeof value === 'object' ? 'a mapping' : 'empty';
  return `must be a duration like 30s, not ${kind} (${DURATION_HINT})`;
}

/** Formats milliseconds compactly (`90000` → `1m30s`, `1500` → `1.5s`), for messages. */
export function formatDuration(millis: number): string {
  if (millis === 0) return '0s';
  if (millis < 1_000) return `${millis}ms`;
  const parts: string[] = [];
  let rest = millis;
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest / 1_000}s`);
  return parts.join('');
}
