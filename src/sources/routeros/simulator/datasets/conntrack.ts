/**
 * The `conntrack` family (and `conntrack_sources`, which reads the same menus):
 * `/ip/firewall/connection`, `/ipv6/firewall/connection` and `/ip/firewall/connection/tracking`
 * (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). The API packs ports into addresses (`10.0.0.1:443`,
 * `[2001:db8::1]:443`); ICMP and GRE endpoints have none. Rows are generated deterministically.
 */
import type { SimRow } from '../profile.js';
import { itemId, unitFraction, type DatasetPart } from './dataset.js';

/** Options of {@link conntrackDataset}. */
export interface ConntrackSpec {
  /** IPv4 connections in the table. */
  ipv4: number;
  /** IPv6 connections; undefined: no IPv6 menu (v6 without the ipv6 package). */
  ipv6?: number;
  /** Busy LAN clients the connections come from (`192.168.88.<10+n>`). */
  clients: number;
  /** `max-entries` of the tracking settings. */
  maxEntries: number;
  /** v7 reports `enabled=yes`, `active-ipv4`/`active-ipv6` and per-family totals. */
  v7: boolean;
}

const PROTOCOLS = ['tcp', 'tcp', 'tcp', 'udp', 'udp', 'icmp', 'gre'] as const;

function ipv4Row(index: number, clients: number): SimRow {
  const protocol = PROTOCOLS[index % PROTOCOLS.length] ?? 'tcp';
  // Skewed towards the first clients so per-source counts differ, like a real LAN.
  const client = 10 + Math.floor(unitFraction(`src${index}`) ** 2 * clients);
  const server = `203.0.113.${1 + (index % 200)}`;
  const port = 40_000 + (index % 20_000);
  const ported = protocol === 'tcp' || protocol === 'udp';
  const row: SimRow = {
    '.id': itemId(0x3900 + index),
    protocol,
    'src-address': ported ? `192.168.88.${client}:${port}` : `192.168.88.${client}`,
    'dst-address': ported ? `${server}:${protocol === 'udp' ? 53 : 443}` : server,
    timeout: protocol === 'tcp' ? '23h59m50s' : '9s',
    'orig-bytes': String(1_000 + index * 37),
    'repl-bytes': String(2_000 + index * 53),
    assured: 'true',
    confirmed: 'true',
    'seen-reply': 'true',
    srcnat: 'true',
  };
  if (protocol === 'tcp') row['tcp-state'] = 'established';
  return row;
}

function ipv6Row(index: number): SimRow {
  const protocol = (['tcp', 'udp', 'icmpv6'] as const)[index % 3] ?? 'tcp';
  const source = `2001:db8:88::${(10 + (index % 7)).toString(16)}`;
  const ported = protocol !== 'icmpv6';
  return {
    '.id': itemId(0x100 + index),
    protocol,
    'src-address': ported ? `[${source}]:${50_000 + index}` : source,
    'dst-address': ported ? `[2001:db8:ff::${(index % 50).toString(16)}]:443` : '2001:db8:ff::1',
    timeout: '9s',
    confirmed: 'true',
  };
}

/** Builds the connection tables and the tracking settings. */
export function conntrackDataset(spec: ConntrackSpec): DatasetPart {
  const ipv4 = Array.from({ length: spec.ipv4 }, (_, index) => ipv4Row(index, spec.clients));
  const tracking: SimRow = spec.v7
    ? {
        enabled: 'yes',
        'active-ipv4': 'yes',
        'active-ipv6': spec.ipv6 === undefined ? 'no' : 'yes',
        'generic-timeout': '10m',
        'icmp-timeout': '10s',
        'loose-tcp-tracking': 'true',
        'max-entries': String(spec.maxEntries),
        'tcp-established-timeout': '1d',
        'udp-timeout': '10s',
        'total-entries': String(spec.ipv4 + (spec.ipv6 ?? 0)),
        'total-ip4-entries': String(spec.ipv4),
        'total-ip6-entries': String(spec.ipv6 ?? 0),
      }
    : {
        enabled: 'auto',
        'generic-timeout': '10m',
        'icmp-timeout': '10s',
        'tcp-established-timeout': '1d',
        'udp-timeout': '10s',
        'max-entries': String(spec.maxEntries),
        'total-entries': String(spec.ipv4),
      };
  const menus: NonNullable<DatasetPart['menus']> = {
    '/ip/firewall/connection': { rows: ipv4 },
    '/ip/firewall/connection/tracking': { rows: [tracking] },
  };
  if (spec.ipv6 !== undefined) {
    menus['/ipv6/firewall/connection'] = { rows: Array.from({ length: spec.ipv6 }, (_, index) => ipv6Row(index)) };
  }
  return { menus };
}

/** A v7 edge router: 240 IPv4 and 30 IPv6 connections from 25 clients. */
export const CONNTRACK_V7: DatasetPart = conntrackDataset({ ipv4: 240, ipv6: 30, clients: 25, maxEntries: 1_048_576, v7: true });

/** A v6 home router without the ipv6 package: 60 IPv4 connections from 8 clients. */
export const CONNTRACK_V6: DatasetPart = conntrackDataset({ ipv4: 60, clients: 8, maxEntries: 174_400, v7: false });
