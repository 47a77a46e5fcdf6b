/** The `/health` document: every router's state as the engine last saw it. */
import type { CollectorStatus, RouterDownReason, RouterSnapshot } from '../engine/snapshot.js';

export interface RouterHealth {
  readonly name: string;
  /** `host:port`, never credentials. */
  readonly address: string;
  readonly up: boolean;
  readonly down_reason: RouterDownReason | null;
  readonly version: string | null;
  /** ISO 8601 time of the last successful poll. */
  readonly last_success: string | null;
  /** Secret-free text of the last error. */
  readonly last_error: string | null;
  readonly consecutive_failures: number;
  readonly collectors: Readonly<Record<string, CollectorStatus>>;
}

export interface HealthReport {
  /** ok when every router is up. */
  readonly status: 'ok' | 'degraded';
  readonly version: string;
  readonly routers: readonly RouterHealth[];
}

export function healthReport(snapshots: readonly RouterSnapshot[], version: string): HealthReport {
  const routers = snapshots.map(routerHealth);
  return { status: routers.every((router) => router.up) ? 'ok' : 'degraded', version, routers };
}

function routerHealth(snapshot: RouterSnapshot): RouterHealth {
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
  };
}

export function isoTime(millis: number | undefined): string | null {
  if (millis === undefined || !Number.isFinite(millis)) return null;
  return new Date(millis).toISOString();
}
