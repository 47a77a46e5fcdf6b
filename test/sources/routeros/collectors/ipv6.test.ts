import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { ipv6Collector, mapIpv6, poolSize } from '../../../../src/sources/routeros/collectors/ipv6.js';
import { commands, namingProblems, render, setup } from './helpers/fixture-api-families.js';
import { simulatorRunner } from './helpers/simulator-run.js';

const POOLS: Row[] = [
  { name: 'pd', prefix: '2001:db8:1::/48', 'prefix-length': '56' },
  { name: 'lan', prefix: '2001:db8:2::/56', 'prefix-length': '64' },
  { name: 'odd', prefix: '2001:db8:3::/64', 'prefix-length': '48' },
];
const USED: Row[] = [{ pool: 'pd' }, { pool: 'pd' }, { pool: 'lan' }];
const BINDINGS: Row[] = [
  { server: 'server1', status: 'bound' },
  { server: 'server1', status: 'bound' },
  { server: 'server1', status: 'waiting' },
];
const NEIGHBORS: Row[] = [
  { interface: 'bridge', status: 'reachable' },
  { interface: 'bridge', status: 'stale' },
  { interface: 'bridge', status: 'stale' },
  { interface: 'ether1', status: 'reachable' },
];

describe('ipv6Collector', () => {
  it('maps pool sizes and use, DHCPv6 bindings and neighbor counts (never one series per neighbor)', () => {
    expect(render(mapIpv6(POOLS, USED, BINDINGS, NEIGHBORS).samples)).toEqual(
      [
        'routeros_ipv6_pool_prefixes{pool="pd"} 256',
        'routeros_ipv6_pool_used_prefixes{pool="pd"} 2',
        'routeros_ipv6_pool_prefixes{pool="lan"} 256',
        'routeros_ipv6_pool_used_prefixes{pool="lan"} 1',
        // A prefix length shorter than the pool's own: no size, still its use.
        'routeros_ipv6_pool_used_prefixes{pool="odd"} 0',
        'routeros_ipv6_dhcp_server_bindings{server="server1",status="bound"} 2',
        'routeros_ipv6_dhcp_server_bindings{server="server1",status="waiting"} 1',
        'routeros_ipv6_neighbors{interface="bridge",state="reachable"} 1',
        'routeros_ipv6_neighbors{interface="bridge",state="stale"} 2',
        'routeros_ipv6_neighbors{interface="ether1",state="reachable"} 1',
      ].sort(),
    );
    expect([poolSize('2001:db8::/48', '64'), poolSize('2001:db8::/64', '64'), poolSize(undefined, '64'), poolSize('2001:db8::/48', 'x')]).toEqual([65_536, 1, undefined, undefined]);
  });

  it('reads four menus, and nothing on RouterOS 6 without the ipv6 package', async () => {
    const v7 = setup({ '/ipv6/pool': POOLS, '/ipv6/pool/used': USED, '/ipv6/dhcp-server/binding': BINDINGS, '/ipv6/neighbor': NEIGHBORS }, '7.16 (stable)');
    await ipv6Collector.collect(v7.context);
    expect(commands(v7.api.calls)).toEqual(['print /ipv6/pool', 'print /ipv6/pool/used', 'print /ipv6/dhcp-server/binding', 'print /ipv6/neighbor']);
    const v6 = setup({}, '6.49.10 (long-term)', { packages: ['system', 'dhcp'] });
    expect(await ipv6Collector.collect(v6.context)).toEqual({ samples: [] });
    expect(v6.api.calls).toEqual([]);
  });

  it('is off by default (four commands) and follows the naming rule', () => {
    expect(ipv6Collector.defaultEnabled).toBe(false);
    expect(namingProblems(ipv6Collector, ['routeros_ipv6_'])).toEqual([]);
  });
});

describe('ipv6 against the simulator', () => {
  const runner = simulatorRunner();
  afterAll(() => runner.stop());

  it('reads delegated prefixes and the neighbor cache of ccr2004-v7 in four commands', async () => {
    const { lines, commands: sent } = await runner.run('ccr2004-v7', ipv6Collector);
    expect(sent).toBe(4);
    expect(lines).toContain('routeros_ipv6_pool_used_prefixes{pool="pd-customers"} 40');
    expect(lines).toContain('routeros_ipv6_pool_prefixes{pool="pd-customers"} 256');
    expect(lines).toContain('routeros_ipv6_dhcp_server_bindings{server="server1",status="waiting"} 4');
    const neighbors = lines.filter((line) => line.startsWith('routeros_ipv6_neighbors'));
    expect(neighbors.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0)).toBe(120);
  });
});
