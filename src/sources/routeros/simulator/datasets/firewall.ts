/**
 * The `firewall` family: `/ip/firewall/{filter,nat,mangle,raw}` and `/ipv6/firewall/*` with rule
 * counters (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). Counters grow per rule; disabled rules do not count. The v6
 * variant has no IPv6 menus (the `ipv6` package is disabled, so they answer `no such command prefix`).
 */
import type { MenuData, SimRow } from '../profile.js';
import type { DatasetPart } from './dataset.js';

/** Bytes and packets per second per matching rule, before the router model's per-row spread. */
const RULE_GROWTH: Record<string, number> = { bytes: 40_000, packets: 45 };

function rule(id: string, chain: string, action: string, bytes: string, packets: string, extra: SimRow = {}): SimRow {
  return { '.id': id, chain, action, disabled: 'false', dynamic: 'false', invalid: 'false', log: 'false', 'log-prefix': '', bytes, packets, ...extra };
}

function menu(rows: SimRow[]): MenuData {
  return { rows, growth: RULE_GROWTH };
}

const IPV4_FILTER_V7: SimRow[] = [
  rule('*1', 'forward', 'passthrough', '73548327516', '61230011', { comment: 'special dummy rule to show fasttrack counters', dynamic: 'true' }),
  rule('*2', 'input', 'accept', '9007199254740993', '41234567', {
    comment: 'defconf: accept established,related,untracked',
    'connection-state': 'established,related,untracked',
  }),
  rule('*3', 'input', 'drop', '1520', '38', { comment: 'defconf: drop invalid', 'connection-state': 'invalid' }),
  rule('*4', 'input', 'accept', '88120', '1102', { comment: 'defconf: accept ICMP', protocol: 'icmp' }),
  rule('*5', 'forward', 'fasttrack-connection', '0', '0', { comment: 'defconf: fasttrack', 'connection-state': 'established,related', 'hw-offload': 'true' }),
  // Telegraf testData rule: disabled, so a collector that skips disabled rules never sees it.
  rule('*37', 'forward', 'accept', '0', '0', {
    comment: 'VPN',
    disabled: 'true',
    'src-address': '10.10.10.0/24',
    'out-interface': 'VPN',
    'connection-state': 'established,related',
  }),
  // Same chain, action and comment as the next one (akpw/mktxp #153): only `.id` tells them apart.
  rule('*38', 'forward', 'accept', '4411', '27', { comment: 'VPN', 'src-address': '10.10.20.0/24', 'out-interface': 'VPN' }),
  rule('*39', 'forward', 'accept', '880', '9', { comment: 'VPN', 'src-address': '10.10.30.0/24', 'out-interface': 'VPN' }),
  rule('*3A', 'input', 'drop', '731224', '10233', { comment: 'defconf: drop all not coming from LAN', 'in-interface-list': '!LAN' }),
];

const IPV4_NAT_V7: SimRow[] = [
  rule('*1', 'srcnat', 'masquerade', '99887766', '112233', { comment: 'defconf: masquerade', 'out-interface-list': 'WAN' }),
  rule('*2', 'srcnat', 'masquerade', '0', '0', { 'out-interface': 'all-wireless', 'src-address-list': 'LAN' }),
  // UPnP-created rules: dynamic and without comment.
  rule('*5', 'dstnat', 'dst-nat', '1200', '14', { dynamic: 'true', protocol: 'udp', 'dst-port': '3544', 'to-addresses': '192.168.88.20' }),
  rule('*6', 'dstnat', 'dst-nat', '96', '2', { dynamic: 'true', protocol: 'tcp', 'dst-port': '32400', 'to-addresses': '192.168.88.21' }),
];

const IPV4_MANGLE: SimRow[] = [rule('*1', 'prerouting', 'accept', '31611', '325')];

const IPV4_RAW: SimRow[] = [
  rule('*1', 'prerouting', 'notrack', '500', '5', { comment: 'bypass lan', 'src-address': '192.168.88.0/24' }),
  rule('*2', 'output', 'accept', '0', '0', { disabled: 'true' }),
];

const IPV6_FILTER: SimRow[] = [
  rule('*1', 'input', 'accept', '33120', '412', { comment: 'defconf: accept ICMPv6', protocol: 'icmpv6' }),
  rule('*2', 'input', 'accept', '20112', '301', { comment: 'defconf: accept established,related,untracked', 'connection-state': 'established,related,untracked' }),
  rule('*3', 'forward', 'drop', '0', '0', { comment: 'defconf: drop everything else not coming from LAN', 'in-interface-list': '!LAN' }),
];

/** RouterOS 7: IPv4 and IPv6 tables, IPv6 NAT included (7.1+). */
export const FIREWALL_V7: DatasetPart = {
  menus: {
    '/ip/firewall/filter': menu(IPV4_FILTER_V7),
    '/ip/firewall/nat': menu(IPV4_NAT_V7),
    '/ip/firewall/mangle': menu(IPV4_MANGLE),
    '/ip/firewall/raw': menu(IPV4_RAW),
    '/ipv6/firewall/filter': menu(IPV6_FILTER),
    '/ipv6/firewall/nat': menu([]),
    '/ipv6/firewall/mangle': menu([]),
    '/ipv6/firewall/raw': menu([]),
  },
};

/** RouterOS 6 with the ipv6 package disabled: IPv4 tables only. */
export const FIREWALL_V6: DatasetPart = {
  menus: {
    '/ip/firewall/filter': menu([
      rule('*1', 'forward', 'passthrough', '123456789', '234567', { comment: 'special dummy rule to show fasttrack counters', dynamic: 'true' }),
      rule('*2', 'input', 'accept', '5544332211', '4433221', { comment: 'defconf: accept established,related', 'connection-state': 'established,related' }),
      rule('*3', 'forward', 'fasttrack-connection', '0', '0', { 'connection-state': 'established,related' }),
      rule('*4', 'input', 'drop', '82231', '1201', { comment: 'defconf: drop all from WAN', 'in-interface': 'ether1' }),
    ]),
    '/ip/firewall/nat': menu([rule('*1', 'srcnat', 'masquerade', '99887766', '112233', { comment: 'defconf: masquerade', 'out-interface-list': 'WAN' })]),
    '/ip/firewall/mangle': menu([]),
    '/ip/firewall/raw': menu([]),
  },
};
