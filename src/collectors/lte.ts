/**
 * `lte`: radio signal (RSSI, RSRP, RSRQ, SINR), registration state and session uptime of LTE
 * interfaces. v7: `/interface/lte/monitor =numbers=<all> =once=`, one call for every interface.
 * v6: `/interface/lte/info =number=<one> =once=` per interface (v6 has no multi-item form there),
 * which needs the `test` policy on the API user. Off by default.
 */
import type { Row } from '../routeros/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { gauge } from './support/define.js';
import { monitorOnce, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readDurationSeconds, readNumber, readText } from './support/rows.js';
import { SampleList, addStateSet } from './support/samples.js';
import { filterOptions } from './support/option-specs.js';

const BY_INTERFACE = ['interface'] as const;

// dBm and dB go in the name with unit '' (see sfp.ts): OTLP consumers would append `dBm`/`dB` verbatim.
export const LTE_RSSI = gauge('routeros.lte.rssi.dbm', '', 'Received signal strength indicator, in dBm.', BY_INTERFACE);
export const LTE_RSRP = gauge('routeros.lte.rsrp.dbm', '', 'Reference signal received power, in dBm.', BY_INTERFACE);
export const LTE_RSRQ = gauge('routeros.lte.rsrq.db', '', 'Reference signal received quality, in dB.', BY_INTERFACE);
export const LTE_SINR = gauge('routeros.lte.sinr.db', '', 'Signal to interference plus noise ratio, in dB.', BY_INTERFACE);
export const LTE_REGISTRATION_STATE = gauge(
  'routeros.lte.registration.state',
  '',
  'Network registration state of the modem: 1 for the current state (registered, searching, …), 0 for registered when it is not.',
  ['interface', 'state'],
);
export const LTE_SESSION_UPTIME = gauge('routeros.lte.session.uptime.seconds', 's', 'How long the data session has been up.', BY_INTERFACE);

/** `registered` is always reported (0 or 1); any other state RouterOS sends appears as it comes. */
export const LTE_KNOWN_STATES: readonly string[] = ['registered'];

export const LTE_PATH = '/interface/lte';
export const LTE_MONITOR = '/interface/lte/monitor';
export const LTE_INFO = '/interface/lte/info';
export const LTE_MONITOR_PROPLIST: readonly string[] = ['name', 'registration-status', 'rssi', 'rsrp', 'rsrq', 'sinr', 'session-uptime'];

/** Settings from `collectors.lte.*`. */
export interface LteSettings {
  /** `include` / `exclude`: regular expressions over the interface name. */
  readonly names: NameFilter;
}

/** Reads the options; a bad pattern throws CollectorOptionError naming the key. */
export function lteSettings(options: CollectorOptions): LteSettings {
  return { names: createNameFilter(options) };
}

/** The enabled LTE interfaces that pass the filter. */
export async function fetchLteInterfaces(context: CollectContext, settings: LteSettings): Promise<string[]> {
  const rows = await printRows(context, LTE_PATH, ['name'], { query: ['disabled=false'] });
  return rows.map((row) => readText(row, 'name')).filter((name): name is string => name !== undefined && settings.names.matches(name));
}

/** Monitor rows by interface: one call on v7, one `info` per interface on v6. */
export async function fetchLteMonitor(context: CollectContext, interfaces: readonly string[]): Promise<Map<string, Row>> {
  if (context.router.major !== 6) return monitorOnce(context, LTE_MONITOR, interfaces, LTE_MONITOR_PROPLIST);
  const parts = await Promise.all(interfaces.map((name) => monitorOnce(context, LTE_INFO, [name], LTE_MONITOR_PROPLIST, 'number')));
  return new Map(parts.flatMap((part) => [...part]));
}

/** Maps monitor rows (by interface) to samples. Pure. */
export function mapLte(monitor: ReadonlyMap<string, Row>): Sample[] {
  const list = new SampleList();
  for (const [name, row] of monitor) {
    const labels = { interface: name };
    list.add(LTE_RSSI, labels, readNumber(row, 'rssi'));
    list.add(LTE_RSRP, labels, readNumber(row, 'rsrp'));
    list.add(LTE_RSRQ, labels, readNumber(row, 'rsrq'));
    list.add(LTE_SINR, labels, readNumber(row, 'sinr'));
    // `not registered` and `not-registered` are one state.
    addStateSet(list, LTE_REGISTRATION_STATE, labels, LTE_KNOWN_STATES, readText(row, 'registration-status')?.replace(/\s+/g, '-'));
    list.add(LTE_SESSION_UPTIME, labels, readDurationSeconds(row, 'session-uptime'));
  }
  return list.samples;
}

export const lteCollector: Collector = {
  name: 'lte',
  defaultEnabled: false,
  summary:
    'LTE signal (RSSI, RSRP, RSRQ, SINR), registration state and session uptime per interface; v6 needs the test policy; options include/exclude (interface regexes).',
  paths: [LTE_PATH, LTE_MONITOR, LTE_INFO],
  metrics: [LTE_RSSI, LTE_RSRP, LTE_RSRQ, LTE_SINR, LTE_REGISTRATION_STATE, LTE_SESSION_UPTIME],
  options: filterOptions('the LTE interface name'),
  checkOptions: lteSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = lteSettings(context.options);
    return { samples: mapLte(await fetchLteMonitor(context, await fetchLteInterfaces(context, settings))) };
  },
};
