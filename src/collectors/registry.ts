/**
 * Every collector family the agent knows, in docs and config order. An explicit list (no
 * import-time registration) so what runs is visible in one place.
 */
import type { Collector } from './collector.js';
import { healthCollector } from './health.js';
import { interfaceCollector } from './interface.js';
import { systemCollector } from './system.js';

export const COLLECTORS: readonly Collector[] = [systemCollector, healthCollector, interfaceCollector];

/** The collector called `name`, if any. */
export function findCollector(name: string): Collector | undefined {
  return COLLECTORS.find((collector) => collector.name === name);
}
