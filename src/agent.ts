/**
 * The agent's wiring and lifecycle: simulator (when enabled), collection engine, telemetry and the
 * HTTP server, started in order and shut down in reverse, every step bounded in time.
 */
import { COLLECTORS } from './sources/routeros/collectors/registry.js';
import type { Collector } from './sources/routeros/collectors/collector.js';
import type { AgentConfig, RouterConfig } from './config/types.js';
import { tlsMode } from './engine/connection.js';
import { CollectionEngine } from './engine/engine.js';
import { describeError } from './engine/failure.js';
import type { EngineMetrics, PollerTuning } from './engine/router-poller.js';
import type { Logger } from './log.js';
import { createHttpServer } from './server/http-server.js';
import { formatFault } from './sources/routeros/simulator/faults.js';
import { SimulatedFleet } from './sources/routeros/simulator/fleet.js';
import { createTelemetry } from './telemetry/provider.js';
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
   * What SIGHUP does: re-reads the server's TLS certificate and key now rather than at the next poll.
   * The rest of the configuration is read at start only.
   */
  reload(): Promise<ReloadOutcome>;
}

/** What a reload did: `reloaded` new TLS files, found them `unchanged` (or unusable, logged), or had `no-tls`. */
export type ReloadOutcome = { readonly serverTls: 'reloaded' | 'unchanged' | 'no-tls' };

/** startup_check: strict found routers it could not log in to. The CLI exits with code 2. */
export class StartupCheckError extends Error {
  override name = 'StartupCheckError';
  constructor(readonly failures: { router: string; message: string }[]) {
    super(
      `startup check failed for ${failures.length} router(s): ` +
        failures.map((failure) => `${failure.router} (${failure.message})`).join('; '),
    );
  }
}

/** Knobs for tests and embedding; not part of the user config. */
export interface StartAgentOptions {
  /** Backoff and jitter of the engine. */
  tuning?: Partial<PollerTuning>;
  /** Collectors to run. @default COLLECTORS */
  collectors?: readonly Collector[];
  /** Upper bound of the whole shutdown. @default 10_000 */
  shutdownTimeoutMillis?: number;
}

