/**
 * The IP address families of RouterOS menus (`/ip/…` and `/ipv6/…`), shared by the conntrack,
 * conntrack_sources, firewall and routes collectors.
 */
import type { CollectorOptions, RouterFacts } from '../collector.js';
import { CollectorOptionError, readStringList } from './options.js';

/** Address families of the IP menus (`/ip/…` and `/ipv6/…`); firewall and routes use them too. */
export const IP_FAMILIES = ['ipv4', 'ipv6'] as const;
export type IpFamily = (typeof IP_FAMILIES)[number];

/** The `families` option (conntrack, conntrack_sources, firewall, routes): `ipv4`, `ipv6` or both (default). */
export function readFamilies(options: CollectorOptions): IpFamily[] {
  const families = readStringList(options, 'families');
  for (const family of families) {
    if (!(IP_FAMILIES as readonly string[]).includes(family)) {
      throw new CollectorOptionError(`families: unknown value ${JSON.stringify(family)} (expected ipv4, ipv6)`);
    }
  }
  return IP_FAMILIES.filter((family) => families.length === 0 || families.includes(family));
}

/**
 * On RouterOS 6 IPv6 is a separate package that is often disabled; when the package list is
 * known and lacks it, skip the IPv6 menu instead of sending commands that trap every cycle.
 */
export function hasIpv6(router: RouterFacts): boolean {
  return !(router.major === 6 && router.packages.size > 0 && !router.packages.has('ipv6'));
}
