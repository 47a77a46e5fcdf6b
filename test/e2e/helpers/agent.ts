/**
 * The whole agent for end-to-end tests, started the way the CLI starts it: a config text or file through
 * loadConfig (with the real collector registry), then startAgent. Logs are captured, not printed, and shown
 * by {@link TestAgent.logTail} when a test needs to explain a failure.
 */
import { SECTIONS } from '../../helpers/sections.js';
import { pino } from 'pino';
import { startAgent, type Agent } from '../../../src/agent.js';
import { COLLECTORS } from '../../../src/sources/routeros/collectors/registry.js';
import { loadConfig, type ConfigOverrides } from '../../../src/config/load.js';
import type { AgentConfig } from '../../../src/config/types.js';
import { PROFILES } from '../../../src/sources/routeros/simulator/profiles.js';
import type { RouterProfile } from '../../../src/sources/routeros/simulator/profile.js';
import { SimulatedRouter } from '../../../src/sources/routeros/simulator/router.js';
import { httpRequest } from '../../helpers/processes.js';

/** Where the config comes from. */
export interface TestAgentOptions {
  /** Config text (YAML or JSON). */
  text?: string;
  /** Config file instead of text. */
  file?: string;
  /** Environment for `${VAR}`, `MIKROTIK_AGENT_*` and `OTEL_*`; the test's own environment is not used. */
  env?: Record<string, string>;
  /** Command-line flags, e.g. `{ listen: '127.0.0.1:0' }`. */
  overrides?: ConfigOverrides;
}

