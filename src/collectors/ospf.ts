/**
 * `ospf`: OSPF neighbors per instance and adjacency state. A neighbor that is gone has no row at
 * all, so every state of every configured instance is reported, 0 included: an alert on
 * `state="full"` dropping below the expected count then fires instead of seeing no data.
 * v6 and v7 share `/routing/ospf/neighbor` and `/routing/ospf/instance`; only fields this family
 * does not read differ (v6 `dr-address`/`interface`, v7 `dr`/`area`).
 */
import type { Row } from '../routeros/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions } from './collector.js';
import { gauge } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions } from './support/option-specs.js';

export const OSPF_NEIGHBORS = gauge(
  'routeros.ospf.neighbors',
  '{neighbor}',
  'OSPF neighbors of the instance in this adjacency state (down, attempt, init, 2-way, exstart, exchange, loading, full).',
  ['instance', 'state'],
);

export const OSPF_NEIGHBOR_PATH = '/routing/ospf/neighbor';
export const OSPF_INSTANCE_PATH = '/routing/ospf/instance';

/** RFC 2328 neighbor states as RouterOS names them, lower-cased (the docs mix `Full` and `full`). */
export const OSPF_STATES: readonly string[] = ['down', 'attempt', 'init', '2-way', 'exstart', 'exchange', 'loading', 'full'];

/** Settings from `collectors.ospf.*`. */
export interface OspfSettings {
  /** `include` / `exclude`: regular expressions over the instance name. */
  readonly instances: NameFilter;
}

/** Reads the options; a bad pattern throws CollectorOptionError naming the key. */
export function ospfSettings(options: CollectorOptions): OspfSettings {
  return { instances: createNameFilter(options) };
}

/** Counts neighbors per instance and state; configured instances get every state, 0 included. Pure. */
export function mapOspf(instances: readonly Row[], neighbors: readonly Row[], settings: OspfSettings): SampleList {
  const counts = new Map<string, Map<string, number>>();
  const instanceCounts = (instance: string): Map<string, number> => {
    let perState = counts.get(instance);
    if (perState === undefined) {
      perState = new Map(OSPF_STATES.map((state) => [state, 0]));
      counts.set(instance, perState);
    }
    return perState;
  };
  for (const row of instances) {
    const name = readText(row, 'name');
    // A disabled instance has no neighbors to expect (v6 ships an unused `default` instance).
    if (name !== undefined && row['disabled'] !== 'true' && settings.instances.matches(name)) instanceCounts(name);
  }
  for (const row of neighbors) {
    const instance = readText(row, 'instance') ?? '';
    const state = readText(row, 'state')?.toLowerCase();
    if (state === undefined || !settings.instances.matches(instance)) continue;
    const perState = instanceCounts(instance);
    perState.set(state, (perState.get(state) ?? 0) + 1);
  }
  const list = new SampleList();
  for (const [instance, perState] of counts) {
    for (const [state, neighborCount] of perState) list.add(OSPF_NEIGHBORS, { instance, state }, neighborCount);
  }
  return list;
}

export const ospfCollector: Collector = {
  name: 'ospf',
  defaultEnabled: true,
  summary:
    'OSPF neighbors by instance and state, every state of every instance reported (0 included); options include/exclude (instance regexes).',
  paths: [OSPF_NEIGHBOR_PATH, OSPF_INSTANCE_PATH],
  metrics: [OSPF_NEIGHBORS],
  options: filterOptions('the OSPF instance name'),
  checkOptions: ospfSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = ospfSettings(context.options);
    const [instances, neighbors] = await Promise.all([
      printRows(context, OSPF_INSTANCE_PATH, ['name', 'disabled']),
      printRows(context, OSPF_NEIGHBOR_PATH, ['instance', 'state']),
    ]);
    return { samples: mapOspf(instances, neighbors, settings).samples };
  },
};
