/**
 * The host source as the registry lists it: when `host.enabled`, one target, the machine the agent
 * runs on (or the one whose /proc and /sys are mounted at `host.root`).
 */
import type { MetricDefinition } from '../../engine/metric.js';
import { PolledSource } from '../../engine/polled-source.js';
import type { Source, SourceContext, SourcePlugin } from '../../engine/source.js';
import type { HostCollector } from './collectors/collector.js';
import { HOST_COLLECTORS } from './collectors/registry.js';
import { HOST_SECTION, type HostConfig } from './config.js';
import { HOST, HOST_ENGINE_METRICS } from './descriptor.js';
import { renderHostDoc } from './docs.js';
import type { HostIo } from './fs.js';
import { hostName, hostTarget } from './target.js';

/** Options of {@link hostPlugin}, for tests. */
export interface HostPluginOptions {
  readonly collectors?: readonly HostCollector[];
  readonly io?: HostIo;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The host registry entry. */
export function hostPlugin(options: HostPluginOptions = {}): SourcePlugin {
  const collectors = options.collectors ?? HOST_COLLECTORS;
  return {
    kind: 'host',
    configSections: [HOST_SECTION],
    metrics: (): readonly MetricDefinition[] => [
      ...HOST_ENGINE_METRICS,
      ...collectors.flatMap((collector) => [...collector.metrics('otel'), ...collector.metrics('node_exporter')]),
    ],
    docs: () => renderHostDoc(collectors),
    create: (context) => Promise.resolve(createHostSource(context, collectors, options)),
  };
}

function createHostSource(context: SourceContext, collectors: readonly HostCollector[], options: HostPluginOptions): Source | undefined {
  const config = context.config.sections?.[HOST_SECTION.key] as HostConfig | undefined;
  if (config === undefined || !config.enabled) return undefined;
  const name = hostName(context.config.resourceAttributes, options.env ?? process.env);
  context.logger.info({ host: name, root: config.root, names: config.names }, 'host metrics on');
  return new PolledSource({
    descriptor: HOST,
    targets: [
      hostTarget({
        config,
        name,
        timeoutMillis: context.config.collection.timeoutMillis,
        collectors,
        ...(options.io ? { io: options.io } : {}),
      }),
    ],
    limiter: context.limiter,
    logger: context.logger,
    ...(context.metrics ? { metrics: context.metrics } : {}),
    ...(context.tuning ? { tuning: context.tuning } : {}),
  });
}
