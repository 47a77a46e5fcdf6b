/**
 * Shared pieces of the engine tests: router configs for simulated routers, a pino logger that
 * keeps its lines, test collectors that observe the engine from inside, and a polling wait.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Collector, CollectContext, CollectOutput } from '../../../../../src/sources/routeros/collectors/collector.js';
import { COLLECTORS } from '../../../../../src/sources/routeros/collectors/registry.js';
import type { RouterConfig } from '../../../../../src/sources/routeros/config/types.js';
import { RouterOsSource, type RouterOsSourceOptions } from '../../../../../src/sources/routeros/poller.js';
import type { PollerTuning } from '../../../../../src/engine/target-poller.js';
import type { RouterSnapshot } from '../../../../../src/engine/snapshot.js';
import { SimulatedFleet } from '../../../../../src/sources/routeros/simulator/fleet.js';

/** A router config pointing at a simulated router on loopback. */
export function simRouter(name: string, port: number, overrides: Partial<RouterConfig> = {}): RouterConfig {
  return {
    name,
    host: '127.0.0.1',
    port,
    username: 'admin',
    password: 'admin',
    tls: { enabled: false, caFile: '', serverName: '', fingerprint: '', insecure: false, anonymous: false },
    labels: {},
    intervalMillis: 300,
    timeoutMillis: 1_000,
    collectors: {},
    ...overrides,
  };
}

