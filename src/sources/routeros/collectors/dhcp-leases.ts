/**
 * `dhcp_leases` (off by default): one set of series per DHCP lease, keyed by the lease `.id`.
 * Address, MAC and host name are facts of an info series; expiry and last-seen are values, never
 * labels (a label would start a new series each poll: akpw/mktxp #12, nshttpd/mikrotik-exporter
 * #93), and timestamps computed from the poll time rather than ages, which are stale when read.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readCount } from './support/options.js';
import { readAgeAsTimestampSeconds, readCountdownAsTimestampSeconds, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';

const BY_ID = ['id'] as const;

export const DHCP_LEASE_INFO = info(
  'routeros.dhcp.lease.info',
  'DHCP lease facts: server, address, MAC address, client host name and comment; always 1.',
  ['id', 'server', 'address', 'mac_address', 'host_name', 'comment'],
);
export const DHCP_LEASE_BOUND = gauge(
  'routeros.dhcp.lease.bound',
  '',
  'Whether the lease is bound to a client (1) or not (0: waiting, offered, busy).',
  BY_ID,
);
export const DHCP_LEASE_EXPIRES_AFTER = gauge(
  'routeros.dhcp.lease.expiry.timestamp.seconds',
  's',
  'When the lease expires as a Unix timestamp (poll time plus expires-after); absent for leases without expiry.',
  BY_ID,
);
export const DHCP_LEASE_LAST_SEEN = gauge(
  'routeros.dhcp.lease.last_seen.timestamp.seconds',
  's',
  'When the client was last seen as a Unix timestamp (poll time minus last-seen); absent when never.',
  BY_ID,
);

export const DHCP_LEASE_PATH = '/ip/dhcp-server/lease';

export const DHCP_LEASE_PROPLIST: readonly string[] = [
  '.id',
  'server',
  'status',
  'address',
  'mac-address',
  'active-address',
  'active-mac-address',
  'host-name',
  'comment',
  'expires-after',
  'last-seen',
];

/** Leases per router before the cap drops the rest. */
export const DHCP_LEASES_DEFAULT_MAX = 2000;

/** Settings from `collectors.dhcp_leases.*`. */
export interface DhcpLeasesSettings {
  /** `include` / `exclude`: regular expressions over the lease's server name. */
  readonly servers: NameFilter;
  /** `max_series`: leases kept per router (default 2000); the series of the others count as dropped. */
  readonly maxLeases: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function dhcpLeasesSettings(options: CollectorOptions): DhcpLeasesSettings {
  return {
    servers: createNameFilter(options),
    maxLeases: readCount(options, 'max_series', DHCP_LEASES_DEFAULT_MAX),
  };
}

function mapLease(id: string, row: Row, nowMillis: number): Sample[] {
  const list = new SampleList();
  list.addInfo(DHCP_LEASE_INFO, {
    id,
    server: readText(row, 'server'),
    // A dynamic lease's `address` is the active one; a static lease keeps its configured address.
    address: readText(row, 'address') ?? readText(row, 'active-address'),
    mac_address: readText(row, 'mac-address') ?? readText(row, 'active-mac-address'),
    host_name: readText(row, 'host-name'),
    comment: readText(row, 'comment'),
  });
  const status = readText(row, 'status');
  if (status !== undefined) list.add(DHCP_LEASE_BOUND, { id }, status === 'bound' ? 1 : 0);
  list.add(DHCP_LEASE_EXPIRES_AFTER, { id }, readCountdownAsTimestampSeconds(row, 'expires-after', nowMillis));
  list.add(DHCP_LEASE_LAST_SEEN, { id }, readAgeAsTimestampSeconds(row, 'last-seen', nowMillis));
  return list.samples;
}

/** Maps lease rows to samples with the server filter and the lease cap; `nowMillis` is the poll time. Pure. */
export function mapDhcpLeases(rows: readonly Row[], settings: DhcpLeasesSettings, nowMillis: number): CollectOutput {
  const leases: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id) || !settings.servers.matches(readText(row, 'server') ?? '')) continue;
    seen.add(id);
    leases.push(mapLease(id, row, nowMillis));
  }
  return capSeriesGroups(leases, settings.maxLeases);
}

export const dhcpLeasesCollector: Collector = {
  name: 'dhcp_leases',
  defaultEnabled: false,
  summary:
    'Per-lease info (address, MAC, host name), bound state, expiry and last-seen timestamps (off by default); options include/exclude (server regexes), max_series (leases, default 2000).',
  paths: [DHCP_LEASE_PATH],
  metrics: [DHCP_LEASE_INFO, DHCP_LEASE_BOUND, DHCP_LEASE_EXPIRES_AFTER, DHCP_LEASE_LAST_SEEN],
  options: [...filterOptions("the lease's DHCP server name"), maxSeriesOption('leases', DHCP_LEASES_DEFAULT_MAX)],
  checkOptions: dhcpLeasesSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = dhcpLeasesSettings(context.options);
    return mapDhcpLeases(await printRows(context, DHCP_LEASE_PATH, DHCP_LEASE_PROPLIST), settings, context.nowMillis);
  },
};
