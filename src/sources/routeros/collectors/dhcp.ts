/**
 * `dhcp`: DHCP leases per server and status, and the size and usage of every IP pool. The numbers
 * are `=count-only=` queries, so a router with 10K leases (akpw/mktxp #205) answers with a handful
 * of `!done` words instead of the lease table; only when so many counts would be needed that one
 * scan is cheaper does it print the single grouping column instead. Servers and pools are the
 * grouping keys RouterOS itself uses (a lease names its server, a used address its pool), so they
 * are labelled by name.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions } from './collector.js';
import { gauge } from './support/define.js';
import { printOptionalRows, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { CollectorOptionError, readStringList } from './support/options.js';
import { readCounter, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions } from './support/option-specs.js';

export const DHCP_SERVER_LEASES = gauge(
  'routeros.dhcp.server.leases',
  '{lease}',
  'DHCP leases of the server in this status.',
  ['server', 'status'],
);
export const IP_POOL_ADDRESSES = gauge(
  'routeros.ip.pool.addresses',
  '{address}',
  'Addresses in the ranges of the IP pool.',
  ['pool'],
);
export const IP_POOL_USED_ADDRESSES = gauge(
  'routeros.ip.pool.used.addresses',
  '{address}',
  'Addresses of the IP pool currently handed out.',
  ['pool'],
);

export const DHCP_SERVER_PATH = '/ip/dhcp-server';
export const DHCP_LEASE_PATH = '/ip/dhcp-server/lease';
export const IP_POOL_PATH = '/ip/pool';
export const IP_POOL_USED_PATH = '/ip/pool/used';

/** Lease statuses counted by default; `testing`/`authorizing` last milliseconds and are rarely seen. */
export const DHCP_DEFAULT_STATUSES: readonly string[] = ['bound', 'waiting', 'offered', 'busy'];

/** Settings from `collectors.dhcp.*`. */
export interface DhcpSettings {
  /** `include` / `exclude`: regular expressions over the DHCP server name. */
  readonly servers: NameFilter;
  /** `statuses`: lease statuses counted per server (one count query each). */
  readonly statuses: readonly string[];
  /** `include_pools` / `exclude_pools`: regular expressions over the pool name. */
  readonly pools: NameFilter;
}

const STATUS_NAME = /^[a-z][a-z0-9-]*$/;

/** Reads the DHCP options; a bad value throws CollectorOptionError naming the key. */
export function dhcpSettings(options: CollectorOptions): DhcpSettings {
  const statuses = readStringList(options, 'statuses');
  for (const status of statuses) {
    if (!STATUS_NAME.test(status)) throw new CollectorOptionError(`statuses: invalid lease status ${JSON.stringify(status)}`);
  }
  return {
    servers: createNameFilter(options),
    statuses: statuses.length > 0 ? statuses : DHCP_DEFAULT_STATUSES,
    pools: createNameFilter(options, { include: 'include_pools', exclude: 'exclude_pools' }),
  };
}

function ipv4ToNumber(text: string): number | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * Addresses in a pool's `ranges`: a comma list of `a.b.c.d-e.f.g.h`, `a.b.c.d/nn` or single
 * addresses. Undefined when nothing in it parses (the pool then gets no size series).
 */
export function poolSize(ranges: string | undefined): number | undefined {
  if (ranges === undefined) return undefined;
  let total = 0;
  let parsed = false;
  for (const part of ranges.split(',')) {
    const range = part.trim();
    if (range === '') continue;
    let size: number | undefined;
    const dash = range.indexOf('-');
    const slash = range.indexOf('/');
    if (dash > 0) {
      const start = ipv4ToNumber(range.slice(0, dash));
      const end = ipv4ToNumber(range.slice(dash + 1));
      size = start !== undefined && end !== undefined && end >= start ? end - start + 1 : undefined;
    } else if (slash > 0) {
      const prefix = Number(range.slice(slash + 1));
      const valid = ipv4ToNumber(range.slice(0, slash)) !== undefined && Number.isInteger(prefix) && prefix >= 0 && prefix <= 32;
      size = valid ? 2 ** (32 - prefix) : undefined;
    } else {
      size = ipv4ToNumber(range) !== undefined ? 1 : undefined;
    }
    if (size !== undefined) {
      total += size;
      parsed = true;
    }
  }
  return parsed ? total : undefined;
}

/** What one run learned, before mapping. */
export interface DhcpCounts {
  /** Server name → status → leases. */
  readonly leases: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Pool rows (name, ranges, total) with the count of used addresses. */
  readonly pools: readonly { readonly row: Row; readonly used: number }[];
}

/**
 * Above this many count queries for one table, one print of the table's grouping column is
 * cheaper for the router: each count scans the whole table, so 100 VLAN servers × 4 statuses would
 * scan a 10K-lease table 400 times per cycle (akpw/mktxp #205), where one print scans it once.
 */
export const DHCP_MAX_COUNT_QUERIES = 16;