/** One parsed log line. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A real pino logger whose JSON lines land in `lines`. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string): void {
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return { logger, lines };
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMillis`. */
export async function waitFor(what: string, check: () => boolean, timeoutMillis = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** Per-router record of a probe collector's runs. */
export interface ProbeRecord {
  runs: number;
  active: number;
  peakActive: number;
  startedAtMillis: number[];
}

/**
 * A collector that reads `/system/identity` through the real client and records, per router
 * identity, how many runs happened and how many overlapped; plus the global peak of runs in flight.
 */
export class ProbeCollector implements Collector {
  readonly defaultEnabled = true;
  readonly summary = 'Test probe.';
  readonly paths = ['/system/identity'];
  readonly metrics = [
    { name: 'test.probe.rows', kind: 'gauge', unit: '1', description: 'Rows seen.', attributes: [] },
  ] as const;
  readonly records = new Map<string, ProbeRecord>();
  active = 0;
  peakActive = 0;

  constructor(
    readonly name = 'probe',
    readonly defaultIntervalMillis?: number,
  ) {}

  record(key: string): ProbeRecord {
    let record = this.records.get(key);
    if (!record) {
      record = { runs: 0, active: 0, peakActive: 0, startedAtMillis: [] };
      this.records.set(key, record);
    }
    return record;
  }

  async collect(context: CollectContext): Promise<CollectOutput> {
    const rows = await context.api.print('/system/identity', { proplist: ['name'], signal: context.signal });
    const key = rows[0]?.['name'] ?? 'unknown';
    const record = this.record(key);
    record.runs += 1;
    record.startedAtMillis.push(Date.now());
    record.active += 1;
    record.peakActive = Math.max(record.peakActive, record.active);
    this.active += 1;
    this.peakActive = Math.max(this.peakActive, this.active);
    try {
      // A second round trip keeps the run in flight long enough to overlap if the engine allowed it.
      const again = await context.api.print('/system/identity', { proplist: ['name'], signal: context.signal });
      return { samples: [{ metric: this.metrics[0], attributes: {}, value: rows.length + again.length }] };
    } finally {
      record.active -= 1;
      this.active -= 1;
    }
  }
}

/** A collector reading a menu no simulated router has; counts its calls. */
export class MissingMenuCollector implements Collector {
  readonly name = 'missing';
  readonly defaultEnabled = true;
  readonly summary = 'Reads a menu that does not exist.';
  readonly paths = ['/nonexistent/feature'];
  readonly metrics = [];
  calls = 0;

  async collect(context: CollectContext): Promise<CollectOutput> {
    this.calls += 1;
    await context.api.print('/nonexistent/feature', { proplist: ['name'], signal: context.signal });
    return { samples: [] };
  }
}

/**
 * A collector that reads a real menu, then fails in its own mapping code while `failing` is set;
 * counts its runs. `defaultIntervalMillis` gives it a slower schedule of its own (like certificate).
 */
export class FlakyCollector implements Collector {
  readonly name = 'flaky';
  readonly defaultEnabled = true;
  readonly summary = 'Fails on demand.';
  readonly paths = ['/system/identity'];
  readonly metrics = [
    { name: 'test.flaky.rows', kind: 'gauge', unit: '1', description: 'Rows seen.', attributes: [] },
  ] as const;
  failing = true;
  calls = 0;

  constructor(readonly defaultIntervalMillis?: number) {}

  async collect(context: CollectContext): Promise<CollectOutput> {
    this.calls += 1;
    const rows = await context.api.print('/system/identity', { proplist: ['name'], signal: context.signal });
    if (this.failing) throw new TypeError('cannot map identity rows');
    return { samples: [{ metric: this.metrics[0], attributes: {}, value: rows.length }] };
  }
}

/**
 * A collector whose command never completes: an endless `/interface/ethernet/monitor` stream (no
 * `once`), like a print of a huge table that cannot finish within the deadline. It passes its
 * signal, so the deadline cancels the command on the router (`/cancel`).
 */
export class EndlessMonitorCollector implements Collector {
  readonly name = 'endless';
  readonly defaultEnabled = true;
  readonly summary = 'Never finishes.';
  readonly paths = ['/interface/ethernet'];
  readonly metrics = [];
  calls = 0;
  /** How each run ended: the error's name, or 'ok'. */
  readonly endings: string[] = [];

  async collect(context: CollectContext): Promise<CollectOutput> {
    this.calls += 1;
    try {
      const ports = await context.api.print('/interface/ethernet', { proplist: ['name'], signal: context.signal });
      const first = ports[0]?.['name'];
      if (first === undefined) throw new Error('no ethernet port to monitor');
      await context.api.execute('/interface/ethernet/monitor', { numbers: first }, { signal: context.signal });
      this.endings.push('ok');
      return { samples: [] };
    } catch (error) {
      this.endings.push(error instanceof Error ? error.name : 'unknown');
      throw error;
    }
  }
}

/** Short, deterministic timings: tests run in seconds, not minutes. */
export const FAST_TUNING: Partial<PollerTuning> = {
  connectBackoff: { initialMillis: 100, maxMillis: 200, jitter: 'none' },
  authBackoff: { initialMillis: 400, maxMillis: 400, jitter: 'none' },
  firstPollSpreadMillis: 50,
  closeTimeoutMillis: 500,
};

/** Starts fleets and engines for one test and stops them all in {@link cleanup} (call it in afterEach). */
export class EngineHarness {
  private readonly _cleanups: (() => Promise<void>)[] = [];

  async fleetOf(count: number, profile = 'v7', extra: { tls?: boolean } = {}): Promise<SimulatedFleet> {
    const fleet = await SimulatedFleet.start({
      count,
      profile,
      host: '127.0.0.1',
      portBase: 0,
      username: 'admin',
      password: 'admin',
      ...extra,
    });
    this._cleanups.push(() => fleet.stop());
    return fleet;
  }

  /** Router configs `r0`, `r1`, … for a fleet's routers. */
  routersOf(fleet: SimulatedFleet, overrides: Partial<RouterConfig> = {}): RouterConfig[] {
    return fleet.routers.map((router, index) => simRouter(`r${index}`, router.port, overrides));
  }

  engineFor(
    routers: readonly RouterConfig[],
    options: Partial<RouterOsSourceOptions> = {},
  ): { engine: RouterOsSource; lines: LogLine[] } {
    const { logger, lines } = captureLogger();
    const engine = new RouterOsSource({
      routers,
      collection: { concurrency: 8 },
      collectors: COLLECTORS,
      logger,
      tuning: FAST_TUNING,
      ...options,
    });
    this._cleanups.push(() => engine.stop());
    return { engine, lines };
  }

  async cleanup(): Promise<void> {
    for (const cleanup of this._cleanups.splice(0).reverse()) await cleanup();
  }
}

/** The snapshot of router `name`; throws when there is none. */
export function snapshotOf(engine: RouterOsSource, name: string): RouterSnapshot {
  const found = engine.snapshots().find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no snapshot for ${name}`);
  return found;
}
