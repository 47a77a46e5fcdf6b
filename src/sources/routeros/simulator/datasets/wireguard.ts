/**
 * The `wireguard` family (RouterOS 7 only): `/interface/wireguard` and
 * `/interface/wireguard/peers` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). Peer traffic grows; `last-handshake`
 * is absent for a peer that never connected, `never` in some builds. Private and preshared keys
 * are empty strings, as RouterOS sends them to a read-only user.
 */
import type { SimRow } from '../profile.js';
import type { DatasetPart } from './dataset.js';

function peer(id: string, fields: SimRow): SimRow {
  return { '.id': id, disabled: 'false', dynamic: 'false', 'private-key': '', 'preshared-key': '', rx: '0', tx: '0', ...fields };
}

/** A v7 router with a road-warrior interface and a site-to-site interface. */
export const WIREGUARD_V7: DatasetPart = {
  menus: {
    '/interface/wireguard': {
      rows: [
        { '.id': '*55', name: 'wg0', 'listen-port': '13231', mtu: '1420', 'public-key': 'Hhby3Pq8Lm2Nn4Bb6Vv8Cc0Xx2Zz4Aa6Ss8Dd0Ff2Gg=', 'private-key': '', running: 'true', disabled: 'false' },
        { '.id': '*56', name: 'wg-site', 'listen-port': '13232', mtu: '1420', 'public-key': 'Rt5Yu6Io7Pa8Sd9Fg0Hj1Kl2Zx3Cv4Bn5Mq6We7Rt8Y=', 'private-key': '', running: 'true', disabled: 'false' },
      ],
    },
    '/interface/wireguard/peers': {
      rows: [
        // Telegraf testData peer (disabled).
        peer('*3', {
          name: 'VPN',
          interface: 'VPN',
          comment: 'VPN',
          'allowed-address': '0.0.0.0/0',
          'endpoint-address': 'vpnserver.com',
          'endpoint-port': '51820',
          'current-endpoint-address': '',
          'current-endpoint-port': '0',
          'client-endpoint': '',
          'public-key': 'wXm2QVJ3y1cMx9VnZr9Yk9bQ8H0mY9x2Yq1bP4pT1mA=',
          disabled: 'true',
        }),
        peer('*4', {
          name: 'laptop',
          interface: 'wg0',
          'allowed-address': '10.8.0.2/32',
          'current-endpoint-address': '198.51.100.7',
          'current-endpoint-port': '51820',
          'public-key': 'a1Lq3m0bN2Vq9ZyP4cX7rT5uW8eY6iO3pA2sD1fG0hJ=',
          rx: '1532948',
          tx: '12334112',
          'last-handshake': '1m29s',
        }),
        peer('*5', { interface: 'wg0', 'allowed-address': '10.8.0.3/32', 'public-key': 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa987654=' }),
        peer('*6', {
          name: 'site-b',
          interface: 'wg-site',
          comment: 'site B',
          'allowed-address': '10.99.0.0/24,192.168.50.0/24',
          'endpoint-address': '203.0.113.10',
          'endpoint-port': '13231',
          'current-endpoint-address': '203.0.113.10',
          'current-endpoint-port': '13231',
          'public-key': 'Hhby3Pq8Lm2Nn4Bb6Vv8Cc0Xx2Zz4Aa6Ss8Dd0Ff2Gg=',
          'persistent-keepalive': '25s',
          rx: '9007199254740993',
          tx: '4503599627370496',
          'last-handshake': '12s',
        }),
        peer('*7', {
          name: 'site-c',
          interface: 'wg-site',
          'allowed-address': '10.98.0.0/24',
          'endpoint-address': '2001:db8::5',
          'endpoint-port': '51820',
          'public-key': 'Qw1Er2Ty3Ui4Op5As6Df7Gh8Jk9Lz0Xc1Vb2Nm3Qw4E=',
          rx: '10',
          tx: '20',
          'last-handshake': 'never',
        }),
      ],
      growth: { rx: 25_000, tx: 90_000 },
    },
  },
};
