/**
 * The API cost of one cycle on the largest simulated routers, with every default collector on. Each
 * collector runs alone over a real connection and the simulator counts the commands it receives.
 * The figures are recorded in src/sources/routeros/collectors/cost.ts (and so in docs/metrics.md); when a collector's
 * cost changes on purpose, update them there and run `npm run docs:metrics`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BGP_DEFAULT_MAX_ADVERTISED_COUNTS, bgpCollector } from '../../../../src/sources/routeros/collectors/bgp.js';
import type { CollectorOptions } from '../../../../src/sources/routeros/collectors/collector.js';
import { DETECTION_COMMANDS, MEASURED_CYCLE_COSTS, MEASURED_OPTION_COSTS, type OptionCost } from '../../../../src/sources/routeros/collectors/cost.js';
import { COLLECTORS } from '../../../../src/sources/routeros/collectors/registry.js';
import { detectFacts } from '../../../../src/sources/routeros/session/facts.js';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import { PROFILES } from '../../../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../../../src/sources/routeros/simulator/router.js';

const DEFAULT_COLLECTORS = COLLECTORS.filter((collector) => collector.defaultEnabled);

interface Measured {
  commands: Record<string, number>;
  series: number;
  detection: number;
}

async function measure(profileId: string): Promise<Measured> {
  const profile = PROFILES[profileId];
  if (!profile) throw new Error(`no profile ${profileId}`);
  const router = new SimulatedRouter({ profile, name: 'cost', password: 'cost-pass' });
  const { port } = await router.start();
  const client = await RouterOsClient.connect({ host: '127.0.0.1', port, username: 'admin', password: 'cost-pass' });
  try {
    const signal = new AbortController().signal;
    let before = router.stats.commands;
    const facts = await detectFacts(client, signal);
    const detection = router.stats.commands - before;
    const commands: Record<string, number> = {};
    let series = 0;
    for (const collector of DEFAULT_COLLECTORS) {
      before = router.stats.commands;
      try {
        const output = await collector.collect({ api: client, router: facts, options: {}, signal, nowMillis: Date.now() });
        series += output.samples.length;
      } catch {
        // An unsupported family still cost the commands that found out.
      }
      commands[collector.name] = router.stats.commands - before;
    }
    return { commands, series, detection };
  } finally {
    await client.close();
    await router.stop();
  }
}

describe('API commands per cycle', () => {
  const measured = new Map<string, Measured>();
  beforeAll(async () => {
    for (const cost of MEASURED_CYCLE_COSTS) measured.set(cost.profile, await measure(cost.profile));
  });
  afterAll(() => {
    // Printed so a deliberate change can be copied into src/sources/routeros/collectors/cost.ts.
    for (const [profile, result] of measured) console.log(profile, JSON.stringify(result));
  });

  it.each(MEASURED_CYCLE_COSTS.map((cost) => [cost.profile, cost] as const))(
    '%s costs what src/sources/routeros/collectors/cost.ts records',
    (profile, cost) => {
      const result = measured.get(profile)!;
      expect(result.detection).toBe(DETECTION_COMMANDS);
      expect(result.commands).toEqual(cost.commands);
      expect(result.series).toBe(cost.series);
    },
  );

  it('stays bounded: no default collector sends more than 12 commands, a whole cycle at most 80', () => {
    for (const result of measured.values()) {
      for (const [name, count] of Object.entries(result.commands)) expect(count, name).toBeLessThanOrEqual(12);
      expect(Object.values(result.commands).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(80);
    }
  });
});

/** Commands of one collector run on `profileId` with `options`. */
async function collectorCommands(profileId: string, collectorName: string, options: CollectorOptions): Promise<number> {
  const profile = PROFILES[profileId];
  const collector = COLLECTORS.find((candidate) => candidate.name === collectorName);
  if (!profile || !collector) throw new Error(`no profile ${profileId} or collector ${collectorName}`);
  const router = new SimulatedRouter({ profile, name: 'option-cost', password: 'cost-pass' });
  const { port } = await router.start();
  const client = await RouterOsClient.connect({ host: '127.0.0.1', port, username: 'admin', password: 'cost-pass' });
  try {
    const signal = new AbortController().signal;
    const facts = await detectFacts(client, signal);
    const before = router.stats.commands;
    // A failure would make the figure meaningless: let it fail the test.
    await collector.collect({ api: client, router: facts, options, signal, nowMillis: Date.now() });
    return router.stats.commands - before;
  } finally {
    await client.close();
    await router.stop();
  }
}

