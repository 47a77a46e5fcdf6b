/**
 * The source contract. A source (RouterOS, the host, a Mist organisation, the relay) turns its part
 * of the configuration into targets and keeps one snapshot per target up to date: a polled source
 * through {@link PolledSource}, a push source by replacing snapshots as data arrives. The engine,
 * telemetry, the exposition and the server work only through this contract and the snapshots;
 * `src/sources/registry.ts` lists the sources.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConfigSection } from '../config/sections.js';
import type { AgentConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { DiscoveryState } from './file-sd.js';
import type { ConcurrencyLimiter } from './limiter.js';
import type { MetricDefinition } from './metric.js';
import type { SnapshotSource, SourceDescriptor, TargetSnapshot } from './snapshot.js';
import type { EngineMetrics, PollerTuning } from './target-poller.js';

/** A target that failed the startup check. */
export interface StartupFailure {
  /** Registry kind of its source. */
  readonly source: string;
  /** What the target is (`router`): the log field that names it. */
  readonly noun: string;
  readonly target: string;
  readonly error: Error;
}

/**
 * An HTTP endpoint a source serves on the agent's port (the relay's `/apps`, Pushgateway's
 * `/metrics/job/…`). It sits behind the server's auth, limits and error handling.
 */
export interface SourceRoute {
  /** Exact path, or a prefix when it ends in `/`. */
  readonly path: string;
  readonly methods: readonly string[];
  /** Route label in the agent's HTTP metrics. */
  readonly name: string;
  handle(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> | void;
  /** Largest accepted request body. @default 0 (none) */
  readonly maxBodyBytes?: number;
}

/** What changed in a source's target set (names in config order). */
export interface TargetUpdate {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Same name, new settings: the target was replaced (new session; its series carry on by name). */
  readonly changed: readonly string[];
  /** Kept as they were: same poller, session, schedule and counters. */
  readonly unchanged: number;
}

/** The outcome of {@link Source.reload}. */
export interface SourceReload {
  readonly targets?: TargetUpdate;
  /** Key paths whose new values apply only after a restart (`simulator.count`); the old ones stay. */
  readonly restartNeeded?: readonly string[];
}

/** A running source. */
export interface Source extends SnapshotSource {
  readonly descriptor: SourceDescriptor;
  /** Starts collecting in the background. Idempotent; does nothing after stop. */
  start(): void | Promise<void>;
  /** Stops collecting and releases everything. Idempotent, safe before start. */
  stop(): Promise<void>;
  /** Resolves when every target has finished its first cycle. */
  whenFirstRoundDone(): Promise<void>;
  /** Checks that every target can be reached and logged in to (startup_check). */
  checkStartup?(): Promise<StartupFailure[]>;
  /** Endpoints it serves on the agent's HTTP server. */
  readonly routes?: readonly SourceRoute[];
  /**
   * Keeps only the targets whose name `keep` accepts, now and after every change of the set
   * (`collection.shard`). The agent calls it before start on every source; a source without it
   * cannot be sharded, and the agent says so.
   */
  selectTargets?(keep: (name: string) => boolean): TargetUpdate;
  /**
   * Applies a new configuration, already validated (SIGHUP, POST /-/reload): targets whose
   * settings did not change keep running untouched. Throws, changing nothing, when it cannot.
   * Without it, the source keeps its old settings until a restart.
   */
  reload?(config: AgentConfig): Promise<SourceReload>;
  /** Its discovery inputs (files, DNS SRV names) and whether each could be used last time (`mikrotik_agent_discovery_file_valid`). */
  discoveryFiles?(): readonly DiscoveryState[];
}

/** What a registry entry gets to build its source. */
export interface SourceContext {
  readonly config: AgentConfig;
  readonly logger: Logger;
  /** Shared by every source: caps simultaneous polls (collection.concurrency). */
  readonly limiter: ConcurrencyLimiter;
  readonly metrics?: EngineMetrics;
  /** Backoff and jitter knobs for tests. */
  readonly tuning?: Partial<PollerTuning>;
  /**
   * One target's Prometheus exposition from the cache `/metrics` renders into (a `/probe` answer): buffers
   * to write in order, gzip members when `gzip`. Absent when the source runs without the agent's telemetry.
   */
  readonly renderTarget?: (snapshot: TargetSnapshot, format: 'text' | 'openmetrics', gzip: boolean) => readonly Buffer[];
  /**
   * Registers a shutdown step that runs after the source has stopped (a simulator it started):
   * steps run last-added first, each bounded by its timeout.
   */
  onShutdown(name: string, timeoutMillis: number, run: () => Promise<void>): void;
}

/** One entry of `src/sources/registry.ts`. */
export interface SourcePlugin {
  /** Registry name: `routeros`. */
  readonly kind: string;
  /** Top-level config sections it owns (`host:`); the loader parses them through these. */
  readonly configSections?: readonly ConfigSection[];
  /** Every metric its targets can carry (collectors and the engine's per-target set), for docs and label checks. */
  metrics(): readonly MetricDefinition[];
  /** Its part of docs/metrics.md (Markdown), generated from the same definitions the code emits. */
  docs?(): string;
  /**
   * Builds the source from the configuration; undefined when the configuration uses none of it.
   * Throws (naming the config key) when it cannot start.
   */
  create(context: SourceContext): Promise<Source | undefined>;
}
