/**
 * A router's latest state as the engine keeps it. Scrapes and OTLP exports read snapshots;
 * they never touch a router.
 */
import type { Sample } from '../sources/routeros/collectors/collector.js';

/** ok: ran and returned data; error: failed this cycle; unsupported: the router lacks the feature. */
export type CollectorStatus = 'ok' | 'error' | 'unsupported';

/** The latest run of one collector on one router. */
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
 * Why a router is not up, for /health. tls_error: the router's TLS certificate was refused
 * (untrusted chain, wrong name, fingerprint mismatch); other TLS and socket failures are
 * connection_failed.
 */
export type RouterDownReason =
  | 'connecting'
  | 'connection_failed'
  | 'tls_error'
  | 'authentication_failed'
  | 'timeout'
  | 'protocol_error'
  | 'fatal';

/** One router's latest state. Immutable: the engine swaps in a new object after each cycle. */
export interface RouterSnapshot {
  readonly name: string;
  /** `host:port`, never credentials. */
  readonly address: string;
  /** Extra attributes from the config, on every series of this router. */
  readonly labels: Readonly<Record<string, string>>;
  readonly up: boolean;
  readonly downReason?: RouterDownReason;
  /** RouterOS version once known. */
  readonly version?: string;
  readonly lastSuccessMillis?: number;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
  /** Per collector name. Disabled collectors are absent. */
  readonly collectors: ReadonlyMap<string, CollectorState>;
}

/** Read side of the engine: what the producer, /health and / read. */
export interface SnapshotSource {
  /** The current snapshot of every configured router, in config order. */
  snapshots(): readonly RouterSnapshot[];
  /** True once every router has finished its first cycle (successfully or not). */
  readonly firstRoundDone: boolean;
}
