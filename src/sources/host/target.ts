/**
 * The machine the agent runs on as a polled target. There is no connection: the "session" is the
 * check that procfs is there, made once, so a platform without /proc (macOS, Windows, a container
 * without the host's /proc mounted where `root` says) shows the host down as unsupported while every
 * other source runs on. The engine owns the schedule, the deadline and the per-collector isolation.
 */
import { hostname } from 'node:os';
import { describeError } from '../../engine/failure.js';
import type { PollTarget, ScheduledCollector, TargetSession } from '../../engine/target-poller.js';
import { UnsupportedError, type HostCollector } from './collectors/collector.js';
import { HOST_COLLECTORS } from './collectors/registry.js';
import type { HostConfig } from './config.js';
import { HOST } from './descriptor.js';
import { errorCode, HostFs, type HostIo } from './fs.js';

/** The session of a source without connections: open until the agent stops. */
class HostSession implements TargetSession {
  readonly isOpen = true;
  readonly closed = new Promise<unknown>(() => undefined);
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Options of {@link hostTarget}. */
export interface HostTargetOptions {
  readonly config: HostConfig;
  /** The `host` attribute of every series. */
  readonly name: string;
  /** The collection deadline (`collection.timeout`); capped at the interval. */
  readonly timeoutMillis: number;
  /** File access; tests inject failures. @default NODE_IO */
  readonly io?: HostIo;
  /** @default HOST_COLLECTORS */
  readonly collectors?: readonly HostCollector[];
}

/**
 * The host's name: `host.name` from OTEL_RESOURCE_ATTRIBUTES, else from the config's
 * resource_attributes, else the kernel's. The variable wins as it does for the agent's resource
 * (src/telemetry/provider.ts merges it last), so the `host` attribute and the resource's `host.name`
 * never disagree.
 */
export function hostName(resourceAttributes: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): string {
  for (const pair of (env['OTEL_RESOURCE_ATTRIBUTES'] ?? '').split(',')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== 'host.name') continue;
    let value = pair.slice(equals + 1).trim();
    try {
      value = decodeURIComponent(value); // the OTel spec percent-encodes values
    } catch {
      // not encoded: keep it as written
    }
    if (value !== '') return value;
  }
  const configured = resourceAttributes['host.name']?.trim();
  if (configured) return configured;
  return hostname();
}

/** The host as a target of the engine. */
export function hostTarget(options: HostTargetOptions): PollTarget<HostSession> {
  const { config } = options;
  const fs = new HostFs(config.root, options.io);
  const collectors: ScheduledCollector<HostSession>[] = (options.collectors ?? HOST_COLLECTORS)
    .filter((collector) => config.collectors[collector.name])
    .map((collector) => {
      const run = collector.create({ fs, config });
      return { collector: { name: collector.name, collect: (_session, context) => run(context) }, options: {}, intervalMillis: config.intervalMillis };
    });
  return {
    source: HOST,
    name: options.name,
    address: config.root,
    identity: Object.freeze({ host: options.name }),
    labels: {},
    intervalMillis: config.intervalMillis,
    timeoutMillis: Math.min(options.timeoutMillis, config.intervalMillis),
    collectors,
    failures: {
      classify: (error, unknownAs) => (error instanceof UnsupportedError ? 'unsupported' : unknownAs),
      describe: (error) => describeError(error),
      isUnreachable: () => false,
    },
    async connect(): Promise<HostSession> {
      try {
        await fs.read('/proc/stat');
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          throw new UnsupportedError(`no procfs at ${fs.path('/proc')}: host metrics need Linux (in a container, mount the host's /proc under host.root)`);
        }
        throw error;
      }
      return new HostSession();
    },
  };
}
