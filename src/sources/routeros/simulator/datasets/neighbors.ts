/**
 * The `neighbors` family: `/ip/neighbor` (MNDP/CDP/LLDP discoveries). v7 names the bridge port
 * and the bridge in `interface` (`ether2,bridge`) [inferred].
 */
import type { DatasetPart } from './dataset.js';

export const NEIGHBORS_V7: DatasetPart = {
  menus: {
    '/ip/neighbor': {
      rows: [
        { '.id': '*1', interface: 'ether2,bridge', address: '192.168.88.2', 'mac-address': 'CC:2D:E0:00:00:01', identity: 'cap-lobby', platform: 'MikroTik', version: '7.16.1 (stable)', board: 'cAPGi-5HaxD2HaxD', uptime: '3d4h', age: '17s', 'discovered-by': 'mndp,lldp' },
        { '.id': '*2', interface: 'ether2,bridge', address: '192.168.88.3', 'mac-address': 'CC:2D:E0:00:00:02', identity: 'cap-office', platform: 'MikroTik', version: '7.16.1 (stable)', board: 'cAPGi-5HaxD2HaxD', uptime: '3d4h', age: '20s', 'discovered-by': 'mndp' },
        { '.id': '*3', interface: 'sfp-sfpplus1', address: '203.0.113.1', 'mac-address': '00:1C:73:00:00:01', identity: 'isp-edge', platform: 'Arista Networks EOS', version: '4.28.3M', age: '25s', 'discovered-by': 'lldp' },
      ],
    },
  },
};

export const NEIGHBORS_V6: DatasetPart = {
  menus: {
    '/ip/neighbor': {
      rows: [
        { '.id': '*1', interface: 'ether1', address: '10.0.0.2', 'mac-address': '64:D1:54:00:00:01', identity: 'core-sw', platform: 'MikroTik', version: '6.49.10 (long-term)', board: 'CRS326-24G-2S+', uptime: '3w', age: '45s' },
        { '.id': '*2', interface: 'ether1', address: '10.0.0.3', 'mac-address': '00:1A:2B:00:00:01', identity: 'dist-1.example', platform: 'cisco WS-C2960X-24TS-L', age: '50s' },
      ],
    },
  },
};
