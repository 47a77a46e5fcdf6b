/**
 * The `w60g` family: `/interface/w60g` and its monitor (https://manual.mikrotik.com/docs/wireless/w60g/:
 * `connected`, `frequency`, `remote-address`, `tx-mcs`, `tx-phy-rate`, `signal`, `rssi`, `tx-sector`,
 * `tx-sector-info`, `distance`). 60 GHz is hardware: only profiles of 60 GHz boards have the menu.
 */
import type { DatasetPart } from './dataset.js';

/**
 * The station end of a Wireless Wire Dish style link (RouterOS 7): `wlan60-1` linked to its AP 187 m
 * away on channel 2 (60480 MHz) at MCS 8.
 */
export const W60G_STATION_V7: DatasetPart = {
  menus: {
    '/interface/w60g': {
      rows: [
        {
          '.id': '*1',
          name: 'wlan60-1',
          mode: 'station-bridge',
          ssid: 'link60',
          frequency: 'auto',
          'scan-list': '58320,60480,62640,64800',
          region: 'no-region-set',
          'mac-address': '04:D6:AA:60:10:02',
          running: 'true',
          disabled: 'false',
        },
      ],
    },
  },
  monitors: {
    '/interface/w60g/monitor': {
      'wlan60-1': {
        connected: 'true',
        frequency: '60480',
        'remote-address': '04:D6:AA:60:10:01',
        'tx-mcs': '8',
        'tx-phy-rate': '2.3Gbps',
        signal: '80',
        rssi: '-59',
        'tx-sector': '28',
        'tx-sector-info': 'center',
        distance: '187.46m',
      },
    },
  },
};
