/**
 * `ospf`: OSPF neighbors per instance, OSPF version and adjacency state. A neighbor that is gone has
 * no row at all, so every state of every configured instance is reported, 0 included: an alert on
 * `state="full"` dropping below the expected count then fires instead of seeing no data.
 * RouterOS 7 keeps OSPFv2 and OSPFv3 in one `/routing/ospf/instance` (`version=2|3`) and one
 * `/routing/ospf/neighbor`. RouterOS 6 has `/routing/ospf` for v2 and `/routing/ospf-v3` for v3, both
 * shipping an instance named `default`, so `version` keeps the two apart. Only fields this family
 * does not read differ otherwise (v6 `dr-address`/`interface`, v7 `dr`/`area`).
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions } from './collector.js';
import { gauge } from './support/define.js';
import { printOptionalRows, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions } from './support/option-specs.js';

export const OSPF_NEIGHBORS = gauge(
  'routeros.ospf.neighbors',
  '{neighbor}',
  'OSPF neighbors of the instance in this adjacency state (down, attempt, init, 2-way, exstart, exchange, loading, full); version is 2 (OSPFv2) or 3 (OSPFv3).',
  // Not `instance`: Prometheus sets that label on every scraped series and would rename ours.
  ['ospf_instance', 'version', 'state'],
);

export const OSPF_NEIGHBOR_PATH = '/routing/ospf/neighbor';
export const OSPF_INSTANCE_PATH = '/routing/ospf/instance';
/** RouterOS 6 only: OSPFv3 has its own menu (part of the `routing` package). */
export const OSPF_V3_NEIGHBOR_PATH = '/routing/ospf-v3/neighbor';
export const OSPF_V3_INSTANCE_PATH = '/routing/ospf-v3/instance';

/** RFC 2328 neighbor states as RouterOS names them, lower-cased (the docs mix `Full` and `full`). */
export const OSPF_STATES: readonly string[] = ['down', 'attempt', 'init', '2-way', 'exstart', 'exchange', 'loading', 'full'];

/** RouterOS 7's default for an instance without `version`. */
const DEFAULT_VERSION = '2';

/** Settings from `collectors.ospf.*`. */
export interface OspfSettings {
  /** `include` / `exclude`: regular expressions over the instance name. */
  readonly instances: NameFilter;
}

/** Reads the options; a bad pattern throws CollectorOptionError naming the key. */
export function ospfSettings(options: CollectorOptions): OspfSettings {
  return { instances: createNameFilter(options) };
}

/** The instance and neighbor rows of one OSPF menu. */
export interface OspfTables {
  readonly instances: readonly Row[];
  readonly neighbors: readonly Row[];
  /**
   * The OSPF version of everything in these menus (RouterOS 6: `2` for `/routing/ospf`, `3` for
   * `/routing/ospf-v3`); undefined when each instance says its own (RouterOS 7 `version`).
   */
  readonly version?: '2' | '3';
}

/**
 * Counts neighbors per instance, version and state; configured instances get every state, 0
 * included. A v7 neighbor of an instance not listed gets version ''. Pure.
 */
export function mapOspf(tables: readonly OspfTables[], settings: OspfSettings): SampleList {
  const counts = new Map<string, { instance: string; version: string; perState: Map<string, number> }>();
  const instanceCounts = (instance: string, version: string): Map<string, number> => {
    const key = `${version}\u0000${instance}`;
    let entry = counts.get(key);
    if (entry === undefined) {
      entry = { instance, version, perState: new Map(OSPF_STATES.map((state) => [state, 0])) };
      counts.set(key, entry);
    }
    return entry.perState;
  };
  for (const table of tables) {
    const versions = new Map<string, string>();
    for (const row of table.instances) {
      const name = readText(row, 'name');
      if (name === undefined) continue;
      const version = table.version ?? readText(row, 'version') ?? DEFAULT_VERSION;
      versions.set(name, version);
      // A disabled instance has no neighbors to expect (v6 ships an unused `default` instance).
      if (row['disabled'] !== 'true' && settings.instances.matches(name)) instanceCounts(name, version);
    }
    for (const row of table.neighbors) {
      const instance = readText(row, 'instance') ?? '';
      const state = readText(row, 'state')?.toLowerCase();
      if (state === undefined || !settings.instances.matches(instance)) continue;
      const perState = instanceCounts(instance, table.version ?? versions.get(instance) ?? '');
      perState.set(state, (perState.get(state) ?? 0) + 1);
    }
  }
  const list = new SampleList();
  for (const { instance, version, perState } of counts.values()) {
    for (const [state, neighborCount] of perState) list.add(OSPF_NEIGHBORS, { ospf_instance: instance, version, state }, neighborCount);
  }
  return list;
}

const INSTANCE_PROPLIST = ['name', 'disabled'];
const NEIGHBOR_PROPLIST = ['instance', 'state'];

/**
 * Reads the menus the router's version has. On RouterOS 6 the OSPFv3 menus are optional: a router
 * without them still reports OSPFv2; a missing `/routing/ospf` makes the family unsupported.
 */
export async function fetchOspf(context: CollectContext): Promise<OspfTables[]> {
  if (context.router.major !== 6) {
    const [instances, neighbors] = await Promise.all([
      printRows(context, OSPF_INSTANCE_PATH, [...INSTANCE_PROPLIST, 'version']),
      printRows(context, OSPF_NEIGHBOR_PATH, NEIGHBOR_PROPLIST),
    ]);
    return [{ instances, neighbors }];
  }
  const [instances, neighbors, v3Instances, v3Neighbors] = await Promise.all([
    printRows(context, OSPF_INSTANCE_PATH, INSTANCE_PROPLIST),
    printRows(context, OSPF_NEIGHBOR_PATH, NEIGHBOR_PROPLIST),
    printOptionalRows(context, OSPF_V3_INSTANCE_PATH, INSTANCE_PROPLIST),
    printOptionalRows(context, OSPF_V3_NEIGHBOR_PATH, NEIGHBOR_PROPLIST),
  ]);
  return [
    { instances, neighbors, version: '2' },
    { instances: v3Instances, neighbors: v3Neighbors, version: '3' },
  ];
}

export const ospfCollector: Collector = {
  name: 'ospf',
  defaultEnabled: true,
  summary:
    'OSPF neighbors by instance, OSPF version (2 or 3) and state, every state of every instance reported (0 included); v7 /routing/ospf, v6 /routing/ospf and /routing/ospf-v3; options include/exclude (instance regexes).',
  paths: [OSPF_NEIGHBOR_PATH, OSPF_INSTANCE_PATH, OSPF_V3_NEIGHBOR_PATH, OSPF_V3_INSTANCE_PATH],
  metrics: [OSPF_NEIGHBORS],
  options: filterOptions('the OSPF instance name'),
  checkOptions: ospfSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = ospfSettings(context.options);
    return { samples: mapOspf(await fetchOspf(context), settings).samples };
  },
};
