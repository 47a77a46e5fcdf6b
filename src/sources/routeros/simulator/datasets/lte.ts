/**
 * The `lte` family (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/; fields mktxp reads):
 *
 * - {@link LTE_V7}: `/interface/lte` and `/interface/lte/monitor`, which takes `numbers` (every modem in one call);
 * - {@link LTE_V6}: `/interface/lte` and `/interface/lte/info`, which takes one `number` and needs
 *   the `test` policy (mktxp and nshttpd READMEs); signal values carry unit suffixes (`-85dBm`).
 */
import type { DatasetPart } from './dataset.js';

/**
 * An LTE router (Chateau 5G style, non-standalone: an LTE anchor with a 5G NR leg, whose `nr-*` signal
 * RouterOS reports beside the LTE one) with one modem up and a second one disabled.
 */
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
        'ca-band': 'B20',
        'current-cellid': '20480513',
        'nr-rsrp': '-95',
        'nr-rsrq': '-11',
        'nr-sinr': '17',
      },
    },
  },
};

/** A v6 LTE router (LtAP mini LTE kit style) on a roaming SIM. */
export const LTE_V6: DatasetPart = {
  menus: {
    '/interface/lte': {
      rows: [{ '.id': '*1', name: 'lte1', mtu: '1500', running: 'true', disabled: 'false', 'apn-profiles': 'default', 'allow-roaming': 'true' }],
    },
  },
  monitors: {
    '/interface/lte/info': {
      lte1: {
        'pin-status': 'no password required',
        'registration-status': 'roaming',
        functionality: 'full',
        manufacturer: 'MikroTik',
        model: 'R11e-LTE',
        'current-operator': 'Tele2',
        'access-technology': 'Evolved 3G (LTE)',
        'session-uptime': '5h41m12s',
        rssi: '-79dBm',
        rsrp: '-108dBm',
        rsrq: '-11dB',
        sinr: '6dB',
        earfcn: '6300',
      },
    },
  },
  requiredPolicies: { '/interface/lte/info': 'test' },
};
