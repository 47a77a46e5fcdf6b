/** The `dns` family: `/ip/dns` with cache size and use in KiB (mktxp multiplies by 1024). */
import type { DatasetPart } from './dataset.js';

/** A resolver with a 2 MiB cache, 87 KiB of it in use. */
export const DNS: DatasetPart = {
  menus: {
    '/ip/dns': {
      rows: [
        {
          servers: '1.1.1.1,9.9.9.9',
          'dynamic-servers': '',
          'allow-remote-requests': 'true',
          'max-udp-packet-size': '4096',
          'cache-size': '2048',
          'cache-max-ttl': '1w',
          'cache-used': '87',
        },
      ],
    },
  },
};
