/**
 * The collection engine: one RouterPoller per configured router behind a shared concurrency limit.
 * It is the agent's only path to routers; everything else reads its snapshots.
 */
import type { Collector } from '../sources/routeros/collectors/collector.js';
import type { CollectionConfig, RouterConfig } from '../config/types.js';
import { RouterOsClient } from '../sources/routeros/client/client.js';
import { buildTlsOptions, closeQuietly, type ConnectFn } from './connection.js';
import { describeRouterError } from './failure.js';
import { ConcurrencyLimiter } from './limiter.js';
import { RouterPoller, type EngineLogger, type EngineMetrics, type PollerTuning } from './router-poller.js';
import type { RouterSnapshot, SnapshotSource } from './snapshot.js';

/** Options of {@link CollectionEngine}. */
export interface CollectionEngineOptions {
  routers: readonly RouterConfig[];
  /** Uses `concurrency`; per-router interval and timeout come from each RouterConfig. */
  collection: Pick<CollectionConfig, 'concurrency'>;
  /** Every known collector (COLLECTORS in production). */
  collectors: readonly Collector[];
  logger: EngineLogger;
  metrics?: EngineMetrics;
  /** Opens a logged-in connection. @default RouterOsClient.connect */
  connect?: ConnectFn;
  /** Backoff and jitter knobs for tests; production uses the defaults. */
  tuning?: Partial<PollerTuning>;
}

/** A router that failed the startup check. */
export interface StartupFailure {
  readonly router: string;
  readonly error: Error;
}

/** Polls every router in the background and serves their latest snapshots. */
export class CollectionEngine implements SnapshotSource {
  private readonly _routers: readonly RouterConfig[];
  private readonly _pollers: readonly RouterPoller[];
  private readonly _limiter: ConcurrencyLimiter;
  private readonly _connect: ConnectFn;
  private readonly _logger: EngineLogger;
  private readonly _firstRound: Promise<void>;
  private _resolveFirstRound: () => void = () => undefined;
  private _firstRoundDone = false;
  private _started = false;
  private _stopPromise: Promise<void> | undefined;

  constructor(options: CollectionEngineOptions) {
    const names = new Set<string>();
    for (const router of options.routers) {
      if (names.has(router.name)) throw new Error(`routers: duplicate router name ${router.name}`);
      names.add(router.name);
    }
    this._routers = options.routers;
    this._logger = options.logger;
    this._limiter = new ConcurrencyLimiter(options.collection.concurrency);
    this._connect = options.connect ?? ((connectOptions) => RouterOsClient.connect(connectOptions));
    this._firstRound = new Promise<void>((resolve) => {
      this._resolveFirstRound = resolve;
    });
    this._pollers = options.routers.map(
      (router) =>
        new RouterPoller({
          router,
          collectors: options.collectors,
          limiter: this._limiter,
          connect: this._connect,
          logger: options.logger,
          ...(options.metrics ? { metrics: options.metrics } : {}),
          ...(options.tuning ? { tuning: options.tuning } : {}),
          onCycle: () => this._checkFirstRound(),
        }),
    );
    if (this._pollers.length === 0) this._markFirstRound();
  }

  /** The current snapshot of every router, in config order. */
  snapshots(): readonly RouterSnapshot[] {
    return this._pollers.map((poller) => poller.snapshot);
  }

  /** True once every router has finished its first cycle. */
  get firstRoundDone(): boolean {
    return this._firstRoundDone;
  }

  /** Resolves when every router has finished its first cycle (never, if stopped before). */
  whenFirstRoundDone(): Promise<void> {
    return this._firstRound;
  }

  /** Starts every router's schedule. Idempotent; does nothing after stop. */
  start(): void {
    if (this._started || this._stopPromise) return;
    this._started = true;
    for (const poller of this._pollers) poller.start();
  }

  /** Stops schedules, aborts polls in flight and closes connections. Idempotent. */
  stop(): Promise<void> {
    this._stopPromise ??= Promise.all(this._pollers.map((poller) => poller.stop())).then(() => undefined);
    return this._stopPromise;
  }

  /**
   * Connects and logs in to each router once (through the concurrency limit, bounded by each
   * router's timeout) and closes again. Returns the routers that failed, in config order.
   */
  async checkStartup(): Promise<StartupFailure[]> {
    const results = await Promise.all(this._routers.map((router) => this._probe(router)));
    return results.filter((failure): failure is StartupFailure => failure !== undefined);
  }

  private async _probe(router: RouterConfig): Promise<StartupFailure | undefined> {
    const release = await this._limiter.acquire();
    const signal = AbortSignal.timeout(router.timeoutMillis);
    try {
      const tls = await buildTlsOptions(router);
      const connection = await this._connect({
        host: router.host,
        port: router.port,
        username: router.username,
        password: router.password,
        ...(tls ? { tls } : {}),
        connectTimeoutMillis: router.timeoutMillis,
        commandTimeoutMillis: router.timeoutMillis,
        signal,
      });
      await closeQuietly(connection, 2_000);
      return undefined;
    } catch (error) {
      const message = describeRouterError(error, router);
      return { router: router.name, error: new Error(message, { cause: error }) };
    } finally {
      release();
    }
  }

  private _checkFirstRound(): void {
    if (this._firstRoundDone) return;
    if (this._pollers.every((poller) => poller.cycles > 0)) this._markFirstRound();
  }

  private _markFirstRound(): void {
    this._firstRoundDone = true;
    this._resolveFirstRound();
    this._logger.debug({ routers: this._pollers.length }, 'first collection round done');
  }
}
