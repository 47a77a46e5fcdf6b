import { describe, expect, it } from 'vitest';
import { dhcpCollector, poolSize } from '../../../../src/sources/routeros/collectors/dhcp.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { TimeoutError } from '../../../../src/sources/routeros/client/errors.js';
import { missingMenu } from './helpers/fixture-api.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

const MENUS = ['ip-dhcp-server', 'ip-dhcp-server-lease', 'ip-pool', 'ip-pool-used'];

describe('poolSize', () => {
  it('adds up ranges, prefixes and single addresses', () => {
    expect(poolSize('10.10.10.100-10.10.10.254')).toBe(155);
    expect(poolSize('10.20.0.0/24')).toBe(256);
    expect(poolSize('10.30.0.10-10.30.0.19,10.30.0.50')).toBe(11);
    expect(poolSize('10.0.0.0/30, 10.0.1.1')).toBe(5);
  });

  it('gives undefined when nothing parses, and ignores parts that do not', () => {
    expect(poolSize(undefined)).toBeUndefined();
    expect(poolSize('')).toBeUndefined();
    expect(poolSize('pool-a')).toBeUndefined();
    expect(poolSize('10.0.0.9-10.0.0.1')).toBeUndefined();
    expect(poolSize('10.0.0.0/33')).toBeUndefined();
    expect(poolSize('10.0.0.256')).toBeUndefined();
    expect(poolSize('junk,10.0.0.1')).toBe(1);
  });
});

