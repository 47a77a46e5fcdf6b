/**
 * Routers as polled targets: a RouterOS API session (connect, TLS, login, then version and package
 * detection) under the engine's generic poller, and the collectors adapted to it.
 */
import { createHash } from 'node:crypto';
import type { CollectorConfig, RouterConfig } from './config/types.js';
import { ConcurrencyLimiter } from '../../engine/limiter.js';
import { PolledSource } from '../../engine/polled-source.js';
import type { TargetUpdate } from '../../engine/source.js';
import {
  type EngineLogger,
  type EngineMetrics,
  type PollerTuning,
  type PollTarget,
  type ScheduledCollector,
  type TargetCollector,
  type TargetSession,
} from '../../engine/target-poller.js';
import { RouterOsClient } from './client/client.js';
import type { Collector, RouterFacts } from './collectors/collector.js';
import { ROUTEROS } from './descriptor.js';
import {
  buildTlsOptions,
  probePort,
  routerAddress,
  type ConnectFn,
  type RouterConnection,
  type RouterTlsOptions,
} from './session/connection.js';
import { detectFacts, UNKNOWN_FACTS } from './session/facts.js';
import { classifyFailure, describeRouterError, isUnreachable } from './session/failure.js';

/** A logged-in router connection and the facts detected on it. */
export class RouterSession implements TargetSession {
  facts: RouterFacts = UNKNOWN_FACTS;

  constructor(readonly connection: RouterConnection) {}

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  get closed(): Promise<Error | undefined> {
    return this.connection.closed;
  }

  get answers(): number | undefined {
    return this.connection.repliesReceived;
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** Knobs of {@link routerTarget}. */
export interface RouterTargetOptions {
  /** Opens a logged-in connection. @default RouterOsClient.connect */
  readonly connect?: ConnectFn;
  /** Client keepalive on idle connections; the client's default when undefined. */
  readonly idleProbeMillis?: number | undefined;
}

/** The adapted form of each collector, made once: collectors are shared by every router. */
const adapted = new WeakMap<Collector, TargetCollector<RouterSession>>();

function adapt(collector: Collector): TargetCollector<RouterSession> {
  let target = adapted.get(collector);
  if (target === undefined) {
    target = {
      name: collector.name,
      collect: (session, run) =>
        collector.collect({
          api: session.connection,
          router: session.facts,
          options: run.options,
          signal: run.signal,
          nowMillis: run.nowMillis,
        }),
    };
    adapted.set(collector, target);
  }
  return target;
}

/** The collectors a router runs, with their effective interval. */
export function enabledCollectors(router: RouterConfig, collectors: readonly Collector[]): ScheduledCollector<RouterSession>[] {
  const enabled: ScheduledCollector<RouterSession>[] = [];
  for (const collector of collectors) {
    const config: CollectorConfig = router.collectors[collector.name] ?? { enabled: collector.defaultEnabled };
    if (!config.enabled) continue;
    const intervalMillis = Math.max(
      router.intervalMillis,
      config.intervalMillis ?? collector.defaultIntervalMillis ?? router.intervalMillis,
    );
    enabled.push({ collector: adapt(collector), options: config, intervalMillis });
  }
  return enabled;
}

/** One router as a polled target. */
export function routerTarget(
  router: RouterConfig,
  collectors: readonly Collector[],
  options: RouterTargetOptions = {},
): PollTarget<RouterSession> {
  const connect = options.connect ?? ((connectOptions) => RouterOsClient.connect(connectOptions));
  let tls: Promise<RouterTlsOptions | undefined> | undefined;
  const address = routerAddress(router);
  return {
    source: ROUTEROS,
    name: router.name,
    address,
    identity: Object.freeze({ router: router.name }),
    labels: router.labels,
    intervalMillis: router.intervalMillis,
    timeoutMillis: router.timeoutMillis,
    collectors: enabledCollectors(router, collectors),
    failures: {
      classify: classifyFailure,
      describe: (error) => describeRouterError(error, router),
      isUnreachable,
    },
    async connect(signal: AbortSignal): Promise<RouterSession> {
      tls ??= buildTlsOptions(router);
      const tlsOptions = await tls.catch((error: unknown) => {
        tls = undefined; // the file may appear later: read it again next time
        throw error;
      });
      const connection = await connect({
        host: router.host,
        port: router.port,
        username: router.username,
        password: router.password,
        ...(tlsOptions ? { tls: tlsOptions } : {}),
        connectTimeoutMillis: router.timeoutMillis,
        commandTimeoutMillis: router.timeoutMillis,
        ...(options.idleProbeMillis !== undefined ? { idleProbeMillis: options.idleProbeMillis } : {}),
        signal,
      });
      return new RouterSession(connection);
    },
    async prepare(session: RouterSession, signal: AbortSignal): Promise<string | undefined> {
      session.facts = await detectFacts(session.connection, signal);
      return session.facts.version;
    },
    probe: (signal: AbortSignal) =>
      probePort({ host: router.host, port: router.port, timeoutMillis: router.timeoutMillis, signal }),
    settingsKey: routerSettingsKey(router),
  };
}

/**
 * A digest of everything a router's target is built from, so a reload can tell an unchanged router
 * (kept running) from a changed one (replaced). A digest rather than the text: the password is part
 * of the settings and must not sit in a second string.
 */
export function routerSettingsKey(router: RouterConfig): string {
  return createHash('sha256').update(JSON.stringify(router)).digest('base64url');
}

/** Options of {@link RouterOsSource}. */
export interface RouterOsSourceOptions {
  readonly routers: readonly RouterConfig[];
  /** Every known collector (COLLECTORS in production); each router's config picks. */
  readonly collectors: readonly Collector[];
  /** Shared with the other sources; when absent, one of `collection.concurrency` of its own. */
  readonly limiter?: ConcurrencyLimiter;
  readonly collection?: { readonly concurrency: number };
  readonly logger: EngineLogger;
  readonly metrics?: EngineMetrics;
  /** Opens a logged-in connection. @default RouterOsClient.connect */
  readonly connect?: ConnectFn;
  /** Backoff and jitter knobs for tests; production uses the defaults. */
  readonly tuning?: Partial<PollerTuning>;
}

/** Every configured router, polled in the background. */
export class RouterOsSource extends PolledSource<RouterSession> {
  private readonly _collectors: readonly Collector[];
  private readonly _targetOptions: RouterTargetOptions;

  constructor(options: RouterOsSourceOptions) {
    const targetOptions: RouterTargetOptions = {
      ...(options.connect ? { connect: options.connect } : {}),
      idleProbeMillis: options.tuning?.idleProbeMillis,
    };
    super({
      descriptor: ROUTEROS,
      targets: options.routers.map((router) => routerTarget(router, options.collectors, targetOptions)),
      limiter: options.limiter ?? new ConcurrencyLimiter(options.collection?.concurrency ?? 64),
      logger: options.logger,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
    this._collectors = options.collectors;
    this._targetOptions = targetOptions;
  }

  /** Replaces the router list: unchanged routers keep running (see PolledSource.update). */
  setRouters(routers: readonly RouterConfig[]): TargetUpdate {
    return this.update(routers.map((router) => routerTarget(router, this._collectors, this._targetOptions)));
  }
}
