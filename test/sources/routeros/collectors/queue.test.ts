import { describe, expect, it } from 'vitest';
import { queueCollector } from '../../../../src/sources/routeros/collectors/queue.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, duplicateSeries, namingProblems, render, repliesFrom, setup, V7 } from './helpers/fixture-api-families.js';

type Pair = readonly [number, number];

const METRICS = [
  'routeros_queue_bytes_total',
  'routeros_queue_packets_total',
  'routeros_queue_dropped_packets_total',
  'routeros_queue_queued_bytes',
  'routeros_queue_queued_packets',
] as const;

function simple(name: string, target: string, comment: string, values: readonly Pair[]): string[] {
  return [
    `routeros_queue_info{type="simple",name="${name}",parent="none",target="${target}",comment="${comment}"} 1`,
    ...METRICS.flatMap((metric, index) => [
      `${metric}{type="simple",name="${name}",direction="upload"} ${values[index]?.[0]}`,
      `${metric}{type="simple",name="${name}",direction="download"} ${values[index]?.[1]}`,
    ]),
  ];
}

function tree(name: string, parent: string, comment: string, values: readonly number[]): string[] {
  return [
    `routeros_queue_info{type="tree",name="${name}",parent="${parent}",target="",comment="${comment}"} 1`,
    ...METRICS.map((metric, index) => `${metric}{type="tree",name="${name}",direction="total"} ${values[index]}`),
  ];
}

const ZERO: readonly Pair[] = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]];

describe('queueCollector', () => {
  it('maps simple queues (upload/download pairs) and the queue tree to exact samples by type and name', async () => {
    const { api, context } = setup(repliesFrom(V7, ['queue-simple', 'queue-tree']), '7.16 (stable)');
    const output = await queueCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...simple('queue1', '1.0.1.0/24', 'comment', ZERO),
        ...simple('lan-limit', '192.168.88.0/24', 'LAN', [[12345678, 987654321], [12000, 80000], [3, 150], [0, 3000], [0, 2]]),
        ...simple('<pppoe-alice>', '<pppoe-alice>', '', [[111, 222], [1, 2], [0, 0], [0, 0], [0, 0]]),
        ...tree('download', 'global', '', [555555, 777, 5, 1500, 1]),
        ...tree('upload', 'ether1', 'WAN up', [333, 3, 0, 0, 0]),
      ].sort(),
    );
    expect(duplicateSeries(output.samples)).toEqual([]);
    expect(output.dropped).toBe(0);
    // The disabled `guest` queue is filtered on the router.
    expect(commands(api.calls)).toEqual(['print /queue/simple ?disabled=true ?#!', 'print /queue/tree ?disabled=true ?#!']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reports backlog as gauges and traffic as counters', () => {
    const kinds = Object.fromEntries(queueCollector.metrics.map((metric) => [metric.name, metric.kind]));
    expect(kinds).toEqual({
      'routeros.queue.info': 'gauge',
      'routeros.queue.bytes': 'counter',
      'routeros.queue.packets': 'counter',
      'routeros.queue.dropped.packets': 'counter',
      'routeros.queue.queued.bytes': 'gauge',
      'routeros.queue.queued.packets': 'gauge',
    });
  });

  it('filters by name and type, and caps queues counting the series of the rest as dropped', async () => {
    const filtered = setup(repliesFrom(V7, ['queue-simple', 'queue-tree']), '7.16 (stable)', {
      options: { types: ['simple'], exclude: ['<.*>'] },
    });
    const names = (await queueCollector.collect(filtered.context)).samples.map((sample) => sample.attributes['name']);
    expect([...new Set(names)]).toEqual(['queue1', 'lan-limit']);
    expect(filtered.api.calls).toHaveLength(1);

    const capped = setup(repliesFrom(V7, ['queue-simple', 'queue-tree']), '7.16 (stable)', { options: { max_series: 2 } });
    const output = await queueCollector.collect(capped.context);
    expect([...new Set(output.samples.map((sample) => sample.attributes['name']))]).toEqual(['queue1', 'lan-limit']);
    // <pppoe-alice>: 11 series; each tree entry: 6.
    expect(output.dropped).toBe(11 + 6 + 6);
  });

  it('propagates a missing queue menu', async () => {
    const { context } = setup({ '/queue/tree': [] }, '7.16 (stable)');
    const error = await queueCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('rejects an unknown queue type', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { types: ['pcq'] } });
    await expect(queueCollector.collect(context)).rejects.toThrow(new CollectorOptionError('types: unknown value "pcq" (expected simple, tree)'));
  });

  it('follows the naming rule under routeros_queue_', () => {
    expect(namingProblems(queueCollector, ['routeros_queue_'])).toEqual([]);
    expect(queueCollector.defaultEnabled).toBe(true);
  });
});
