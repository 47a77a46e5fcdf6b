/**
 * Generic readers of config values that sources share: scalars as `${ENV}` substitution leaves them
 * (strings), string maps (labels, resource attributes), and "did you mean" hints for unknown keys.
 */
import { joinPath, type Problems } from './errors.js';
import { isMapping } from './mapping.js';

/** A scalar as a string (numbers and booleans in YAML are fine where a string is expected). */
export function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Coerces the strings `${ENV}` substitution produces into booleans. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(word)) return true;
    if (['false', 'no', 'off', '0'].includes(word)) return false;
  }
  return undefined;
}

/** A whole number (or a string of digits) ≥ `min`, else undefined. */
export function toInteger(value: unknown, min: number): number | undefined {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= min ? number : undefined;
}

/** Reads a string → string mapping (labels, resource attributes). */
export function readStringMap(
  value: unknown,
  path: string,
  problems: Problems,
  keyRule?: (key: string) => string | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (value === undefined) return result;
  if (!isMapping(value)) {
    problems.add(path, 'must be a mapping of names to strings');
    return result;
  }
  for (const [key, item] of Object.entries(value)) {
    const itemPath = joinPath(path, key);
    const keyProblem = keyRule?.(key);
    if (keyProblem !== undefined) {
      problems.add(itemPath, keyProblem);
      continue;
    }
    const text = toText(item);
    if (text === undefined) problems.add(itemPath, 'must be a string');
    else result[key] = text;
  }
  return result;
}

/** Closest known name, for "did you mean" hints. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  // Short names are too close to everything; allow one edit per four characters.
  let bestDistance = Math.max(1, Math.floor(name.length / 4)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance (short strings only). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** "unknown …" message with a hint. */
export function unknownMessage(kind: string, name: string, known: readonly string[]): string {
  const hint = suggest(name, known);
  return hint === undefined ? `unknown ${kind}` : `unknown ${kind} (did you mean ${hint}?)`;
}
