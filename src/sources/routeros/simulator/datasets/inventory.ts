/**
 * Containers (`/container`, container package; https://help.mikrotik.com/docs/spaces/ROS/pages/84901929/Container)
 * and a router that uses MikroTik cloud DDNS (`/ip/cloud` with `public-address` and `dns-name`;
 * https://help.mikrotik.com/docs/spaces/ROS/pages/97779929/Cloud).
 */
import type { DatasetPart } from './dataset.js';

/** Two containers running, one stopped. */
export const CONTAINERS: DatasetPart = {
  menus: {
    '/container': {
      rows: [
        { '.id': '*1', name: 'pihole', tag: 'pihole/pihole:2024.07.0', 'root-dir': 'usb1/pihole', interface: 'veth1', status: 'running', 'start-on-boot': 'true' },
        { '.id': '*2', name: 'node-exporter', tag: 'prom/node-exporter:v1.8.2', 'root-dir': 'usb1/nodeexp', interface: 'veth2', status: 'running', 'start-on-boot': 'true' },
        { '.id': '*3', name: 'test', tag: 'library/alpine:3.20', 'root-dir': 'usb1/alpine', interface: 'veth3', status: 'stopped', 'start-on-boot': 'false' },
      ],
    },
  },
};

/** `/ip/cloud` with DDNS on and the public address known (`sn` is the board's serial number). */
export function cloudEnabled(major: number, serial: string, publicAddress: string): DatasetPart {
  return {
    menus: {
      '/ip/cloud': {
        rows: [
          {
            'ddns-enabled': major >= 7 ? 'yes' : 'true',
            'ddns-update-interval': 'none',
            'update-time': 'true',
            'public-address': publicAddress,
            'dns-name': `${serial.toLowerCase()}.sn.mynetname.net`,
            status: 'updated',
            ...(major >= 7 ? { 'back-to-home-vpn': 'revoked-and-disabled' } : {}),
          },
        ],
      },
    },
  };
}
