/**
 * Configuration reload (SIGHUP, POST /-/reload): the new configuration is loaded and validated in
 * full first; an invalid one changes nothing, logs every problem by key path and sets
 * `mikrotik_agent_config_last_reload_successful` to 0. A valid one is applied to every source
 * (unchanged targets keep running, see PolledSource.update), the shard is applied anew, the HTTPS
 * certificate files are read again, and settings that cannot change in a running process (the
 * listen address, OTLP, the log) are reported as needing a restart while the old values stay.
 * Reloads never overlap: a burst of requests while one runs is folded into one more reload after it.
 */
import { ConfigError, formatProblem, type ConfigProblem } from './config/errors.js';
import type { AgentConfig } from './config/types.js';
import { describeError } from './engine/failure.js';
import { shardFilter, SINGLE_SHARD, type ShardConfig } from './engine/shard.js';
import type { Source, SourcePlugin, TargetUpdate } from './engine/source.js';
import type { Logger } from './log.js';

/** The result of one reload, as POST /-/reload answers it. */
export interface ReloadOutcome {
  readonly ok: boolean;
  /** Why the new configuration was rejected (key path and message, secret-free). */
  readonly problems: readonly ConfigProblem[];
  /** Key paths whose new values need a restart; their old values stay in effect. */
  readonly restartNeeded: readonly string[];
  /** What changed, by source kind. */
  readonly targets: Readonly<Record<string, TargetUpdate>>;
  /** The HTTPS certificate files: swapped in (`reloaded`), the same as before (`unchanged`), or no TLS. */
  readonly serverTls?: 'reloaded' | 'unchanged' | 'no-tls';
}

/** Options of {@link Reloader}. */
export interface ReloaderOptions {
  /** The configuration in effect. */
  readonly config: AgentConfig;
  /** Loads and validates the configuration again (file, environment, flags); throws ConfigError. */
  readonly load: () => Promise<AgentConfig>;
  readonly sources: readonly { readonly plugin: SourcePlugin; readonly source: Source }[];
  /**
   * Registered sources the starting configuration did not use (no `mist:` entry): a reload cannot start
   * them, so a change to their sections is reported as needing a restart instead of passing unnoticed.
   */
  readonly idle?: readonly SourcePlugin[];
  readonly logger: Logger;
  /** Re-reads the HTTPS certificate and key (same paths). */
  readonly reloadTls: () => Promise<boolean>;
  /** Wall clock, ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

/**
 * Core settings a running agent cannot change, by key path: the HTTP listener and its auth, OTLP,
 * resource attributes, logging and the concurrency limit are built once at start.
 */
const RESTART_KEYS: readonly (readonly [string, (config: AgentConfig) => unknown])[] = [
  ['server.listen', (config) => [config.server.host, config.server.port]],
  ['server.tls', (config) => config.server.tls],
  ['server.auth', (config) => config.server.auth],
  ['server.enable_lifecycle', (config) => config.server.enableLifecycle ?? false],
  ['server.max_concurrent_scrapes', (config) => config.server.maxConcurrentScrapes],
  ['server.request_timeout', (config) => config.server.requestTimeoutMillis],
  ['server.max_header_bytes', (config) => config.server.maxHeaderBytes],
  ['collection.concurrency', (config) => config.collection.concurrency],
  ['otlp', (config) => config.otlp],
  ['log', (config) => config.log],
  ['resource_attributes', (config) => config.resourceAttributes],
];

/** Applies new configurations to a running agent and keeps the reload state for the gauges. */
export class Reloader {
  private readonly _options: ReloaderOptions;
  private readonly _now: () => number;
  /** The configuration the agent started with: the restart-only settings still come from it. */
  private readonly _started: AgentConfig;
  private _shard: ShardConfig;
  private _lastSuccessful = true;
  private _lastSuccessMillis: number;
  private _running: Promise<ReloadOutcome> | undefined;
  private _queued: Promise<ReloadOutcome> | undefined;

  constructor(options: ReloaderOptions) {
    this._options = options;
    this._now = options.now ?? Date.now;
    this._started = options.config;
    this._shard = options.config.collection.shard ?? SINGLE_SHARD;
    this._lastSuccessMillis = this._now();
  }

