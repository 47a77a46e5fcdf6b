/**
 * `system`: identity, version, board, CPU, memory, disk and uptime from `/system/resource`,
 * `/system/identity` and `/system/routerboard`.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, MetricDefinition, Sample } from './collector.js';
import { gauge, info } from './support/define.js';
import { printOptionalRows, printRows } from './support/fetch.js';
import {
  readCounter,
  readDurationSeconds,
  readMegahertzAsHertz,
  readNumber,
  readRatioFromPercent,
  readText,
} from './support/rows.js';
import { SampleList } from './support/samples.js';

export const SYSTEM_INFO = info(
  'routeros.system.info',
  'Router identity, board, serial number and software; always 1.',
  ['identity', 'board_name', 'model', 'serial_number', 'version', 'architecture', 'firmware'],
);
// The engine reads a restart from it: every counter of the router starts anew when it rebooted.
export const SYSTEM_UPTIME: MetricDefinition = Object.freeze({
  ...gauge('routeros.system.uptime.seconds', 's', 'Time since the router booted.'),
  role: 'uptime',
});
export const SYSTEM_CPU_UTILIZATION = gauge(
  'routeros.system.cpu.utilization.ratio',
  '1',
  'CPU load averaged over all cores, from 0 to 1.',
);
// Not `cpu.count`: Prometheus reserves the `_count` suffix for histograms and summaries (promtool flags it).
export const SYSTEM_CPUS = gauge('routeros.system.cpus', '{cpu}', 'Number of CPU cores.');
export const SYSTEM_CPU_FREQUENCY = gauge('routeros.system.cpu.frequency.hertz', 'Hz', 'Current CPU clock frequency.');
export const SYSTEM_MEMORY_FREE = gauge('routeros.system.memory.free.bytes', 'By', 'Free RAM.');
export const SYSTEM_MEMORY_TOTAL = gauge('routeros.system.memory.total.bytes', 'By', 'Total RAM.');
export const SYSTEM_DISK_FREE = gauge('routeros.system.disk.free.bytes', 'By', 'Free space on the system storage.');
export const SYSTEM_DISK_TOTAL = gauge('routeros.system.disk.total.bytes', 'By', 'Size of the system storage.');

/** Properties read from `/system/resource`. */
export const RESOURCE_PROPLIST = [
  'uptime',
  'version',
  'cpu-count',
  'cpu-frequency',
  'cpu-load',
  'free-memory',
  'total-memory',
  'free-hdd-space',
  'total-hdd-space',
  'architecture-name',
  'board-name',
] as const;
/** Properties read from `/system/identity`. */
export const IDENTITY_PROPLIST = ['name'] as const;
/** Properties read from `/system/routerboard`. */
export const ROUTERBOARD_PROPLIST = ['routerboard', 'board-name', 'model', 'serial-number', 'current-firmware'] as const;

/** The rows `system` maps; each may be empty (CHR has no routerboard data). */
export interface SystemRows {
  readonly resource: readonly Row[];
  readonly identity: readonly Row[];
  readonly routerboard: readonly Row[];
}

/** Reads the three menus concurrently. Only a missing `/system/routerboard` is tolerated. */
export async function fetchSystem(context: CollectContext): Promise<SystemRows> {
  const [resource, identity, routerboard] = await Promise.all([
    printRows(context, '/system/resource', RESOURCE_PROPLIST),
    printRows(context, '/system/identity', IDENTITY_PROPLIST),
    // CHR and x86 may lack the menu entirely; that is not a failure of `system`.
    printOptionalRows(context, '/system/routerboard', ROUTERBOARD_PROPLIST),
  ]);
  return { resource, identity, routerboard };
}

/** Maps the system rows to samples. Pure. */
export function mapSystem(rows: SystemRows): Sample[] {
  const list = new SampleList();
  const resource = rows.resource[0];
  const identity = rows.identity[0] ?? {};
  const board = rows.routerboard[0] ?? {};
  if (resource === undefined) return list.samples;

  list.addInfo(SYSTEM_INFO, {
    identity: readText(identity, 'name'),
    board_name: readText(resource, 'board-name') ?? readText(board, 'board-name'),
    model: readText(board, 'model'),
    serial_number: readText(board, 'serial-number'),
    version: readText(resource, 'version'),
    architecture: readText(resource, 'architecture-name'),
    firmware: readText(board, 'current-firmware'),
  });
  list.add(SYSTEM_UPTIME, {}, readDurationSeconds(resource, 'uptime'));
  list.add(SYSTEM_CPU_UTILIZATION, {}, readRatioFromPercent(resource, 'cpu-load'));
  list.add(SYSTEM_CPUS, {}, readNumber(resource, 'cpu-count'));
  list.add(SYSTEM_CPU_FREQUENCY, {}, readMegahertzAsHertz(resource, 'cpu-frequency'));
  list.add(SYSTEM_MEMORY_FREE, {}, readCounter(resource, 'free-memory'));
  list.add(SYSTEM_MEMORY_TOTAL, {}, readCounter(resource, 'total-memory'));
  list.add(SYSTEM_DISK_FREE, {}, readCounter(resource, 'free-hdd-space'));
  list.add(SYSTEM_DISK_TOTAL, {}, readCounter(resource, 'total-hdd-space'));
  return list.samples;
}

export const systemCollector: Collector = {
  name: 'system',
  defaultEnabled: true,
  summary: 'Identity, RouterOS version, board, uptime, CPU, memory and disk.',
  paths: ['/system/resource', '/system/identity', '/system/routerboard'],
  metrics: [
    SYSTEM_INFO,
    SYSTEM_UPTIME,
    SYSTEM_CPU_UTILIZATION,
    SYSTEM_CPUS,
    SYSTEM_CPU_FREQUENCY,
    SYSTEM_MEMORY_FREE,
    SYSTEM_MEMORY_TOTAL,
    SYSTEM_DISK_FREE,
    SYSTEM_DISK_TOTAL,
  ],
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    return { samples: mapSystem(await fetchSystem(context)) };
  },
};
