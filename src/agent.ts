/**
 * The agent's wiring and lifecycle: the sources (and whatever they start, such as the built-in
 * simulator), the collection engine, telemetry and the HTTP server, started in order and shut down
 * in reverse, every step bounded in time.
 */
import type { AgentConfig } from './config/types.js';
import { CollectionEngine } from './engine/engine.js';
import { describeError } from './engine/failure.js';
import { ConcurrencyLimiter } from './engine/limiter.js';
import type { Source, SourceContext, SourcePlugin } from './engine/source.js';
import type { EngineMetrics, PollerTuning } from './engine/target-poller.js';
import type { Logger } from './log.js';
import { Reloader, type ReloadOutcome } from './reload.js';
import { createHttpServer } from './server/http-server.js';
import { SOURCES } from './sources/registry.js';
import { createTelemetry, type Telemetry } from './telemetry/provider.js';
import { agentVersion } from './version.js';

/** A running agent. */
export interface Agent {
  /** Stops everything in order; idempotent; settles within about 10 s whatever hangs. */
  shutdown(): Promise<void>;
  /** Settles when shutdown has finished. */
  readonly done: Promise<void>;
  readonly engine: CollectionEngine;
  /** Where the HTTP server listens. */
  readonly address: { host: string; port: number };
  /**
   * Loads the configuration again and applies it (SIGHUP, POST /-/reload); an invalid one changes
   * nothing. Without `reloadConfig` in the options, it re-reads only the HTTPS certificate files.
   */
  reload(): Promise<ReloadOutcome>;
}


/** startup_check: strict found targets it could not log in to. The CLI exits with code 2. */
export class StartupCheckError extends Error {
  override name = 'StartupCheckError';
  constructor(readonly failures: { target: string; message: string }[]) {
    super(
      `startup check failed for ${failures.length} target(s): ` +
        failures.map((failure) => `${failure.target} (${failure.message})`).join('; '),
    );
  }
}

/** Knobs for tests and embedding; not part of the user config. */
export interface StartAgentOptions {
  /** Backoff and jitter of the engine. */
  tuning?: Partial<PollerTuning>;
  /** The sources to run. @default SOURCES */
  sources?: readonly SourcePlugin[];
  /** Upper bound of the whole shutdown. @default 10_000 */
  shutdownTimeoutMillis?: number;
  /** Loads and validates the configuration again for a reload; throws ConfigError when invalid. */
  reloadConfig?: () => Promise<AgentConfig>;
}

/**
 * Starts the agent. Throws StartupCheckError (strict startup check) or the error of the step that
 * failed; whatever was already started is stopped again before it throws.
 */
export async function startAgent(config: AgentConfig, logger: Logger, options: StartAgentOptions = {}): Promise<Agent> {
  const cleanup = new Cleanup(logger);
  try {
    return await start(config, logger, options, cleanup);
  } catch (error) {
    await cleanup.run(options.shutdownTimeoutMillis ?? 10_000);
    throw error;
  }
}

