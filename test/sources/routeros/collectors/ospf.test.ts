import { describe, expect, it } from 'vitest';
import { OSPF_STATES, ospfCollector } from '../../../../src/sources/routeros/collectors/ospf.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

const MENUS = ['routing-ospf-instance', 'routing-ospf-neighbor'];
const V6_WITH_V3 = [...MENUS, 'routing-ospf-v3-instance', 'routing-ospf-v3-neighbor'];

function states(instance: string, version: string, counts: Readonly<Record<string, number>>): string[] {
  return OSPF_STATES.map((state) => `routeros_ospf_neighbors{ospf_instance="${instance}",version="${version}",state="${state}"} ${counts[state] ?? 0}`);
}

describe('ospfCollector', () => {
  it('counts v7 neighbors per instance, version and state, every state of every enabled instance included', async () => {
    const { api, context } = setup(repliesFrom(V7, MENUS), '7.16 (stable)');
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual(
      // `Full` and `full` are one state; the disabled `lab` instance has no series; version from the instance.
      [...states('default-v2', '2', { full: 2, '2-way': 1 }), ...states('default-v3', '3', { exstart: 1 })].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /routing/ospf/instance', 'print /routing/ospf/neighbor']);
    expect(api.calls[0]?.options?.proplist).toEqual(['name', 'disabled', 'version']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reads v6 OSPFv2 and OSPFv3 from their own menus; both `default` instances stay apart by version', async () => {
    const { api, context } = setup(repliesFrom(V6, V6_WITH_V3), '6.49.10 (long-term)');
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual(
      // The disabled OSPFv3 `lab` instance has no series; `2-Way` is `2-way`.
      [...states('default', '2', { full: 1, init: 1 }), ...states('default', '3', { full: 2, '2-way': 1 })].sort(),
    );
    expect(commands(api.calls)).toEqual([
      'print /routing/ospf/instance',
      'print /routing/ospf/neighbor',
      'print /routing/ospf-v3/instance',
      'print /routing/ospf-v3/neighbor',
    ]);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reports v6 OSPFv2 alone when the OSPFv3 menus are missing', async () => {
    const { context } = setup(repliesFrom(V6, MENUS), '6.49.10 (long-term)');
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual(states('default', '2', { full: 1, init: 1 }).sort());
  });

  it('reports 0 for a configured instance whose neighbors are all gone', async () => {
    const { context } = setup(repliesFrom(V7, ['routing-ospf-instance'], { '/routing/ospf/neighbor': [] }), '7.16 (stable)');
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual([...states('default-v2', '2', {}), ...states('default-v3', '3', {})].sort());
  });

  it('takes version 2 for a v7 instance without `version`, and leaves it empty for a neighbor of an unlisted instance', async () => {
    const { context } = setup(
      {
        '/routing/ospf/instance': [{ name: 'core', disabled: 'false' }],
        '/routing/ospf/neighbor': [{ instance: 'core', state: 'Full' }, { instance: 'ghost', state: 'Init' }],
      },
      '7.16 (stable)',
    );
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual([...states('core', '2', { full: 1 }), ...states('ghost', '', { init: 1 })].sort());
  });

  it('filters instances by name', async () => {
    const { context } = setup(repliesFrom(V7, MENUS), '7.16 (stable)', { options: { include: ['default-v2'] } });
    const output = await ospfCollector.collect(context);
    expect(render(output.samples)).toEqual(states('default-v2', '2', { full: 2, '2-way': 1 }).sort());
  });

  it('propagates a missing OSPF menu', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await ospfCollector.collect(context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('follows the naming rule under routeros_ospf_', () => {
    expect(namingProblems(ospfCollector, ['routeros_ospf_'])).toEqual([]);
    expect(ospfCollector.defaultEnabled).toBe(true);
  });
});
