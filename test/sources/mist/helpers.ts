/**
 * The agent with the Mist source on a simulated organisation, started the way the CLI starts it
 * (loadConfig with the source's sections, then startAgent), logs captured.
 */
import { pino } from 'pino';
import { startAgent, type Agent } from '../../../src/agent.js';
import { loadConfig } from '../../../src/config/load.js';
import { COLLECTORS } from '../../../src/sources/routeros/collectors/registry.js';
import { MIST_SECTION, MIST_SIMULATOR_SECTION } from '../../../src/sources/mist/config.js';
import type { MistOrg } from '../../../src/sources/mist/org.js';
import { mistPlugin, MistSource, type MistPluginOptions } from '../../../src/sources/mist/plugin.js';
import { MistSimulator, type MistSimulatorOptions } from '../../../src/sources/mist/simulator/server.js';
import type { TargetSnapshot } from '../../../src/engine/snapshot.js';
import type { ReloadOutcome } from '../../../src/reload.js';
import { httpRequest } from '../../helpers/processes.js';
import { routerConfigSections } from '../../../src/sources/routeros/config/sections.js';

export const KEY = 'S3cret-Mist-Key-test-0123456789';

export interface MistHarness {
  readonly simulator: MistSimulator;
  readonly agent: Agent;
  readonly org: MistOrg;
  readonly logs: string[];
  scrape(): Promise<string>;
  get(path: string): Promise<{ status: number; body: string }>;
  snapshot(): TargetSnapshot;
  /** Reloads the agent (as SIGHUP does) with `org` as the org entry's extra keys, `orgs` as further entries. */
  reload(org: string, orgs?: readonly string[]): Promise<ReloadOutcome>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra keys of the org entry, YAML flow style (`names: mistexporter, expire_after: 2s`). */
  readonly org?: string;
  readonly simulator?: Partial<MistSimulatorOptions>;
  readonly plugin?: MistPluginOptions;
  /** The key the agent sends (default: the simulator's). */
  readonly agentKey?: string;
  /** Runs once the simulator is up, before the agent starts (faults for the first round). */
  readonly prepare?: (simulator: MistSimulator) => void;
}

export async function startMist(options: HarnessOptions = {}): Promise<MistHarness> {
  const simulator = await MistSimulator.start({ apiKey: KEY, periodMillis: 200, sites: 2, apsPerSite: 2, clientsPerSite: 3, ...options.simulator });
  options.prepare?.(simulator);
  const configText = (org: string | undefined, orgs: readonly string[]): string =>
    [
      'server: { listen: "127.0.0.1:0" }',
      'collection: { interval: 30s, timeout: 5s, startup_check: "off" }',
      'log: { level: debug }',
      'mist:',
      `  - { name: acme, base_url: "${simulator.baseUrl}", stream_url: "${simulator.streamUrl}", api_key: "\${MIST_KEY}"${org === undefined ? '' : `, ${org}`} }`,
      ...orgs.map((entry) => `  - { base_url: "${simulator.baseUrl}", stream_url: "${simulator.streamUrl}", api_key: "\${MIST_KEY}", ${entry} }`),
    ].join('\n');
  const load = (text: string): ReturnType<typeof loadConfig>['config'] =>
    loadConfig({ text, env: { MIST_KEY: options.agentKey ?? KEY }, sections: [...routerConfigSections(COLLECTORS), MIST_SECTION, MIST_SIMULATOR_SECTION] }).config;
  const config = load(configText(options.org, []));
  let nextText = configText(options.org, []);
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  let source: MistSource | undefined;
  const plugin = mistPlugin(options.plugin);
  const wrapped = {
    ...plugin,
    create: async (context: Parameters<typeof plugin.create>[0]) => {
      const created = await plugin.create(context);
      if (created instanceof MistSource) source = created;
      return created;
    },
  };
  let agent: Agent;
  try {
    agent = await startAgent(config, logger, { sources: [wrapped], reloadConfig: () => Promise.resolve(load(nextText)) });
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  const running = source!;
  const base = `http://${agent.address.host}:${agent.address.port}`;
  return {
    simulator,
    agent,
    // The first organisation as it runs now: a reload may have replaced it.
    get org(): MistOrg {
      return running.orgs[0]!;
    },
    logs,
    scrape: async () => {
      const response = await httpRequest(`${base}/metrics`);
      if (response.status !== 200) throw new Error(`/metrics: HTTP ${response.status}`);
      return response.body;
    },
    get: async (path) => {
      const response = await httpRequest(`${base}${path}`);
      return { status: response.status, body: response.body };
    },
    snapshot: () => running.orgs[0]!.snapshot(),
    reload: (extra, orgs = []) => {
      nextText = configText(extra, orgs);
      return agent.reload();
    },
    stop: async () => {
      await agent.shutdown();
      await simulator.stop();
    },
  };
}

/** Polls until `check` holds; the message names what was awaited. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMillis = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The sample lines of a scrape whose metric name starts with one of `prefixes`, metadata included, sorted. */
export function familyLines(text: string, prefixes: readonly string[]): string[] {
  return text
    .split('\n')
    .filter((line) => {
      const name = line.startsWith('# ') ? (line.split(' ')[2] ?? '') : (line.split(/[{ ]/)[0] ?? '');
      return prefixes.some((prefix) => name.startsWith(prefix));
    })
    .sort();
}

/** Sample values of one metric as label-text → value. */
export function values(text: string, name: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const at = line.lastIndexOf(' ');
    result.set(line.slice(name.length, at), Number(line.slice(at + 1)));
  }
  return result;
}
