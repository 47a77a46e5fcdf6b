/**
 * `lte`: radio signal (RSSI, RSRP, RSRQ, SINR, and the 5G NR leg's RSRP, RSRQ, SINR), registration
 * state, session uptime, and operator, access technology, cell and bands (info) of LTE interfaces. v7: `/interface/lte/monitor =numbers=<all> =once=`, one call for every interface.
 * v6: `/interface/lte/info =number=<one> =once=` per interface (v6 has no multi-item form there),
 * which needs the `test` policy on the API user; a refusal says so. Off by default.
 *
 * The registration state is a fixed state set (3GPP registration states as RouterOS names them),
 * so a modem that goes from `searching` to `roaming` changes values, never series. `registered`
 * counts the home network and roaming alike: a roaming modem is attached and carries data.
 */
import type { Row } from '../client/api.js';
import { TrapError } from '../client/errors.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { gauge, info } from './support/define.js';
import { enabledNames, monitorOnce } from './support/fetch.js';
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
// 5G NR of a non-standalone modem (Chateau 5G): the NR leg's own signal beside the LTE anchor's.
export const LTE_NR_RSRP = gauge('routeros.lte.nr.rsrp.dbm', '', 'Reference signal received power of the 5G NR leg, in dBm.', BY_INTERFACE);
export const LTE_NR_RSRQ = gauge('routeros.lte.nr.rsrq.db', '', 'Reference signal received quality of the 5G NR leg, in dB.', BY_INTERFACE);
export const LTE_NR_SINR = gauge('routeros.lte.nr.sinr.db', '', 'Signal to interference plus noise ratio of the 5G NR leg, in dB.', BY_INTERFACE);
export const LTE_CELL_INFO = info(
  'routeros.lte.cell.info',
  'The network the modem uses: operator, access technology, serving cell id and bands (primary, carrier aggregation); always 1, a new series on handover.',
  ['interface', 'operator', 'access_technology', 'cell_id', 'primary_band', 'ca_band'],
);
export const LTE_REGISTERED = gauge(
  'routeros.lte.registered',
  '',
  'Whether the modem is registered to a network, on its home network or roaming (1) or not (0).',
  BY_INTERFACE,
);
export const LTE_REGISTRATION_STATE = gauge(
  'routeros.lte.registration.state',
  '',
  'Network registration state of the modem: one series per state (registered = home network, roaming, searching, not-registered, denied, unknown), 1 for the current one, 0 for the others; states RouterOS reports that are not in the set count as unknown.',
  ['interface', 'state'],
);
export const LTE_SESSION_UPTIME = gauge('routeros.lte.session.uptime.seconds', 's', 'How long the data session has been up.', BY_INTERFACE);

/** Every registration state, always reported (0 or 1). */
export const LTE_STATES: readonly string[] = ['registered', 'roaming', 'searching', 'not-registered', 'denied', 'unknown'];

/** States in which the modem is attached to a network. */
const REGISTERED_STATES: ReadonlySet<string> = new Set(['registered', 'roaming']);

/** `not registered` and `not-registered` are one state; a state outside the set is `unknown`. */
export function lteState(status: string | undefined): string | undefined {
  const state = status?.trim().toLowerCase().replace(/\s+/g, '-');
  if (state === undefined || state === '') return undefined;
  return LTE_STATES.includes(state) ? state : 'unknown';
}

/** True when a trap means the API user lacks a policy the command needs. */
function isPermissionDenied(error: unknown): error is TrapError {
  return error instanceof TrapError && /not enough permissions|not allowed/i.test(error.message);
}

export const LTE_PATH = '/interface/lte';
export const LTE_MONITOR = '/interface/lte/monitor';
export const LTE_INFO = '/interface/lte/info';
export const LTE_MONITOR_PROPLIST: readonly string[] = [
  ...['name', 'registration-status', 'rssi', 'rsrp', 'rsrq', 'sinr', 'session-uptime'],
  ...['nr-rsrp', 'nr-rsrq', 'nr-sinr', 'current-operator', 'access-technology', 'current-cellid', 'primary-band', 'ca-band'],
];

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
export function fetchLteInterfaces(context: CollectContext, settings: LteSettings): Promise<string[]> {
  return enabledNames(context, LTE_PATH, settings.names);
}

/**
 * Monitor rows by interface: one call on v7, one `info` per interface on v6. A v6 refusal for lack
 * of the `test` policy rejects with an error that names the policy (the trap is its cause).
 */
export async function fetchLteMonitor(context: CollectContext, interfaces: readonly string[]): Promise<Map<string, Row>> {
  if (context.router.major !== 6) return monitorOnce(context, LTE_MONITOR, interfaces, LTE_MONITOR_PROPLIST);
  try {
    const parts = await Promise.all(interfaces.map((name) => monitorOnce(context, LTE_INFO, [name], LTE_MONITOR_PROPLIST, 'number')));
    return new Map(parts.flatMap((part) => [...part]));
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    throw new Error(`${LTE_INFO}: the router refused it (${error.message}); on RouterOS 6 the API user needs the "test" policy`, {
      cause: error,
    });
  }
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
    list.add(LTE_NR_RSRP, labels, readNumber(row, 'nr-rsrp'));
    list.add(LTE_NR_RSRQ, labels, readNumber(row, 'nr-rsrq'));
    list.add(LTE_NR_SINR, labels, readNumber(row, 'nr-sinr'));
    const operator = readText(row, 'current-operator');
    const technology = readText(row, 'access-technology');
    // Only while attached: a searching modem has no operator, and an all-empty info series says nothing.
    if (operator !== undefined || technology !== undefined) {
      list.addInfo(LTE_CELL_INFO, {
        ...labels,
        operator,
        access_technology: technology,
        cell_id: readText(row, 'current-cellid'),
        primary_band: readText(row, 'primary-band'),
        ca_band: readText(row, 'ca-band'),
      });
    }
    const state = lteState(readText(row, 'registration-status'));
    if (state !== undefined) list.add(LTE_REGISTERED, labels, REGISTERED_STATES.has(state) ? 1 : 0);
    addStateSet(list, LTE_REGISTRATION_STATE, labels, LTE_STATES, state);
    list.add(LTE_SESSION_UPTIME, labels, readDurationSeconds(row, 'session-uptime'));
  }
  return list.samples;
}

export const lteCollector: Collector = {
  name: 'lte',
  defaultEnabled: false,
  summary:
    'LTE signal (RSSI, RSRP, RSRQ, SINR; 5G NR RSRP, RSRQ, SINR), operator, access technology, cell and bands as info, registration (roaming counts as registered) and its state, session uptime per interface; v6 needs the test policy; options include/exclude (interface regexes).',
  paths: [LTE_PATH, LTE_MONITOR, LTE_INFO],
  metrics: [LTE_RSSI, LTE_RSRP, LTE_RSRQ, LTE_SINR, LTE_NR_RSRP, LTE_NR_RSRQ, LTE_NR_SINR, LTE_CELL_INFO, LTE_REGISTERED, LTE_REGISTRATION_STATE, LTE_SESSION_UPTIME],
  options: filterOptions('the LTE interface name'),
  checkOptions: lteSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = lteSettings(context.options);
    return { samples: mapLte(await fetchLteMonitor(context, await fetchLteInterfaces(context, settings))) };
  },
};
