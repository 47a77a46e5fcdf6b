/**
 * The `ppp` family: `/ppp/active` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). {@link pppDataset} generates the
 * sessions of a concentrator: PPPoE subscribers named `sub0001`… (caller id = client MAC, address
 * from 100.64.0.0/10) plus a few remote-access VPN users. Session uptimes tick with the router's
 * clock. The subscribers' dynamic simple queues come from `queueDataset({ subscribers })`.
 */
import type { SimRow } from '../profile.js';
import { itemId, unitFraction, type DatasetPart } from './dataset.js';

/** Options of {@link pppDataset}: sessions per service. */
export interface PppSpec {
  pppoe: number;
  l2tp?: number;
  sstp?: number;
  ovpn?: number;
  pptp?: number;
}

/** Name of the n-th (0-based) generated PPPoE subscriber: `sub0001`. */
export function subscriberName(index: number): string {
  return `sub${String(index + 1).padStart(4, '0')}`;
}

function uptime(seed: string): string {
  const seconds = Math.floor(unitFraction(seed) * 9 * 86_400);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${days > 0 ? `${days}d` : ''}${hours}h${minutes}m${seconds % 60}s`;
}

/** Builds `/ppp/active`. */
export function pppDataset(spec: PppSpec): DatasetPart {
  const rows: SimRow[] = [];
  let next = 1;
  for (let index = 0; index < spec.pppoe; index += 1) {
    const name = subscriberName(index);
    rows.push({
      '.id': itemId(next++),
      name,
      service: 'pppoe',
      'caller-id': `AA:BB:CC:${((index >> 16) & 0xff).toString(16).padStart(2, '0').toUpperCase()}:${((index >> 8) & 0xff)
        .toString(16)
        .padStart(2, '0')
        .toUpperCase()}:${(index & 0xff).toString(16).padStart(2, '0').toUpperCase()}`,
      address: `100.64.${Math.floor(index / 250)}.${(index % 250) + 2}`,
      uptime: uptime(name),
      encoding: '',
      'session-id': `0x${(0x8100_0000 + index).toString(16).toUpperCase()}`,
      'limit-bytes-in': '0',
      'limit-bytes-out': '0',
      radius: 'true',
    });
  }
  const vpn: readonly [keyof PppSpec, string][] = [
    ['l2tp', 'cbc(aes) + hmac(sha1)'],
    ['sstp', 'AES256-CBC'],
    ['ovpn', 'BF-128-CBC'],
    ['pptp', 'MPPE128 stateless'],
  ];
  for (const [service, encoding] of vpn) {
    for (let index = 0; index < (spec[service] ?? 0); index += 1) {
      const name = `${service}-user${index + 1}`;
      rows.push({
        '.id': itemId(next++),
        name,
        service,
        'caller-id': `198.51.100.${10 + (next % 200)}`,
        address: `10.20.0.${(next % 250) + 2}`,
        uptime: uptime(name),
        encoding,
        radius: 'false',
      });
    }
  }
  return { menus: { '/ppp/active': { rows, clocks: ['uptime'] } } };
}

/** A v7 PPPoE concentrator: 300 subscribers and a handful of VPN users. */
export const PPP_CONCENTRATOR_V7: DatasetPart = pppDataset({ pppoe: 300, l2tp: 4, sstp: 2, ovpn: 2 });

/** A v6 router with a few remote-access users (the recorded /ppp/active sample among them). */
export const PPP_V6: DatasetPart = {
  menus: {
    '/ppp/active': {
      rows: [
        { '.id': '*1', name: 'vpn-user1', service: 'l2tp', 'caller-id': '198.51.100.9', address: '10.20.0.5', uptime: '1h2m', encoding: 'cbc(aes) + hmac(sha1)', radius: 'false' },
        { '.id': '*2', name: 'alice', service: 'pppoe', 'caller-id': 'AA:BB:CC:00:00:01', address: '100.64.0.10', uptime: '3d4h5m6s', radius: 'true' },
        { '.id': '*3', name: 'carol', service: 'sstp', 'caller-id': '203.0.113.50', address: '10.20.0.6', uptime: '2h', radius: 'false' },
      ],
      clocks: ['uptime'],
    },
  },
};
