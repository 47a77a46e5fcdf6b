/**
 * Menus every RouterOS has whatever is configured: an unconfigured feature is an empty table (which
 * 7.18+ answers with `!empty`), not a missing menu, and a settings menu (`/ip/dns`, connection
 * tracking) answers its one row. Only a missing package or board feature answers `no such command
 * prefix`. Profiles put this part first, so family datasets replace its tables.
 */
import type { MenuData, SimRow } from '../profile.js';
import type { DatasetPart } from './dataset.js';

const ALWAYS = [
  '/certificate',
  '/ip/dhcp-server',
  '/ip/dhcp-server/lease',
  '/ip/firewall/connection',
  '/ip/firewall/filter',
  '/ip/firewall/mangle',
  '/ip/firewall/nat',
  '/ip/firewall/raw',
  '/ip/ipsec/active-peers',
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
  '/ipv6/route',
  '/routing/bgp/connection',
  '/routing/bgp/session',
  '/routing/ospf/instance',
  '/routing/ospf/neighbor',
];

/**
 * RouterOS 6 menus that come with the `ipv6` and `routing` packages. RouterOS 6 has no IPv6 NAT
 * (`/ipv6/firewall/nat` arrived with 7.1), but it does track IPv6 connections.
 */
const V6_IPV6 = ['/ipv6/firewall/connection', '/ipv6/firewall/filter', '/ipv6/firewall/mangle', '/ipv6/firewall/raw', '/ipv6/route'];
const V6_ROUTING = ['/routing/bgp/peer', '/routing/ospf/instance', '/routing/ospf/neighbor', '/routing/ospf-v3/instance', '/routing/ospf-v3/neighbor'];

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

/** The always-present menus of a router of this major version with these packages: empty tables and default settings. */
export function baseDataset(major: number, packages: readonly string[]): DatasetPart {
  const paths = [...ALWAYS];
  if (major >= 7) paths.push(...V7);
  else {
    if (packages.includes('ipv6')) paths.push(...V6_IPV6);
    if (packages.includes('routing')) paths.push(...V6_ROUTING);
  }
  const menus: Record<string, MenuData> = Object.fromEntries(paths.map((path) => [path, { rows: [] }]));
  // Connection tracking always has its settings row.
  menus['/ip/firewall/connection/tracking'] = {
    rows: [{ enabled: 'auto', 'max-entries': major >= 7 ? '1048576' : '174400', 'total-entries': '0' }],
  };
  // So does the resolver, with its default 2 MiB cache (sizes in KiB), even when nothing uses it.
  menus['/ip/dns'] = { rows: [dnsSettings(major)] };
  return { menus };
}
