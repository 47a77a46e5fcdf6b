/**
 * `routing_stats`: the routing processes of RouterOS 7 from `/routing/stats/process`: memory blocks,
 * CPU time, and how long the busiest task and calculation took. One row per process, keyed by its
 * `tasks` (the protocols it runs, `bgp`, `ospf`, `main`, …); its ids are facts of an info series.
 * RouterOS 6 has no such menu and the engine marks the family unsupported there.
 * https://help.mikrotik.com/docs/spaces/ROS/pages/328223/Routing+Stats (akpw/mktxp `routing_stats_collector.py`)
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, Sample } from './collector.js';
import { counter, gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { readCounter, readDurationSeconds, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';

const BY_TASKS = ['tasks'] as const;

export const ROUTING_PROCESS_INFO = info(
  'routeros.routing.process.info',
  'Routing process facts: its tasks, id and PID; always 1.',
  ['tasks', 'id', 'pid'],
);
export const ROUTING_PROCESS_PRIVATE_MEMORY = gauge(
  'routeros.routing.process.private_memory.blocks',
  '{block}',
  'Private memory blocks the routing process uses.',
  BY_TASKS,
);
export const ROUTING_PROCESS_SHARED_MEMORY = gauge(
  'routeros.routing.process.shared_memory.blocks',
  '{block}',
  'Shared memory blocks the routing process uses.',
  BY_TASKS,
);
export const ROUTING_PROCESS_CPU_TIME = counter(
  'routeros.routing.process.cpu.seconds',
  's',
  'CPU time the routing process spent in user space (process-time).',
  BY_TASKS,
);
export const ROUTING_PROCESS_KERNEL_TIME = counter(
  'routeros.routing.process.kernel.seconds',
  's',
  'CPU time the routing process spent in the kernel (kernel-time).',
  BY_TASKS,
);
export const ROUTING_PROCESS_MAX_BUSY = gauge(
  'routeros.routing.process.max_busy.seconds',
  's',
  'Longest time the process was busy with one task (max-busy).',
  BY_TASKS,
);
export const ROUTING_PROCESS_MAX_CALC = gauge(
  'routeros.routing.process.max_calc.seconds',
  's',
  'Longest time one calculation took (max-calc).',
  BY_TASKS,
);

export const ROUTING_STATS_PATH = '/routing/stats/process';
export const ROUTING_STATS_PROPLIST: readonly string[] = [
  'tasks',
  'id',
  'pid',
  'private-mem-blocks',
  'shared-mem-blocks',
  'process-time',
  'kernel-time',
  'max-busy',
  'max-calc',
];

/** Maps process rows to samples; a process without `tasks` has no key and is skipped. Pure. */
export function mapRoutingStats(rows: readonly Row[]): Sample[] {
  const list = new SampleList();
  const seen = new Set<string>();
  for (const row of rows) {
    const tasks = readText(row, 'tasks');
    if (tasks === undefined || seen.has(tasks)) continue;
    seen.add(tasks);
    list.addInfo(ROUTING_PROCESS_INFO, { tasks, id: readText(row, 'id'), pid: readText(row, 'pid') });
    list.add(ROUTING_PROCESS_PRIVATE_MEMORY, { tasks }, readCounter(row, 'private-mem-blocks'));
    list.add(ROUTING_PROCESS_SHARED_MEMORY, { tasks }, readCounter(row, 'shared-mem-blocks'));
    list.add(ROUTING_PROCESS_CPU_TIME, { tasks }, readDurationSeconds(row, 'process-time'));
    list.add(ROUTING_PROCESS_KERNEL_TIME, { tasks }, readDurationSeconds(row, 'kernel-time'));
    list.add(ROUTING_PROCESS_MAX_BUSY, { tasks }, readDurationSeconds(row, 'max-busy'));
    list.add(ROUTING_PROCESS_MAX_CALC, { tasks }, readDurationSeconds(row, 'max-calc'));
  }
  return list.samples;
}

export const routingStatsCollector: Collector = {
  name: 'routing_stats',
  defaultEnabled: true,
  summary: 'RouterOS 7 routing processes (/routing/stats/process): memory blocks, CPU and kernel time, longest busy task and calculation, by tasks; one command.',
  paths: [ROUTING_STATS_PATH],
  metrics: [
    ROUTING_PROCESS_INFO,
    ROUTING_PROCESS_PRIVATE_MEMORY,
    ROUTING_PROCESS_SHARED_MEMORY,
    ROUTING_PROCESS_CPU_TIME,
    ROUTING_PROCESS_KERNEL_TIME,
    ROUTING_PROCESS_MAX_BUSY,
    ROUTING_PROCESS_MAX_CALC,
  ],
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    return { samples: mapRoutingStats(await printRows(context, ROUTING_STATS_PATH, ROUTING_STATS_PROPLIST)) };
  },
};
