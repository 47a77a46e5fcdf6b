/**
 * The engine's production timing, on fake timers and in-memory connections so hours pass in
 * milliseconds: how a fleet's polls spread over the interval, and where the reconnect backoffs cap.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Collector, CollectContext, CollectOutput } from '../../../../src/sources/routeros/collectors/collector.js';
import type { RouterConfig } from '../../../../src/sources/routeros/config/types.js';
import type { ConnectFn, RouterConnection } from '../../../../src/sources/routeros/session/connection.js';
import { RouterOsSource } from '../../../../src/sources/routeros/poller.js';
import { DEFAULT_TUNING, type PollerTuning } from '../../../../src/engine/target-poller.js';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { AuthenticationError, ProtocolError } from '../../../../src/sources/routeros/client/errors.js';
import { seededRandom } from '../../../reliability/helpers/acceleration.js';
import { captureLogger, simRouter } from './helpers/engine-fixtures.js';

/** A logged-in session that answers at once; reports every `/tick` print to `onTick`. */
class InstantConnection implements RouterConnection {
  isOpen = true;
  readonly closed: Promise<Error | undefined>;
  private _close: () => void = () => undefined;

  constructor(private readonly _onTick: () => void) {
    this.closed = new Promise((resolve) => {
      this._close = () => resolve(undefined);
    });
  }

  async print(path: string): Promise<Row[]> {
    if (path === '/tick') this._onTick();
    return path === '/system/resource' ? [{ version: '7.16.1 (stable)' }] : [];
  }

  async count(): Promise<number> {
    return 0;
  }

  async execute(): Promise<Row[]> {
    return [];
  }

  async close(): Promise<void> {
    this.isOpen = false;
    this._close();
  }
}

/** One `/tick` per run: the time of each poll as the router sees it. */
const TICK: Collector = {
  name: 'tick',
  defaultEnabled: true,
  summary: 'Reads /tick.',
  paths: ['/tick'],
  metrics: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    await context.api.print('/tick', { signal: context.signal });
    return { samples: [] };
  },
};

/** Production tuning on the fake clock. */
function fakeClockTuning(random: () => number): Partial<PollerTuning> {
  return { random, now: () => Date.now() };
}

const engines: RouterOsSource[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
});

afterEach(async () => {
  const stopping = Promise.all(engines.splice(0).map((engine) => engine.stop()));
  await vi.runOnlyPendingTimersAsync();
  await stopping;
  vi.useRealTimers();
});

function startEngine(routers: readonly RouterConfig[], connect: ConnectFn, tuning: Partial<PollerTuning>): RouterOsSource {
  const engine = new RouterOsSource({
    routers,
    collection: { concurrency: 64 },
    collectors: [TICK],
    logger: captureLogger().logger,
    connect,
    tuning,
  });
  engines.push(engine);
  engine.start();
  return engine;
}

describe('RouterPoller timing', () => {
  it('spreads the polls of a fleet over the whole interval, while the first poll comes within a second', async () => {
    const interval = 30_000;
    const count = 200;
    const ticks = new Map<number, number[]>();
    const routers = Array.from({ length: count }, (_, index) =>
      simRouter(`r${index}`, 10_000 + index, { intervalMillis: interval, timeoutMillis: 10_000 }),
    );
    const connect: ConnectFn = async (options) => {
      const times = ticks.get(options.port) ?? [];
      ticks.set(options.port, times);
      return new InstantConnection(() => times.push(Date.now()));
    };
    startEngine(routers, connect, fakeClockTuning(seededRandom(42)));
    await vi.advanceTimersByTimeAsync(4 * interval);

    const series = [...ticks.values()];
    expect(series).toHaveLength(count);
    // The first poll: within DEFAULT_TUNING.firstPollSpreadMillis of start (the demo's /metrics within 5 s).
    expect(Math.max(...series.map((times) => times[0]!))).toBeLessThanOrEqual(DEFAULT_TUNING.firstPollSpreadMillis);
    for (const times of series) {
      const gaps = times.slice(1).map((at, index) => at - times[index]!);
      // The second poll within an interval of the first (data never older than an interval plus a
      // poll, at start too); then the router's own steady grid.
      expect(gaps[0]).toBeGreaterThan(0);
      expect(gaps[0]).toBeLessThanOrEqual(interval);
      expect(gaps.slice(1).every((gap) => gap === interval)).toBe(true);
    }
    // Steady phases: where in the interval each router's later polls fall. Uniform over the interval
    // means about 10 % of the fleet per tenth; one burst (all phases within the first second) is 100 %.
    const phases = series.map((times) => times[2]! % interval);
    const tenths = new Array<number>(10).fill(0);
    for (const phase of phases) tenths[Math.floor((phase / interval) * 10)]! += 1;
    expect(Math.min(...tenths)).toBeGreaterThanOrEqual(count * 0.05);
    expect(Math.max(...tenths)).toBeLessThanOrEqual(count * 0.2);
    // No single second of the interval carries more than 10 % of the polls (3.3 % expected, and the
    // busiest of 30 seconds about twice that by chance).
    const perSecond = new Map<number, number>();
    for (const phase of phases) perSecond.set(Math.floor(phase / 1000), (perSecond.get(Math.floor(phase / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(count * 0.1);
  });

  it('caps the default backoff at 30 minutes after rejected credentials and at 5 minutes after other failures', async () => {
    expect(DEFAULT_TUNING.authBackoff.maxMillis).toBe(30 * 60_000);
    expect(DEFAULT_TUNING.connectBackoff.maxMillis).toBe(5 * 60_000);

    const attempts = { auth: [] as number[], broken: [] as number[] };
    const connect: ConnectFn = async (options) => {
      const auth = options.port === 20_001;
      (auth ? attempts.auth : attempts.broken).push(Date.now());
      // A protocol error is a connection-level failure on a port that answers: the connection
      // backoff applies, and no TCP probes (real sockets) run between attempts.
      throw auth ? new AuthenticationError('login as "admin" refused') : new ProtocolError('not the RouterOS API');
    };
    const routers = [simRouter('auth', 20_001, { intervalMillis: 30_000 }), simRouter('broken', 20_002, { intervalMillis: 30_000 })];
    // The highest draws: every delay as long as the jitter allows, so the caps are reached and tested.
    startEngine(routers, connect, fakeClockTuning(() => 0.999_999));
    await vi.advanceTimersByTimeAsync(6 * 3_600_000);

    const gapsOf = (times: number[]) => times.slice(1).map((at, index) => at - times[index]!);
    const authGaps = gapsOf(attempts.auth);
    const brokenGaps = gapsOf(attempts.broken);
    expect(Math.max(...authGaps)).toBe(30 * 60_000);
    expect(authGaps.slice(-3)).toEqual([30 * 60_000, 30 * 60_000, 30 * 60_000]);
    expect(authGaps[0]).toBeGreaterThanOrEqual(DEFAULT_TUNING.authBackoff.initialMillis);
    expect(Math.max(...brokenGaps)).toBe(5 * 60_000);
    expect(brokenGaps.slice(-3)).toEqual([5 * 60_000, 5 * 60_000, 5 * 60_000]);
    expect(brokenGaps[0]).toBeLessThan(5_000);
  });
});
