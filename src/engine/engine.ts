/**
 * The collection engine: every running source behind one read side. It is the agent's only path to
 * targets; everything else reads its snapshots.
 */
import type { Source, StartupFailure } from './source.js';
import type { SnapshotSource, SourceDescriptor, TargetSnapshot } from './snapshot.js';

/** The sources of one agent, in registry order. */
export class CollectionEngine implements SnapshotSource {
  private readonly _sources: readonly Source[];
  private _stopPromise: Promise<void> | undefined;

  constructor(sources: readonly Source[]) {
    this._sources = sources;
  }

  get sources(): readonly Source[] {
    return this._sources;
  }

  /** The current snapshot of every target: sources in registry order, targets in config order. */
  snapshots(): readonly TargetSnapshot[] {
    if (this._sources.length === 1) return this._sources[0]!.snapshots();
    return this._sources.flatMap((source) => source.snapshots());
  }

  descriptors(): readonly SourceDescriptor[] {
    return this._sources.map((source) => source.descriptor);
  }

  /** True once every target of every source has finished its first cycle. */
  get firstRoundDone(): boolean {
    return this._sources.every((source) => source.firstRoundDone);
  }

  /** Resolves when every target has finished its first cycle (never, if stopped before). */
  whenFirstRoundDone(): Promise<void> {
    return Promise.all(this._sources.map((source) => source.whenFirstRoundDone())).then(() => undefined);
  }

  /** Starts every source. Idempotent; does nothing after stop. */
  async start(): Promise<void> {
    if (this._stopPromise) return;
    await Promise.all(this._sources.map((source) => source.start()));
  }

  /** Stops every source. Idempotent. */
  stop(): Promise<void> {
    this._stopPromise ??= Promise.all(this._sources.map((source) => source.stop())).then(() => undefined);
    return this._stopPromise;
  }

  /** Runs each source's startup check; the failures in registry order. */
  async checkStartup(): Promise<StartupFailure[]> {
    const results = await Promise.all(this._sources.map((source) => source.checkStartup?.() ?? Promise.resolve([])));
    return results.flat();
  }
}
