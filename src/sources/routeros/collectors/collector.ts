/**
 * The collector contract. One file per RouterOS family: it FETCHES rows through RouterApi and
 * MAPS them to samples of the metrics it declares. The engine runs it in isolation and records
 * its success and duration; the telemetry producer turns samples into OpenTelemetry points.
 */
import type { RouterApi } from '../client/api.js';

export type { CollectOutput, MetricDefinition, MetricKind, Sample } from '../../../engine/metric.js';
import type { CollectOutput, MetricDefinition } from '../../../engine/metric.js';

/** What the engine knows about the router when a collector runs (detected once per connection). */
export interface RouterFacts {
  /** `7.16.1` from `/system/resource` `version` (`7.16.1 (stable)`); undefined until known. */
  readonly version: string | undefined;
  readonly major: number;
  readonly minor: number;
  /** Installed package names (`routeros`, `wireless`, `wifiwave2`, …) when known. */
  readonly packages: ReadonlySet<string>;
}

/** Per-collector settings from the config (filters, caps). Collectors read what they know. */
export type CollectorOptions = Readonly<Record<string, unknown>>;

/**
 * One per-collector option key besides `enabled` and `interval` (which every collector has). The
 * config loader rejects keys a collector does not declare, and docs/metrics.md lists them.
 */
export interface CollectorOptionSpec {
  /** The key under `collectors.<name>` (`include`, `max_series`). */
  readonly name: string;
  /** One sentence ending in a period: what it selects, its form and its default. */
  readonly description: string;
}

/** Everything a collector run gets. */
export interface CollectContext {
  readonly api: RouterApi;
  readonly router: RouterFacts;
  readonly options: CollectorOptions;
  readonly signal: AbortSignal;
  /** Wall clock at the start of the run, in ms since the epoch; use it instead of Date.now(). */
  readonly nowMillis: number;
}

/** A RouterOS collector family. */
export interface Collector {
  /** Name used under `collectors:` in the config and in the `collector` attribute. */
  readonly name: string;
  readonly defaultEnabled: boolean;
  /** One-line summary for docs/metrics.md. */
  readonly summary: string;
  /** RouterOS menu paths it reads, for docs/metrics.md. */
  readonly paths: readonly string[];
  readonly metrics: readonly MetricDefinition[];
  /** Its own slower interval (certificates, firmware); the router's interval when absent. */
  readonly defaultIntervalMillis?: number;
  /**
   * The option keys it reads from `context.options`. Every registered collector declares them
   * (`[]` for none); when absent the config loader cannot check keys and passes them through.
   */
  readonly options?: readonly CollectorOptionSpec[];
  /**
   * Reads the options the way `collect` does, so the config loader can report a bad value at load
   * instead of every run; throws CollectorOptionError whose message starts with the key.
   */
  readonly checkOptions?: (options: CollectorOptions) => void;
  collect(context: CollectContext): Promise<CollectOutput>;
}
