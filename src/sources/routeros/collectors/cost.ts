/**
 * What one poll cycle costs a router: API commands per collector with every default collector on,
 * measured against the simulator's largest profiles by test/sources/routeros/collectors/cost.test.ts, which fails when
 * the code's real cost moves away from these figures. Rendered into docs/metrics.md.
 */

import type { CollectorOptions } from './collector.js';

/** Commands one cycle sends to a router of one profile, per collector (login and detection excluded). */
export interface CycleCost {
  /** Simulator profile id. */
  readonly profile: string;
  readonly description: string;
  /** Collector name → commands per cycle. Collectors on their own slower interval are marked in docs. */
  readonly commands: Readonly<Record<string, number>>;
  /** Series the profile produces with the default collectors. */
  readonly series: number;
}

/** Once per connection, before the first cycle: `/system/resource` and `/system/package`. */
export const DETECTION_COMMANDS = 2;

export const MEASURED_CYCLE_COSTS: readonly CycleCost[] = [
  {
    profile: 'ccr2004-v7',
    description: 'CCR2004, RouterOS 7.19: 18 ports, 48 VLANs, BGP and OSPF, 2,000 BGP routes',
    commands: { system: 3, health: 1, interface: 1, ethernet: 2, sfp: 2, switch_ports: 1, poe: 1, firewall: 8, conntrack: 9, dhcp: 2, wireguard: 1, routes: 10, bgp: 1, bfd: 1, ospf: 2, routing_stats: 1, ppp: 6, ipsec: 1, ipsec_policies: 2, queue: 2, wireless: 4, capsman: 2, w60g: 1, certificate: 2, netwatch: 1, users: 1, firmware: 2 },
    series: 1308,
  },
  {
    profile: 'ccr1036-pppoe-v7',
    description: 'CCR1036 PPPoE concentrator, RouterOS 7.16: 300 subscribers with dynamic queues',
    commands: { system: 3, health: 1, interface: 1, ethernet: 2, sfp: 2, switch_ports: 1, poe: 1, firewall: 8, conntrack: 9, dhcp: 2, wireguard: 1, routes: 10, bgp: 1, bfd: 1, ospf: 2, routing_stats: 1, ppp: 6, ipsec: 1, ipsec_policies: 2, queue: 2, wireless: 1, capsman: 1, w60g: 1, certificate: 2, netwatch: 1, users: 1, firmware: 2 },
    series: 3781,
  },
];

/** What an option adds to a cycle, or what a collector costs where the feature exists, measured on a profile that has it. */
export interface OptionCost {
  readonly collector: string;
  /** The options measured; `{}` for the collector's defaults. */
  readonly options: CollectorOptions;
  /** Simulator profile id. */
  readonly profile: string;
  /** Commands of the collector per cycle with its default options (0 when it is off by default). */
  readonly baseline: number;
  /** Commands of the collector per cycle with `options`. */
  readonly commands: number;
  readonly note: string;
}

export const MEASURED_OPTION_COSTS: readonly OptionCost[] = [
  {
    collector: 'wireless',
    options: { clients: true, dhcp_names: true },
    profile: 'hap-ac2-v6',
    baseline: 4,
    commands: 5,
    note: 'one lease print matching only the kept clients\' MAC addresses',
  },
  {
    collector: 'w60g',
    options: {},
    profile: 'wireless-wire-v7',
    baseline: 2,
    commands: 2,
    note: 'the interface print and one monitor for all 60 GHz interfaces; on the profiles above, without 60 GHz radios, the print alone, answered by a missing-menu trap after which the poller drops the family until it reconnects',
  },
  {
    collector: 'capsman',
    options: { radios: true },
    profile: 'chr-v7-18',
    baseline: 1,
    commands: 3,
    note: 'a print of the CAPsMAN-managed `/interface/wifi` interfaces and one monitor for all of them',
  },
];