/** Credentials of the in-process simulator; it listens on loopback only. */
const SIMULATOR_USERNAME = 'admin';
const SIMULATOR_PASSWORD = 'admin';

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
  const collectors = options.collectors ?? COLLECTORS;
  const version = agentVersion();
  let routers: readonly RouterConfig[] = config.routers;

  if (config.simulator.enabled) {
    const simulatorHost = config.simulator.host === '' ? '127.0.0.1' : config.simulator.host;
    const fleet = await SimulatedFleet.start({
      count: config.simulator.count,
      profile: config.simulator.profile,
      host: simulatorHost,
      portBase: config.simulator.portBase,
      username: SIMULATOR_USERNAME,
      password: SIMULATOR_PASSWORD,
      faults: config.simulator.faults ?? [],
    });
    cleanup.add('simulator', 1_000, () => fleet.stop());
    const simulated = simulatedRouters(config, simulatorHost, fleet, collectors);
    routers = [...routers, ...simulated];
    // By the names /health shows, so a demo's deliberate failures are not mistaken for real ones.
    const faults = Object.fromEntries(
      fleet.routers.flatMap((router, index) =>
        router.fault === undefined ? [] : [[simulated[index]?.name ?? router.name, formatFault(router.fault)]],
      ),
    );
    logger.info(
      { count: fleet.routers.length, profile: config.simulator.profile, ...(Object.keys(faults).length > 0 ? { faults } : {}) },
      'simulator started; its routers are polled over loopback like real ones',
    );
  }

  warnAboutTls(routers, logger);

  const metrics = new ForwardingMetrics();
  const engine = new CollectionEngine({
    routers,
    collection: config.collection,
    collectors,
    logger,
    metrics,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });

  if (config.collection.startupCheck !== 'off' && routers.length > 0) {
    const failures = await engine.checkStartup();
    for (const failure of failures) {
      logger.warn({ router: failure.router, error: failure.error.message }, 'startup check: cannot log in to router');
    }
    if (failures.length > 0 && config.collection.startupCheck === 'strict') {
      throw new StartupCheckError(failures.map((failure) => ({ router: failure.router, message: failure.error.message })));
    }
  }

  const telemetry = createTelemetry({
    config,
    source: engine,
    version,
    onDiagError: (message: string) => logger.warn({ component: 'opentelemetry' }, message),
  });
  metrics.target = telemetry.agentMetrics;
  // Registered before the server so they run after it: the last scrape finishes, then the final
  // export, then connections and the simulator go.
  cleanup.add('router connections', 2_000, () => engine.stop());
  // The provider's shutdown is the final export: every reader collects and pushes once, then stops.
  // A forceFlush before it would push the same data twice.
  cleanup.add('final export and telemetry shutdown', 4_000, () => telemetry.shutdown());

  const server = createHttpServer({
    config: config.server,
    source: engine,
    telemetry,
    version,
    // Within the shutdown step's own bound, so in-flight scrapes are cut rather than abandoned.
    closeTimeoutMillis: 2_500,
    // Secret-free messages (a renewal whose key does not match keeps the old certificate, and says so).
    onError: (message: string) => logger.warn(message),
    onTlsReload: () => logger.info('server TLS certificate and key reloaded'),
  });
  const address = await server.listen();
  cleanup.add('http server', 3_000, () => server.close());
  // Schedules stop first so nothing new starts while the rest shuts down; engine.stop() is idempotent.
  cleanup.add('collection schedules', 1_000, () => {
    // Not awaited here: connections close while the server drains; 'router connections' awaits it.
    engine.stop().catch(() => undefined);
    return Promise.resolve();
  });

  engine.start();
  logger.info(
    { address: `${address.host}:${address.port}`, routers: routers.length, version },
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
  const reload = async (): Promise<ReloadOutcome> => {
    if (config.server.tls === undefined) return { serverTls: 'no-tls' };
    return { serverTls: (await server.reloadTls()) ? 'reloaded' : 'unchanged' };
  };
  return { shutdown, done, engine, address, reload };
}

/** RouterConfigs for the simulated fleet, with the collection defaults. */
function simulatedRouters(
  config: AgentConfig,
  host: string,
  fleet: SimulatedFleet,
  collectors: readonly Collector[],
): RouterConfig[] {
  const taken = new Set(config.routers.map((router) => router.name));
  // `defaults:` applies to simulated routers too, so the demo can toggle collectors like a real fleet.
  const defaults = config.routerDefaults;
  const collectorDefaults =
    defaults?.collectors ??
    Object.fromEntries(collectors.map((collector) => [collector.name, { enabled: collector.defaultEnabled }]));
  return fleet.routers.map((router) => {
    const base = router.name.startsWith('sim-') ? router.name : `sim-${router.name}`;
    let name = base;
    for (let suffix = 2; taken.has(name); suffix += 1) name = `${base}-${suffix}`;
    taken.add(name);
    return {
      name,
      host,
      port: router.port,
      username: SIMULATOR_USERNAME,
      password: SIMULATOR_PASSWORD,
      tls: { enabled: false, caFile: '', serverName: '', fingerprint: '', insecure: false, anonymous: false },
      labels: defaults?.labels ?? {},
      intervalMillis: defaults?.intervalMillis ?? config.collection.intervalMillis,
      timeoutMillis: defaults?.timeoutMillis ?? config.collection.timeoutMillis,
      collectors: collectorDefaults,
    };
  });
}

function warnAboutTls(routers: readonly RouterConfig[], logger: Logger): void {
  for (const router of routers) {
    const mode = tlsMode(router.tls);
    if (mode === 'insecure') {
      logger.warn({ router: router.name }, 'TLS certificate verification is disabled for this router (tls.insecure)');
    } else if (mode === 'anonymous') {
      logger.warn(
        { router: router.name },
        'anonymous TLS for this router: encrypted but unauthenticated, open to man-in-the-middle (tls.anonymous)',
      );
    }
  }
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
