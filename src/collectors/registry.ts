/**
 * Every collector family the agent knows, in docs and config order. An explicit list (no
 * import-time registration) so what runs is visible in one place.
 */
import { bgpCollector } from './bgp.js';
import type { Collector } from './collector.js';
import { conntrackSourcesCollector } from './conntrack-sources.js';
import { conntrackCollector } from './conntrack.js';
import { dhcpLeasesCollector } from './dhcp-leases.js';
import { dhcpCollector } from './dhcp.js';
import { firewallCollector } from './firewall.js';
import { healthCollector } from './health.js';
import { interfaceCollector } from './interface.js';
import { ipsecCollector } from './ipsec.js';
import { ospfCollector } from './ospf.js';
import { pppCollector } from './ppp.js';
import { queueCollector } from './queue.js';
import { routesCollector } from './routes.js';
import { systemCollector } from './system.js';
import { wireguardCollector } from './wireguard.js';

export const COLLECTORS: readonly Collector[] = [
  systemCollector,
  healthCollector,
  interfaceCollector,
  firewallCollector,
  conntrackCollector,
  conntrackSourcesCollector,
  dhcpCollector,
  dhcpLeasesCollector,
  wireguardCollector,
  routesCollector,
  bgpCollector,
  ospfCollector,
  pppCollector,
  ipsecCollector,
  queueCollector,
];

/** The collector called `name`, if any. */
export function findCollector(name: string): Collector | undefined {
  return COLLECTORS.find((collector) => collector.name === name);
}
