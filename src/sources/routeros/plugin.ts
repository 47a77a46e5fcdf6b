/**
 * The RouterOS source as the registry lists it: the configured routers, plus the built-in
 * simulated fleet when `simulator.enabled`, each polled over the binary API.
 */
import type { AgentConfig } from '../../config/types.js';
import type { MetricDefinition } from '../../engine/metric.js';
import { DnsSrvWatcher } from '../../engine/dns-sd.js';
import { FileSdWatcher, type DiscoveryState, type TargetProvider } from '../../engine/file-sd.js';
import type { Source, SourceContext, SourcePlugin, SourceReload, TargetUpdate } from '../../engine/source.js';
import type { Collector } from './collectors/collector.js';
import { renderMetricsDoc } from './collectors/docs.js';
import { COLLECTORS } from './collectors/registry.js';
import { configuredRouters, routerConfigSections, routerDefaults } from './config/sections.js';
import type { RouterConfig } from './config/types.js';
import { ROUTER_METRICS } from './descriptor.js';
import { PROBE_SECTION, Probes } from './probe.js';
import { discoveredRouters, discoveryConfig, DISCOVERY_SECTION, modulesConfig, modulesSection } from './discovery.js';
import { RouterOsSource } from './poller.js';
import { tlsMode } from './session/connection.js';
import { SIMULATOR_SECTION, simulatorConfig } from './simulator/config.js';
import { formatFault } from './simulator/faults.js';
import { SimulatedFleet } from './simulator/fleet.js';

/** Credentials of the in-process simulator; it listens on loopback only. */
const SIMULATOR_USERNAME = 'admin';
const SIMULATOR_PASSWORD = 'admin';

/** Options of {@link routerosPlugin}. */
export interface RouterOsPluginOptions {
  /** Collectors to run. @default COLLECTORS */
  readonly collectors?: readonly Collector[];
}

/** The RouterOS registry entry. */
export function routerosPlugin(options: RouterOsPluginOptions = {}): SourcePlugin {
  const collectors = options.collectors ?? COLLECTORS;
  return {
    kind: 'routeros',
    configSections: [...routerConfigSections(collectors), SIMULATOR_SECTION, DISCOVERY_SECTION, modulesSection(collectors), PROBE_SECTION],
    metrics: (): readonly MetricDefinition[] => [...ROUTER_METRICS, ...collectors.flatMap((collector) => collector.metrics)],
    docs: () => renderMetricsDoc(collectors),
    create: (context) => createRouterOsSource(context, collectors),
  };
}

async function createRouterOsSource(context: SourceContext, collectors: readonly Collector[]): Promise<Source | undefined> {
  const { config, logger } = context;
  const simulator = simulatorConfig(config);
  let routers: readonly RouterConfig[] = configuredRouters(config);
  let fleet: SimulatedFleet | undefined;
  let simulatorHost = '';
  if (simulator.enabled) {
    simulatorHost = simulator.host === '' ? '127.0.0.1' : simulator.host;
    fleet = await SimulatedFleet.start({
      count: simulator.count,
      profile: simulator.profile,
      host: simulatorHost,
      portBase: simulator.portBase,
      username: SIMULATOR_USERNAME,
      password: SIMULATOR_PASSWORD,
      faults: simulator.faults ?? [],
    });
    const started = fleet;
    context.onShutdown('simulator', 1_000, () => started.stop());
    const simulated = simulatedRouters(config, simulatorHost, fleet, collectors);
    routers = [...routers, ...simulated];
    // By the names /health shows, so a demo's deliberate failures are not mistaken for real ones.
    const faults = Object.fromEntries(
      started.routers.flatMap((router, index) =>
        router.fault === undefined ? [] : [[simulated[index]?.name ?? router.name, formatFault(router.fault)]],
      ),
    );
    logger.info(
      { count: fleet.routers.length, profile: simulator.profile, ...(Object.keys(faults).length > 0 ? { faults } : {}) },
      'simulator started; its routers are polled over loopback like real ones',
    );
  }
  const staticRouters = routers;
  const discovery = new Discovery(context, collectors);
  await discovery.configure(config);
  routers = [...staticRouters, ...discovery.routers(config, staticRouters)];
  warnAboutTls(routers, logger);
  const source = new RouterOsSource({
    routers,
    collectors,
    limiter: context.limiter,
    logger,
    ...(context.metrics ? { metrics: context.metrics } : {}),
    ...(context.tuning ? { tuning: context.tuning } : {}),
  });
  const simulatorText = JSON.stringify(simulator);
  let current = config;
  const staticOf = (next: AgentConfig): RouterConfig[] => [
    ...configuredRouters(next),
    ...(fleet === undefined ? [] : simulatedRouters(next, simulatorHost, fleet, collectors)),
  ];
  let polledNames = new Set<string>();
  const probes = new Probes(config, collectors, {
    apply: () => apply(current),
    snapshot: (name) => source.snapshot(name),
    names: () => polledNames,
    ...(context.renderTarget === undefined ? {} : { renderTarget: context.renderTarget }),
  });
  context.onShutdown('probes', 100, () => {
    probes.stop();
    return Promise.resolve();
  });
  const apply = (next: AgentConfig): TargetUpdate => {
    const statics = staticOf(next);
    const configured = [...statics, ...discovery.routers(next, statics)];
    polledNames = new Set(configured.map((router) => router.name));
    const nextRouters = [...configured, ...probes.routers().filter((router) => !polledNames.has(router.name))];
    const targets = source.setRouters(nextRouters);
    const added = new Set(targets.added.concat(targets.changed));
    warnAboutTls(nextRouters.filter((router) => added.has(router.name)), logger);
    return targets;
  };
  discovery.onChange = () => {
    const targets = apply(current);
    logger.info({ added: targets.added.length, removed: targets.removed.length, changed: targets.changed.length }, 'discovered routers changed');
  };
  const reload = async (next: AgentConfig): Promise<SourceReload> => {
    // The simulated fleet listens on sockets of its own: it changes only with a restart, and its
    // routers stay (with the new `defaults:`) until then.
    const restartNeeded = JSON.stringify(simulatorConfig(next)) === simulatorText ? [] : ['simulator'];
    await discovery.configure(next);
    probes.configure(next);
    current = next;
    return { targets: apply(next), restartNeeded };
  };
  polledNames = new Set(routers.map((router) => router.name));
  return Object.assign(source, { reload, discoveryFiles: () => discovery.states(), routes: [probes.route()] });
}

