/**
 * `ipv6` (off by default; four commands): IPv6 pools (prefixes in each pool and in use), DHCPv6
 * server bindings per server and status, and IPv6 neighbors per interface and state (counts only,
 * never one series per neighbor). RouterOS 6 needs the `ipv6` package; without it the family is
 * skipped. https://help.mikrotik.com/docs/spaces/ROS/pages/119144655/IPv6+Pool,
 * https://help.mikrotik.com/docs/spaces/ROS/pages/24805500/DHCP (DHCPv6 server),
 * https://help.mikrotik.com/docs/spaces/ROS/pages/129531946/IPv6+Neighbor+Discovery
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector } from './collector.js';
import { gauge } from './support/define.js';
import { printOptionalRows, printRows } from './support/fetch.js';
import { hasIpv6 } from './support/ip-families.js';
import { readText } from './support/rows.js';
import { SampleList } from './support/samples.js';

export const IPV6_POOL_PREFIXES = gauge(
  'routeros.ipv6.pool.prefixes',
  '{prefix}',
  'Prefixes of the pool\'s prefix-length the IPv6 pool holds (2^(prefix-length - pool prefix length)).',
  ['pool'],
);
export const IPV6_POOL_USED_PREFIXES = gauge('routeros.ipv6.pool.used.prefixes', '{prefix}', 'Prefixes of the IPv6 pool handed out.', ['pool']);
export const IPV6_DHCP_SERVER_BINDINGS = gauge(
  'routeros.ipv6.dhcp.server.bindings',
  '{binding}',
  'DHCPv6 server bindings (delegated prefixes) by server and status.',
  ['server', 'status'],
);
export const IPV6_NEIGHBORS = gauge(
  'routeros.ipv6.neighbors',
  '{neighbor}',
  'IPv6 neighbor cache entries by interface and state (reachable, stale, delay, probe, failed, noarp, incomplete).',
  ['interface', 'state'],
);

export const IPV6_POOL_PATH = '/ipv6/pool';
export const IPV6_POOL_USED_PATH = '/ipv6/pool/used';
export const IPV6_DHCP_BINDING_PATH = '/ipv6/dhcp-server/binding';
export const IPV6_NEIGHBOR_PATH = '/ipv6/neighbor';

/** Prefixes of `prefixLength` in `prefix` (`2001:db8::/48` with 64 → 65,536); undefined when unreadable. */
export function poolSize(prefix: string | undefined, prefixLength: string | undefined): number | undefined {
  const outer = Number(prefix?.split('/')[1]);
  const inner = Number(prefixLength);
  if (!Number.isInteger(outer) || !Number.isInteger(inner) || inner < outer || inner > 128) return undefined;
  return 2 ** (inner - outer);
}

/** Counts rows per key; rows without one are skipped. */
function countBy(rows: readonly Row[], key: (row: Row) => readonly [string, string] | undefined): Map<string, [string, string, number]> {
  const counts = new Map<string, [string, string, number]>();
  for (const row of rows) {
    const pair = key(row);
    if (pair === undefined) continue;
    const id = pair.join('\u0000');
    const entry = counts.get(id) ?? [pair[0], pair[1], 0];
    entry[2] += 1;
    counts.set(id, entry);
  }
  return counts;
}

/** Maps the four menus to samples. Pure. */
export function mapIpv6(pools: readonly Row[], used: readonly Row[], bindings: readonly Row[], neighbors: readonly Row[]): CollectOutput {
  const list = new SampleList();
  const usedPerPool = new Map<string, number>();
  for (const row of used) {
    const pool = readText(row, 'pool');
    if (pool !== undefined) usedPerPool.set(pool, (usedPerPool.get(pool) ?? 0) + 1);
  }
  for (const row of pools) {
    const pool = readText(row, 'name');
    if (pool === undefined) continue;
    list.add(IPV6_POOL_PREFIXES, { pool }, poolSize(readText(row, 'prefix'), readText(row, 'prefix-length')));
    list.add(IPV6_POOL_USED_PREFIXES, { pool }, usedPerPool.get(pool) ?? 0);
  }
  const perBinding = countBy(bindings, (row) => {
    const server = readText(row, 'server');
    return server === undefined ? undefined : [server, readText(row, 'status')?.toLowerCase() ?? ''];
  });
  for (const [server, status, count] of perBinding.values()) list.add(IPV6_DHCP_SERVER_BINDINGS, { server, status }, count);
  const perNeighbor = countBy(neighbors, (row) => {
    const iface = readText(row, 'interface');
    return iface === undefined ? undefined : [iface, readText(row, 'status')?.toLowerCase() ?? ''];
  });
  for (const [iface, state, count] of perNeighbor.values()) list.add(IPV6_NEIGHBORS, { interface: iface, state }, count);
  return { samples: list.samples };
}

export const ipv6Collector: Collector = {
  name: 'ipv6',
  defaultEnabled: false,
  summary: 'IPv6 pools (prefixes held and used), DHCPv6 server bindings by server and status, neighbor counts by interface and state (off by default; four commands; skipped where RouterOS 6 lacks the ipv6 package).',
  paths: [IPV6_POOL_PATH, IPV6_POOL_USED_PATH, IPV6_DHCP_BINDING_PATH, IPV6_NEIGHBOR_PATH],
  metrics: [IPV6_POOL_PREFIXES, IPV6_POOL_USED_PREFIXES, IPV6_DHCP_SERVER_BINDINGS, IPV6_NEIGHBORS],
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    if (!hasIpv6(context.router)) return { samples: [] };
    const pools = await printRows(context, IPV6_POOL_PATH, ['name', 'prefix', 'prefix-length']);
    const used = await printRows(context, IPV6_POOL_USED_PATH, ['pool']);
    // The DHCPv6 server menu came with the dhcp package on v6; a router without it has no bindings.
    const bindings = await printOptionalRows(context, IPV6_DHCP_BINDING_PATH, ['server', 'status']);
    const neighbors = await printRows(context, IPV6_NEIGHBOR_PATH, ['interface', 'status']);
    return mapIpv6(pools, used, bindings, neighbors);
  },
};
