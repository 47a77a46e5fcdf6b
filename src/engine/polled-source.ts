/**
 * A source whose targets are polled: one {@link TargetPoller} per target behind the engine's shared
 * concurrency limit. Sources that poll (RouterOS, the host, Mist's REST side) build their targets
 * and hand them to this class; it knows nothing of what the targets are.
 */
import type { ConcurrencyLimiter } from './limiter.js';
import type { Source, StartupFailure } from './source.js';
import type { SourceDescriptor, TargetSnapshot } from './snapshot.js';
import {
  closeQuietly,
  TargetPoller,
  type EngineLogger,
  type EngineMetrics,
  type PollerTuning,
  type PollTarget,
  type TargetSession,
} from './target-poller.js';

/** Options of {@link PolledSource}. */
export interface PolledSourceOptions<S extends TargetSession> {
  readonly descriptor: SourceDescriptor;
  readonly targets: readonly PollTarget<S>[];
  /** Shared by every source of the engine: caps simultaneous cycles. */
  readonly limiter: ConcurrencyLimiter;
  readonly logger: EngineLogger;
  readonly metrics?: EngineMetrics;
  /** Backoff and jitter knobs for tests; production uses the defaults. */
  readonly tuning?: Partial<PollerTuning>;
}

/** Polls every target of one source in the background and serves their latest snapshots. */
export class PolledSource<S extends TargetSession> implements Source {
  readonly descriptor: SourceDescriptor;
  private readonly _targets: readonly PollTarget<S>[];
  private readonly _pollers: readonly TargetPoller<S>[];
  private readonly _limiter: ConcurrencyLimiter;
  private readonly _logger: EngineLogger;
  private readonly _firstRound: Promise<void>;
  private _resolveFirstRound: () => void = () => undefined;
  private _firstRoundDone = false;
  private _started = false;
  private _stopPromise: Promise<void> | undefined;

  constructor(options: PolledSourceOptions<S>) {
    const names = new Set<string>();
    for (const target of options.targets) {
      if (names.has(target.name)) throw new Error(`${options.descriptor.healthKey}: duplicate name ${target.name}`);
      names.add(target.name);
    }
    this.descriptor = options.descriptor;
    this._targets = options.targets;
    this._limiter = options.limiter;
    this._logger = options.logger;
    this._firstRound = new Promise<void>((resolve) => {
      this._resolveFirstRound = resolve;
    });
    this._pollers = options.targets.map(
      (target) =>
        new TargetPoller({
          target,
          limiter: options.limiter,
          logger: options.logger,
          ...(options.metrics ? { metrics: options.metrics } : {}),
          ...(options.tuning ? { tuning: options.tuning } : {}),
          onCycle: () => this._checkFirstRound(),
        }),
    );
    if (this._pollers.length === 0) this._markFirstRound();
  }

  /** The current snapshot of every target, in config order. */
  snapshots(): readonly TargetSnapshot[] {
    return this._pollers.map((poller) => poller.snapshot);
  }

  /** True once every target has finished its first cycle. */
  get firstRoundDone(): boolean {
    return this._firstRoundDone;
  }

  /** Resolves when every target has finished its first cycle (never, if stopped before). */
  whenFirstRoundDone(): Promise<void> {
    return this._firstRound;
  }

  /** Starts every target's schedule. Idempotent; does nothing after stop. */
  start(): void {
    if (this._started || this._stopPromise) return;
    this._started = true;
    for (const poller of this._pollers) poller.start();
  }

  /** Stops schedules, aborts polls in flight and closes sessions. Idempotent. */
  stop(): Promise<void> {
    this._stopPromise ??= Promise.all(this._pollers.map((poller) => poller.stop())).then(() => undefined);
    return this._stopPromise;
  }

  /**
   * Opens a session to each target once (through the concurrency limit, bounded by each target's
   * timeout) and closes it again. Returns the targets that failed, in config order.
   */
  async checkStartup(): Promise<StartupFailure[]> {
    const results = await Promise.all(this._targets.map((target) => this._probe(target)));
    return results.filter((failure): failure is StartupFailure => failure !== undefined);
  }

  private async _probe(target: PollTarget<S>): Promise<StartupFailure | undefined> {
    const release = await this._limiter.acquire();
    const signal = AbortSignal.timeout(target.timeoutMillis);
    try {
      const session = await target.connect(signal);
      await closeQuietly(session, 2_000);
      return undefined;
    } catch (error) {
      return { source: this.descriptor.kind, noun: this.descriptor.noun, target: target.name, error: new Error(target.failures.describe(error), { cause: error }) };
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
    this._logger.debug({ source: this.descriptor.kind, targets: this._pollers.length }, 'first collection round done');
  }
}
