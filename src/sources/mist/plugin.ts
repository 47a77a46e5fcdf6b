/**
 * The Mist source as the registry lists it: one target per configured organisation, plus the
 * built-in simulated organisation when `simulator.mist.enabled`. A push source: each organisation
 * keeps its own state from REST and the stream, and its snapshot is built when read.
 */
import { sectionValue } from '../../config/sections.js';
import { Problems } from '../../config/errors.js';
import type { MetricDefinition } from '../../engine/metric.js';
import type { SourceDescriptor, TargetSnapshot } from '../../engine/snapshot.js';
import type { AgentConfig } from '../../config/types.js';
import type { Source, SourceContext, SourcePlugin, SourceReload, StartupFailure } from '../../engine/source.js';
import { targetMetricList, targetMetrics } from '../../engine/target-metrics.js';
import { MIST_SECTION, MIST_SIMULATOR_SECTION, CLIENT_LABELS, type MistOrgConfig, type MistSimulatorConfig } from './config.js';
import { renderMistDoc } from './docs.js';
import { mistMetrics } from './metrics.js';
import { MistOrg, type MistOrgOptions } from './org.js';
import { budgetFor, MIST_HOURLY_BUDGET } from './rest.js';
import { MistSimulator } from './simulator/server.js';

export const MIST_DESCRIPTOR: SourceDescriptor = Object.freeze({
  kind: 'mist',
  healthKey: 'organisations',
  noun: 'organisation',
  metrics: targetMetrics('mist', 'organisation'),
});

/** Key of the simulated organisation; it listens on loopback only. */
export const SIMULATOR_API_KEY = 'mist-simulator-key';

/** Knobs for tests; not part of the user config. */
export interface MistPluginOptions {
  /** Calls per hour per key. @default MIST_HOURLY_BUDGET */
  readonly budget?: number;
  readonly clock?: () => number;
  readonly stream?: MistOrgOptions['stream'];
}

export function mistPlugin(options: MistPluginOptions = {}): SourcePlugin {
  return {
    kind: 'mist',
    configSections: [MIST_SECTION, MIST_SIMULATOR_SECTION],
    metrics: (): readonly MetricDefinition[] => [
      ...targetMetricList(MIST_DESCRIPTOR.metrics),
      ...mistMetrics('otel').values(),
      ...mistMetrics('mistexporter').values(),
    ],
    docs: () => renderMistDoc(),
    create: (context) => createMistSource(context, options),
  };
}

function sections(context: SourceContext): { orgs: readonly MistOrgConfig[]; simulator: MistSimulatorConfig } {
  const values = context.config.sections ?? {};
  const parseContext = {
    problems: new Problems(),
    baseDir: process.cwd(),
    env: {},
    substitutedPaths: new Set<string>(),
    plainSecrets: [],
    collection: { intervalMillis: context.config.collection.intervalMillis, timeoutMillis: context.config.collection.timeoutMillis },
    syntaxOnly: true,
  };
  return { orgs: sectionValue(values, MIST_SECTION, parseContext), simulator: sectionValue(values, MIST_SIMULATOR_SECTION, parseContext) };
}

async function createMistSource(context: SourceContext, options: MistPluginOptions): Promise<Source | undefined> {
  const { orgs: configured, simulator } = sections(context);
  const orgs = [...configured];
  let simulated: MistOrgConfig | undefined;
  if (simulator.enabled) {
    const sim = await MistSimulator.start({
      apiKey: SIMULATOR_API_KEY,
      sites: simulator.sites,
      apsPerSite: simulator.apsPerSite,
      clientsPerSite: simulator.clientsPerSite,
      periodMillis: simulator.periodMillis,
      scenario: true,
    });
    context.onShutdown('mist simulator', 1_000, () => sim.stop());
    const taken = new Set(orgs.map((org) => org.name));
    let name = 'sim-mist';
    for (let suffix = 2; taken.has(name); suffix += 1) name = `sim-mist-${suffix}`;
    simulated = {
      name,
      baseUrl: sim.baseUrl,
      streamUrl: sim.streamUrl,
      apiKey: SIMULATOR_API_KEY,
      apiKeyFile: '',
      orgId: '',
      timeoutMillis: 5_000,
      sites: { include: ['*'], exclude: [] },
      siteRefreshMillis: 30_000,
      deviceRefreshMillis: 30_000,
      restIntervalMillis: 30_000,
      expireAfterMillis: 60_000,
      names: simulator.names,
      clientLabels: [...CLIENT_LABELS],
    };
    orgs.push(simulated);
    context.logger.info({ org: name, url: sim.baseUrl, sites: simulator.sites }, 'Mist simulator started; its organisation is collected over loopback like a real one');
  }
  if (orgs.length === 0) return undefined;
  const makeOrg = (config: MistOrgConfig): MistOrg =>
    new MistOrg({
      config,
      descriptor: MIST_DESCRIPTOR,
      logger: context.logger.child({ org: config.name }),
      budget: budgetFor(config.apiKey, options.budget ?? MIST_HOURLY_BUDGET, options.clock ?? Date.now),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.stream === undefined ? {} : { stream: options.stream }),
    });
  return new MistSource(orgs.map(makeOrg), {
    makeOrg,
    sections: (config) => sections({ ...context, config }),
    simulator,
    ...(simulated === undefined ? {} : { simulated: simulated.name }),
  });
}

