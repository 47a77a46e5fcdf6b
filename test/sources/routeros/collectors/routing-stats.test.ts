import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { ROUTING_STATS_PROPLIST, routingStatsCollector } from '../../../../src/sources/routeros/collectors/routing-stats.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { commands, duplicateSeries, namingProblems, render, setup } from './helpers/fixture-api-families.js';

/** Shaped like `/routing/stats/process print` of RouterOS 7 (help.mikrotik.com Routing Stats page). */
const PROCESSES: Row[] = [
  { '.id': '*1', tasks: 'main', id: 'main', pid: '301', 'private-mem-blocks': '512', 'shared-mem-blocks': '128', 'process-time': '3m40s', 'kernel-time': '1m12s', 'max-busy': '420ms', 'max-calc': '1s250ms' },
  { '.id': '*3', tasks: 'bgp', id: 'bgp', pid: '303', 'private-mem-blocks': '96000', 'shared-mem-blocks': '24000', 'process-time': '1h2m3s', 'kernel-time': '5m', 'max-busy': '2s', 'max-calc': '8s' },
  // No tasks: nothing to key it by.
  { '.id': '*4', id: 'x', 'private-mem-blocks': '1' },
];

describe('routingStatsCollector', () => {
  it('maps each process by its tasks in one print: memory blocks, CPU and kernel seconds, longest busy and calc', async () => {
    const { api, context } = setup({ '/routing/stats/process': PROCESSES }, '7.16 (stable)');
    const output = await routingStatsCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        'routeros_routing_process_info{tasks="main",id="main",pid="301"} 1',
        'routeros_routing_process_private_memory_blocks{tasks="main"} 512',
        'routeros_routing_process_shared_memory_blocks{tasks="main"} 128',
        'routeros_routing_process_cpu_seconds_total{tasks="main"} 220',
        'routeros_routing_process_kernel_seconds_total{tasks="main"} 72',
        'routeros_routing_process_max_busy_seconds{tasks="main"} 0.42',
        'routeros_routing_process_max_calc_seconds{tasks="main"} 1.25',
        'routeros_routing_process_info{tasks="bgp",id="bgp",pid="303"} 1',
        'routeros_routing_process_private_memory_blocks{tasks="bgp"} 96000',
        'routeros_routing_process_shared_memory_blocks{tasks="bgp"} 24000',
        'routeros_routing_process_cpu_seconds_total{tasks="bgp"} 3723',
        'routeros_routing_process_kernel_seconds_total{tasks="bgp"} 300',
        'routeros_routing_process_max_busy_seconds{tasks="bgp"} 2',
        'routeros_routing_process_max_calc_seconds{tasks="bgp"} 8',
      ].sort(),
    );
    expect(duplicateSeries(output.samples)).toEqual([]);
    expect(commands(api.calls)).toEqual(['print /routing/stats/process']);
    expect(api.calls[0]?.options?.proplist).toEqual(ROUTING_STATS_PROPLIST);
  });

  it('propagates the missing menu of RouterOS 6 and follows the naming rule', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await routingStatsCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
    expect(namingProblems(routingStatsCollector, ['routeros_routing_process_'])).toEqual([]);
  });
});
