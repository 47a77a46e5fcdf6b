/**
 * `sfp`: digital diagnostics of SFP/SFP+/QSFP modules (rx/tx power, temperature, supply voltage,
 * bias current, rx loss, tx fault) from the `sfp-*` fields of `/interface/ethernet/monitor`.
 *
 * Cost: the monitor goes out once for the SFP cages only, running or not (a module with rx loss is
 * exactly the case to see), so copper ports never pay for an SFP EEPROM read. Cages are told by
 * their `default-name` (`sfp1`, `sfp-sfpplus1`, `qsfp28-1-1`, `combo1`), which survives renames.
 * This is a second monitor call next to the `ethernet` family's: the two families run and can be
 * switched off independently, and each asks only for its own ports and fields.
 */
import type { Row } from '../client/api.js';
import { parseBoolean, parseQuantity } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { ETHERNET_MONITOR, ETHERNET_PATH } from './ethernet.js';
import { gauge, info } from './support/define.js';
import { monitorOnce, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readFlag, readNumber, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions } from './support/option-specs.js';

const BY_INTERFACE = ['interface'] as const;

export const SFP_MODULE_PRESENT = gauge(
  'routeros.sfp.module.present',
  '',
  'Whether a module sits in the SFP cage (1) or not (0).',
  BY_INTERFACE,
);
export const SFP_MODULE_INFO = info(
  'routeros.sfp.module.info',
  'SFP module facts: type, vendor, part number, serial number and wavelength; always 1.',
  ['interface', 'type', 'vendor_name', 'vendor_part_number', 'vendor_serial', 'wavelength'],
);
// dBm has no unit word OTLP consumers agree on (otlptranslator keeps `dBm` verbatim and appends it
// to a lower-case name), so the unit is '' and `dbm` is in the name.
export const SFP_RX_POWER = gauge('routeros.sfp.rx.power.dbm', '', 'Optical power received by the module, in dBm.', BY_INTERFACE);
export const SFP_TX_POWER = gauge('routeros.sfp.tx.power.dbm', '', 'Optical power transmitted by the module, in dBm.', BY_INTERFACE);
export const SFP_TEMPERATURE = gauge('routeros.sfp.temperature.celsius', 'Cel', 'Temperature of the module.', BY_INTERFACE);
export const SFP_SUPPLY_VOLTAGE = gauge('routeros.sfp.supply.voltage.volts', 'V', 'Supply voltage of the module.', BY_INTERFACE);
export const SFP_TX_BIAS_CURRENT = gauge(
  'routeros.sfp.tx.bias.current.amperes',
  'A',
  'Laser bias current of the module transmitter.',
  BY_INTERFACE,
);
export const SFP_RX_LOSS = gauge('routeros.sfp.rx.loss', '', 'Whether the module reports loss of the received signal (1) or not (0).', BY_INTERFACE);
export const SFP_TX_FAULT = gauge('routeros.sfp.tx.fault', '', 'Whether the module reports a transmitter fault (1) or not (0).', BY_INTERFACE);

/** Properties read from the monitor. */
export const SFP_MONITOR_PROPLIST: readonly string[] = [
  'name',
  'sfp-module-present',
  'sfp-rx-loss',
  'sfp-tx-fault',
  'sfp-type',
  'sfp-vendor-name',
  'sfp-vendor-part-number',
  'sfp-vendor-serial',
  'sfp-wavelength',
  'sfp-temperature',
  'sfp-supply-voltage',
  'sfp-tx-bias-current',
  'sfp-tx-power',
  'sfp-rx-power',
];

/** Default names of ports with an SFP cage: `sfp1`, `sfp-sfpplus1`, `sfp28-1`, `qsfp28-1-1`, `combo1`. */
const CAGE = /^(?:q?sfp|combo|xfp)/i;

/** Settings from `collectors.sfp.*`. */
export interface SfpSettings {
  /** `include` / `exclude`: regular expressions over the interface name. */
  readonly names: NameFilter;
}