/** What {@link MistSource.reload} needs to build organisations from a new configuration. */
export interface MistReloadContext {
  readonly makeOrg: (config: MistOrgConfig) => MistOrg;
  readonly sections: (config: AgentConfig) => { orgs: readonly MistOrgConfig[]; simulator: MistSimulatorConfig };
  /** The `simulator.mist` the source started with: its simulator cannot change while it runs. */
  readonly simulator: MistSimulatorConfig;
  /** The name of the simulated organisation, kept across reloads. */
  readonly simulated?: string;
}

/** The same settings as JSON text, `sites` left out when `withoutSites`. */
function settings(config: MistOrgConfig, withoutSites: boolean): string {
  return JSON.stringify(withoutSites ? { ...config, sites: undefined } : config);
}

export class MistSource implements Source {
  readonly descriptor = MIST_DESCRIPTOR;
  private _stopped = false;
  private _started = false;
  private _orgs: MistOrg[];

  constructor(
    orgs: readonly MistOrg[],
    private readonly _reload?: MistReloadContext,
  ) {
    this._orgs = [...orgs];
  }

  get orgs(): readonly MistOrg[] {
    return this._orgs;
  }

  start(): void {
    if (this._stopped) return;
    this._started = true;
    for (const org of this._orgs) org.start();
  }

  /**
   * A new configuration: an organisation whose settings are the same keeps running; one whose only
   * change is its site filter applies it in place (the stream subscribes and unsubscribes on its open
   * connection); any other change replaces it. The simulator keeps its settings until a restart.
   */
  async reload(config: AgentConfig): Promise<SourceReload> {
    const context = this._reload;
    if (context === undefined || this._stopped) return {};
    const next = context.sections(config);
    if (context.simulated !== undefined && next.orgs.some((org) => org.name === context.simulated)) {
      // Thrown before anything changed: the reload is refused and the running organisations stay.
      throw new Error(`mist: the name "${context.simulated}" belongs to the simulated organisation until a restart; choose another`);
    }
    const restartNeeded = JSON.stringify(next.simulator) === JSON.stringify(context.simulator) ? [] : ['simulator.mist'];
    const current = new Map(this._orgs.map((org) => [org.config.name, org]));
    const wanted = [...next.orgs];
    const simulated = context.simulated === undefined ? undefined : current.get(context.simulated);
    const added: string[] = [];
    const changed: string[] = [];
    const stopping: MistOrg[] = [];
    let unchanged = 0;
    const orgs: MistOrg[] = [];
    for (const config of wanted) {
      const running = current.get(config.name);
      current.delete(config.name);
      if (running === undefined) {
        orgs.push(context.makeOrg(config));
        added.push(config.name);
      } else if (settings(running.config, false) === settings(config, false)) {
        orgs.push(running);
        unchanged += 1;
      } else if (settings(running.config, true) === settings(config, true)) {
        running.setSites(config.sites);
        orgs.push(running);
        changed.push(config.name);
      } else {
        stopping.push(running);
        orgs.push(context.makeOrg(config));
        changed.push(config.name);
      }
    }
    if (simulated !== undefined) {
      current.delete(simulated.config.name);
      orgs.push(simulated);
      unchanged += 1;
    }
    const removed = [...current.keys()];
    stopping.push(...current.values());
    this._orgs = orgs;
    await Promise.all(stopping.map((org) => org.stop()));
    if (this._started) for (const org of orgs) org.start();
    return { targets: { added, removed, changed, unchanged }, restartNeeded };
  }

  async stop(): Promise<void> {
    this._stopped = true;
    await Promise.all(this._orgs.map((org) => org.stop()));
  }

  snapshots(): readonly TargetSnapshot[] {
    return this.orgs.map((org) => org.snapshot());
  }

  get firstRoundDone(): boolean {
    return this.orgs.every((org) => org.firstRoundDone);
  }

  async whenFirstRoundDone(): Promise<void> {
    await Promise.all(this.orgs.map((org) => org.whenFirstRoundDone()));
  }

  descriptors(): readonly SourceDescriptor[] {
    return [MIST_DESCRIPTOR];
  }

  async checkStartup(): Promise<StartupFailure[]> {
    const failures: StartupFailure[] = [];
    for (const org of this.orgs) {
      const error = await org.checkKey();
      if (error !== undefined) failures.push({ source: 'mist', noun: 'organisation', target: org.config.name, error });
    }
    return failures;
  }
}
