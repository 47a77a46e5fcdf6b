/**
 * Declarations of the option keys collectors share (`include`/`exclude`, `families`, `max_series`),
 * so the same key reads the same in every section of docs/metrics.md.
 */
import type { CollectorOptionSpec } from '../collector.js';

/** An include/exclude pair of regular expressions over `subject` (`the interface name`). */
export function filterOptions(subject: string, include = 'include', exclude = 'exclude'): CollectorOptionSpec[] {
  return [
    { name: include, description: `Regular expressions over ${subject}, matched against the whole value; only matches are collected (all when unset).` },
    { name: exclude, description: `Regular expressions over ${subject}, matched against the whole value; matches are skipped.` },
  ];
}

/** `max_series`: a cap on the items of one router. */
export function maxSeriesOption(items: string, defaultCount: number, rest = 'the series of the others count as dropped'): CollectorOptionSpec {
  return { name: 'max_series', description: `${capitalise(items)} kept per router (default ${defaultCount}); ${rest}.` };
}

/** `families`: the IP address families read. */
export const FAMILIES_OPTION: CollectorOptionSpec = {
  name: 'families',
  description: 'Address families to read: `ipv4`, `ipv6` or both (default; IPv6 is skipped when RouterOS 6 lacks the package).',
};

/** A true/false switch, default false unless `defaultValue`. */
export function switchOption(name: string, what: string, defaultValue = false): CollectorOptionSpec {
  return { name, description: `${capitalise(what)} (true or false, default ${defaultValue}).` };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