  get lastReloadSuccessful(): boolean {
    return this._lastSuccessful;
  }

  get lastReloadSuccessMillis(): number {
    return this._lastSuccessMillis;
  }

  /** The shard in effect. */
  get shard(): ShardConfig {
    return this._shard;
  }

  /** Narrows every source to the shard in effect; called once before start. */
  applyShard(): void {
    applyShard(this._shard, this._options.sources, this._options.logger);
  }

  /**
   * Reloads now, or right after the reload in progress (requests meanwhile share that one: the
   * files are read after the last request, which is all a burst of them can ask for).
   */
  reload(): Promise<ReloadOutcome> {
    if (this._running === undefined) {
      this._running = this._reload().finally(() => {
        this._running = undefined;
      });
      return this._running;
    }
    this._queued ??= this._running.then(() => {
      this._queued = undefined;
      return this.reload();
    });
    return this._queued;
  }

  private async _reload(): Promise<ReloadOutcome> {
    const { logger } = this._options;
    let config: AgentConfig;
    try {
      config = await this._options.load();
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [{ path: '', message: describeError(error) }];
      for (const problem of problems) logger.error({ key: problem.path }, `reload rejected: ${problem.message}`);
      logger.error({ problems: problems.length }, 'configuration reload failed; the previous configuration stays in effect');
      this._lastSuccessful = false;
      return { ok: false, problems, restartNeeded: [], targets: {} };
    }

    const restartNeeded = RESTART_KEYS.filter(([, read]) => !sameValue(read(this._started), read(config))).map(([key]) => key);
    const targets: Record<string, TargetUpdate> = {};
    try {
      const shard = config.collection.shard ?? SINGLE_SHARD;
      if (shard.index !== this._shard.index || shard.count !== this._shard.count) {
        this._shard = shard;
        applyShard(shard, this._options.sources, logger);
      }
      for (const { plugin, source } of this._options.sources) {
        if (source.reload === undefined) {
          // A source that cannot reload keeps its settings: say so when they changed.
          restartNeeded.push(...changedSections(plugin, this._started, config));
          continue;
        }
        const result = await source.reload(config);
        if (result.targets !== undefined) targets[plugin.kind] = result.targets;
        restartNeeded.push(...(result.restartNeeded ?? []));
      }
      for (const plugin of this._options.idle ?? []) restartNeeded.push(...changedSections(plugin, this._started, config));
    } catch (error) {
      logger.error({ error: describeError(error) }, 'configuration reload failed while applying it');
      this._lastSuccessful = false;
      return { ok: false, problems: [{ path: '', message: describeError(error) }], restartNeeded, targets };
    }
    // Same paths, new contents (a renewed certificate): the server swaps them in.
    const tlsReloaded = await this._options.reloadTls().catch(() => false);
    const serverTls = config.server.tls === undefined ? 'no-tls' : tlsReloaded ? 'reloaded' : 'unchanged';
    for (const key of restartNeeded) logger.warn({ key }, 'changed in the configuration; it takes effect after a restart');
    for (const [kind, update] of Object.entries(targets)) {
      logger.info(
        { source: kind, added: update.added.length, removed: update.removed.length, changed: update.changed.length, unchanged: update.unchanged },
        'configuration reloaded',
      );
    }
    this._lastSuccessful = true;
    this._lastSuccessMillis = this._now();
    return { ok: true, problems: [], restartNeeded, targets, serverTls };
  }
}

/** The plugin's config sections whose values differ between two configurations. */
function changedSections(plugin: SourcePlugin, before: AgentConfig, after: AgentConfig): string[] {
  return (plugin.configSections ?? [])
    .filter((section) => !sameValue(before.sections?.[section.key], after.sections?.[section.key]))
    .map((section) => section.key);
}

function applyShard(shard: ShardConfig, sources: ReloaderOptions['sources'], logger: Logger): void {
  const keep = shardFilter(shard);
  for (const { plugin, source } of sources) {
    if (source.selectTargets !== undefined) source.selectTargets(keep);
    else if (shard.count > 1) logger.warn({ source: plugin.kind }, 'this source cannot be sharded: every replica polls all its targets');
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One line per problem, for the HTTP answer. */
export function formatProblems(problems: readonly ConfigProblem[]): string[] {
  return problems.map(formatProblem);
}
