/**
 * A target's latest state as the engine keeps it, whatever its source. Scrapes, OTLP exports and
 * /health read snapshots; they never touch a target.
 */
import type { MetricDefinition, Sample } from './metric.js';

/** ok: ran and returned data; error: failed this cycle; unsupported: the target lacks the feature. */
export type CollectorStatus = 'ok' | 'error' | 'unsupported';

/** The latest run of one collector on one target. */
export interface CollectorState {
  readonly status: CollectorStatus;
  /** Samples of the last successful run; empty unless status is ok. */
  readonly samples: readonly Sample[];
  readonly durationSeconds: number;
  /** When this run finished, ms since the epoch. */
  readonly finishedAtMillis: number;
  /** Secret-free error text when status is error. */
  readonly error?: string;
  /** Series dropped by a cap in the last run. */
  readonly dropped: number;
}

/**
 * Why a target is not up, for /health. tls_error: the peer's TLS certificate was refused
 * (untrusted chain, wrong name, fingerprint mismatch); other TLS and socket failures are
 * connection_failed. unsupported: the platform lacks what the source reads (a host without /proc).
 */
export type DownReason =
  | 'connecting'
  | 'connection_failed'
  | 'tls_error'
  | 'authentication_failed'
  | 'timeout'
  | 'protocol_error'
  | 'fatal'
  | 'unsupported';

/** @deprecated the RouterOS name of {@link DownReason}. */
export type RouterDownReason = DownReason;

/**
 * The per-target metrics the engine reports for a source, under the source's prefix
 * (`routeros_up`, `routeros_collection_success`, …): see {@link targetMetrics}.
 */
export interface TargetMetrics {
  readonly up: MetricDefinition;
  readonly collectionDuration: MetricDefinition;
  readonly collectionSuccess: MetricDefinition;
  readonly collectionUnsupported: MetricDefinition;
  readonly seriesDropped: MetricDefinition;
  readonly lastSuccess: MetricDefinition;
}

/** What every snapshot of one source shares. */
export interface SourceDescriptor {
  /** Registry name: `routeros`, `host`, `mist`, `relay`. */
  readonly kind: string;
  /** Key of the source's list in /health (`routers`, `hosts`). */
  readonly healthKey: string;
  /** What one target is, for messages and the index page (`router`, `host`). */
  readonly noun: string;
  readonly metrics: TargetMetrics;
}

/** One target's latest state. Immutable: the engine swaps in a new object after each cycle. */
export interface TargetSnapshot {
  readonly source: SourceDescriptor;
  readonly name: string;
  /** Where it is (`host:port`, a URL, a path), never credentials. */
  readonly address: string;
  /** The attributes that identify the target on every series (`{ router: 'core1' }`). */
  readonly identity: Readonly<Record<string, string>>;
  /** Extra attributes from the config, on every series of this target. */
  readonly labels: Readonly<Record<string, string>>;
  readonly up: boolean;
  readonly downReason?: DownReason;
  /** The target's software version once known. */
  readonly version?: string;
  readonly lastSuccessMillis?: number;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
  /** Per collector name. Disabled collectors are absent. */
  readonly collectors: ReadonlyMap<string, CollectorState>;
  /**
   * Source-specific facts for /health (`{ stream: 'connected' }`); flat, secret-free. `state: 'degraded'`
   * marks an up target that works only in part (a Mist organisation whose stream is down while REST works):
   * /health's overall status and the index page say so.
   */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** @deprecated the RouterOS name of {@link TargetSnapshot}. */
export type RouterSnapshot = TargetSnapshot;

/** Read side of the engine: what the producer, the exposition, /health and / read. */
export interface SnapshotSource {
  /** The current snapshot of every target, sources in registry order, targets in config order. */
  snapshots(): readonly TargetSnapshot[];
  /** True once every target has finished its first cycle (successfully or not). */
  readonly firstRoundDone: boolean;
  /** Every running source, targets or not, in registry order (for /health's groups). */
  descriptors?(): readonly SourceDescriptor[];
}
