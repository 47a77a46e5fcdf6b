import { SECTIONS } from '../helpers/sections.js';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ConfigError, type ConfigProblem } from '../../src/config/errors.js';
import { loadConfig, type KnownCollector, type LoadConfigOptions, type LoadedConfig } from '../../src/config/load.js';

/** The collectors the config tests know (the real registry is tested by its owner). */
export const TEST_COLLECTORS: readonly KnownCollector[] = [
  { name: 'system', defaultEnabled: true, metrics: [] },
  { name: 'health', defaultEnabled: true, metrics: [{ name: 'routeros.health.state', attributes: ['sensor', 'state'] }] },
  { name: 'interface', defaultEnabled: true, metrics: [{ name: 'routeros.interface.info', attributes: ['interface', 'mac_address'] }] },
  { name: 'wireless', defaultEnabled: false, metrics: [] },
];

/** Loads `text` with an empty environment and {@link TEST_COLLECTORS} unless `options` say otherwise. */
export function load(text: string, options: Partial<LoadConfigOptions> = {}): LoadedConfig {
  return loadConfig({ text, env: {}, collectors: TEST_COLLECTORS, sections: SECTIONS, ...options });
}

/** The problems of a config that must fail to load. */
export function problemsOf(text: string, options: Partial<LoadConfigOptions> = {}): ConfigProblem[] {
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
