/**
 * BFD sessions, routing processes and firewall address lists:
 *
 * - `/routing/bfd/session` (v7) and `/routing/bfd/neighbor` (v6) beside BGP, one session up and one down
 *   (https://help.mikrotik.com/docs/spaces/ROS/pages/191299691/BFD);
 * - `/routing/stats/process` (v7), the processes of a router running BGP and OSPF, or only the base ones
 *   (https://help.mikrotik.com/docs/spaces/ROS/pages/328223/Routing+Stats);
 * - `/ip/firewall/address-list` and `/ipv6/firewall/address-list` with a blocklist (dynamic entries with a
 *   timeout, as `add-src-to-address-list` creates them) and a small static allow-list.
 *
 * Packet counters grow and uptimes tick with the router's clock.
 */
import type { SimRow } from '../profile.js';
import { itemId, type DatasetPart } from './dataset.js';

const BFD_GROWTH = { 'packets-rx': 5, 'packets-tx': 5 };

function bfdSession(id: number, remote: string, local: string, iface: string, up: boolean, v6: boolean): SimRow {
  return {
    '.id': itemId(id),
    [v6 ? 'address' : 'remote-address']: remote,
    ...(v6 ? {} : { 'local-address': local }),
    interface: iface,
    up: String(up),
    state: up ? 'up' : 'down',
    ...(up ? { uptime: '6d4h12m5s' } : {}),
    'state-changes': up ? '3' : '11',
    'actual-tx-interval': up ? '200ms' : '1s',
    'desired-tx-interval': up ? '200ms' : '1s',
    'required-min-rx': '200ms',
    'hold-time': up ? '600ms' : '3s',
    multiplier: '3',
    'packets-rx': up ? '2675130' : '0',
    'packets-tx': up ? '2675488' : '14020',
  };
}

/** BFD beside the v7 BGP dataset: the eBGP upstream up, the iBGP route reflector down. */
export const BFD_V7: DatasetPart = {
  menus: {
    '/routing/bfd/session': {
      rows: [bfdSession(1, '220.40.40.1', '220.40.40.2', 'sfp-sfpplus1', true, false), bfdSession(2, '10.255.0.1', '10.255.0.2', 'ether1', false, false)],
      growth: BFD_GROWTH,
      clocks: ['uptime'],
    },
  },
};

/** BFD on v6 (routing package): the BGP upstream. */
export const BFD_V6: DatasetPart = {
  menus: {
    '/routing/bfd/neighbor': {
      rows: [bfdSession(1, '198.51.100.1', '', 'ether1', true, true)],
      growth: BFD_GROWTH,
      clocks: ['uptime'],
    },
  },
};

function processRow(id: number, tasks: string, privateBlocks: number, cpu: string): SimRow {
  return {
    '.id': itemId(id),
    tasks,
    id: `${tasks.split(',')[0]!.trim()}`,
    pid: String(300 + id),
    rpid: '0',
    'private-mem-blocks': String(privateBlocks),
    'shared-mem-blocks': String(Math.floor(privateBlocks / 4)),
    'process-time': cpu,
    'kernel-time': '1m12s',
    'cur-busy': '0ms',
    'max-busy': '420ms',
    'cur-calc': '0ms',
    'max-calc': '1s250ms',
  };
}

/** The routing processes every RouterOS 7 runs. */
export function routingProcessRows(protocols: readonly string[] = []): SimRow[] {
  const rows = [processRow(1, 'main', 512, '3m40s'), processRow(2, 'fib', 2048, '12m5s')];
  protocols.forEach((protocol, index) => rows.push(processRow(3 + index, protocol, protocol === 'bgp' ? 96_000 : 1_024, '1h2m3s')));
  return rows;
}

/** A v7 router running BGP and OSPF: their processes beside the base ones. */
export const ROUTING_STATS_BGP_OSPF: DatasetPart = {
  menus: { '/routing/stats/process': { rows: routingProcessRows(['bgp', 'ospf']) } },
};

function addressListRows(family: 'ipv4' | 'ipv6', blocklist: number, allowed: number): SimRow[] {
  const rows: SimRow[] = [];
  for (let index = 0; index < blocklist; index += 1) {
    const address = family === 'ipv4' ? `198.51.${100 + Math.floor(index / 250)}.${index % 250}` : `2001:db8:bad::${index.toString(16)}`;
    rows.push({ '.id': itemId(rows.length + 1), list: 'blocklist', address, dynamic: 'true', timeout: '23h10m', 'creation-time': '2026-01-14 12:00:00' });
  }
  for (let index = 0; index < allowed; index += 1) {
    const address = family === 'ipv4' ? `192.0.2.${10 + index}` : `2001:db8:1::${10 + index}`;
    rows.push({ '.id': itemId(rows.length + 1), list: 'allowed', address, dynamic: 'false', 'creation-time': '2025-06-01 08:00:00' });
  }
  return rows;
}

/** Address lists of a border router: a 600-entry blocklist and a 4-entry allow-list, fewer for IPv6. */
export const ADDRESS_LISTS_BORDER: DatasetPart = {
  menus: {
    '/ip/firewall/address-list': { rows: addressListRows('ipv4', 600, 4) },
    '/ipv6/firewall/address-list': { rows: addressListRows('ipv6', 40, 2) },
  },
};

/** Address lists of a home router (v6): a small blocklist and allow-list, IPv4 only. */
export const ADDRESS_LISTS_HOME: DatasetPart = {
  menus: { '/ip/firewall/address-list': { rows: addressListRows('ipv4', 25, 3) } },
};
