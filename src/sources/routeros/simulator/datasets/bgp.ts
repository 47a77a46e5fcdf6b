/**
 * The `bgp` family (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). RouterOS 7: `/routing/bgp/session` (runtime
 * sessions, dotted keys kept verbatim), `/routing/bgp/connection` (configuration) and
 * `/routing/bgp/advertisements` (`peer` = session name). RouterOS 6: `/routing/bgp/peer`
 * (configuration and state in one menu, `state=established`), `/routing/bgp/instance` and
 * `/routing/bgp/advertisements` (`peer` = peer name). Uptimes tick with the router's clock and
 * message/byte counters grow.
 */
import type { SimRow } from '../profile.js';
import { itemId, type DatasetPart } from './dataset.js';

const SESSION_GROWTH = { 'remote.messages': 0.05, 'local.messages': 0.05, 'remote.bytes': 12, 'local.bytes': 4 };

function advertisements(peer: string, prefixes: readonly string[], v7: boolean, firstId: number): SimRow[] {
  return prefixes.map((prefix, index): SimRow =>
    v7 ? { '.id': itemId(firstId + index), peer, dst: prefix, afi: prefix.includes(':') ? 'ipv6' : 'ip' } : { peer, prefix },
  );
}

/** A v7 edge router: an upstream eBGP session, a down iBGP session to a route reflector, an IPv6 IX peer. */
export const BGP_V7: DatasetPart = {
  menus: {
    '/routing/bgp/connection': {
      rows: [
        {
          '.id': '*1',
          as: '2020',
          instance: 'default',
          'local.default-address': '220.40.40.2',
          'local.role': 'ebgp',
          name: 'TO-R14C',
          'remote.address': '220.40.40.1',
          'remote.as': '4040',
          'routing-table': 'main',
          inactive: 'false',
          disabled: 'false',
        },
        { '.id': '*2', as: '2020', instance: 'default', 'local.role': 'ibgp', name: 'RR-ibgp', 'remote.address': '10.255.0.1', 'remote.as': '2020', 'routing-table': 'main', inactive: 'false', disabled: 'false' },
        { '.id': '*3', as: '2020', instance: 'default', 'local.role': 'ebgp', name: 'IX-peer', 'remote.address': '2001:db8:ff::1', 'remote.as': '65010', 'routing-table': 'main', inactive: 'false', disabled: 'false' },
      ],
    },
    '/routing/bgp/session': {
      rows: [
        {
          '.id': '*1',
          name: 'TO-R14C-1',
          instance: 'default',
          'remote.address': '220.40.40.1',
          'remote.port': '179',
          'remote.as': '4040',
          'remote.id': '220.40.40.1',
          'remote.afi': 'ip',
          'remote.messages': '1024',
          'remote.bytes': '98765432',
          'local.role': 'ebgp',
          'local.address': '220.40.40.2',
          'local.port': '40123',
          'local.as': '2020',
          'local.id': '220.40.40.2',
          'local.afi': 'ip',
          'local.messages': '998',
          'local.bytes': '54321',
          'routing-table': 'main',
          'hold-time': '3m',
          'keepalive-time': '1m',
          uptime: '1w2d3h4m5s',
          'last-started': '2024-12-24 06:55:55',
          'prefix-count': '912345',
          established: 'true',
          ebgp: 'true',
        },
        {
          '.id': '*2',
          name: 'RR-ibgp-1',
          instance: 'default',
          'remote.address': '10.255.0.1',
          'remote.as': '2020',
          'local.as': '2020',
          'local.role': 'ibgp',
          'last-stopped': '2025-01-02 09:58:00',
          'prefix-count': '0',
          established: 'false',
          ibgp: 'true',
        },
        {
          '.id': '*3',
          name: 'IX-peer-1',
          instance: 'default',
          'remote.address': '2001:db8:ff::1',
          'remote.as': '65010',
          'local.as': '2020',
          'local.role': 'ebgp',
          'remote.afi': 'ipv6',
          'local.afi': 'ipv6',
          uptime: '3h2m1s500ms',
          'prefix-count': '120',
          established: 'true',
          ebgp: 'true',
          'remote.messages': '310',
          'local.messages': '305',
          'remote.bytes': '40211',
          'local.bytes': '9921',
        },
      ],
      growth: SESSION_GROWTH,
      clocks: ['uptime'],
    },
    '/routing/bgp/advertisements': {
      rows: [
        ...advertisements('TO-R14C-1', ['192.0.2.0/24', '198.51.100.0/24'], true, 1),
        ...advertisements('IX-peer-1', ['2001:db8:1234::/48'], true, 3),
      ],
    },
  },
};

/** A v6 router: an established upstream, an idle backup, a disabled peer and a customer without the flag. */
export const BGP_V6: DatasetPart = {
  menus: {
    '/routing/bgp/instance': {
      rows: [{ '.id': '*0', name: 'default', as: '64496', 'router-id': '198.51.100.2', 'routing-table': '', default: 'true', disabled: 'false' }],
    },
    '/routing/bgp/peer': {
      rows: [
        {
          '.id': '*1',
          name: 'upstream',
          instance: 'default',
          'remote-address': '198.51.100.1',
          'remote-as': '64500',
          state: 'established',
          established: 'true',
          'prefix-count': '781234',
          'updates-sent': '12',
          'updates-received': '2400000',
          'withdrawn-sent': '0',
          'withdrawn-received': '1200',
          uptime: '2w1d5h6m7s',
          disabled: 'false',
        },
        { '.id': '*2', name: 'backup', instance: 'default', 'remote-address': '198.51.100.5', 'remote-as': '64501', state: 'idle', established: 'false', 'prefix-count': '0', disabled: 'false' },
        { '.id': '*3', name: 'old', instance: 'default', 'remote-address': '198.51.100.9', 'remote-as': '64502', state: 'idle', disabled: 'true' },
        { '.id': '*4', name: 'customer', instance: 'default', 'remote-address': '203.0.113.2', 'remote-as': '65001', state: 'established', 'prefix-count': '3', uptime: '5h6m7s', disabled: 'false' },
      ],
      growth: { 'updates-received': 2, 'updates-sent': 0.01 },
      clocks: ['uptime'],
    },
    '/routing/bgp/advertisements': {
      rows: [
        ...advertisements('upstream', ['203.0.113.0/24', '192.0.2.0/24'], false, 1),
        ...advertisements('customer', ['0.0.0.0/0'], false, 3),
      ],
    },
  },
};
