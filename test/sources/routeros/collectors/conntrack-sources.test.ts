import { describe, expect, it } from 'vitest';
import { conntrackSourcesCollector, endpointAddress } from '../../../../src/sources/routeros/collectors/conntrack-sources.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { missingMenu } from './helpers/fixture-api.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

const V7_MENUS = ['ip-firewall-connection', 'ipv6-firewall-connection'];

describe('endpointAddress', () => {
  it('strips the port the API packs into connection addresses', () => {
    expect(endpointAddress('10.10.10.252:63309')).toBe('10.10.10.252');
    expect(endpointAddress('[2001:db8::10]:51234')).toBe('2001:db8::10');
    expect(endpointAddress('10.10.10.17')).toBe('10.10.10.17');
    expect(endpointAddress('2001:db8::10')).toBe('2001:db8::10');
  });
});

describe('conntrackSourcesCollector', () => {
  it('counts v7 connections per source address, IPv4 and IPv6', async () => {
    const { api, context } = setup(repliesFrom(V7, V7_MENUS), '7.16 (stable)');
    const output = await conntrackSourcesCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_conntrack_source_entries{family="ipv4",address="10.10.10.17"} 3',
      'routeros_conntrack_source_entries{family="ipv4",address="10.10.10.252"} 3',
      'routeros_conntrack_source_entries{family="ipv4",address="10.10.10.5"} 1',
      'routeros_conntrack_source_entries{family="ipv6",address="2001:db8::10"} 2',
      'routeros_conntrack_source_entries{family="ipv6",address="2001:db8::20"} 1',
    ]);
    expect(output.dropped).toBe(0);
    expect(commands(api.calls)).toEqual(['print /ip/firewall/connection', 'print /ipv6/firewall/connection']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
    expect(api.calls.map((call) => call.options?.proplist)).toEqual([['src-address'], ['src-address']]);
  });

  it('keeps the busiest sources under the cap and counts the rest as dropped', async () => {
    const { context } = setup(repliesFrom(V7, V7_MENUS), '7.16 (stable)', { options: { max_series: 2 } });
    const output = await conntrackSourcesCollector.collect(context);
    // Entries per source are 3, 3, 2, 1, 1: the two busiest stay, the other three series are dropped.
    expect(render(output.samples)).toEqual([
      'routeros_conntrack_source_entries{family="ipv4",address="10.10.10.17"} 3',
      'routeros_conntrack_source_entries{family="ipv4",address="10.10.10.252"} 3',
    ]);
    expect(output.dropped).toBe(3);
  });

  it('filters source addresses with include/exclude', async () => {
    const { context } = setup(repliesFrom(V7, V7_MENUS), '7.16 (stable)', {
      options: { include: ['10\\.10\\.10\\..*'], exclude: ['10\\.10\\.10\\.5'] },
    });
    const output = await conntrackSourcesCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_conntrack_source_entries{family="ipv4",address="10.10.10.17"} 3',
      'routeros_conntrack_source_entries{family="ipv4",address="10.10.10.252"} 3',
    ]);
  });

  it('keeps IPv4 when the IPv6 table is missing on v6', async () => {
    const { context } = setup(repliesFrom(V6, ['ip-firewall-connection']), '6.49.10 (long-term)', { packages: [] });
    const output = await conntrackSourcesCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_conntrack_source_entries{family="ipv4",address="192.168.88.10"} 2',
      'routeros_conntrack_source_entries{family="ipv4",address="192.168.88.11"} 1',
    ]);
  });

  it('propagates a missing IPv4 table', async () => {
    const { context } = setup({ '/ip/firewall/connection': missingMenu(), '/ipv6/firewall/connection': [] }, '7.16 (stable)');
    await expect(conntrackSourcesCollector.collect(context)).rejects.toBeInstanceOf(TrapError);
  });

  it('is off by default and follows the naming rule under routeros_conntrack_source_', () => {
    expect(conntrackSourcesCollector.defaultEnabled).toBe(false);
    expect(conntrackSourcesCollector.name).toBe('conntrack_sources');
    expect(namingProblems(conntrackSourcesCollector, ['routeros_conntrack_source_'])).toEqual([]);
  });
});
