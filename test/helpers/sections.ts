/** The config sections of every registered source, as the CLI hands them to the loader. */
import type { ConfigSection } from '../../src/config/sections.js';
import { SOURCES } from '../../src/sources/registry.js';
import type { ReferenceCollector } from '../../src/sources/routeros/config/reference.js';
import { routerConfigSections } from '../../src/sources/routeros/config/sections.js';

export const SECTIONS: readonly ConfigSection[] = SOURCES.flatMap((source) => source.configSections ?? []);

/** {@link SECTIONS} with `defaults:` and `routers:` checked against `collectors` instead of the real registry. */
export function sectionsWith(collectors: readonly ReferenceCollector[]): readonly ConfigSection[] {
  const routers = routerConfigSections(collectors);
  const keys = new Set(routers.map((section) => section.key));
  return [...routers, ...SECTIONS.filter((section) => !keys.has(section.key))];
}
