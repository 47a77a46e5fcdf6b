/**
 * Menus every RouterOS has whatever is configured: an unconfigured feature is an empty table (which
 * 7.18+ answers with `!empty`), not a missing menu. Only a missing package or board feature answers
 * `no such command prefix`. Profiles put this part first, so family datasets replace its tables.
 */
import type { MenuData } from '../profile.js';
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

/** RouterOS 6 menus that come with the `ipv6` and `routing` packages. */
const V6_IPV6 = ['/ipv6/firewall/filter', '/ipv6/firewall/mangle', '/ipv6/firewall/nat', '/ipv6/firewall/raw', '/ipv6/route'];
const V6_ROUTING = ['/routing/bgp/peer', '/routing/ospf/instance', '/routing/ospf/neighbor'];

/** The always-present menus of a router of this major version with these packages, all empty. */
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
  return { menus };
}