/** Reads the options; a bad pattern throws CollectorOptionError naming the key. */
export function sfpSettings(options: CollectorOptions): SfpSettings {
  return { names: createNameFilter(options) };
}

/** Names of the ports with an SFP cage (by `default-name`, else by name) that pass the filter. Pure. */
export function sfpPorts(rows: readonly Row[], settings: SfpSettings): string[] {
  const ports: string[] = [];
  for (const row of rows) {
    const name = readText(row, 'name');
    if (name === undefined) continue;
    if (CAGE.test(readText(row, 'default-name') ?? name) && settings.names.matches(name)) ports.push(name);
  }
  return ports;
}

/** Bias current in amperes: RouterOS reports milliamperes (`6`, `6mA`). */
function biasAmperes(row: Row): number | undefined {
  const quantity = parseQuantity(row['sfp-tx-bias-current']);
  if (quantity === undefined) return undefined;
  return quantity.unit.toLowerCase() === 'a' ? quantity.value : quantity.value / 1000;
}

/** True when the cage holds a module; without the flag, any DDM value means one is there. */
function modulePresent(row: Row): boolean {
  const flag = parseBoolean(row['sfp-module-present']);
  if (flag !== undefined) return flag;
  return row['sfp-rx-power'] !== undefined || row['sfp-temperature'] !== undefined || row['sfp-type'] !== undefined;
}

/** Maps monitor rows (by interface) to samples. Empty cages report only `module.present 0`. Pure. */
export function mapSfp(monitor: ReadonlyMap<string, Row>): Sample[] {
  const list = new SampleList();
  for (const [name, row] of monitor) {
    const labels = { interface: name };
    const present = modulePresent(row);
    list.add(SFP_MODULE_PRESENT, labels, present ? 1 : 0);
    if (!present) continue;
    list.addInfo(SFP_MODULE_INFO, {
      interface: name,
      type: readText(row, 'sfp-type'),
      vendor_name: readText(row, 'sfp-vendor-name'),
      vendor_part_number: readText(row, 'sfp-vendor-part-number'),
      vendor_serial: readText(row, 'sfp-vendor-serial'),
      wavelength: readText(row, 'sfp-wavelength'),
    });
    list.add(SFP_RX_POWER, labels, readNumber(row, 'sfp-rx-power'));
    list.add(SFP_TX_POWER, labels, readNumber(row, 'sfp-tx-power'));
    list.add(SFP_TEMPERATURE, labels, readNumber(row, 'sfp-temperature'));
    list.add(SFP_SUPPLY_VOLTAGE, labels, readNumber(row, 'sfp-supply-voltage'));
    list.add(SFP_TX_BIAS_CURRENT, labels, biasAmperes(row));
    list.add(SFP_RX_LOSS, labels, readFlag(row, 'sfp-rx-loss'));
    list.add(SFP_TX_FAULT, labels, readFlag(row, 'sfp-tx-fault'));
  }
  return list.samples;
}

export const sfpCollector: Collector = {
  name: 'sfp',
  defaultEnabled: true,
  summary:
    'SFP module diagnostics (rx/tx power, temperature, supply voltage, bias current, rx loss, tx fault) from one monitor call for all SFP cages; options include/exclude (interface regexes).',
  paths: [ETHERNET_PATH, ETHERNET_MONITOR],
  metrics: [
    SFP_MODULE_PRESENT,
    SFP_MODULE_INFO,
    SFP_RX_POWER,
    SFP_TX_POWER,
    SFP_TEMPERATURE,
    SFP_SUPPLY_VOLTAGE,
    SFP_TX_BIAS_CURRENT,
    SFP_RX_LOSS,
    SFP_TX_FAULT,
  ],
  options: filterOptions('the SFP port name'),
  checkOptions: sfpSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = sfpSettings(context.options);
    const ports = sfpPorts(await printRows(context, ETHERNET_PATH, ['name', 'default-name']), settings);
    return { samples: mapSfp(await monitorOnce(context, ETHERNET_MONITOR, ports, SFP_MONITOR_PROPLIST)) };
  },
};
