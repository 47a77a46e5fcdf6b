/**
 * `interface`: traffic, error and drop counters, link flaps and state of every interface from
 * `/interface`. Series are keyed by interface name; an info series carries `.id`, type, MAC,
 * default name and comment. Big boxes (a CCR with ~1500 VLANs) filter by type on the router
 * (queries) and by name on the agent (regular expressions); a per-router cap bounds what is left.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { counter, gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readCount, readStringList } from './support/options.js';
import { readCounter, readFlag, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';

const BY_INTERFACE = ['interface'] as const;

export const INTERFACE_RECEIVE_BYTES = counter('routeros.interface.receive.bytes', 'By', 'Bytes received by the interface.', BY_INTERFACE);
export const INTERFACE_TRANSMIT_BYTES = counter('routeros.interface.transmit.bytes', 'By', 'Bytes transmitted by the interface.', BY_INTERFACE);
export const INTERFACE_RECEIVE_PACKETS = counter('routeros.interface.receive.packets', '{packet}', 'Packets received by the interface.', BY_INTERFACE);
export const INTERFACE_TRANSMIT_PACKETS = counter('routeros.interface.transmit.packets', '{packet}', 'Packets transmitted by the interface.', BY_INTERFACE);
export const INTERFACE_RECEIVE_ERRORS = counter('routeros.interface.receive.errors', '{error}', 'Receive errors on the interface.', BY_INTERFACE);
export const INTERFACE_TRANSMIT_ERRORS = counter('routeros.interface.transmit.errors', '{error}', 'Transmit errors on the interface.', BY_INTERFACE);
export const INTERFACE_RECEIVE_DROPS = counter('routeros.interface.receive.drops', '{packet}', 'Received packets the interface dropped.', BY_INTERFACE);
export const INTERFACE_TRANSMIT_DROPS = counter('routeros.interface.transmit.drops', '{packet}', 'Packets the interface dropped before transmitting.', BY_INTERFACE);
export const INTERFACE_LINK_DOWNS = counter('routeros.interface.link.downs', '{event}', 'Times the link went down since boot.', BY_INTERFACE);
export const INTERFACE_RUNNING = gauge('routeros.interface.running', '', 'Whether the interface is running (1) or not (0).', BY_INTERFACE);
export const INTERFACE_DISABLED = gauge('routeros.interface.disabled', '', 'Whether the interface is disabled (1) or not (0).', BY_INTERFACE);
// MTUs are sizes in bytes. `mtu` is what is configured (`auto` on bridges: no sample), `actual-mtu` what
// is in force, `l2mtu` the layer-2 size VLAN and MPLS headers must fit in (absent on virtual interfaces).
export const INTERFACE_MTU = gauge('routeros.interface.mtu.bytes', 'By', 'Configured layer-3 MTU of the interface; absent when it is `auto`.', BY_INTERFACE);
export const INTERFACE_ACTUAL_MTU = gauge('routeros.interface.actual_mtu.bytes', 'By', 'Layer-3 MTU in force on the interface.', BY_INTERFACE);
export const INTERFACE_L2MTU = gauge('routeros.interface.l2mtu.bytes', 'By', 'Layer-2 MTU of the interface; absent on interfaces without one.', BY_INTERFACE);
export const INTERFACE_INFO = info(
  'routeros.interface.info',
  'Interface facts: RouterOS id, type, MAC address, default name and comment; always 1.',
  ['interface', 'id', 'type', 'mac_address', 'default_name', 'comment'],
);

/** Counter metric → RouterOS property. */
const COUNTERS = [
  [INTERFACE_RECEIVE_BYTES, 'rx-byte'],
  [INTERFACE_TRANSMIT_BYTES, 'tx-byte'],
  [INTERFACE_RECEIVE_PACKETS, 'rx-packet'],
  [INTERFACE_TRANSMIT_PACKETS, 'tx-packet'],
  [INTERFACE_RECEIVE_ERRORS, 'rx-error'],
  [INTERFACE_TRANSMIT_ERRORS, 'tx-error'],
  [INTERFACE_RECEIVE_DROPS, 'rx-drop'],
  [INTERFACE_TRANSMIT_DROPS, 'tx-drop'],
  [INTERFACE_LINK_DOWNS, 'link-downs'],
] as const;

/** Properties read from `/interface`. */
export const INTERFACE_PROPLIST: readonly string[] = [
  '.id',
  'name',
  'default-name',
  'type',
  'mac-address',
  'comment',
  'running',
  'disabled',
  'mtu',
  'actual-mtu',
  'l2mtu',
  ...COUNTERS.map(([, property]) => property),
];

/**
 * Interfaces per router, after the filters, before the cap drops the rest (up to 15 series each, so at
 * most 75,000 series). Sized for the big boxes: the CCR with 1,500 VLANs of mktxp #205 plus its ports,
 * bridges and tunnels fits three times over. A PPPoE concentrator has one dynamic `pppoe-in`
 * interface per subscriber; at thousands of subscribers, exclude that type instead of raising this.
 */
export const INTERFACE_DEFAULT_MAX = 5000;