/**
 * The discovery providers of `discovery:` (the file_sd watcher, the DNS SRV watcher), each
 * restarted when its settings change and left running when they do not.
 */
class Discovery {
  onChange: () => void = () => undefined;
  private readonly _providers = new Map<string, { readonly settings: string; readonly provider: TargetProvider }>();
  /** Problems last logged, so an unchanged bad target is not logged again on every change. */
  private _logged = new Set<string>();

  constructor(
    private readonly _context: SourceContext,
    private readonly _collectors: readonly Collector[],
  ) {
    _context.onShutdown('discovery', 500, () => {
      for (const { provider } of this._providers.values()) provider.stop();
      return Promise.resolve();
    });
  }

  /** Starts (or restarts) the providers for `config`'s discovery settings; resolves once each has read its inputs. */
  async configure(config: AgentConfig): Promise<void> {
    const settings = discoveryConfig(config);
    const logger = this._context.logger;
    await Promise.all([
      this._use('file', settings.file.length === 0 ? undefined : { file: settings.file, refreshMillis: settings.refreshMillis }, (onChange) =>
        new FileSdWatcher({
          patterns: settings.file,
          baseDir: '/',
          intervalMillis: settings.refreshMillis,
          onChange,
          onError: (file, message) => logger.error({ file, error: message }, 'discovery file unusable; its last good targets stay'),
        }),
      ),
      this._use('dns_srv', settings.dnsSrv.length === 0 ? undefined : settings.dnsSrv, (onChange) =>
        new DnsSrvWatcher({
          names: settings.dnsSrv.map((entry) => ({
            name: entry.name,
            refreshMillis: entry.refreshMillis,
            labels: Object.fromEntries(entry.module === undefined ? [] : [['module', entry.module]]),
            ...(entry.server === undefined ? {} : { server: entry.server }),
          })),
          onChange,
          onError: (name, message) => logger.error({ name, error: message }, 'DNS SRV discovery failed; its last good targets stay'),
        }),
      ),
    ]);
  }

  private async _use(kind: string, settings: unknown, create: (onChange: () => void) => TargetProvider): Promise<void> {
    const text = JSON.stringify(settings ?? null);
    const current = this._providers.get(kind);
    if (current?.settings === text) return;
    current?.provider.stop();
    this._providers.delete(kind);
    if (settings === undefined) return;
    const entry = {
      settings: text,
      provider: create(() => {
        // A provider replaced meanwhile no longer speaks for the configuration.
        if (this._providers.get(kind) === entry) this.onChange();
      }),
    };
    this._providers.set(kind, entry);
    await entry.provider.start();
  }

  states(): readonly DiscoveryState[] {
    return [...this._providers.values()].flatMap(({ provider }) => provider.states());
  }

  /** The discovered routers for `config`, names in `statics` excluded. */
  routers(config: AgentConfig, statics: readonly RouterConfig[]): RouterConfig[] {
    const groups = [...this._providers.values()].flatMap(({ provider }) => provider.groups());
    const { routers, problems } = discoveredRouters(groups, modulesConfig(config), this._collectors, new Set(statics.map((router) => router.name)));
    const logged = new Set<string>();
    for (const problem of problems) {
      const key = `${problem.where} ${problem.target} ${problem.message}`;
      logged.add(key);
      if (!this._logged.has(key)) {
        this._context.logger.error({ target: problem.target, file: problem.where, error: problem.message }, 'discovered target skipped');
      }
    }
    this._logged = logged;
    return routers;
  }
}

/** RouterConfigs for the simulated fleet, with the collection defaults. */
function simulatedRouters(
  config: AgentConfig,
  host: string,
  fleet: SimulatedFleet,
  collectors: readonly Collector[],
): RouterConfig[] {
  const taken = new Set(configuredRouters(config).map((router) => router.name));
  // `defaults:` applies to simulated routers too, so the demo can toggle collectors like a real fleet.
  const defaults = routerDefaults(config);
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

function warnAboutTls(routers: readonly RouterConfig[], logger: SourceContext['logger']): void {
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
