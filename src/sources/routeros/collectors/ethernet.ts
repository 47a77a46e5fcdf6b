/**
 * `ethernet`: negotiated link speed, duplex and auto-negotiation state of the running ethernet
 * ports, from `/interface/ethernet/monitor =once=`. RouterOS answers a monitor for every port
 * named in `numbers`, so all running ports go out in ONE monitor call per cycle (mktxp and
 * nshttpd issue one call per port, their main source of scrape latency on big switches).
 * Monitor rows carry no `.id`: series are keyed by interface name.
 *
 * Also home of the helpers every monitor-based family shares ({@link monitorOnce}) and of
 * state-set series ({@link addStateSet}).
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, MetricDefinition, Sample } from './collector.js';
import { gauge } from './support/define.js';
import { monitorListed, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readFlag, readRateBytesPerSecond, readText } from './support/rows.js';
import { SampleList, addStateSet } from './support/samples.js';
import { filterOptions } from './support/option-specs.js';

const BY_INTERFACE = ['interface'] as const;

// Bytes per second (the rated `2.5Gbps` divided by 8): Prometheus' base unit is the byte, as in
// node_exporter's `node_network_speed_bytes`, and promtool flags `bits` in a name.
// The OTel name has no unit word and the unit is `By/s`: /metrics and otlptranslator both append
// `bytes_per_second` (a name spelling `per_second` itself would get it twice, see unitSuffixedName).
export const ETHERNET_SPEED = gauge(
  'routeros.ethernet.speed',
  'By/s',
  'Negotiated link speed of the running ethernet port, in bytes per second (the rated bits per second / 8).',
  BY_INTERFACE,
);
export const ETHERNET_FULL_DUPLEX = gauge(
  'routeros.ethernet.full_duplex',
  '',
  'Whether the link runs full duplex (1) or half duplex (0).',
  BY_INTERFACE,
);
export const ETHERNET_AUTO_NEGOTIATION = gauge(
  'routeros.ethernet.auto_negotiation',
  '',
  'Auto-negotiation state of the link: 1 for the current state, 0 for the other known states (done, incomplete).',
  ['interface', 'state'],
);

/** Auto-negotiation states RouterOS documents; another reported state gets its own series. */
export const AUTO_NEGOTIATION_STATES: readonly string[] = ['done', 'incomplete'];

export const ETHERNET_PATH = '/interface/ethernet';
export const ETHERNET_MONITOR = '/interface/ethernet/monitor';

/** Properties read from the monitor. */
export const ETHERNET_MONITOR_PROPLIST: readonly string[] = ['name', 'status', 'rate', 'full-duplex', 'auto-negotiation'];

/** Settings from `collectors.ethernet.*`. */
export interface EthernetSettings {
  /** `include` / `exclude`: regular expressions over the interface name. */
  readonly names: NameFilter;
}

/** Reads the options; a bad pattern throws CollectorOptionError naming the key. */
export function ethernetSettings(options: CollectorOptions): EthernetSettings {
  return { names: createNameFilter(options) };
}

/** The running ports: `/interface/ethernet/print ?running=true`, name only. */
export async function fetchRunningPorts(context: CollectContext, settings: EthernetSettings): Promise<string[]> {
  const rows = await printRows(context, ETHERNET_PATH, ['name'], { query: ['running=true'] });
  return rows.map((row) => readText(row, 'name')).filter((name): name is string => name !== undefined && settings.names.matches(name));
}

/** Maps monitor rows (by interface) to samples. Pure. */
export function mapEthernet(monitor: ReadonlyMap<string, Row>): Sample[] {
  const list = new SampleList();
  for (const [name, row] of monitor) {
    const labels = { interface: name };
    list.add(ETHERNET_SPEED, labels, readRateBytesPerSecond(row, 'rate'));
    list.add(ETHERNET_FULL_DUPLEX, labels, readFlag(row, 'full-duplex'));
    addStateSet(list, ETHERNET_AUTO_NEGOTIATION, labels, AUTO_NEGOTIATION_STATES, readText(row, 'auto-negotiation'));
  }
  return list.samples;
}

export const ethernetCollector: Collector = {
  name: 'ethernet',
  defaultEnabled: true,
  summary:
    'Link speed (bits per second), duplex and auto-negotiation state of running ethernet ports, from one monitor call for all ports; options include/exclude (interface regexes).',
  paths: [ETHERNET_PATH, ETHERNET_MONITOR],
  metrics: [ETHERNET_SPEED, ETHERNET_FULL_DUPLEX, ETHERNET_AUTO_NEGOTIATION],
  options: filterOptions('the ethernet port name'),
  checkOptions: ethernetSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = ethernetSettings(context.options);
    const monitor = await monitorListed(
      context,
      () => fetchRunningPorts(context, settings),
      ETHERNET_MONITOR,
      ETHERNET_MONITOR_PROPLIST,
    );
    return { samples: mapEthernet(monitor) };
  },
};
