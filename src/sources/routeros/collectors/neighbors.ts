/**
 * `neighbors`: devices discovered by MNDP/CDP/LLDP in `/ip/neighbor`, counted per interface;
 * `per_neighbor: true` adds one info series per neighbor (identity, address, platform, board,
 * version), capped by `max_series`. Neighbor entries are dynamic and get a new `.id` when they
 * come back, so a neighbor is keyed by interface and MAC address. Off by default.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capItems } from './support/cap.js';
import { gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { CollectorOptionError, readCount, readSwitch } from './support/options.js';
import { readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption, switchOption } from './support/option-specs.js';

export const NEIGHBOR_ENTRIES = gauge(
  'routeros.neighbor.entries',
  '{entry}',
  'Neighbors discovered on the interface (MNDP, CDP, LLDP).',
  ['interface'],
);
export const NEIGHBOR_INFO = info(
  'routeros.neighbor.info',
  'A discovered neighbor: identity, address, platform, board and software version; always 1.',
  ['interface', 'mac_address', 'identity', 'address', 'platform', 'board', 'version'],
);

export const NEIGHBOR_PATH = '/ip/neighbor';
export const NEIGHBOR_COUNT_PROPLIST: readonly string[] = ['interface', 'mac-address'];
export const NEIGHBOR_DETAIL_PROPLIST: readonly string[] = [
  ...NEIGHBOR_COUNT_PROPLIST,
  'identity',
  'address',
  'platform',
  'board',
  'version',
];

/** Neighbors per router before the cap drops the rest (per-neighbor series only). */
export const NEIGHBOR_DEFAULT_MAX_SERIES = 500;

/** Settings from `collectors.neighbors.*`. */
export interface NeighborSettings {
  /** `include` / `exclude`: regular expressions over the interface. */
  readonly interfaces: NameFilter;
  /** `per_neighbor`: one info series per neighbor (default false). */
  readonly perNeighbor: boolean;
  /** `max_series`: neighbors kept per router (default 500). */
  readonly maxNeighbors: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function neighborSettings(options: CollectorOptions): NeighborSettings {
  const perNeighbor = readSwitch(options, 'per_neighbor', false);
  return {
    interfaces: createNameFilter(options),
    perNeighbor,
    maxNeighbors: readCount(options, 'max_series', NEIGHBOR_DEFAULT_MAX_SERIES),
  };
}

/** Maps neighbor rows to per-interface counts and, with `per_neighbor`, capped info series. Pure. */
export function mapNeighbors(rows: readonly Row[], settings: NeighborSettings): CollectOutput {
  const counts = new Map<string, number>();
  const details: Sample[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    // v7 names the bridge port and the bridge (`ether3,bridge`); kept as RouterOS sends it.
    const iface = readText(row, 'interface');
    if (iface === undefined || !settings.interfaces.matches(iface)) continue;
    counts.set(iface, (counts.get(iface) ?? 0) + 1);
    const mac = readText(row, 'mac-address');
    const key = `${iface}\u0000${mac ?? ''}`;
    if (!settings.perNeighbor || mac === undefined || seen.has(key)) continue;
    seen.add(key);
    const list = new SampleList();
    list.addInfo(NEIGHBOR_INFO, {
      interface: iface,
      mac_address: mac,
      identity: readText(row, 'identity'),
      address: readText(row, 'address'),
      platform: readText(row, 'platform'),
      board: readText(row, 'board'),
      version: readText(row, 'version'),
    });
    details.push(...list.samples);
  }
  const list = new SampleList();
  for (const [iface, entries] of counts) list.add(NEIGHBOR_ENTRIES, { interface: iface }, entries);
  const capped = capItems(details, settings.maxNeighbors);
  return { samples: [...list.samples, ...capped.kept], dropped: capped.dropped };
}

export const neighborsCollector: Collector = {
  name: 'neighbors',
  defaultEnabled: false,
  summary:
    'Discovered neighbors (MNDP/CDP/LLDP) per interface; per_neighbor: true adds one info series per neighbor; options include/exclude (interface regexes), max_series (neighbors, default 500).',
  paths: [NEIGHBOR_PATH],
  metrics: [NEIGHBOR_ENTRIES, NEIGHBOR_INFO],
  options: [
    ...filterOptions('the interface the neighbor was seen on'),
    switchOption('per_neighbor', 'add one info series per neighbor'),
    maxSeriesOption('neighbors', NEIGHBOR_DEFAULT_MAX_SERIES),
  ],
  checkOptions: neighborSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = neighborSettings(context.options);
    const proplist = settings.perNeighbor ? NEIGHBOR_DETAIL_PROPLIST : NEIGHBOR_COUNT_PROPLIST;
    return mapNeighbors(await printRows(context, NEIGHBOR_PATH, proplist), settings);
  },
};