describe('API commands of options and off-by-default collectors', () => {
  it.each(MEASURED_OPTION_COSTS.map((cost) => [`${cost.collector} ${JSON.stringify(cost.options)} on ${cost.profile}`, cost] as const))(
    '%s costs what src/sources/routeros/collectors/cost.ts records',
    async (_name, cost: OptionCost) => {
      const enabledByDefault = COLLECTORS.find((collector) => collector.name === cost.collector)?.defaultEnabled === true;
      expect(enabledByDefault ? await collectorCommands(cost.profile, cost.collector, {}) : 0).toBe(cost.baseline);
      expect(await collectorCommands(cost.profile, cost.collector, cost.options)).toBe(cost.commands);
    },
  );
});

describe('BGP cost with many sessions', () => {
  const SESSIONS = 300;

  /** Commands and drops of one bgp run on `profileId` with SESSIONS established sessions at `path`. */
  async function bgpRun(profileId: string, path: string, options: CollectorOptions): Promise<{ commands: number; dropped: number }> {
    const router = new SimulatedRouter({ profile: PROFILES[profileId]!, name: 'bgp-cost', password: 'bgp-pass' });
    const { port } = await router.start();
    const v7 = path === '/routing/bgp/session';
    router.setRows(
      path,
      Array.from({ length: SESSIONS }, (_, index) => ({
        '.id': `*${index + 1}`,
        name: `peer${index + 1}`,
        [v7 ? 'remote.address' : 'remote-address']: `192.0.2.${index % 250}`,
        [v7 ? 'remote.as' : 'remote-as']: String(65000 + index),
        established: 'true',
        ...(v7 ? {} : { state: 'established', disabled: 'false' }),
        uptime: '1h',
        'prefix-count': '10',
      })),
    );
    const client = await RouterOsClient.connect({ host: '127.0.0.1', port, username: 'admin', password: 'bgp-pass' });
    try {
      const signal = new AbortController().signal;
      const facts = await detectFacts(client, signal);
      const before = router.stats.commands;
      const output = await bgpCollector.collect({ api: client, router: facts, options, signal, nowMillis: Date.now() });
      return { commands: router.stats.commands - before, dropped: output.dropped ?? 0 };
    } finally {
      await client.close();
      await router.stop();
    }
  }

  it('costs one command on v7 by default, and at most the count cap more when advertised prefixes are on', async () => {
    expect(await bgpRun('ccr2004-v7', '/routing/bgp/session', {})).toEqual({ commands: 1, dropped: 0 });
    expect(await bgpRun('ccr2004-v7', '/routing/bgp/session', { advertised_prefixes: true })).toEqual({
      commands: 1 + BGP_DEFAULT_MAX_ADVERTISED_COUNTS,
      dropped: SESSIONS - BGP_DEFAULT_MAX_ADVERTISED_COUNTS,
    });
  });

  it('stays bounded on v6, where advertised prefixes are on by default', async () => {
    expect(await bgpRun('rb750-v6-legacy', '/routing/bgp/peer', {})).toEqual({
      commands: 1 + BGP_DEFAULT_MAX_ADVERTISED_COUNTS,
      dropped: SESSIONS - BGP_DEFAULT_MAX_ADVERTISED_COUNTS,
    });
  });
});