type Count = (path: string, query: string[]) => Promise<number>;

async function leasesPerServer(
  context: CollectContext,
  count: Count,
  servers: readonly string[],
  statuses: readonly string[],
): Promise<Map<string, Map<string, number>>> {
  const result = new Map(servers.map((server) => [server, new Map(statuses.map((status) => [status, 0]))]));
  if (servers.length * statuses.length > DHCP_MAX_COUNT_QUERIES) {
    for (const row of await printRows(context, DHCP_LEASE_PATH, ['server', 'status'])) {
      const perStatus = result.get(row['server'] ?? '');
      const status = row['status'] ?? '';
      if (perStatus?.has(status)) perStatus.set(status, (perStatus.get(status) ?? 0) + 1);
    }
    return result;
  }
  await Promise.all(
    servers.flatMap((server) =>
      statuses.map(async (status) => {
        result.get(server)?.set(status, await count(DHCP_LEASE_PATH, [`server=${server}`, `status=${status}`]));
      }),
    ),
  );
  return result;
}

async function usedPerPool(context: CollectContext, count: Count, pools: readonly string[]): Promise<Map<string, number>> {
  const result = new Map(pools.map((pool) => [pool, 0]));
  if (pools.length > DHCP_MAX_COUNT_QUERIES) {
    for (const row of await printRows(context, IP_POOL_USED_PATH, ['pool'])) {
      const pool = row['pool'] ?? '';
      if (result.has(pool)) result.set(pool, (result.get(pool) ?? 0) + 1);
    }
    return result;
  }
  await Promise.all(
    pools.map(async (pool) => {
      result.set(pool, await count(IP_POOL_USED_PATH, [`pool=${pool}`]));
    }),
  );
  return result;
}

/**
 * Lists servers and pools, then counts leases per server and status and used addresses per pool,
 * all concurrently (or prints the grouping column once, see {@link DHCP_MAX_COUNT_QUERIES}).
 * `/ip/dhcp-server` belongs to the `dhcp` package on v6; without it the pool part still runs.
 */
export async function fetchDhcp(context: CollectContext, settings: DhcpSettings): Promise<DhcpCounts> {
  const count: Count = (path, query) => context.api.count(path, { query, signal: context.signal });
  const [serverRows, poolRows] = await Promise.all([
    printOptionalRows(context, DHCP_SERVER_PATH, ['name']),
    // `total` is sent by newer v7 builds only; poolSize() covers the others from `ranges`.
    printRows(context, IP_POOL_PATH, ['name', 'ranges', 'total']),
  ]);
  const servers = [...new Set(serverRows.map((row) => readText(row, 'name')))].filter(
    (name): name is string => name !== undefined && settings.servers.matches(name),
  );
  const pools = poolRows.filter((row) => {
    const name = readText(row, 'name');
    return name !== undefined && settings.pools.matches(name);
  });
  const poolNames = [...new Set(pools.map((row) => row['name'] ?? ''))];
  const [leases, used] = await Promise.all([
    leasesPerServer(context, count, servers, settings.statuses),
    usedPerPool(context, count, poolNames),
  ]);
  return { leases, pools: pools.map((row) => ({ row, used: used.get(row['name'] ?? '') ?? 0 })) };
}

/** Maps the counts to samples. Pure. */
export function mapDhcp(counts: DhcpCounts): SampleList {
  const list = new SampleList();
  for (const [server, perStatus] of counts.leases) {
    for (const [status, leases] of perStatus) list.add(DHCP_SERVER_LEASES, { server, status }, leases);
  }
  const seen = new Set<string>();
  for (const { row, used } of counts.pools) {
    const pool = readText(row, 'name');
    if (pool === undefined || seen.has(pool)) continue;
    seen.add(pool);
    list.add(IP_POOL_ADDRESSES, { pool }, readCounter(row, 'total') ?? poolSize(readText(row, 'ranges')));
    list.add(IP_POOL_USED_ADDRESSES, { pool }, used);
  }
  return list;
}

export const dhcpCollector: Collector = {
  name: 'dhcp',
  defaultEnabled: true,
  summary:
    'DHCP leases per server and status, IP pool size and used addresses (all count-only); options include/exclude (server regexes), statuses, include_pools/exclude_pools.',
  paths: [DHCP_SERVER_PATH, DHCP_LEASE_PATH, IP_POOL_PATH, IP_POOL_USED_PATH],
  metrics: [DHCP_SERVER_LEASES, IP_POOL_ADDRESSES, IP_POOL_USED_ADDRESSES],
  options: [
    ...filterOptions('the DHCP server name'),
    { name: 'statuses', description: 'Lease statuses counted per server (one count query each); default `bound`, `waiting`, `offered`, `busy`.' },
    ...filterOptions('the IP pool name', 'include_pools', 'exclude_pools'),
  ],
  checkOptions: dhcpSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = dhcpSettings(context.options);
    return { samples: mapDhcp(await fetchDhcp(context, settings)).samples };
  },
};
