/**
 * `conntrack_sources` (off by default): tracked connections per source address. Unlike
 * `conntrack` this has to print the connection table (only `src-address`), which is expensive on
 * busy routers, so the family is opt-in and capped: the busiest sources are kept, the rest are
 * counted as dropped series.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { connectionPath } from './conntrack.js';
import { hasIpv6, readFamilies, type IpFamily } from './support/ip-families.js';
import { capItems } from './support/cap.js';
import { gauge } from './support/define.js';
import { isMissingFeature, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readCount } from './support/options.js';
import { readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { FAMILIES_OPTION, filterOptions, maxSeriesOption } from './support/option-specs.js';

export const CONNTRACK_SOURCE_ENTRIES = gauge(
  'routeros.conntrack.source.entries',
  '{entry}',
  'Entries in the connection tracking table whose source is this address.',
  ['family', 'address'],
);

/** Source addresses per router before the cap drops the rest. */
export const CONNTRACK_SOURCES_DEFAULT_MAX = 500;

/** Settings from `collectors.conntrack_sources.*`. */
export interface ConntrackSourcesSettings {
  /** `families`: `ipv4`, `ipv6` or both (default). */
  readonly families: readonly IpFamily[];
  /** `include` / `exclude`: regular expressions over the source address (`192\.168\..*`). */
  readonly addresses: NameFilter;
  /** `max_series`: source addresses kept per router (default 500), busiest first. */
  readonly maxSources: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function conntrackSourcesSettings(options: CollectorOptions): ConntrackSourcesSettings {
  return {
    families: readFamilies(options),
    addresses: createNameFilter(options),
    maxSources: readCount(options, 'max_series', CONNTRACK_SOURCES_DEFAULT_MAX),
  };
}

/**
 * The address part of a connection endpoint. The API packs the port into the address:
 * `10.0.0.1:443`, `[2001:db8::1]:443`; ICMP and other portless protocols send the bare address.
 */
export function endpointAddress(value: string): string {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 1 ? value.slice(1, end) : value;
  }
  const firstColon = value.indexOf(':');
  // One colon: IPv4 with a port. More: a bare IPv6 address, which has no port to strip.
  return firstColon > 0 && value.indexOf(':', firstColon + 1) === -1 ? value.slice(0, firstColon) : value;
}

/** The source column of one family's table. */
export interface SourceRows {
  readonly family: IpFamily;
  readonly rows: readonly Row[];
}

async function fetchFamily(context: CollectContext, family: IpFamily): Promise<SourceRows | undefined> {
  try {
    return { family, rows: await printRows(context, connectionPath(family), ['src-address']) };
  } catch (error) {
    if (family === 'ipv6' && isMissingFeature(error)) return undefined;
    throw error;
  }
}

interface SourceCount {
  readonly family: IpFamily;
  readonly address: string;
  readonly entries: number;
}

/** Counts connections per source, filters, keeps the busiest `maxSources`. Pure. */
export function mapConntrackSources(tables: readonly SourceRows[], settings: ConntrackSourcesSettings): CollectOutput {
  const counts: SourceCount[] = [];
  for (const { family, rows } of tables) {
    const perAddress = new Map<string, number>();
    for (const row of rows) {
      const endpoint = readText(row, 'src-address');
      if (endpoint === undefined) continue;
      const address = endpointAddress(endpoint);
      if (!settings.addresses.matches(address)) continue;
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    }
    for (const [address, entries] of perAddress) counts.push({ family, address, entries });
  }
  // Busiest first so the cap drops the long tail; ties by address keep the order stable per cycle.
  counts.sort((a, b) => b.entries - a.entries || a.family.localeCompare(b.family) || a.address.localeCompare(b.address));
  const capped = capItems(counts, settings.maxSources);
  const list = new SampleList();
  for (const { family, address, entries } of capped.kept) list.add(CONNTRACK_SOURCE_ENTRIES, { family, address }, entries);
  const samples: Sample[] = list.samples;
  return { samples, dropped: capped.dropped };
}

export const conntrackSourcesCollector: Collector = {
  name: 'conntrack_sources',
  defaultEnabled: false,
  summary:
    'Tracked connections per source address (prints the connection table, src-address only; off by default); options families, include/exclude (address regexes), max_series (sources, default 500, busiest kept).',
  paths: [connectionPath('ipv4'), connectionPath('ipv6')],
  metrics: [CONNTRACK_SOURCE_ENTRIES],
  options: [
    FAMILIES_OPTION,
    ...filterOptions('the source address (`192\\.168\\..*`)'),
    maxSeriesOption('source addresses', CONNTRACK_SOURCES_DEFAULT_MAX, 'the busiest are kept'),
  ],
  checkOptions: conntrackSourcesSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = conntrackSourcesSettings(context.options);
    const families = settings.families.filter((family) => family === 'ipv4' || hasIpv6(context.router));
    const tables = await Promise.all(families.map((family) => fetchFamily(context, family)));
    return mapConntrackSources(
      tables.filter((table): table is SourceRows => table !== undefined),
      settings,
    );
  },
};
