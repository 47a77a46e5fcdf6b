/**
 * Readers for per-collector options (`collectors.<name>.<key>` in the config). The config loader
 * validates shapes up front; these readers still check, so a bad value fails the collector run
 * with an error naming the key instead of misbehaving.
 */
import type { CollectorOptions } from '../collector.js';

/** A per-collector option has the wrong shape; the message names the key. */
export class CollectorOptionError extends Error {
  override name = 'CollectorOptionError';
}

/** A list of strings: an array of strings, a single string, or absent (→ []). */
export function readStringList(options: CollectorOptions, key: string): string[] {
  const value = options[key];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) return [...value];
  throw new CollectorOptionError(`${key}: must be a list of strings`);
}

/** A non-negative integer, or `fallback` when absent. */
export function readCount<F extends number | undefined>(options: CollectorOptions, key: string, fallback: F): number | F {
  const value = options[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new CollectorOptionError(`${key}: must be a non-negative integer`);
}

/**
 * An on/off switch: a boolean, or the text `true`/`false` that `${VAR}` substitution produces;
 * `fallback` when absent.
 */
export function readSwitch<F extends boolean | undefined>(options: CollectorOptions, key: string, fallback: F): boolean | F {
  const value = options[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new CollectorOptionError(`${key}: must be true or false`);
}
