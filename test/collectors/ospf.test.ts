import { describe, expect, it } from 'vitest';
import { OSPF_STATES, ospfCollector } from '../../src/collectors/ospf.js';
import { TrapError } from '../../src/routeros/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

const MENUS = ['routing-ospf-instance', 'routing-ospf-neighbor'];

function states(instance: string, counts: Readonly<Record<string, number>>): string[] {
  return OSPF_STATES.map((state) => `routeros_ospf_neighbors{instance="${instance}",state="${state}"} ${counts[state] ?? 0}`);
}

describe('ospfCollector', () => {
  it('counts v7 neighbors per instance and state, every state of every enabled instance included', async () => {
    const { api, context } = setup(repliesFrom(V7, MENUS), '7.16 (stable)');
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual(
      // `Full` and `full` are one state; the disabled `lab` instance has no series.
      [...states('default-v2', { full: 2, '2-way': 1 }), ...states('default-v3', { exstart: 1 })].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /routing/ospf/instance', 'print /routing/ospf/neighbor']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reads v6 neighbors from the same path', async () => {
    const { context } = setup(repliesFrom(V6, MENUS), '6.49.10 (long-term)');
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual(states('default', { full: 1, init: 1 }).sort());
  });

  it('reports 0 for a configured instance whose neighbors are all gone', async () => {
    const { context } = setup(repliesFrom(V7, ['routing-ospf-instance'], { '/routing/ospf/neighbor': [] }), '7.16 (stable)');
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual([...states('default-v2', {}), ...states('default-v3', {})].sort());
  });

  it('filters instances by name', async () => {
    const { context } = setup(repliesFrom(V7, MENUS), '7.16 (stable)', { options: { include: ['default-v2'] } });
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual(states('default-v2', { full: 2, '2-way': 1 }).sort());
  });

  it('propagates a missing OSPF menu', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await ospfCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('follows the naming rule under routeros_ospf_', () => {
    expect(namingProblems(ospfCollector, ['routeros_ospf_'])).toEqual([]);
    expect(ospfCollector.defaultEnabled).toBe(true);
  });
});
