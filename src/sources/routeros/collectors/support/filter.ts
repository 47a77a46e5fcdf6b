/**
 * Include/exclude filters from collector options (`include: ['ether.*']`, `exclude: ['vlan1\\d+']`).
 * Patterns are JavaScript regular expressions matched against the WHOLE value (anchored, as in
 * Prometheus relabelling), so `ether1` does not also match `ether10`.
 */
import type { CollectorOptions } from '../collector.js';
import { CollectorOptionError, readStringList } from './options.js';

/** Decides whether an object (by name) is collected. */
export interface NameFilter {
  /** True when `value` matches an include pattern (or there are none) and no exclude pattern. */
  matches(value: string): boolean;
  /** True when the filter lets everything through. */
  readonly isEmpty: boolean;
}

/** Option keys of one filter; `include`/`exclude` by default. */
export interface NameFilterKeys {
  readonly include: string;
  readonly exclude: string;
}

const DEFAULT_KEYS: NameFilterKeys = { include: 'include', exclude: 'exclude' };

function compile(patterns: readonly string[], key: string): RegExp[] {
  return patterns.map((pattern, index) => {
    try {
      return new RegExp(`^(?:${pattern})$`, 'u');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CollectorOptionError(`${key}[${index}]: invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
    }
  });
}

/** Builds the filter from `options`; throws CollectorOptionError naming the key for a bad pattern. */
export function createNameFilter(options: CollectorOptions, keys: NameFilterKeys = DEFAULT_KEYS): NameFilter {
  const include = compile(readStringList(options, keys.include), keys.include);
  const exclude = compile(readStringList(options, keys.exclude), keys.exclude);
  return {
    isEmpty: include.length === 0 && exclude.length === 0,
    matches(value: string): boolean {
      if (include.length > 0 && !include.some((pattern) => pattern.test(value))) return false;
      return !exclude.some((pattern) => pattern.test(value));
    },
  };
}
