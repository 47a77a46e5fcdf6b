/**
 * The `lte` family (v7): `/interface/lte` and `/interface/lte/monitor` (routeros-replies.md §1.20;
 * fields mktxp reads). v6 answers `/interface/lte/info =number=` instead, a single-item form the
 * simulator's monitor (which takes `numbers`) does not speak, so there is no v6 variant.
 */
import type { DatasetPart } from './dataset.js';

/** An LTE router (LtAP / Chateau style) with one modem up and a second one disabled. */
export const LTE_V7: DatasetPart = {
  menus: {
    '/interface/lte': {
      rows: [
        { '.id': '*1', name: 'lte1', mtu: '1500', running: 'true', disabled: 'false', 'apn-profiles': 'default' },
        { '.id': '*2', name: 'lte2', mtu: '1500', running: 'false', disabled: 'true', 'apn-profiles': 'default' },
      ],
    },
  },
  monitors: {
    '/interface/lte/monitor': {
      lte1: {
        status: 'connected',
        'pin-status': 'ok',
        'registration-status': 'registered',
        functionality: 'full',
        manufacturer: 'MikroTik',
        model: 'R11e-LTE6',
        'current-operator': 'LMT',
        'access-technology': 'LTE',
        'session-uptime': '3h12m7s',
        rssi: '-73',
        rsrp: '-104',
        rsrq: '-9',
        sinr: '13',
        earfcn: '1300',
        'primary-band': 'B3',
      },
    },
  },
};
