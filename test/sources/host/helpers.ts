/**
 * Host fixture trees (test/fixtures/host/): `basic` is a whole machine's procfs and sysfs in real kernel
 * formats; `step2` (the same machine a cycle later) and `truncated` hold only the files they change. Tests
 * work on a temporary copy, so they can change it between cycles.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sample } from '../../../src/engine/metric.js';
import type { RunContext } from '../../../src/engine/target-poller.js';
import type { HostCollector } from '../../../src/sources/host/collectors/collector.js';
import { defaultHostConfig, type HostConfig } from '../../../src/sources/host/config.js';
import { HostFs, NODE_IO, type FsStats, type HostIo } from '../../../src/sources/host/fs.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/host/', import.meta.url));

/** A temporary copy of the `basic` tree; `overlay('step2')` copies a partial tree over it. */
export interface FixtureRoot {
  readonly root: string;
  overlay(name: string): void;
  cleanup(): void;
}

export function fixtureRoot(...overlays: string[]): FixtureRoot {
  const root = mkdtempSync(join(tmpdir(), 'host-fixture-'));
  const overlay = (name: string): void => cpSync(join(FIXTURES, name), root, { recursive: true, verbatimSymlinks: true, force: true });
  overlay('basic');
  for (const name of overlays) overlay(name);
  return { root, overlay, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * statfs made deterministic: the real call runs first (so a missing mount point fails as it would), then
 * sizes that depend only on the mount point replace the temp filesystem's, so golden files do not depend
 * on the disk the tests run on.
 */
export function fixedStatfs(root: string, base: HostIo = NODE_IO): HostIo {
  return {
    ...base,
    async statfs(path: string): Promise<FsStats> {
      await base.statfs(path);
      const seed = path.slice(root.length).length;
      return { bsize: 4096, blocks: 1_000_000 * seed, bfree: 400_000 * seed, bavail: 350_000 * seed, files: 65_536 * seed, ffree: 60_000 * seed };
    },
  };
}

/** An io whose reads of the given host paths fail like a file the agent may not read. */
export function denying(root: string, paths: readonly string[], base: HostIo = NODE_IO): HostIo {
  const denied = new Set(paths.map((path) => join(root, path)));
  const deny = (path: string): void => {
    if (denied.has(path)) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
  };
  return {
    ...base,
    readFile: async (path, options) => {
      deny(path);
      return base.readFile(path, options);
    },
  };
}

export function hostConfig(root: string, overrides: Partial<HostConfig> = {}): HostConfig {
  return { ...defaultHostConfig(), enabled: true, root, ...overrides };
}

export function runContext(): RunContext {
  return { options: {}, signal: new AbortController().signal, nowMillis: Date.now() };
}

/** Runs a collector once per call of the returned function, keeping its state between calls. */
export function collectorRunner(collector: HostCollector, config: HostConfig, io?: HostIo): () => Promise<Sample[]> {
  const run = collector.create({ fs: new HostFs(config.root, io), config });
  return async () => (await run(runContext())).samples;
}

/** `name{a="x",b="y"}` of each sample, for readable assertions. */
export function seriesKey(sample: Sample): string {
  const attributes = Object.entries(sample.attributes)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',');
  return `${sample.metric.name}{${attributes}}`;
}

/** The samples as a key → value map. */
export function valuesOf(samples: readonly Sample[]): Map<string, number> {
  return new Map(samples.map((sample) => [seriesKey(sample), sample.value]));
}

/** The distinct values of one attribute among the samples of one metric. */
export function attributeValues(samples: readonly Sample[], metric: string, key: string): string[] {
  return [...new Set(samples.filter((sample) => sample.metric.name === metric).map((sample) => sample.attributes[key] ?? ''))];
}
