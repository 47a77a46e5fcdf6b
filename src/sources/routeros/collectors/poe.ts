/**
 * `poe`: PoE-out status, voltage, current and power per port from
 * `/interface/ethernet/poe/monitor =once=`, one call for every PoE port (mktxp and nshttpd issue
 * one call per port). The ports come from `/interface/ethernet/poe`, which lists only PoE-capable
 * ports; a board without PoE-out has no such menu and the family is marked unsupported.
 */
import type { Row } from '../client/api.js';
import { parseQuantity } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { gauge, info } from './support/define.js';
import { monitorOnce, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readNumber, readText } from './support/rows.js';
import { SampleList, addStateSet } from './support/samples.js';
import { filterOptions } from './support/option-specs.js';

const BY_INTERFACE = ['interface'] as const;

export const POE_OUT_INFO = info(
  'routeros.poe.out.info',
  'PoE-out settings of the port: mode (auto-on, forced-on, off) and priority; always 1.',
  ['interface', 'mode', 'priority'],
);
export const POE_OUT_STATUS = gauge(
  'routeros.poe.out.status',
  '',
  'PoE-out status of the port: 1 for the current status, 0 for the other known ones (powered-on, waiting-for-load, short-circuit, overload, voltage-too-low, current-too-low, disabled).',
  ['interface', 'status'],
);
export const POE_OUT_VOLTAGE = gauge('routeros.poe.out.voltage.volts', 'V', 'Voltage the port supplies.', BY_INTERFACE);
export const POE_OUT_CURRENT = gauge('routeros.poe.out.current.amperes', 'A', 'Current the powered device draws.', BY_INTERFACE);
export const POE_OUT_POWER = gauge('routeros.poe.out.power.watts', 'W', 'Power the powered device draws.', BY_INTERFACE);

/** `poe-out-status` values; the list is not exhaustive across boards, another one gets its own series. */
export const POE_OUT_STATUSES: readonly string[] = [
  'powered-on',
  'waiting-for-load',
  'short-circuit',
  'overload',
  'voltage-too-low',
  'current-too-low',
  'disabled',
];

export const POE_PATH = '/interface/ethernet/poe';
export const POE_MONITOR = '/interface/ethernet/poe/monitor';

export const POE_PROPLIST: readonly string[] = ['name', 'poe-out', 'poe-priority'];
export const POE_MONITOR_PROPLIST: readonly string[] = [
  'name',
  'poe-out-status',
  'poe-out-voltage',
  'poe-out-current',
  'poe-out-power',
];

/** Settings from `collectors.poe.*`. */
export interface PoeSettings {
  /** `include` / `exclude`: regular expressions over the interface name. */
  readonly names: NameFilter;
}

/** Reads the options; a bad pattern throws CollectorOptionError naming the key. */
export function poeSettings(options: CollectorOptions): PoeSettings {
  return { names: createNameFilter(options) };
}

/** Current in amperes: RouterOS reports milliamperes (`98`, `98mA`). */
function amperes(row: Row): number | undefined {
  const quantity = parseQuantity(row['poe-out-current']);
  if (quantity === undefined) return undefined;
  return quantity.unit.toLowerCase() === 'a' ? quantity.value : quantity.value / 1000;
}

/** The PoE ports that pass the filter, with their settings row. Pure. */
export function poePorts(rows: readonly Row[], settings: PoeSettings): Map<string, Row> {
  const ports = new Map<string, Row>();
  for (const row of rows) {
    const name = readText(row, 'name');
    if (name !== undefined && !ports.has(name) && settings.names.matches(name)) ports.set(name, row);
  }
  return ports;
}

/** Maps the port settings and their monitor rows to samples. Pure. */
export function mapPoe(ports: ReadonlyMap<string, Row>, monitor: ReadonlyMap<string, Row>): Sample[] {
  const list = new SampleList();
  for (const [name, settings] of ports) {
    const labels = { interface: name };
    list.addInfo(POE_OUT_INFO, { interface: name, mode: readText(settings, 'poe-out'), priority: readText(settings, 'poe-priority') });
    const row = monitor.get(name);
    if (row === undefined) continue;
    addStateSet(list, POE_OUT_STATUS, labels, POE_OUT_STATUSES, readText(row, 'poe-out-status'));
    list.add(POE_OUT_VOLTAGE, labels, readNumber(row, 'poe-out-voltage'));
    list.add(POE_OUT_CURRENT, labels, amperes(row));
    list.add(POE_OUT_POWER, labels, readNumber(row, 'poe-out-power'));
  }
  return list.samples;
}

export const poeCollector: Collector = {
  name: 'poe',
  defaultEnabled: true,
  summary:
    'PoE-out status, voltage, current and power per port, from one monitor call for all PoE ports; options include/exclude (interface regexes).',
  paths: [POE_PATH, POE_MONITOR],
  metrics: [POE_OUT_INFO, POE_OUT_STATUS, POE_OUT_VOLTAGE, POE_OUT_CURRENT, POE_OUT_POWER],
  options: filterOptions('the PoE port name'),
  checkOptions: poeSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = poeSettings(context.options);
    const ports = poePorts(await printRows(context, POE_PATH, POE_PROPLIST), settings);
    const monitor = await monitorOnce(context, POE_MONITOR, [...ports.keys()], POE_MONITOR_PROPLIST);
    return { samples: mapPoe(ports, monitor) };
  },
};
