/**
 * `routes`: active routes per address family, in total and per routing protocol. Every number is
 * a `=count-only=` query: a BGP router's table can hold a million rows, which must never be
 * printed to be counted (akpw/mktxp prints it and counts client-side). Protocol flags are boolean
 * properties on v6 and v7 alike (`bgp=true`), so the same queries work on both.
 */
import type { CollectContext, CollectOutput, Collector, CollectorOptions } from './collector.js';
import { hasIpv6, IP_FAMILIES, readFamilies, type IpFamily } from './support/ip-families.js';
import { gauge } from './support/define.js';
import { isMissingFeature } from './support/fetch.js';
import { CollectorOptionError, readStringList } from './support/options.js';
import { SampleList } from './support/samples.js';
import { FAMILIES_OPTION } from './support/option-specs.js';

export const ROUTE_ACTIVE_ROUTES = gauge(
  'routeros.route.active.routes',
  '{route}',
  'Active routes in the routing table.',
  ['family'],
);
export const ROUTE_PROTOCOL_ACTIVE_ROUTES = gauge(
  'routeros.route.protocol.active.routes',
  '{route}',
  'Active routes in the routing table that came from this protocol (connect, static, bgp, ospf, …).',
  ['family', 'protocol'],
);

/** Protocol flags counted by default. */
export const ROUTE_DEFAULT_PROTOCOLS: readonly string[] = ['connect', 'static', 'bgp', 'ospf'];

/** `/ip/route` or `/ipv6/route`. */
export function routePath(family: IpFamily): string {
  return `/${family === 'ipv4' ? 'ip' : 'ipv6'}/route`;
}

/** Settings from `collectors.routes.*`. */
export interface RoutesSettings {
  /** `families`: `ipv4`, `ipv6` or both (default). */
  readonly families: readonly IpFamily[];
  /** `protocols`: route flags counted per family (`rip`, `dhcp`, …); one count query each. */
  readonly protocols: readonly string[];
}

const FLAG_NAME = /^[a-z][a-z0-9-]*$/;

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function routesSettings(options: CollectorOptions): RoutesSettings {
  const protocols = readStringList(options, 'protocols');
  for (const protocol of protocols) {
    // Each protocol becomes a query word `<flag>=true`; anything else is a typo, not a flag.
    if (!FLAG_NAME.test(protocol)) throw new CollectorOptionError(`protocols: invalid route flag ${JSON.stringify(protocol)}`);
  }
  return { families: readFamilies(options), protocols: protocols.length > 0 ? protocols : ROUTE_DEFAULT_PROTOCOLS };
}

/** The counts of one family. */
export interface RouteCounts {
  readonly family: IpFamily;
  readonly active: number;
  /** Protocol → active routes. */
  readonly protocols: ReadonlyMap<string, number>;
}

async function countFamily(context: CollectContext, family: IpFamily, protocols: readonly string[]): Promise<RouteCounts | undefined> {
  const path = routePath(family);
  const count = (query: string[]): Promise<number> => context.api.count(path, { query, signal: context.signal });
  try {
    const [active, ...perProtocol] = await Promise.all([
      count(['active=true']),
      ...protocols.map((protocol) => count(['active=true', `${protocol}=true`])),
    ]);
    return {
      family,
      active: active ?? 0,
      protocols: new Map(protocols.map((protocol, index) => [protocol, perProtocol[index] ?? 0])),
    };
  } catch (error) {
    // IPv6 is a separate, often disabled package on v6; keep the IPv4 counts then.
    if (family === 'ipv6' && isMissingFeature(error)) return undefined;
    throw error;
  }
}

/** Maps the counts to samples. Pure. */
export function mapRoutes(counts: readonly (RouteCounts | undefined)[]): SampleList {
  const list = new SampleList();
  for (const familyCounts of counts) {
    if (familyCounts === undefined) continue;
    const { family } = familyCounts;
    list.add(ROUTE_ACTIVE_ROUTES, { family }, familyCounts.active);
    for (const [protocol, routes] of familyCounts.protocols) list.add(ROUTE_PROTOCOL_ACTIVE_ROUTES, { family, protocol }, routes);
  }
  return list;
}

export const routesCollector: Collector = {
  name: 'routes',
  defaultEnabled: true,
  summary:
    'Active routes by family and protocol (count-only, the table is never printed); options families, protocols (route flags, default connect, static, bgp, ospf).',
  paths: IP_FAMILIES.map(routePath),
  metrics: [ROUTE_ACTIVE_ROUTES, ROUTE_PROTOCOL_ACTIVE_ROUTES],
  options: [
    FAMILIES_OPTION,
    { name: 'protocols', description: 'Route flags counted per family (`rip`, `dhcp`, …; one count query each); default `connect`, `static`, `bgp`, `ospf`.' },
  ],
  checkOptions: routesSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = routesSettings(context.options);
    const families = settings.families.filter((family) => family === 'ipv4' || hasIpv6(context.router));
    const counts = await Promise.all(families.map((family) => countFamily(context, family, settings.protocols)));
    return { samples: mapRoutes(counts).samples };
  },
};
