import { sectionsWith } from '../helpers/sections.js';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ConfigError, type ConfigProblem } from '../../src/config/errors.js';
import { loadConfig, type LoadConfigOptions, type LoadedConfig } from '../../src/config/load.js';
import type { KnownCollector } from '../../src/sources/routeros/config/collectors.js';
import { routerConfigSections } from '../../src/sources/routeros/config/sections.js';

/** The collectors the config tests know (the real registry is tested by its owner). */
export const TEST_COLLECTORS: readonly KnownCollector[] = [
  { name: 'system', defaultEnabled: true, metrics: [] },
  { name: 'health', defaultEnabled: true, metrics: [{ name: 'routeros.health.state', attributes: ['sensor', 'state'] }] },
  { name: 'interface', defaultEnabled: true, metrics: [{ name: 'routeros.interface.info', attributes: ['interface', 'mac_address'] }] },
  { name: 'wireless', defaultEnabled: false, metrics: [] },
];

/** {@link loadConfig}'s options, plus the collectors the routers are checked against. */
export type TestLoadOptions = Partial<LoadConfigOptions> & { readonly collectors?: readonly KnownCollector[] };

/**
 * The options of a load: an empty environment and {@link TEST_COLLECTORS} unless `options` say otherwise.
 * Given `sections`, the RouterOS `defaults`/`routers` ones come first unless they are among them.
 */
export function loadOptions(options: TestLoadOptions = {}): Omit<LoadConfigOptions, 'text' | 'file'> {
  const { collectors = TEST_COLLECTORS, sections, ...rest } = options;
  const keys = new Set((sections ?? []).map((section) => section.key));
  const routers = routerConfigSections(collectors).filter((section) => !keys.has(section.key));
  return { env: {}, sections: sections === undefined ? sectionsWith(collectors) : [...routers, ...sections], ...rest };
}

/** Loads `text` with {@link loadOptions}. */
export function load(text: string, options: TestLoadOptions = {}): LoadedConfig {
  return loadConfig({ text, ...loadOptions(options) });
}

/** The problems of a config that must fail to load. */
export function problemsOf(text: string, options: TestLoadOptions = {}): ConfigProblem[] {
  try {
    load(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

/** A temporary directory with files; `cleanup()` removes it. */
export function testDir(files: Record<string, string | { text: string; mode: number }> = {}): {
  dir: string;
  path: (name: string) => string;
  write: (name: string, text: string, mode?: number) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'agent-config-'));
  const write = (name: string, text: string, mode = 0o600): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    chmodSync(file, mode);
    return file;
  };
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') write(name, content);
    else write(name, content.text, content.mode);
  }
  return { dir, path: (name) => join(dir, name), write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