/** One captured log line (pino JSON). */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A running agent and how to reach it. */
export interface TestAgent {
  readonly agent: Agent;
  readonly config: AgentConfig;
  /** `host:port` of the HTTP server, for scrape configs. */
  readonly target: string;
  /** `http://host:port/metrics` */
  readonly metricsUrl: string;
  readonly logs: readonly LogLine[];
  /** GET /metrics; throws unless the answer is 200. */
  scrape(): Promise<string>;
  /** The last `count` log lines, as JSON, for failure messages. */
  logTail(count?: number): string;
  /** Resolves once every router has finished its first poll and is up; throws after `timeoutMillis`. */
  waitUntilAllUp(timeoutMillis?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Loads the config like the CLI does and starts the agent. */
export async function startTestAgent(options: TestAgentOptions): Promise<TestAgent> {
  const { config } = loadConfig({
    ...(options.text === undefined ? {} : { text: options.text }),
    ...(options.file === undefined ? {} : { file: options.file }),
    env: options.env ?? {},
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    sections: SECTIONS,
  });
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const agent = await startAgent(config, logger);
  const target = `${agent.address.host}:${agent.address.port}`;
  const metricsUrl = `http://${target}/metrics`;
  const logTail = (count = 20): string =>
    logs
      .slice(-count)
      .map((line) => JSON.stringify(line))
      .join('\n');
  return {
    agent,
    config,
    target,
    metricsUrl,
    logs,
    logTail,
    scrape: async () => {
      const response = await httpRequest(metricsUrl);
      if (response.status !== 200) {
        throw new Error(`GET ${metricsUrl}: HTTP ${response.status}: ${response.body.slice(0, 300)}`);
      }
      return response.body;
    },
    // A deadline for a broken run only: a healthy one returns as soon as every router is up.
    waitUntilAllUp: async (timeoutMillis = 60_000) => {
      const deadline = Date.now() + timeoutMillis;
      const engine = agent.engine;
      // Routers only: a config's relay may poll an endpoint this test does not run (the demo's own port).
      const routers = () => engine.snapshots().filter((snapshot) => snapshot.source.kind === 'routeros');
      while (!(engine.firstRoundDone && routers().every((snapshot) => snapshot.up))) {
        if (Date.now() > deadline) {
          const states = engine.snapshots().map((snapshot) => `${snapshot.name}: up=${snapshot.up} ${snapshot.lastError ?? ''}`);
          throw new Error(`routers not all up within ${timeoutMillis} ms:\n${states.join('\n')}\n${logTail()}`);
        }
        await sleep(20);
      }
    },
    stop: () => agent.shutdown(),
  };
}

/** Simulated routers started outside the agent, so a test controls their clock. */
export interface ProfileRouters {
  readonly routers: readonly SimulatedRouter[];
  stop(): Promise<void>;
}

/** Starts one simulated router per profile id, named after the profile, all on `clock`. */
export async function startProfileRouters(profileIds: readonly string[], clock: () => number): Promise<ProfileRouters> {
  const routers: SimulatedRouter[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(routers.map((router) => router.stop()));
  };
  try {
    for (const id of profileIds) {
      const profile = PROFILES[id];
      if (profile === undefined) throw new Error(`unknown simulator profile ${id}`);
      const router = new SimulatedRouter({ profile, name: id, host: '127.0.0.1', port: 0, clock });
      routers.push(router);
      await router.start();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { routers, stop };
}

/**
 * The agent config of the golden fleet: every router of `fleet` with every collector on (queues capped at
 * `queueCap` per router: the PPPoE profile has hundreds), polled once a minute so a scrape sees exactly the
 * first poll; `labelled` gets the config label `role: lab`. The password comes from `${SIM_PASSWORD}`.
 */
export function goldenFleetYaml(fleet: ProfileRouters, options: { queueCap: number; labelled?: string }): string {
  return [
    'server: { listen: "127.0.0.1:0" }',
    'collection: { interval: 60s, timeout: 10s }',
    'defaults:',
    '  username: admin',
    '  password: ${SIM_PASSWORD}',
    `  collectors: ${allCollectorsYaml({ queue: `{ max_series: ${options.queueCap} }` })}`,
    'routers:',
    ...fleet.routers.map((router) => {
      const labels = router.name === options.labelled ? ', labels: { role: lab }' : '';
      return `  - { name: ${router.name}, address: "127.0.0.1:${router.port}"${labels} }`;
    }),
  ].join('\n');
}

/**
 * The `otlp:` section of a config text that pushes OTLP/HTTP protobuf every second to the URL in the
 * `VM_OTLP_URL` environment variable (VictoriaMetrics answers OTLP JSON with 400), as lines.
 */
export const OTLP_TO_VICTORIA_METRICS_YAML: readonly string[] = [
  'otlp:',
  '  enabled: true',
  '  endpoint: ${VM_OTLP_URL}',
  '  protocol: http/protobuf',
  '  interval: 1s',
  '  timeout: 1s',
];

/**
 * A `collectors:` flow mapping that turns on every collector the agent has; `settings` replaces the `true` of
 * some collectors with their own flow mapping (`{ queue: '{ max_series: 20 }' }`).
 */
export function allCollectorsYaml(settings: Readonly<Record<string, string>> = {}): string {
  for (const name of Object.keys(settings)) {
    if (!COLLECTORS.some((collector) => collector.name === name)) throw new Error(`allCollectorsYaml: no collector ${name}`);
  }
  return `{ ${COLLECTORS.map((collector) => `${collector.name}: ${settings[collector.name] ?? 'true'}`).join(', ')} }`;
}

/** The profile behind a simulated router of the in-process fleet (`sim-<identity>-<n>`). */
export interface FleetRouter {
  readonly name: string;
  readonly profile: RouterProfile;
}

/**
 * The routers the agent's in-process simulator runs for `profile` × `count`: the fleet names router i
 * `<identity>-<i+1>` and the agent prefixes `sim-`.
 */
export function expectedFleet(profiles: readonly RouterProfile[]): FleetRouter[] {
  return profiles.map((profile, index) => ({ name: `sim-${profile.identity}-${index + 1}`, profile }));
}

/** Interface names of a profile, in menu order. */
export function profileInterfaces(profile: RouterProfile): string[] {
  return (profile.menus['/interface']?.rows ?? []).map((row) => row.name ?? '');
}

/** RouterOS major version of a profile (`7.16.2 (stable)` → 7). */
export function profileMajor(profile: RouterProfile): number {
  return Number(profile.version.split('.')[0]);
}

/** Temperature sensors of a RouterOS 7 profile (`/system/health` rows of type `C`). */
export function v7TemperatureSensors(profile: RouterProfile): string[] {
  return (profile.menus['/system/health']?.rows ?? []).filter((row) => row.type === 'C').map((row) => row.name ?? '');
}

export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** Polls `check` until it returns a value other than undefined; fails with `what` and the last problem. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMillis?: number; pollMillis?: number } = {},
): Promise<T> {
  const timeoutMillis = options.timeoutMillis ?? 10_000;
  const deadline = Date.now() + timeoutMillis;
  let last = 'no attempt finished';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      last = 'condition not met';
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what} (last: ${last})`);
    await sleep(options.pollMillis ?? 200);
  }
}
