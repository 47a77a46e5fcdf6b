/**
 * The `netwatch` family: `/tool/netwatch` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). v7 entries carry probe
 * results per type (icmp, tcp-conn, http-get, simple); v6 entries only host, status and since.
 * One disabled entry each, which the collector's `?disabled=false` leaves out.
 */
import type { DatasetPart } from './dataset.js';

export const NETWATCH_V7: DatasetPart = {
  menus: {
    '/tool/netwatch': {
      rows: [
        { '.id': '*1', host: '8.8.8.8', name: 'google-dns', type: 'icmp', interval: '30s', timeout: '1s', status: 'up', since: '2025-01-01 12:00:00', disabled: 'false',
          'done-tests': '1440', 'failed-tests': '3', 'loss-count': '0', 'loss-percent': '0', 'rtt-avg': '12ms519us', 'rtt-min': '10ms', 'rtt-max': '31ms', 'rtt-jitter': '2ms', 'rtt-stdev': '700us' },
        { '.id': '*2', host: '10.0.0.5', name: 'nas-https', type: 'tcp-conn', port: '443', interval: '1m', timeout: '2s', status: 'down', since: '2025-01-02 09:30:00', disabled: 'false',
          'done-tests': '100', 'failed-tests': '100' },
        { '.id': '*3', host: '192.0.2.10', name: 'portal', type: 'http-get', interval: '1m', timeout: '3s', status: 'up', since: '2024-12-30 08:00:00', disabled: 'false',
          'done-tests': '4000', 'failed-tests': '0', 'http-status-code': '200', 'http-resp-time': '48ms', 'tcp-connect-time': '12ms' },
        { '.id': '*4', host: '192.0.2.1', type: 'simple', comment: 'gateway', interval: '10s', timeout: '1s', status: 'up', since: '2024-12-30 08:00:00', disabled: 'false' },
        { '.id': '*5', host: '192.0.2.99', name: 'retired', type: 'icmp', status: 'down', disabled: 'true' },
      ],
    },
  },
};

export const NETWATCH_V6: DatasetPart = {
  menus: {
    '/tool/netwatch': {
      rows: [
        { '.id': '*1', host: '8.8.8.8', interval: '1m', timeout: '1s', status: 'up', since: 'jan/02/2025 09:00:00', comment: 'dns', disabled: 'false' },
        { '.id': '*2', host: '10.0.0.1', interval: '1m', timeout: '1s', status: 'down', since: 'jan/02/2025 09:40:00', disabled: 'false' },
        { '.id': '*3', host: '10.9.9.9', interval: '1m', timeout: '1s', status: 'down', disabled: 'true' },
      ],
    },
  },
};
