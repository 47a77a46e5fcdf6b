/**
 * The `ipsec` family: `/ip/ipsec/active-peers` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). v7 peers carry traffic
 * counters (which grow); on v6 they are unverified and left out. A peer that is not established
 * (`expired`) has no counters. Phase 2: `/ip/ipsec/policy` (the default template, and per tunnel a
 * policy whose `sa-dst-address` is the peer) and `/ip/ipsec/installed-sa` (an inbound and an outbound
 * SA per established tunnel), https://help.mikrotik.com/docs/spaces/ROS/pages/11993097/IPsec.
 */
import type { SimRow } from '../profile.js';
import type { DatasetPart } from './dataset.js';

/** The policy template every RouterOS has (`group=default`, flag T). */
export const DEFAULT_TEMPLATE: SimRow = { '.id': '*10000', group: 'default', 'src-address': '::/0', 'dst-address': '::/0', protocol: 'all', proposal: 'default', template: 'true', dynamic: 'false', disabled: 'false' };

function policy(id: string, src: string, dst: string, local: string, peerAddress: string, peer: string, state: string, extra: SimRow = {}): SimRow {
  return {
    '.id': id,
    'src-address': src,
    'dst-address': dst,
    'sa-src-address': local,
    'sa-dst-address': peerAddress,
    peer,
    tunnel: 'true',
    action: 'encrypt',
    level: 'require',
    'ph2-state': state,
    active: String(state === 'established'),
    invalid: 'false',
    disabled: 'false',
    ...extra,
  };
}

function sas(local: string, peerAddress: string, spi: number): SimRow[] {
  return [
    { '.id': `*${spi.toString(16).toUpperCase()}`, spi: `0x${spi.toString(16)}`, 'src-address': peerAddress, 'dst-address': local, state: 'mature', 'auth-algorithm': 'sha256', 'enc-algorithm': 'aes-cbc' },
    { '.id': `*${(spi + 1).toString(16).toUpperCase()}`, spi: `0x${(spi + 1).toString(16)}`, 'src-address': local, 'dst-address': peerAddress, state: 'mature', 'auth-algorithm': 'sha256', 'enc-algorithm': 'aes-cbc' },
  ];
}

/** A v7 router with a site-to-site tunnel, a road warrior and an expired peer. */
export const IPSEC_V7: DatasetPart = {
  menus: {
    '/ip/ipsec/active-peers': {
      rows: [
        {
          '.id': '*1',
          id: 'site-b.example.net',
          'local-address': '203.0.113.1',
          'remote-address': '198.51.100.20',
          port: '4500',
          state: 'established',
          side: 'initiator',
          uptime: '5h3m',
          'last-seen': '4s',
          'ph2-total': '2',
          'rx-bytes': '987654',
          'tx-bytes': '123456',
          'rx-packets': '4321',
          'tx-packets': '1234',
          'natt-peer': 'true',
          responder: 'false',
        },
        {
          '.id': '*2',
          id: 'roadwarrior@example.net',
          'local-address': '203.0.113.1',
          'remote-address': '198.51.100.77',
          port: '4500',
          state: 'established',
          side: 'responder',
          'dynamic-address': '10.50.0.2',
          uptime: '12m',
          'last-seen': '1s',
          'ph2-total': '1',
          'rx-bytes': '5000',
          'tx-bytes': '7000',
          'rx-packets': '50',
          'tx-packets': '60',
          'natt-peer': 'true',
          responder: 'true',
        },
        { '.id': '*3', 'local-address': '203.0.113.1', 'remote-address': '192.0.2.200', state: 'expired', side: 'initiator', 'last-seen': '2m', 'ph2-total': '0', responder: 'false' },
      ],
      growth: { 'rx-bytes': 30_000, 'tx-bytes': 12_000, 'rx-packets': 30, 'tx-packets': 15 },
      clocks: ['uptime'],
    },
    '/ip/ipsec/policy': {
      rows: [
        DEFAULT_TEMPLATE,
        policy('*1', '10.1.0.0/16', '10.2.0.0/16', '203.0.113.1', '198.51.100.20', 'site-b', 'established'),
        policy('*2', '10.1.0.0/16', '10.3.0.0/16', '203.0.113.1', '198.51.100.20', 'site-b', 'established'),
        // Phase 1 to 192.0.2.200 expired; its policy waits for phase 2.
        policy('*3', '10.1.0.0/16', '10.9.0.0/16', '203.0.113.1', '192.0.2.200', 'site-old', 'no-phase2'),
        // A policy whose proposal no longer exists: RouterOS flags it invalid.
        policy('*4', '10.1.0.0/16', '10.8.0.0/16', '203.0.113.1', '192.0.2.201', 'site-gone', 'no-phase2', { invalid: 'true' }),
      ],
    },
    '/ip/ipsec/installed-sa': { rows: [...sas('203.0.113.1', '198.51.100.20', 0x1000), ...sas('203.0.113.1', '198.51.100.20', 0x1002)] },
    // The site-to-site link also runs GRE and EoIP over the tunnel endpoints.
    '/interface/gre': {
      rows: [{ '.id': '*30', name: 'gre-site-b', 'local-address': '203.0.113.1', 'remote-address': '198.51.100.20', mtu: 'auto', 'actual-mtu': '1476', running: 'true', disabled: 'false' }],
    },
    '/interface/eoip': {
      rows: [{ '.id': '*31', name: 'eoip-site-b', 'local-address': '203.0.113.1', 'remote-address': '198.51.100.20', 'tunnel-id': '7', mtu: 'auto', 'actual-mtu': '1458', running: 'true', disabled: 'false' }],
    },
  },
};

/** A v6 router with one established site-to-site peer. */
export const IPSEC_V6: DatasetPart = {
  menus: {
    '/ip/ipsec/active-peers': {
      rows: [
        { '.id': '*1', 'local-address': '203.0.113.1', 'remote-address': '198.51.100.20', state: 'established', side: 'initiator', uptime: '2d3h', 'last-seen': '7s', 'ph2-total': '1' },
      ],
      clocks: ['uptime'],
    },
    '/ip/ipsec/policy': {
      rows: [DEFAULT_TEMPLATE, policy('*1', '10.1.0.0/16', '10.2.0.0/16', '203.0.113.1', '198.51.100.20', 'site-b', 'established')],
    },
    '/ip/ipsec/installed-sa': { rows: sas('203.0.113.1', '198.51.100.20', 0x2000) },
  },
};