describe('dhcpCollector', () => {
  it('counts v7 leases per server and status and pool usage, all with count-only', async () => {
    const { api, context } = setup(repliesFrom(V7, MENUS), '7.16 (stable)');
    const output = await dhcpCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_dhcp_server_leases{server="guest_dhcp",status="bound"} 1',
      'routeros_dhcp_server_leases{server="guest_dhcp",status="busy"} 0',
      'routeros_dhcp_server_leases{server="guest_dhcp",status="offered"} 1',
      'routeros_dhcp_server_leases{server="guest_dhcp",status="waiting"} 0',
      'routeros_dhcp_server_leases{server="lan_dhcp",status="bound"} 2',
      'routeros_dhcp_server_leases{server="lan_dhcp",status="busy"} 0',
      'routeros_dhcp_server_leases{server="lan_dhcp",status="offered"} 0',
      'routeros_dhcp_server_leases{server="lan_dhcp",status="waiting"} 1',
      'routeros_ip_pool_addresses{pool="guest_pool"} 256',
      'routeros_ip_pool_addresses{pool="lan_pool"} 155',
      'routeros_ip_pool_addresses{pool="vpn_pool"} 11',
      'routeros_ip_pool_used_addresses{pool="guest_pool"} 2',
      'routeros_ip_pool_used_addresses{pool="lan_pool"} 2',
      'routeros_ip_pool_used_addresses{pool="vpn_pool"} 1',
    ]);
    expect(commands(api.calls).filter((command) => command.startsWith('print'))).toEqual([
      'print /ip/dhcp-server',
      'print /ip/pool',
    ]);
    expect(commands(api.calls).filter((command) => command.startsWith('count'))).toHaveLength(8 + 3);
    expect(commands(api.calls)).toContain('count /ip/dhcp-server/lease ?server=lan_dhcp ?status=waiting');
    expect(commands(api.calls)).toContain('count /ip/pool/used ?pool=vpn_pool');
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reads the v6 lease table the same way', async () => {
    const { context } = setup(repliesFrom(V6, MENUS), '6.49.10 (long-term)');
    const output = await dhcpCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_dhcp_server_leases{server="User",status="bound"} 1',
      'routeros_dhcp_server_leases{server="User",status="busy"} 0',
      'routeros_dhcp_server_leases{server="User",status="offered"} 0',
      'routeros_dhcp_server_leases{server="User",status="waiting"} 1',
      'routeros_ip_pool_addresses{pool="pool_user"} 253',
      'routeros_ip_pool_used_addresses{pool="pool_user"} 1',
    ]);
  });

  it('keeps the pools when the dhcp package is disabled (no /ip/dhcp-server)', async () => {
    const replies = repliesFrom(V6, ['ip-pool', 'ip-pool-used'], { '/ip/dhcp-server': missingMenu() });
    const { api, context } = setup(replies, '6.49.10 (long-term)');
    const output = await dhcpCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_ip_pool_addresses{pool="pool_user"} 253',
      'routeros_ip_pool_used_addresses{pool="pool_user"} 1',
    ]);
    expect(api.calls.some((call) => call.path === '/ip/dhcp-server/lease')).toBe(false);
  });

  it('filters servers and pools and counts only the configured statuses', async () => {
    const { api, context } = setup(repliesFrom(V7, MENUS), '7.16 (stable)', {
      options: { include: ['lan_.*'], statuses: ['bound'], exclude_pools: ['guest_pool', 'vpn_pool'] },
    });
    const output = await dhcpCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_dhcp_server_leases{server="lan_dhcp",status="bound"} 2',
      'routeros_ip_pool_addresses{pool="lan_pool"} 155',
      'routeros_ip_pool_used_addresses{pool="lan_pool"} 2',
    ]);
    expect(api.calls).toHaveLength(4);
  });

  it('prefers the pool size the router reports in `total`', async () => {
    const replies = { '/ip/dhcp-server': [], '/ip/pool': [{ name: 'big', ranges: '10.0.0.0/24', total: '254' }], '/ip/pool/used': [] };
    const { api, context } = setup(replies, '7.19 (stable)');
    const output = await dhcpCollector.collect(context);
    expect(render(output.samples)).toEqual(['routeros_ip_pool_addresses{pool="big"} 254', 'routeros_ip_pool_used_addresses{pool="big"} 0']);
    expect(api.calls[1]?.options?.proplist).toEqual(['name', 'ranges', 'total']);
  });

  it('prints the grouping column once instead of sending more than 16 counts per table', async () => {
    const servers = ['s1', 's2', 's3', 's4', 's5'];
    const pools = Array.from({ length: 17 }, (_, index) => `p${index + 1}`);
    const replies = {
      '/ip/dhcp-server': servers.map((name, index) => ({ '.id': `*${index + 1}`, name })),
      '/ip/dhcp-server/lease': [
        { '.id': '*A', server: 's1', status: 'bound', address: '10.0.0.1' },
        { '.id': '*B', server: 's1', status: 'bound', address: '10.0.0.2' },
        { '.id': '*C', server: 's5', status: 'offered', address: '10.0.0.3' },
        { '.id': '*D', server: 'gone', status: 'bound', address: '10.0.0.4' },
        { '.id': '*E', server: 's2', status: 'testing', address: '10.0.0.5' },
      ],
      '/ip/pool': pools.map((name, index) => ({ '.id': `*${index + 1}`, name, ranges: `10.${index}.0.1-10.${index}.0.4` })),
      '/ip/pool/used': [
        { pool: 'p1', address: '10.0.0.1' },
        { pool: 'p17', address: '10.16.0.1' },
        { pool: 'p17', address: '10.16.0.2' },
      ],
    };
    const { api, context } = setup(replies, '7.16 (stable)');
    const lines = render((await dhcpCollector.collect(context)).samples);
    expect(commands(api.calls)).toEqual(['print /ip/dhcp-server', 'print /ip/pool', 'print /ip/dhcp-server/lease', 'print /ip/pool/used']);
    expect(api.calls[2]?.options?.proplist).toEqual(['server', 'status']);
    expect(api.calls[3]?.options?.proplist).toEqual(['pool']);
    expect(lines).toHaveLength(5 * 4 + 17 * 2);
    expect(lines).toContain('routeros_dhcp_server_leases{server="s1",status="bound"} 2');
    expect(lines).toContain('routeros_dhcp_server_leases{server="s5",status="offered"} 1');
    expect(lines).toContain('routeros_dhcp_server_leases{server="s2",status="bound"} 0');
    expect(lines).toContain('routeros_ip_pool_used_addresses{pool="p17"} 2');
    expect(lines).toContain('routeros_ip_pool_used_addresses{pool="p2"} 0');
    expect(lines).toContain('routeros_ip_pool_addresses{pool="p9"} 4');
  });

  it('propagates connection-level errors instead of treating them as a missing feature', async () => {
    const lost = new TimeoutError('/ip/pool: timed out');
    const { context } = setup(repliesFrom(V7, ['ip-dhcp-server'], { '/ip/pool': lost }), '7.16 (stable)');
    await expect(dhcpCollector.collect(context)).rejects.toBe(lost);
  });

  it('rejects a bad status', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { statuses: ['bound', 'Bound=x'] } });
    await expect(dhcpCollector.collect(context)).rejects.toThrow(new CollectorOptionError('statuses: invalid lease status "Bound=x"'));
  });

  it('follows the naming rule under routeros_dhcp_ and routeros_ip_pool_', () => {
    expect(namingProblems(dhcpCollector, ['routeros_dhcp_', 'routeros_ip_pool_'])).toEqual([]);
    expect(dhcpCollector.defaultEnabled).toBe(true);
  });
});