async function start(
  config: AgentConfig,
  logger: Logger,
  options: StartAgentOptions,
  cleanup: Cleanup,
): Promise<Agent> {
  const version = agentVersion();
  const metrics = new ForwardingMetrics();
  const limiter = new ConcurrencyLimiter(config.collection.concurrency);
  const sources: Source[] = [];
  const pluginSources: { plugin: SourcePlugin; source: Source }[] = [];
  const idlePlugins: SourcePlugin[] = [];
  // Late-bound like the metrics: telemetry is built after the sources, and nothing renders before the server runs.
  let telemetryRef: Telemetry | undefined;
  const renderTarget: NonNullable<SourceContext['renderTarget']> = (snapshot, format, gzip) => {
    if (telemetryRef === undefined) throw new Error('no telemetry yet: a target was rendered before the agent started');
    return telemetryRef.renderTarget(snapshot, format, gzip);
  };
  for (const plugin of options.sources ?? SOURCES) {
    const source = await plugin.create({
      config,
      logger,
      limiter,
      metrics,
      renderTarget,
      ...(options.tuning ? { tuning: options.tuning } : {}),
      onShutdown: (name, timeoutMillis, run) => cleanup.add(name, timeoutMillis, run),
    });
    if (source === undefined) {
      idlePlugins.push(plugin);
      continue;
    }
    sources.push(source);
    pluginSources.push({ plugin, source });
    // Registered right away, so a later source failing to start still stops this one.
    cleanup.add(`${plugin.kind} source`, 2_000, () => source.stop());
  }
  const engine = new CollectionEngine(sources);
  // Late-bound: the server's TLS exists only once the server does, and a reload cannot come before.
  let reloadTls = (): Promise<boolean> => Promise.resolve(false);
  const reloader = new Reloader({
    config,
    load: options.reloadConfig ?? (() => Promise.resolve(config)),
    sources: pluginSources,
    idle: idlePlugins,
    logger,
    reloadTls: () => reloadTls(),
  });
  reloader.applyShard();

  if (config.collection.startupCheck !== 'off') {
    const failures = await engine.checkStartup();
    for (const failure of failures) {
      logger.warn({ [failure.noun]: failure.target, error: failure.error.message }, `startup check: cannot log in to ${failure.noun}`);
    }
    if (failures.length > 0 && config.collection.startupCheck === 'strict') {
      throw new StartupCheckError(failures.map((failure) => ({ target: failure.target, message: failure.error.message })));
    }
  }

  const telemetry = createTelemetry({
    config,
    source: engine,
    version,
    onDiagError: (message: string) => logger.warn({ component: 'opentelemetry' }, message),
  });
  metrics.target = telemetry.agentMetrics;
  telemetryRef = telemetry;
  telemetry.agentMetrics.observeAgentState(() => ({
    lastReloadSuccessful: reloader.lastReloadSuccessful,
    lastReloadSuccessMillis: reloader.lastReloadSuccessMillis,
    shard: reloader.shard,
    targets: targetCounts(pluginSources),
    discoveryFiles: pluginSources.flatMap(({ plugin, source }) =>
      (source.discoveryFiles?.() ?? []).map((file) => ({ source: plugin.kind, file: file.file, ok: file.ok })),
    ),
  }));
  // Registered before the server so they run after it: the last scrape finishes, then the final
  // export, then connections and the simulator go.
  cleanup.add('target connections', 2_000, () => engine.stop());
  // The provider's shutdown is the final export: every reader collects and pushes once, then stops.
  // A forceFlush before it would push the same data twice.
  cleanup.add('final export and telemetry shutdown', 4_000, () => telemetry.shutdown());

  const server = createHttpServer({
    config: config.server,
    source: engine,
    telemetry,
    version,
    routes: sources.flatMap((source) => source.routes ?? []),
    // Within the shutdown step's own bound, so in-flight scrapes are cut rather than abandoned.
    closeTimeoutMillis: 2_500,
    // Secret-free messages (a renewal whose key does not match keeps the old certificate, and says so).
    onError: (message: string) => logger.warn(message),
    onTlsReload: () => logger.info('server TLS certificate and key reloaded'),
    lifecycle: { reload: () => reloader.reload() },
    shard: () => ({ ...reloader.shard, targets: engine.snapshots().length }),
  });
  reloadTls = () => server.reloadTls();
  const address = await server.listen();
  cleanup.add('http server', 3_000, () => server.close());
  // Schedules stop first so nothing new starts while the rest shuts down; engine.stop() is idempotent.
  cleanup.add('collection schedules', 1_000, () => {
    // Not awaited here: connections close while the server drains; 'target connections' awaits it.
    engine.stop().catch(() => undefined);
    return Promise.resolve();
  });

  await engine.start();
  logger.info(
    {
      address: `${address.host}:${address.port}`,
      ...Object.fromEntries(sources.map((source) => [source.descriptor.healthKey, source.snapshots().length])),
      version,
    },
    'agent started',
  );

  let shutdownPromise: Promise<void> | undefined;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      logger.info('agent shutting down');
      await cleanup.run(options.shutdownTimeoutMillis ?? 10_000);
      logger.info('agent stopped');
      resolveDone();
    })();
    return shutdownPromise;
  };
  return { shutdown, done, engine, address, reload: () => reloader.reload() };
}

function targetCounts(sources: readonly { plugin: SourcePlugin; source: Source }[]): Record<string, number> {
  return Object.fromEntries(sources.map(({ plugin, source }) => [plugin.kind, source.snapshots().length]));
}

/**
 * Engine metrics that go nowhere until telemetry exists (the engine is built first). Nothing is
 * lost: the engine records only once started, and it is started after the target is set.
 */
class ForwardingMetrics implements EngineMetrics {
  target: EngineMetrics | undefined;

  recordCollectorRun(...args: Parameters<EngineMetrics['recordCollectorRun']>): void {
    this.target?.recordCollectorRun(...args);
  }

  recordPoll(...args: Parameters<EngineMetrics['recordPoll']>): void {
    this.target?.recordPoll(...args);
  }

  recordConnectionAttempt(...args: Parameters<EngineMetrics['recordConnectionAttempt']>): void {
    this.target?.recordConnectionAttempt(...args);
  }

  recordConnectionState(...args: Parameters<EngineMetrics['recordConnectionState']>): void {
    this.target?.recordConnectionState(...args);
  }
}

interface CleanupStep {
  readonly name: string;
  readonly timeoutMillis: number;
  readonly run: () => Promise<void>;
}

/**
 * Shutdown steps, run last-added first, each bounded by its own timeout and by what is left of the
 * overall budget. A step that fails or times out is logged and the next one runs anyway.
 */
class Cleanup {
  private readonly _steps: CleanupStep[] = [];
  private _running: Promise<void> | undefined;

  constructor(private readonly _logger: Logger) {}

  add(name: string, timeoutMillis: number, run: () => Promise<void>): void {
    this._steps.push({ name, timeoutMillis, run });
  }

  run(budgetMillis: number): Promise<void> {
    this._running ??= this._run(budgetMillis);
    return this._running;
  }

  private async _run(budgetMillis: number): Promise<void> {
    const deadline = Date.now() + budgetMillis;
    for (const step of [...this._steps].reverse()) {
      const limit = Math.max(0, Math.min(step.timeoutMillis, deadline - Date.now()));
      const outcome = await settleWithin(step.run, limit);
      if (outcome === 'timeout') {
        this._logger.warn({ step: step.name, timeoutMillis: limit }, 'shutdown step timed out; continuing');
      } else if (outcome instanceof Error) {
        this._logger.warn({ step: step.name, error: describeError(outcome) }, 'shutdown step failed; continuing');
      }
    }
  }
}

async function settleWithin(run: () => Promise<void>, timeoutMillis: number): Promise<'ok' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => run())().then(
    () => 'ok' as const,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMillis);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
