/**
 * Sharding a fleet across replicas: every replica runs the same configuration with its own index,
 * and keeps only the targets whose name hashes to it. The hash is the first 8 bytes of the name's
 * SHA-256, read as an unsigned big-endian integer, modulo the shard count: stable across versions,
 * platforms and restarts, and independent of the order targets are listed or discovered in, so
 * adding a target never moves another one between replicas.
 */
import { createHash } from 'node:crypto';

/** This replica's part of the fleet: shard `index` of `count` (0 ≤ index < count). */
export interface ShardConfig {
  readonly index: number;
  readonly count: number;
}

/** The whole fleet: one replica. */
export const SINGLE_SHARD: ShardConfig = Object.freeze({ index: 0, count: 1 });

/** The shard (0 … count-1) a target name falls to. */
export function shardOf(name: string, count: number): number {
  if (count <= 1) return 0;
  const digest = createHash('sha256').update(name, 'utf8').digest();
  return Number(digest.readBigUInt64BE(0) % BigInt(count));
}

/** A predicate keeping the target names of `shard`. */
export function shardFilter(shard: ShardConfig): (name: string) => boolean {
  if (shard.count <= 1) return () => true;
  return (name) => shardOf(name, shard.count) === shard.index;
}

/**
 * The index from a StatefulSet pod's host name (`agent-2` → 2): Kubernetes names each pod of a
 * StatefulSet `<statefulset name>-<ordinal>`
 * (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-identity).
 * Undefined when the name does not end in `-<number>`.
 */
export function ordinalFromHostname(hostname: string): number | undefined {
  const match = /-(\d+)$/.exec(hostname.split('.')[0] ?? '');
  if (match === null) return undefined;
  const ordinal = Number(match[1]);
  return Number.isSafeInteger(ordinal) ? ordinal : undefined;
}
