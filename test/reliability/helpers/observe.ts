/**
 * Reads the agent the way an operator does: `/metrics` (Prometheus text) and `/health` (JSON), over
 * HTTP, and turns both into per-router values.
 */
import type { HealthReport, RouterHealth } from '../../../src/server/health.js';
import { httpGet } from './harness.js';

/** `name{labels} value` lines of one metric, keyed by the `router` label. */
export function seriesByRouter(exposition: string, metric: string): Map<string, number> {
  const values = new Map<string, number>();
  const pattern = new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)`, 'gm');
  for (const match of exposition.matchAll(pattern)) {
    const router = /(?:^|,)router="([^"]*)"/.exec(match[1] ?? '')?.[1];
    if (router !== undefined) values.set(router, Number(match[2]));
  }
  return values;
}

/** What one `/metrics` scrape says: `routeros_up` and last success per router, and how long it took. */
export interface MetricsSample {
  /** Wall clock when the response was complete (ages are measured from here, so they err high). */
  readonly atMillis: number;
  /** From sending the request to the end of the body. */
  readonly millis: number;
  readonly status: number;
  readonly up: ReadonlyMap<string, number>;
  /** `routeros_last_success_timestamp_seconds`, in ms. */
  readonly lastSuccessMillis: ReadonlyMap<string, number>;
  /** Largest `routeros_collection_duration_seconds` of each router (its slowest collector's last run). */
  readonly slowestCollectorSeconds: ReadonlyMap<string, number>;
}

/** What one `/health` request says about each router. */
export interface HealthSample {
  readonly atMillis: number;
  readonly status: number;
  readonly routers: ReadonlyMap<string, RouterHealth>;
}

export async function scrapeMetrics(address: { host: string; port: number }): Promise<MetricsSample> {
  const response = await httpGet(address, '/metrics');
  const atMillis = Date.now();
  const lastSuccess = new Map<string, number>();
  for (const [router, seconds] of seriesByRouter(response.body, 'routeros_last_success_timestamp_seconds')) {
    lastSuccess.set(router, seconds * 1000);
  }
  const slowest = new Map<string, number>();
  for (const match of response.body.matchAll(/^routeros_collection_duration_seconds\{([^}]*)\} (\S+)/gm)) {
    const router = /(?:^|,)router="([^"]*)"/.exec(match[1] ?? '')?.[1];
    if (router !== undefined) slowest.set(router, Math.max(slowest.get(router) ?? 0, Number(match[2])));
  }
  return {
    atMillis,
    millis: response.millis,
    slowestCollectorSeconds: slowest,
    status: response.status,
    up: seriesByRouter(response.body, 'routeros_up'),
    lastSuccessMillis: lastSuccess,
  };
}

export async function readHealth(address: { host: string; port: number }): Promise<HealthSample> {
  const response = await httpGet(address, '/health');
  const atMillis = Date.now();
  const report = JSON.parse(response.body) as HealthReport & { routers: readonly RouterHealth[] };
  return { atMillis, status: response.status, routers: new Map(report.routers.map((router) => [router.name, router])) };
}
