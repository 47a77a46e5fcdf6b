/**
 * Menus every RouterOS has whatever is configured: an unconfigured feature is an empty table (which
 * 7.18+ answers with `!empty`), not a missing menu, and a settings menu (`/ip/dns`, connection
 * tracking) answers its one row. Only a missing package or board feature answers `no such command
 * prefix`. Profiles put this part first, so family datasets replace its tables.
 */
import type { MenuData, SimRow } from '../profile.js';
import type { DatasetPart } from './dataset.js';
import { DEFAULT_TEMPLATE } from './ipsec.js';
import { routingProcessRows } from './routing-extras.js';
import { atLeast, type RosVersion } from '../version.js';

const ALWAYS = [
  '/certificate',
  '/interface/bridge/vlan',
  '/interface/eoip',
  '/interface/gre',
  '/interface/ipip',
  '/interface/vlan',
  '/ip/firewall/address-list',
  '/ip/dhcp-server',
  '/ip/dhcp-server/lease',
  '/ip/firewall/connection',
  '/ip/firewall/filter',
  '/ip/firewall/mangle',
  '/ip/firewall/nat',
  '/ip/firewall/raw',
  '/ip/ipsec/active-peers',
  '/ip/ipsec/installed-sa',
  '/ip/neighbor',
  '/ip/pool',
  '/ip/pool/used',
  '/ip/route',
  '/ppp/active',
  '/queue/simple',
  '/queue/tree',
  '/tool/netwatch',
  '/user/active',
];

/** Built into RouterOS 7 (routing, IPv6 and WireGuard are no longer separate packages). */
const V7 = [
  '/interface/wireguard',
  '/interface/wireguard/peers',
  '/ipv6/firewall/connection',
  '/ipv6/firewall/filter',
  '/ipv6/firewall/mangle',
  '/ipv6/firewall/nat',
  '/ipv6/firewall/raw',
  '/ipv6/firewall/address-list',
  '/ipv6/dhcp-server/binding',
  '/ipv6/neighbor',
  '/ipv6/pool',
  '/ipv6/pool/used',
  '/ipv6/route',
  '/ip/kid-control/device',
  '/routing/bfd/session',
  '/routing/bgp/connection',
  '/routing/bgp/session',
  '/routing/ospf/instance',
  '/routing/ospf/neighbor',
  '/routing/stats/process',
];

/** The `wifi` menus are in the base package from 7.13 (CAPsMAN for `wifi` CAPs needs no driver package). */
const V7_WIFI = ['/interface/wifi', '/interface/wifi/registration-table', '/interface/wifi/capsman/remote-cap'];

/** Menus of optional packages, by package name. */
const PACKAGE_MENUS: Readonly<Record<string, readonly string[]>> = {
  wireless: ['/interface/wireless', '/interface/wireless/registration-table', '/caps-man/interface', '/caps-man/registration-table', '/caps-man/remote-cap'],
  wifiwave2: ['/interface/wifiwave2', '/interface/wifiwave2/registration-table', '/interface/wifiwave2/capsman/remote-cap'],
  container: ['/container'],
  lte: ['/interface/lte'],
};

/**
 * RouterOS 6 menus that come with the `ipv6` and `routing` packages. RouterOS 6 has no IPv6 NAT
 * (`/ipv6/firewall/nat` arrived with 7.1), but it does track IPv6 connections.
 */
const V6_IPV6 = [
  ...['/ipv6/firewall/connection', '/ipv6/firewall/filter', '/ipv6/firewall/mangle', '/ipv6/firewall/raw', '/ipv6/firewall/address-list'],
  ...['/ipv6/dhcp-server/binding', '/ipv6/neighbor', '/ipv6/pool', '/ipv6/pool/used', '/ipv6/route'],
];
const V6_ROUTING = [
  ...['/routing/bgp/peer', '/routing/bfd/neighbor', '/routing/ospf/instance', '/routing/ospf/neighbor'],
  ...['/routing/ospf-v3/instance', '/routing/ospf-v3/neighbor'],
];

/**
 * `/ip/cloud` of a router that never enabled DDNS (v6 and v7 answer the settings row; `public-address`
 * appears once DDNS or `update-time` asked the cloud): https://help.mikrotik.com/docs/spaces/ROS/pages/97779929/Cloud.
 */
function cloudSettings(major: number): SimRow {
  const row: SimRow = { 'ddns-enabled': 'false', 'ddns-update-interval': 'none', 'update-time': 'false', status: '' };
  if (major >= 7) row['back-to-home-vpn'] = 'revoked-and-disabled';
  return row;
}

/** `/ip/dns` of an unconfigured resolver; v7 adds the DoH and concurrency settings. */
function dnsSettings(major: number): SimRow {
  const row: SimRow = {
    servers: '',
    'dynamic-servers': '',
    'allow-remote-requests': 'false',
    'max-udp-packet-size': '4096',
    'query-server-timeout': '2s',
    'query-total-timeout': '10s',
    'cache-size': '2048',
    'cache-max-ttl': '1w',
    'cache-used': '14',
  };
  if (major >= 7) Object.assign(row, { 'max-concurrent-queries': '100', 'max-concurrent-tcp-sessions': '20', 'use-doh-server': '', 'verify-doh-cert': 'false' });
  return row;
}

/** The always-present menus of a router of this version with these packages: empty tables and default settings. */
export function baseDataset(version: RosVersion, packages: readonly string[]): DatasetPart {
  const major = version.major;
  const paths = [...ALWAYS];
  if (major >= 7) {
    paths.push(...V7);
    if (atLeast(version, 7, 13)) paths.push(...V7_WIFI);
  } else {
    if (packages.includes('ipv6')) paths.push(...V6_IPV6);
    if (packages.includes('routing')) paths.push(...V6_ROUTING);
    // Kid control arrived in 6.45.
    if (atLeast(version, 6, 45)) paths.push('/ip/kid-control/device');
  }
  for (const name of packages) paths.push(...(PACKAGE_MENUS[name] ?? []));
  const menus: Record<string, MenuData> = Object.fromEntries(paths.map((path) => [path, { rows: [] }]));
  // Connection tracking always has its settings row.
  menus['/ip/firewall/connection/tracking'] = {
    rows: [{ enabled: 'auto', 'max-entries': major >= 7 ? '1048576' : '174400', 'total-entries': '0' }],
  };
  // So does the resolver, with its default 2 MiB cache (sizes in KiB), even when nothing uses it.
  menus['/ip/dns'] = { rows: [dnsSettings(major)] };
  menus['/ip/cloud'] = { rows: [cloudSettings(major)] };
  // Every RouterOS has the default IPsec policy template, even with IPsec unused.
  menus['/ip/ipsec/policy'] = { rows: [DEFAULT_TEMPLATE] };
  // Every RouterOS 7 runs the main and FIB routing processes.
  if (major >= 7) menus['/routing/stats/process'] = { rows: routingProcessRows() };
  return { menus };
}
