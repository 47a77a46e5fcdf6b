/**
 * Memory, timing statistics and machine facts for the benchmarks.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One memory sample of this process. */
export interface MemorySample {
  /** Milliseconds since the run started. */
  readonly atMillis: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export function sampleMemory(atMillis: number): MemorySample {
  const usage = process.memoryUsage();
  return { atMillis, rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
}

let gcFunction: (() => void) | undefined;

/**
 * A function that runs a full garbage collection: `globalThis.gc` under `node --expose-gc`, else one
 * obtained by turning the flag on at run time (vitest workers do not pass `--expose-gc`).
 */
export function forceGc(): () => void {
  if (gcFunction) return gcFunction;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') {
    gcFunction = exposed;
  } else {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  return gcFunction;
}

/** Heap used right after a full GC: the live heap, without garbage not yet collected. */
export function heapUsedAfterGc(): number {
  forceGc()();
  return process.memoryUsage().heapUsed;
}

/** Median of the values (undefined when empty). */
export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}

/** Nearest-rank percentile, `p` in 0..100 (undefined when empty). */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? '—' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What the benchmark ran on, for docs/benchmarks.md. */
export function machineDescription(): string {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: the model stays unknown.
  }
  return `${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, node ${process.version}`;
}

/** Seeded PRNG: churn is the same from run to run. */
export { seededRandom } from '../../src/engine/seeded-random.js';

export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
