/**
 * Block device I/O from /proc/diskstats (Documentation/admin-guide/iostats.rst in the kernel tree):
 * the counters of every device the filter keeps (by default whole disks, no partitions, loop or ram
 * devices, as node_exporter). Sectors are always 512 bytes in this file, whatever the device's own
 * sector size. On 32-bit kernels the fields are unsigned longs and wrap: a counter that goes down
 * starts a new series downstream rather than a negative rate.
 */
import type { MetricDefinition } from '../../../engine/metric.js';
import { passes } from '../config.js';
import { byNaming, completeLines, fields, metric, num, Samples, type HostCollector } from './collector.js';

const SECTOR_BYTES = 512;

const OTEL = {
  io: metric('system.disk.io', 'counter', 'By', 'Bytes read from and written to each disk.', ['device', 'direction']),
  operations: metric('system.disk.operations', 'counter', '{operation}', 'Read and write operations completed on each disk.', ['device', 'direction']),
  ioTime: metric('system.disk.io_time', 'counter', 's', 'Seconds each disk spent with I/O in progress.', ['device']),
  operationTime: metric(
    'system.disk.operation_time',
    'counter',
    's',
    'Seconds spent on completed reads and writes, summed over operations (overlapping operations each count).',
    ['device', 'direction'],
  ),
  weighted: metric('system.disk.weighted_io_time', 'counter', 's', 'Seconds of I/O in progress, weighted by the number of operations in progress.', ['device']),
  merged: metric('system.disk.merged', 'counter', '{operation}', 'Adjacent operations merged by the kernel before reaching each disk.', ['device', 'direction']),
  pending: metric('system.disk.pending_operations', 'gauge', '{operation}', 'Operations in progress on each disk.', ['device']),
};

const dev = ['device'];
const NODE = {
  reads: metric('node_disk_reads_completed_total', 'counter', '', 'The total number of reads completed successfully.', dev),
  readsMerged: metric('node_disk_reads_merged_total', 'counter', '', 'The total number of reads merged.', dev),
  readBytes: metric('node_disk_read_bytes_total', 'counter', 'By', 'The total number of bytes read successfully.', dev),
  readTime: metric('node_disk_read_time_seconds_total', 'counter', 's', 'The total number of seconds spent by all reads.', dev),
  writes: metric('node_disk_writes_completed_total', 'counter', '', 'The total number of writes completed successfully.', dev),
  writesMerged: metric('node_disk_writes_merged_total', 'counter', '', 'The number of writes merged.', dev),
  writtenBytes: metric('node_disk_written_bytes_total', 'counter', 'By', 'The total number of bytes written successfully.', dev),
  writeTime: metric('node_disk_write_time_seconds_total', 'counter', 's', 'This is the total number of seconds spent by all writes.', dev),
  ioNow: metric('node_disk_io_now', 'gauge', '', 'The number of I/Os currently in progress.', dev),
  ioTime: metric('node_disk_io_time_seconds_total', 'counter', 's', 'Total seconds spent doing I/Os.', dev),
  weighted: metric('node_disk_io_time_weighted_seconds_total', 'counter', 's', 'The weighted # of seconds spent doing I/Os.', dev),
  discards: metric('node_disk_discards_completed_total', 'counter', '', 'The total number of discards completed successfully.', dev),
  discardsMerged: metric('node_disk_discards_merged_total', 'counter', '', 'The total number of discards merged.', dev),
  discardedSectors: metric('node_disk_discarded_sectors_total', 'counter', '', 'The total number of sectors discarded successfully.', dev),
  discardTime: metric('node_disk_discard_time_seconds_total', 'counter', 's', 'This is the total number of seconds spent by all discards.', dev),
  flushes: metric('node_disk_flush_requests_total', 'counter', '', 'The total number of flush requests completed successfully.', dev),
  flushTime: metric('node_disk_flush_requests_time_seconds_total', 'counter', 's', 'This is the total number of seconds spent by all flush requests.', dev),
};

/**
 * The node_exporter metric of each /proc/diskstats field after the device name, with the factor that
 * turns the field into the metric's unit (sectors → bytes, ms → s). Kernels before 4.18 stop after
 * the eleventh field, before 5.5 after the fifteenth.
 */
const NODE_FIELDS: readonly (readonly [MetricDefinition, number])[] = [
  [NODE.reads, 1],
  [NODE.readsMerged, 1],
  [NODE.readBytes, SECTOR_BYTES],
  [NODE.readTime, 0.001],
  [NODE.writes, 1],
  [NODE.writesMerged, 1],
  [NODE.writtenBytes, SECTOR_BYTES],
  [NODE.writeTime, 0.001],
  [NODE.ioNow, 1],
  [NODE.ioTime, 0.001],
  [NODE.weighted, 0.001],
  [NODE.discards, 1],
  [NODE.discardsMerged, 1],
  [NODE.discardedSectors, 1],
  [NODE.discardTime, 0.001],
  [NODE.flushes, 1],
  [NODE.flushTime, 0.001],
];

/** One line of /proc/diskstats: the device name and its numeric fields after the name. */
export function parseDiskstats(text: string): { device: string; values: number[] }[] {
  const result: { device: string; values: number[] }[] = [];
  for (const line of completeLines(text)) {
    const parts = fields(line);
    const device = parts[2];
    // Fewer than the eleven fields every kernel since 2.6 writes: a truncated line, left out whole.
    if (device === undefined || parts.length < 14) continue;
    result.push({ device, values: parts.slice(3).map(num) });
  }
  return result;
}

export const diskCollector: HostCollector = {
  name: 'disk',
  reads: '/proc/diskstats',
  metrics: byNaming(OTEL, NODE),
  create({ fs, config }) {
    return async () => {
      const out = new Samples();
      for (const { device, values } of parseDiskstats(await fs.read('/proc/diskstats'))) {
        if (!passes(config.disk, device)) continue;
        if (config.names === 'node_exporter') {
          NODE_FIELDS.forEach(([definition, factor], index) => {
            const value = values[index];
            if (value !== undefined) out.add(definition, value * factor, { device });
          });
          continue;
        }
        const at = (index: number): number => values[index] ?? Number.NaN;
        const read = { device, direction: 'read' };
        const write = { device, direction: 'write' };
        out.add(OTEL.io, at(2) * SECTOR_BYTES, read);
        out.add(OTEL.io, at(6) * SECTOR_BYTES, write);
        out.add(OTEL.operations, at(0), read);
        out.add(OTEL.operations, at(4), write);
        out.add(OTEL.operationTime, at(3) / 1000, read);
        out.add(OTEL.operationTime, at(7) / 1000, write);
        out.add(OTEL.merged, at(1), read);
        out.add(OTEL.merged, at(5), write);
        out.add(OTEL.pending, at(8), { device });
        out.add(OTEL.ioTime, at(9) / 1000, { device });
        out.add(OTEL.weighted, at(10) / 1000, { device });
      }
      return out.output();
    };
  },
};
