/**
 * The Mist source as the registry lists it: one target per configured organisation, plus the
 * built-in simulated organisation when `simulator.mist.enabled`. A push source: each organisation
 * keeps its own state from REST and the stream, and its snapshot is built when read.
 */
import { sectionValue } from '../../config/sections.js';
import { Problems } from '../../config/errors.js';
import type { MetricDefinition } from '../../engine/metric.js';
import type { SourceDescriptor, TargetSnapshot } from '../../engine/snapshot.js';
import type { Source, SourceContext, SourcePlugin, StartupFailure } from '../../engine/source.js';
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
    orgs.push({
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
    });
    context.logger.info({ org: name, url: sim.baseUrl, sites: simulator.sites }, 'Mist simulator started; its organisation is collected over loopback like a real one');
  }
  if (orgs.length === 0) return undefined;
  return new MistSource(
    orgs.map(
      (config) =>
        new MistOrg({
          config,
          descriptor: MIST_DESCRIPTOR,
          logger: context.logger.child({ org: config.name }),
          budget: budgetFor(config.apiKey, options.budget ?? MIST_HOURLY_BUDGET, options.clock ?? Date.now),
          ...(options.clock === undefined ? {} : { clock: options.clock }),
          ...(options.stream === undefined ? {} : { stream: options.stream }),
        }),
    ),
  );
}

export class MistSource implements Source {
  readonly descriptor = MIST_DESCRIPTOR;
  private _stopped = false;

  constructor(readonly orgs: readonly MistOrg[]) {}

  start(): void {
    if (this._stopped) return;
    for (const org of this.orgs) org.start();
  }

  async stop(): Promise<void> {
    this._stopped = true;
    await Promise.all(this.orgs.map((org) => org.stop()));
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
