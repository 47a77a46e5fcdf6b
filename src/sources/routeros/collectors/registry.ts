/**
 * Every collector family the agent knows, in docs and config order. An explicit list (no
 * import-time registration) so what runs is visible in one place.
 */
import { addressListsCollector } from './address-lists.js';
import { bfdCollector } from './bfd.js';
import { bgpCollector } from './bgp.js';
import { capsmanCollector } from './capsman.js';
import { routingStatsCollector } from './routing-stats.js';
import type { Collector } from './collector.js';
import { ethernetCollector } from './ethernet.js';
import { sfpCollector } from './sfp.js';
import { switchPortsCollector } from './switch-ports.js';
import { poeCollector } from './poe.js';
import { wirelessCollector } from './wireless.js';
import { certificateCollector } from './certificate.js';
import { netwatchCollector } from './netwatch.js';
import { dnsCollector } from './dns.js';
import { usersCollector } from './users.js';
import { firmwareCollector } from './firmware.js';
import { inventoryCollector } from './inventory.js';
import { neighborsCollector } from './neighbors.js';
import { lteCollector } from './lte.js';
import { w60gCollector } from './w60g.js';
import { conntrackSourcesCollector } from './conntrack-sources.js';
import { conntrackCollector } from './conntrack.js';
import { dhcpLeasesCollector } from './dhcp-leases.js';
import { dhcpCollector } from './dhcp.js';
import { firewallCollector } from './firewall.js';
import { healthCollector } from './health.js';
import { interfaceCollector } from './interface.js';
import { interfaceDetailsCollector } from './interface-details.js';
import { ipsecCollector } from './ipsec.js';
import { ipsecPoliciesCollector } from './ipsec-policies.js';
import { ipv6Collector } from './ipv6.js';
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
  interfaceDetailsCollector,
  ethernetCollector,
  sfpCollector,
  switchPortsCollector,
  poeCollector,
  firewallCollector,
  addressListsCollector,
  conntrackCollector,
  conntrackSourcesCollector,
  dhcpCollector,
  dhcpLeasesCollector,
  ipv6Collector,
  wireguardCollector,
  routesCollector,
  bgpCollector,
  bfdCollector,
  ospfCollector,
  routingStatsCollector,
  pppCollector,
  ipsecCollector,
  ipsecPoliciesCollector,
  queueCollector,
  wirelessCollector,
  capsmanCollector,
  w60gCollector,
  certificateCollector,
  netwatchCollector,
  dnsCollector,
  usersCollector,
  firmwareCollector,
  inventoryCollector,
  neighborsCollector,
  lteCollector,
];

/** The collector called `name`, if any. */
export function findCollector(name: string): Collector | undefined {
  return COLLECTORS.find((collector) => collector.name === name);
}
