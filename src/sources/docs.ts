/**
 * docs/metrics.md: the RouterOS reference first, then one section per further source, each
 * rendered by its plugin from the same definitions the code emits.
 */
import { SOURCES } from './registry.js';

export function renderMetricsDoc(): string {
  return SOURCES.map((source) => source.docs?.())
    .filter((section): section is string => section !== undefined && section !== '')
    .map((section) => (section.endsWith('\n') ? section : `${section}\n`))
    .join('\n');
}
