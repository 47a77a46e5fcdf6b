/**
 * The `ipsec` family: `/ip/ipsec/active-peers` (routeros-replies.md §1.18). v7 peers carry traffic
 * counters (which grow); on v6 they are unverified and left out. A peer that is not established
 * (`expired`) has no counters.
 */
import type { DatasetPart } from './dataset.js';

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
  },
};
