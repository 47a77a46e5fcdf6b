/**
 * Interface counters from /proc/net/dev, as cumulative counters (never deltas between scrapes, so
 * every scraper sees the same series). /proc/net/dev lists the interfaces of the reader's network
 * namespace: in a container, run with the host's network to see the host's interfaces.
 */
import type { MetricDefinition } from '../../../engine/metric.js';
import { passes } from '../config.js';
import { byNaming, completeLines, fields, metric, num, Samples, type HostCollector } from './collector.js';

const OTEL = {
  io: metric('system.network.io', 'counter', 'By', 'Bytes received and transmitted on each interface.', ['device', 'direction']),
  packets: metric('system.network.packets', 'counter', '{packet}', 'Packets received and transmitted on each interface.', ['device', 'direction']),
  errors: metric('system.network.errors', 'counter', '{error}', 'Receive and transmit errors on each interface.', ['device', 'direction']),
  dropped: metric('system.network.dropped', 'counter', '{packet}', 'Packets dropped on receive and transmit on each interface.', ['device', 'direction']),
};

/** The columns of /proc/net/dev after the interface name, in order. */
const COLUMNS = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
] as const;

const NODE: readonly MetricDefinition[] = COLUMNS.map((column) =>
  metric(
    `node_network_${column}_total`,
    'counter',
    column.endsWith('_bytes') ? 'By' : '',
    `Network device statistic ${column}.`,
    ['device'],
  ),
);

/** OTel metric and direction of the columns it uses. */
const OTEL_COLUMNS: readonly (readonly [number, MetricDefinition, string])[] = [
  [0, OTEL.io, 'receive'],
  [8, OTEL.io, 'transmit'],
  [1, OTEL.packets, 'receive'],
  [9, OTEL.packets, 'transmit'],
  [2, OTEL.errors, 'receive'],
  [10, OTEL.errors, 'transmit'],
  [3, OTEL.dropped, 'receive'],
  [11, OTEL.dropped, 'transmit'],
];

/** `  eth0: 1 2 3 …` lines after the two header lines; a line with fewer than 16 numbers is left out. */
export function parseNetDev(text: string): { device: string; values: number[] }[] {
  const result: { device: string; values: number[] }[] = [];
  for (const line of completeLines(text)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const device = line.slice(0, colon).trim();
    const values = fields(line.slice(colon + 1)).map(num);
    if (device === '' || values.length < COLUMNS.length) continue;
    result.push({ device, values });
  }
  return result;
}

export const networkCollector: HostCollector = {
  name: 'network',
  reads: '/proc/net/dev',
  metrics: byNaming(OTEL, NODE),
  create({ fs, config }) {
    return async () => {
      const out = new Samples();
      for (const { device, values } of parseNetDev(await fs.read('/proc/net/dev'))) {
        if (!passes(config.network, device)) continue;
        if (config.names === 'node_exporter') {
          NODE.forEach((definition, index) => out.add(definition, values[index] ?? Number.NaN, { device }));
        } else {
          for (const [index, definition, direction] of OTEL_COLUMNS) out.add(definition, values[index] ?? Number.NaN, { device, direction });
        }
      }
      return out.output();
    };
  },
};
