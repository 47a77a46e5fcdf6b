/** The `/health` document: every target's state as the engine last saw it, grouped by source. */
import type { CollectorStatus, DownReason, SnapshotSource, SourceDescriptor, TargetSnapshot } from '../engine/snapshot.js';

export interface TargetHealth {
  readonly name: string;
  /** `host:port` or a URL, never credentials. */
  readonly address: string;
  readonly up: boolean;
  readonly down_reason: DownReason | null;
  readonly version: string | null;
  /** ISO 8601 time of the last successful poll. */
  readonly last_success: string | null;
  /** Secret-free text of the last error. */
  readonly last_error: string | null;
  readonly consecutive_failures: number;
  readonly collectors: Readonly<Record<string, CollectorStatus>>;
  /** Source-specific facts (a Mist stream's state), when the source has any. */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** @deprecated the RouterOS name of {@link TargetHealth}. */
export type RouterHealth = TargetHealth;

/** One source's targets, as the index page lists them. */
export interface SourceHealth {
  readonly descriptor: SourceDescriptor;
  readonly targets: readonly TargetHealth[];
}

/** This replica's part of a sharded fleet (collection.shard). */
export interface ShardHealth {
  readonly index: number;
  readonly count: number;
  /** Targets it polls, every source together. */
  readonly targets: number;
}

export interface HealthReport {
  /** ok when every target is up and none calls itself degraded. */
  readonly status: 'ok' | 'degraded';
  readonly version: string;
  /** Present when the fleet is sharded. */
  readonly shard?: ShardHealth;
  /** Targets by their source's health key (`routers`, `hosts`), sources in registry order. */
  readonly [healthKey: string]: readonly TargetHealth[] | string | ShardHealth | undefined;
}

/** Every source's targets, registry order; a source without targets yet still has its group. */
export function sourceHealth(source: SnapshotSource): SourceHealth[] {
  const groups = new Map<SourceDescriptor, TargetHealth[]>();
  for (const descriptor of source.descriptors?.() ?? []) groups.set(descriptor, []);
  for (const snapshot of source.snapshots()) {
    let group = groups.get(snapshot.source);
    if (group === undefined) {
      group = [];
      groups.set(snapshot.source, group);
    }
    group.push(targetHealth(snapshot));
  }
  return [...groups].map(([descriptor, targets]) => ({ descriptor, targets }));
}

export function healthReport(groups: readonly SourceHealth[], version: string, shard?: ShardHealth): HealthReport {
  const healthy = groups.every((group) =>
    group.targets.every((target) => target.up && target.details?.['state'] !== 'degraded'),
  );
  const report: Record<string, readonly TargetHealth[] | string | ShardHealth> = { status: healthy ? 'ok' : 'degraded', version };
  if (shard !== undefined) report['shard'] = shard;
  for (const group of groups) report[group.descriptor.healthKey] = group.targets;
  return report as HealthReport;
}

function targetHealth(snapshot: TargetSnapshot): TargetHealth {
  const collectors: Record<string, CollectorStatus> = {};
  for (const [name, state] of snapshot.collectors) collectors[name] = state.status;
  return {
    name: snapshot.name,
    address: snapshot.address,
    up: snapshot.up,
    down_reason: snapshot.up ? null : (snapshot.downReason ?? null),
    version: snapshot.version ?? null,
    last_success: isoTime(snapshot.lastSuccessMillis),
    last_error: snapshot.lastError ?? null,
    consecutive_failures: snapshot.consecutiveFailures,
    collectors,
    ...(snapshot.details === undefined ? {} : { details: snapshot.details }),
  };
}

export function isoTime(millis: number | undefined): string | null {
  if (millis === undefined || !Number.isFinite(millis)) return null;
  return new Date(millis).toISOString();
}
