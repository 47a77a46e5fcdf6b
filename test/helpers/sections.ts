/** The config sections of every registered source, as the CLI hands them to the loader. */
import type { ConfigSection } from '../../src/config/sections.js';
import { SOURCES } from '../../src/sources/registry.js';

export const SECTIONS: readonly ConfigSection[] = SOURCES.flatMap((source) => source.configSections ?? []);
