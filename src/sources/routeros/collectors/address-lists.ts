/**
 * `address_lists` (off by default): the size of firewall address lists (blocklists, allow-lists), IPv4
 * and IPv6, by `print =count-only=` with a `?list=` query: the router counts, and the entries themselves
 * (often hundreds of thousands) never cross the wire. Only the lists named in `lists` are counted,
 * plus the total of every list per family; a list absent from the router counts 0.
 * Costs 1 + the number of lists commands per family and cycle.
 */
import type { CollectContext, CollectOutput, Collector, CollectorOptions } from './collector.js';
import { gauge } from './support/define.js';
import { isMissingFeature } from './support/fetch.js';
import { hasIpv6, readFamilies, type IpFamily } from './support/ip-families.js';
import { CollectorOptionError, readStringList } from './support/options.js';
import { FAMILIES_OPTION } from './support/option-specs.js';
import { SampleList } from './support/samples.js';

export const ADDRESS_LIST_ENTRIES = gauge(
  'routeros.firewall.address_list.entries',
  '{entry}',
  'Entries of one firewall address list (dynamic ones included).',
  ['family', 'list'],
);
export const ADDRESS_LISTS_ENTRIES = gauge(
  'routeros.firewall.address_lists.entries',
  '{entry}',
  'Entries of every firewall address list together.',
  ['family'],
);

export const ADDRESS_LIST_PATHS: Readonly<Record<IpFamily, string>> = {
  ipv4: '/ip/firewall/address-list',
  ipv6: '/ipv6/firewall/address-list',
};

/** Lists counted per cycle at most: each costs one command per family. */
export const ADDRESS_LISTS_MAX = 20;

/** Settings from `collectors.address_lists.*`. */
export interface AddressListSettings {
  readonly lists: readonly string[];
  readonly families: readonly IpFamily[];
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function addressListSettings(options: CollectorOptions): AddressListSettings {
  const lists = [...new Set(readStringList(options, 'lists'))];
  if (lists.length > ADDRESS_LISTS_MAX) {
    throw new CollectorOptionError(`lists: at most ${ADDRESS_LISTS_MAX} lists (each costs a command per family and cycle), got ${lists.length}`);
  }
  if (lists.some((list) => list.trim() === '')) throw new CollectorOptionError('lists: a list name must not be empty');
  return { lists, families: readFamilies(options) };
}

/**
 * Counts the lists of one family: the total, then each list. Undefined when the family's menu is
 * missing (RouterOS 6 without IPv6); other traps propagate.
 */
async function countFamily(context: CollectContext, path: string, lists: readonly string[]): Promise<{ total: number; perList: number[] } | undefined> {
  try {
    const total = await context.api.count(path, { signal: context.signal });
    const perList: number[] = [];
    for (const list of lists) perList.push(await context.api.count(path, { query: [`list=${list}`], signal: context.signal }));
    return { total, perList };
  } catch (error) {
    if (isMissingFeature(error)) return undefined;
    throw error;
  }
}

export const addressListsCollector: Collector = {
  name: 'address_lists',
  defaultEnabled: false,
  summary: `Firewall address-list sizes by count-only queries, never the entries: the total per family and each list named in \`lists\` (off by default; 1 + lists commands per family and cycle, at most ${ADDRESS_LISTS_MAX} lists).`,
  paths: [ADDRESS_LIST_PATHS.ipv4, ADDRESS_LIST_PATHS.ipv6],
  metrics: [ADDRESS_LIST_ENTRIES, ADDRESS_LISTS_ENTRIES],
  options: [
    { name: 'lists', description: `Address-list names to count, as a list (default none: only the totals; at most ${ADDRESS_LISTS_MAX}).` },
    FAMILIES_OPTION,
  ],
  checkOptions: addressListSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = addressListSettings(context.options);
    const list = new SampleList();
    for (const family of settings.families) {
      if (family === 'ipv6' && !hasIpv6(context.router)) continue;
      const counted = await countFamily(context, ADDRESS_LIST_PATHS[family], settings.lists);
      if (counted === undefined) continue;
      list.add(ADDRESS_LISTS_ENTRIES, { family }, counted.total);
      settings.lists.forEach((name, index) => list.add(ADDRESS_LIST_ENTRIES, { family, list: name }, counted.perList[index]));
    }
    return { samples: list.samples };
  },
};