/** Settings from `collectors.interface.*`: filters and the cap. */
export interface InterfaceSettings {
  /** Regular expressions over the name (`include`/`exclude`), applied on the agent. */
  readonly names: NameFilter;
  /** Exact types to keep (`include_types`); all when empty. Sent to the router as a query. */
  readonly includeTypes: readonly string[];
  /** Exact types to drop (`exclude_types`). Sent to the router as a query. */
  readonly excludeTypes: readonly string[];
  /** `max_series`: interfaces kept per router (default {@link INTERFACE_DEFAULT_MAX}). */
  readonly maxInterfaces: number | undefined;
}

/** Reads the interface options; a bad value throws CollectorOptionError naming the option. */
export function interfaceSettings(options: CollectorOptions): InterfaceSettings {
  return {
    names: createNameFilter(options),
    includeTypes: readStringList(options, 'include_types'),
    excludeTypes: readStringList(options, 'exclude_types'),
    maxInterfaces: readCount(options, 'max_series', INTERFACE_DEFAULT_MAX),
  };
}

/**
 * Query words (without `?`) selecting the filter's types on the router:
 * `type=ether type=vlan #|` keeps ether OR vlan; `type=wg #!` drops wg.
 */
export function typeQuery(filter: Pick<InterfaceSettings, 'includeTypes' | 'excludeTypes'>): string[] {
  const words: string[] = [];
  if (filter.includeTypes.length > 0) {
    words.push(...filter.includeTypes.map((type) => `type=${type}`));
    if (filter.includeTypes.length > 1) words.push(`#${'|'.repeat(filter.includeTypes.length - 1)}`);
  }
  for (const type of filter.excludeTypes) words.push(`type=${type}`, '#!');
  return words;
}

/** Reads `/interface` with the type filter as a router-side query. */
export function fetchInterfaces(context: CollectContext, filter: InterfaceSettings): Promise<Row[]> {
  const query = typeQuery(filter);
  return printRows(context, '/interface', INTERFACE_PROPLIST, query.length > 0 ? { query } : {});
}

function keep(row: Row, name: string, filter: InterfaceSettings): boolean {
  // The router already applied the type query; checking again keeps map() correct on its own.
  const type = row['type'] ?? '';
  if (filter.includeTypes.length > 0 && !filter.includeTypes.includes(type)) return false;
  if (filter.excludeTypes.includes(type)) return false;
  return filter.names.matches(name);
}

/**
 * Maps `/interface` rows to samples, the interfaces beyond `max_series` (in router order) dropped
 * and their series counted. Rows without a name are skipped, and a repeated name keeps its first
 * row (two series with one label set would be rejected downstream). Pure.
 */
export function mapInterfaces(rows: readonly Row[], settings: InterfaceSettings): CollectOutput {
  const interfaces: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const name = readText(row, 'name');
    if (name === undefined || seen.has(name) || !keep(row, name, settings)) continue;
    seen.add(name);
    interfaces.push(mapInterface(row, name));
  }
  return capSeriesGroups(interfaces, settings.maxInterfaces);
}

function mapInterface(row: Row, name: string): Sample[] {
  const list = new SampleList();
  const labels = { interface: name };
  list.addInfo(INTERFACE_INFO, {
    interface: name,
    id: readText(row, '.id'),
    type: readText(row, 'type'),
    mac_address: readText(row, 'mac-address'),
    default_name: readText(row, 'default-name'),
    comment: readText(row, 'comment'),
  });
  list.add(INTERFACE_RUNNING, labels, readFlag(row, 'running'));
  list.add(INTERFACE_DISABLED, labels, readFlag(row, 'disabled'));
  list.add(INTERFACE_MTU, labels, readCounter(row, 'mtu'));
  list.add(INTERFACE_ACTUAL_MTU, labels, readCounter(row, 'actual-mtu'));
  list.add(INTERFACE_L2MTU, labels, readCounter(row, 'l2mtu'));
  for (const [metric, property] of COUNTERS) list.add(metric, labels, readCounter(row, property));
  return list.samples;
}

export const interfaceCollector: Collector = {
  name: 'interface',
  defaultEnabled: true,
  summary:
    `Traffic, error and drop counters, link flaps, state and MTUs (configured, actual, L2) per interface; filter with include/exclude (name regexes) and include_types/exclude_types; max_series (interfaces, default ${INTERFACE_DEFAULT_MAX}).`,
  paths: ['/interface'],
  metrics: [
    INTERFACE_INFO,
    INTERFACE_RUNNING,
    INTERFACE_DISABLED,
    INTERFACE_MTU,
    INTERFACE_ACTUAL_MTU,
    INTERFACE_L2MTU,
    ...COUNTERS.map(([metric]) => metric),
  ],
  options: [
    ...filterOptions('the interface name'),
    { name: 'include_types', description: 'Interface types to keep, exact (`ether`, `vlan`); sent to the router as a query; all when unset.' },
    { name: 'exclude_types', description: 'Interface types to skip, exact (`pppoe-in`); sent to the router as a query.' },
    maxSeriesOption(
      'interfaces (after the filters, in router order)',
      INTERFACE_DEFAULT_MAX,
      'the series of the others count as dropped; sized for a CCR with 1,500 VLANs, so on a PPPoE concentrator with thousands of subscribers exclude `pppoe-in` rather than raise it',
    ),
  ],
  checkOptions: interfaceSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = interfaceSettings(context.options);
    return mapInterfaces(await fetchInterfaces(context, settings), settings);
  },
};
