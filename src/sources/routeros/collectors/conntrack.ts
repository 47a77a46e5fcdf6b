/**
 * `conntrack`: size of the connection tracking table, IPv4 and IPv6, in total and per protocol,
 * and its configured maximum. Every number is a `=count-only=` query: the router counts and
 * answers with one `!done`, the table itself (tens of thousands of rows) never crosses the wire.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions } from './collector.js';
import { gauge } from './support/define.js';
import { hasIpv6, readFamilies, type IpFamily } from './support/ip-families.js';
import { isMissingFeature, printRows } from './support/fetch.js';
import { CollectorOptionError, readStringList } from './support/options.js';
import { readCounter } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { FAMILIES_OPTION } from './support/option-specs.js';

export const CONNTRACK_ENTRIES = gauge(
  'routeros.conntrack.entries',
  '{entry}',
  'Entries in the connection tracking table.',
  ['family'],
);
export const CONNTRACK_PROTOCOL_ENTRIES = gauge(
  'routeros.conntrack.protocol.entries',
  '{entry}',
  'Entries in the connection tracking table for one protocol.',
  ['family', 'protocol'],
);
export const CONNTRACK_MAX_ENTRIES = gauge(
  'routeros.conntrack.max.entries',
  '{entry}',
  'Maximum number of entries the connection tracking table holds.',
);

/**
 * Protocols counted by default. ICMP for IPv6 is its own protocol; that RouterOS names it `icmpv6`
 * in `/ipv6/firewall/connection` is unverified, hence the `protocols` option.
 */
export const CONNTRACK_DEFAULT_PROTOCOLS: Readonly<Record<IpFamily, readonly string[]>> = {
  ipv4: ['tcp', 'udp', 'icmp'],
  ipv6: ['tcp', 'udp', 'icmpv6'],
};

export const CONNTRACK_TRACKING_PATH = '/ip/firewall/connection/tracking';

/** `/ip/firewall/connection` or `/ipv6/firewall/connection`. */
export function connectionPath(family: IpFamily): string {
  return `/${family === 'ipv4' ? 'ip' : 'ipv6'}/firewall/connection`;
}

/** Settings from `collectors.conntrack.*`. */
export interface ConntrackSettings {
  /** `families`: `ipv4`, `ipv6` or both (default). */
  readonly families: readonly IpFamily[];
  /** `protocols`: protocol names counted for every family; per-family defaults when absent. */
  readonly protocols: Readonly<Record<IpFamily, readonly string[]>>;
}

const PROTOCOL_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Reads the conntrack options; a bad value throws CollectorOptionError naming the key. */
export function conntrackSettings(options: CollectorOptions): ConntrackSettings {
  const protocols = readStringList(options, 'protocols');
  for (const protocol of protocols) {
    // Protocol names become query words; anything else is a typo, not a protocol.
    if (!PROTOCOL_NAME.test(protocol)) {
      throw new CollectorOptionError(`protocols: invalid protocol name ${JSON.stringify(protocol)}`);
    }
  }
  return {
    families: readFamilies(options),
    protocols: protocols.length === 0 ? CONNTRACK_DEFAULT_PROTOCOLS : { ipv4: protocols, ipv6: protocols },
  };
}

/** The counts of one family. */
export interface FamilyCounts {
  readonly family: IpFamily;
  readonly total: number;
  /** Protocol → entries. */
  readonly protocols: ReadonlyMap<string, number>;
}

async function countFamily(
  context: CollectContext,
  family: IpFamily,
  protocols: readonly string[],
): Promise<FamilyCounts | undefined> {
  const path = connectionPath(family);
  const count = (query: string[]): Promise<number> => context.api.count(path, { query, signal: context.signal });
  try {
    const [total, ...perProtocol] = await Promise.all([
      count([]),
      ...protocols.map((protocol) => count([`protocol=${protocol}`])),
    ]);
    return {
      family,
      total: total ?? 0,
      protocols: new Map(protocols.map((protocol, index) => [protocol, perProtocol[index] ?? 0])),
    };
  } catch (error) {
    // IPv6 is optional (package disabled on v6); the IPv4 table missing means no conntrack at all.
    if (family === 'ipv6' && isMissingFeature(error)) return undefined;
    throw error;
  }
}

/** Maps the tracking settings row and the counts to samples. Pure. */
export function mapConntrack(
  tracking: readonly Row[],
  counts: readonly (FamilyCounts | undefined)[],
): SampleList {
  const list = new SampleList();
  const first = tracking[0];
  if (first !== undefined) list.add(CONNTRACK_MAX_ENTRIES, {}, readCounter(first, 'max-entries'));
  for (const familyCounts of counts) {
    if (familyCounts === undefined) continue;
    const { family } = familyCounts;
    list.add(CONNTRACK_ENTRIES, { family }, familyCounts.total);
    for (const [protocol, entries] of familyCounts.protocols) {
      list.add(CONNTRACK_PROTOCOL_ENTRIES, { family, protocol }, entries);
    }
  }
  return list;
}

export const conntrackCollector: Collector = {
  name: 'conntrack',
  defaultEnabled: true,
  summary:
    'Connection tracking entries by family and protocol (count-only, the table is never printed) and the table maximum; options families, protocols.',
  paths: [connectionPath('ipv4'), connectionPath('ipv6'), CONNTRACK_TRACKING_PATH],
  metrics: [CONNTRACK_ENTRIES, CONNTRACK_PROTOCOL_ENTRIES, CONNTRACK_MAX_ENTRIES],
  options: [
    FAMILIES_OPTION,
    { name: 'protocols', description: 'Protocol names counted in every family (one count query each); default `tcp`, `udp`, `icmp` (IPv4) and `tcp`, `udp`, `icmpv6` (IPv6).' },
  ],
  checkOptions: conntrackSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = conntrackSettings(context.options);
    const families = settings.families.filter((family) => family === 'ipv4' || hasIpv6(context.router));
    const [tracking, counts] = await Promise.all([
      printRows(context, CONNTRACK_TRACKING_PATH, ['max-entries']),
      Promise.all(families.map((family) => countFamily(context, family, settings.protocols[family]))),
    ]);
    return { samples: mapConntrack(tracking, counts).samples };
  },
};
