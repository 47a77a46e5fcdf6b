/**
 * A source whose targets are polled: one {@link TargetPoller} per target behind the engine's shared
 * concurrency limit. Sources that poll (RouterOS, the host, Mist's REST side) build their targets
 * and hand them to this class; it knows nothing of what the targets are.
 *
 * The target set can change while it runs ({@link PolledSource.update}: a reload, discovery, a
 * probe) and can be narrowed to this replica's shard ({@link PolledSource.selectTargets}). Targets
 * are keyed by name: one whose settings are unchanged keeps its poller, so its session, schedule
 * and snapshot carry on without a gap; the telemetry producer keys counter state by series, so its
 * counters carry on too.
 */
import type { ConcurrencyLimiter } from './limiter.js';
import type { Source, StartupFailure, TargetUpdate } from './source.js';
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

interface Entry<S extends TargetSession> {
  readonly target: PollTarget<S>;
  readonly poller: TargetPoller<S>;
}

/** Polls every target of one source in the background and serves their latest snapshots. */
export class PolledSource<S extends TargetSession> implements Source {
  readonly descriptor: SourceDescriptor;
  private readonly _options: PolledSourceOptions<S>;
  /** Every target the source was given, before the shard filter. */
  private _all: readonly PollTarget<S>[];
  /** The polled ones by name, in the order given. */
  private _entries = new Map<string, Entry<S>>();
  private _keep: (name: string) => boolean = () => true;
  private readonly _firstRound: Promise<void>;
  private _resolveFirstRound: () => void = () => undefined;
  private _firstRoundDone = false;
  private _started = false;
  private _stopPromise: Promise<void> | undefined;
  /** Pollers replaced or removed whose stop is still running; stop() waits for them. */
  private readonly _stopping = new Set<Promise<void>>();

  constructor(options: PolledSourceOptions<S>) {
    checkUniqueNames(options.descriptor, options.targets);
    this.descriptor = options.descriptor;
    this._options = options;
    this._all = options.targets;
    this._firstRound = new Promise<void>((resolve) => {
      this._resolveFirstRound = resolve;
    });
    this._apply();
  }

  /** The current snapshot of every polled target, in config order. */
  snapshots(): readonly TargetSnapshot[] {
    return Array.from(this._entries.values(), (entry) => entry.poller.snapshot);
  }

  /** The current snapshot of one polled target, by name (a map lookup: a probe asks for one of thousands). */
  snapshot(name: string): TargetSnapshot | undefined {
    return this._entries.get(name)?.poller.snapshot;
  }

  /** Names of the targets polled now (after the shard filter), in config order. */
  targetNames(): readonly string[] {
    return [...this._entries.keys()];
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
    for (const { poller } of this._entries.values()) poller.start();
  }

  /** Stops schedules, aborts polls in flight and closes sessions. Idempotent. */
  stop(): Promise<void> {
    this._stopPromise ??= Promise.all([
      ...Array.from(this._entries.values(), (entry) => entry.poller.stop()),
      ...this._stopping,
    ]).then(() => undefined);
    return this._stopPromise;
  }

  /**
   * Polls only the targets whose name `keep` accepts (this replica's shard), now and after every
   * update. Targets it drops stop at once.
   */
  selectTargets(keep: (name: string) => boolean): TargetUpdate {
    this._keep = keep;
    return this._apply();
  }

  /**
   * Replaces the target set, keyed by name: an unchanged target (same name, same
   * {@link PollTarget.settingsKey}) keeps its poller untouched; a changed one is replaced; a
   * removed one stops and its snapshot is gone from the next read; a new one starts at once
   * (first poll within its spread). Throws, changing nothing, on duplicate names.
   */
  update(targets: readonly PollTarget<S>[]): TargetUpdate {
    checkUniqueNames(this.descriptor, targets);
    this._all = targets;
    return this._apply();
  }

  /**
   * Opens a session to each target once (through the concurrency limit, bounded by each target's
   * timeout) and closes it again. Returns the targets that failed, in config order.
   */
  async checkStartup(): Promise<StartupFailure[]> {
    const results = await Promise.all(Array.from(this._entries.values(), (entry) => this._probe(entry.target)));
    return results.filter((failure): failure is StartupFailure => failure !== undefined);
  }

  /** Brings the pollers in line with `_all` and `_keep`. */
  private _apply(): TargetUpdate {
    const previous = this._entries;
    const next = new Map<string, Entry<S>>();
    const added: string[] = [];
    const changed: string[] = [];
    let unchanged = 0;
    for (const target of this._all) {
      if (!this._keep(target.name)) continue;
      const old = previous.get(target.name);
      if (old !== undefined && sameSettings(old.target, target)) {
        next.set(target.name, old);
        unchanged += 1;
        continue;
      }
      (old === undefined ? added : changed).push(target.name);
      next.set(target.name, { target, poller: this._poller(target) });
    }
    const removed: string[] = [];
    for (const [name, entry] of previous) {
      if (next.get(name) === entry) continue;
      if (!next.has(name)) removed.push(name);
      this._retire(entry.poller);
    }
    this._entries = next;
    if (this._started && !this._stopPromise) {
      for (const name of [...added, ...changed]) next.get(name)?.poller.start();
    }
    // A target added after the first round must not take readiness back: /ready means "served once".
    if (!this._firstRoundDone) this._checkFirstRound();
    return { added, removed, changed, unchanged };
  }

  private _poller(target: PollTarget<S>): TargetPoller<S> {
    const { limiter, logger, metrics, tuning } = this._options;
    return new TargetPoller({
      target,
      limiter,
      logger,
      ...(metrics ? { metrics } : {}),
      ...(tuning ? { tuning } : {}),
      onCycle: () => this._checkFirstRound(),
    });
  }

  /** Stops a poller that left the set; its snapshot is already gone from reads. */
  private _retire(poller: TargetPoller<S>): void {
    const stopping = poller.stop().catch(() => undefined);
    this._stopping.add(stopping);
    void stopping.then(() => this._stopping.delete(stopping));
  }

  private async _probe(target: PollTarget<S>): Promise<StartupFailure | undefined> {
    const release = await this._options.limiter.acquire();
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
    for (const { poller } of this._entries.values()) if (poller.cycles === 0) return;
    this._markFirstRound();
  }

  private _markFirstRound(): void {
    this._firstRoundDone = true;
    this._resolveFirstRound();
    this._options.logger.debug({ source: this.descriptor.kind, targets: this._entries.size }, 'first collection round done');
  }
}

function sameSettings<S extends TargetSession>(old: PollTarget<S>, next: PollTarget<S>): boolean {
  if (old === next) return true;
  return old.settingsKey !== undefined && old.settingsKey === next.settingsKey;
}

function checkUniqueNames(descriptor: SourceDescriptor, targets: readonly { readonly name: string }[]): void {
  const names = new Set<string>();
  for (const target of targets) {
    if (names.has(target.name)) throw new Error(`${descriptor.healthKey}: duplicate name ${target.name}`);
    names.add(target.name);
  }
}
