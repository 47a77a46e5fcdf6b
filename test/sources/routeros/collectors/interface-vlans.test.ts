/**
 * The mktxp #205 case: a CCR with 1,500 VLANs. Type filters run on the router (queries), so the VLAN
 * rows never cross the wire; name filters keep just the VLANs an operator asks for; the per-router
 * cap (max_series) fits the whole box by default and bounds it when lowered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interfaceCollector } from '../../../../src/sources/routeros/collectors/interface.js';
import type { CollectOutput } from '../../../../src/sources/routeros/collectors/collector.js';
import { detectFacts } from '../../../../src/sources/routeros/session/facts.js';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import { PROFILES } from '../../../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../../../src/sources/routeros/simulator/router.js';

const VLANS = 1_500;
let router: SimulatedRouter;
let client: RouterOsClient;

beforeAll(async () => {
  router = new SimulatedRouter({ profile: PROFILES['ccr2004-v7']!, name: 'ccr2116', password: 'vlan-pass' });
  const { port } = await router.start();
  for (let id = 1; id <= VLANS; id += 1) {
    router.addInterface({ name: `vlan-cust${id}`, type: 'vlan', 'vlan-id': String(id), running: 'true', 'rx-byte': '1000', 'tx-byte': '2000' });
  }
  client = await RouterOsClient.connect({ host: '127.0.0.1', port, username: 'admin', password: 'vlan-pass' });
});

afterAll(async () => {
  await client?.close();
  await router?.stop();
});

async function collect(options: Record<string, unknown>): Promise<{ output: CollectOutput; commands: number }> {
  const signal = new AbortController().signal;
  const facts = await detectFacts(client, signal);
  const before = router.stats.commands;
  const output = await interfaceCollector.collect({ api: client, router: facts, options, signal, nowMillis: Date.now() });
  return { output, commands: router.stats.commands - before };
}

function interfaces(output: CollectOutput): Set<string> {
  return new Set(output.samples.map((sample) => sample.attributes['interface']).filter((name): name is string => name !== undefined));
}

describe('interface filters on a router with 1,500 VLANs', () => {
  it('without filters reports every VLAN: the default cap fits the box', async () => {
    const { output } = await collect({});
    const names = interfaces(output);
    expect([...names].filter((name) => name.startsWith('vlan-cust'))).toHaveLength(VLANS);
    expect(output.dropped).toBe(0);
  });

  it('max_series caps the interfaces and counts the dropped series', async () => {
    const { output: all } = await collect({});
    const { output, commands } = await collect({ max_series: 100 });
    expect(commands).toBe(1);
    expect(interfaces(output).size).toBe(100);
    // Nothing is folded into another series: what is kept plus what is counted is the whole box.
    expect(output.samples.length + (output.dropped ?? 0)).toBe(all.samples.length);
    // Each added VLAN has four series (info, running, bytes in and out); at least 1,400 of them go.
    expect(output.dropped).toBeGreaterThanOrEqual((VLANS - 100) * 4);
    expect([...interfaces(output)].every((name) => interfaces(all).has(name))).toBe(true);
  });

  it('exclude_types: [vlan] leaves the VLANs on the router, in one command', async () => {
    const { output, commands } = await collect({ exclude_types: ['vlan'] });
    const names = interfaces(output);
    expect(commands).toBe(1);
    expect([...names].some((name) => name.startsWith('vlan'))).toBe(false);
    expect(names.has('sfp-sfpplus1')).toBe(true);
    expect(names.has('ether1')).toBe(true);
  });

  it('include by name keeps only the VLANs asked for, next to the physical ports', async () => {
    const { output } = await collect({ include: ['ether.*', 'sfp-.*', 'vlan-cust1[0-4]'] });
    const names = [...interfaces(output)];
    expect(names.filter((name) => name.startsWith('vlan-cust')).sort()).toEqual(
      ['vlan-cust10', 'vlan-cust11', 'vlan-cust12', 'vlan-cust13', 'vlan-cust14'],
    );
    expect(names.filter((name) => name.startsWith('ether'))).toHaveLength(16);
  });
});
