/**
 * `capsman`: the CAPs a CAPsMAN controller manages, so a CAP that dropped off shows: the number of
 * remote CAPs, and per CAP its identity, board, version and address (info) and whether it is in the
 * running state. Legacy CAPsMAN (`/caps-man`, the v6 and v7 `wireless` package) also lists the radios
 * it manages (`/caps-man/interface`): per radio whether it runs, its registered clients, and its
 * channel (info), read where the wifi CAP list is not (before 7.13), so a cycle costs at most two
 * commands. The v7 `wifi` CAPsMAN (`/interface/wifi/capsman/remote-cap`) has the CAP list; with
 * `radios: true` (off by default: two more commands) its CAP radios get the same series, from the
 * controller's `/interface/wifi` rows of CAPsMAN-managed interfaces (running, configuration profile)
 * and ONE `/interface/wifi/monitor =once=` for all of them (current channel, `registered-peers`).
 * The radios' clients per SSID and band are counted by the `wireless` family either way.
 * https://help.mikrotik.com/docs/spaces/ROS/pages/1409149/CAPsMAN, …/pages/224559120/WiFi,
 * https://manual.mikrotik.com/docs/wireless/wifi/capsman (akpw/mktxp `capsman_ds.py`)
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions } from './collector.js';
import { gauge, info } from './support/define.js';
import { monitorListed, printOptionalRows, printRows } from './support/fetch.js';
import { readSwitch } from './support/options.js';
import { switchOption } from './support/option-specs.js';
import { readCounter, readFlag, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';

export const CAPSMAN_REMOTE_CAPS = gauge('routeros.capsman.remote.caps', '{cap}', 'CAPs connected to this CAPsMAN controller, by CAPsMAN flavour (caps-man, wifi).', ['capsman']);
export const CAPSMAN_CAP_INFO = info(
  'routeros.capsman.cap.info',
  'A CAP connected to this controller: identity, board, RouterOS version and address; always 1.',
  ['capsman', 'id', 'identity', 'board', 'version', 'address'],
);
export const CAPSMAN_CAP_RUNNING = gauge(
  'routeros.capsman.cap.running',
  '',
  'Whether the CAP is in the running state (1: `Run` on legacy CAPsMAN, `ok` on wifi) or still joining or failing (0).',
  ['capsman', 'id'],
);
export const CAPSMAN_RADIO_RUNNING = gauge(
  'routeros.capsman.radio.running',
  '',
  'Whether the CAP radio runs as an access point (1) or not (0); wifi CAPsMAN radios with radios: true.',
  ['interface'],
);
export const CAPSMAN_RADIO_CLIENTS = gauge(
  'routeros.capsman.radio.clients',
  '{client}',
  'Clients registered on the CAP radio (legacy current-registered-clients, wifi registered-peers).',
  ['interface'],
);
export const CAPSMAN_RADIO_INFO = info(
  'routeros.capsman.radio.info',
  'A CAP radio: its configuration profile and current channel; always 1.',
  ['interface', 'configuration', 'channel'],
);

export const LEGACY_REMOTE_CAP_PATH = '/caps-man/remote-cap';
export const LEGACY_RADIO_PATH = '/caps-man/interface';
export const WIFI_REMOTE_CAP_PATH = '/interface/wifi/capsman/remote-cap';
export const WIFI_INTERFACE_PATH = '/interface/wifi';
export const WIFI_MONITOR = '/interface/wifi/monitor';
/** `configuration.manager` tells the controller's CAP interfaces (`capsman`) from its own radios. */
const WIFI_RADIO_PROPLIST = ['name', 'running', 'configuration', 'configuration.manager'];
const WIFI_MONITOR_PROPLIST = ['name', 'channel', 'registered-peers'];
const REMOTE_CAP_PROPLIST = ['.id', 'identity', 'board', 'version', 'address', 'state'];
const RADIO_PROPLIST = ['name', 'configuration', 'current-state', 'current-channel', 'current-registered-clients'];

/** States of a CAP that carries traffic. */
const RUNNING_STATES: ReadonlySet<string> = new Set(['run', 'ok', 'running']);

/** Maps remote CAPs of one flavour. */
function mapCaps(list: SampleList, capsman: string, rows: readonly Row[]): void {
  let caps = 0;
  for (const row of rows) {
    const id = readText(row, '.id');
    if (id === undefined) continue;
    caps += 1;
    list.addInfo(CAPSMAN_CAP_INFO, {
      capsman,
      id,
      identity: readText(row, 'identity'),
      board: readText(row, 'board'),
      version: readText(row, 'version'),
      address: readText(row, 'address'),
    });
    const state = readText(row, 'state')?.toLowerCase();
    if (state !== undefined) list.add(CAPSMAN_CAP_RUNNING, { capsman, id }, RUNNING_STATES.has(state) ? 1 : 0);
  }
  list.add(CAPSMAN_REMOTE_CAPS, { capsman }, caps);
}

/** A wifi CAP radio: its `/interface/wifi` row and, when the monitor answered for it, its monitor row. */
export interface WifiRadio {
  readonly row: Row;
  readonly monitor: Row | undefined;
}

/**
 * Maps legacy remote CAPs and radios, wifi remote CAPs and (with radios: true) wifi CAP radios; a
 * flavour whose menu the router lacks is undefined and reports nothing (not even a 0 count). Pure.
 */
export function mapCapsman(
  legacyCaps: readonly Row[] | undefined,
  legacyRadios: readonly Row[],
  wifiCaps: readonly Row[] | undefined,
  wifiRadios: readonly WifiRadio[] = [],
): CollectOutput {
  const list = new SampleList();
  if (legacyCaps !== undefined) mapCaps(list, 'caps-man', legacyCaps);
  for (const row of legacyRadios) {
    const name = readText(row, 'name');
    if (name === undefined) continue;
    list.addInfo(CAPSMAN_RADIO_INFO, { interface: name, configuration: readText(row, 'configuration'), channel: readText(row, 'current-channel') });
    const state = readText(row, 'current-state');
    if (state !== undefined) list.add(CAPSMAN_RADIO_RUNNING, { interface: name }, state.toLowerCase().startsWith('running') ? 1 : 0);
    list.add(CAPSMAN_RADIO_CLIENTS, { interface: name }, readCounter(row, 'current-registered-clients'));
  }
  if (wifiCaps !== undefined) mapCaps(list, 'wifi', wifiCaps);
  for (const { row, monitor } of wifiRadios) {
    const name = readText(row, 'name');
    if (name === undefined) continue;
    list.addInfo(CAPSMAN_RADIO_INFO, { interface: name, configuration: readText(row, 'configuration'), channel: monitor && readText(monitor, 'channel') });
    list.add(CAPSMAN_RADIO_RUNNING, { interface: name }, readFlag(row, 'running'));
    if (monitor !== undefined) list.add(CAPSMAN_RADIO_CLIENTS, { interface: name }, readCounter(monitor, 'registered-peers'));
  }
  return { samples: list.samples };
}

/** Settings from `collectors.capsman.*`. */
export interface CapsmanSettings {
  /** `radios`: the wifi CAPsMAN's CAP radios (default false; two more commands). */
  readonly radios: boolean;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function capsmanSettings(options: CollectorOptions): CapsmanSettings {
  return { radios: readSwitch(options, 'radios', false) };
}

/**
 * The controller's CAP radios: its CAPsMAN-managed `/interface/wifi` rows (enabled ones), and ONE
 * monitor for all of them. An interface gone between the print and the monitor makes RouterOS refuse
 * the batch; monitorListed then prints once more.
 */
async function fetchWifiRadios(context: CollectContext): Promise<WifiRadio[]> {
  let rows: Row[] = [];
  const list = async (): Promise<string[]> => {
    rows = (await printRows(context, WIFI_INTERFACE_PATH, WIFI_RADIO_PROPLIST, { query: ['disabled=false'] })).filter(
      (row) => readText(row, 'configuration.manager') === 'capsman',
    );
    return rows.map((row) => readText(row, 'name')).filter((name): name is string => name !== undefined);
  };
  const monitors = await monitorListed(context, list, WIFI_MONITOR, WIFI_MONITOR_PROPLIST);
  return rows.map((row) => ({ row, monitor: monitors.get(readText(row, 'name') ?? '') }));
}

/** Rows of an optional menu, or undefined when the router lacks it (so no 0 count is made up). */
async function optional(context: CollectContext, path: string, proplist: readonly string[], present: boolean): Promise<Row[] | undefined> {
  if (!present) return undefined;
  return printOptionalRows(context, path, proplist);
}

export const capsmanCollector: Collector = {
  name: 'capsman',
  defaultEnabled: true,
  summary:
    'CAPsMAN controllers: remote CAPs (count, identity, board, version, running), and on legacy CAPsMAN before 7.13 the radios (running, clients, channel as info); v6/v7 `wireless` package and v7.13+ `wifi`; at most two commands; radios: true adds the v7.13+ wifi CAP radios (two more commands).',
  paths: [LEGACY_REMOTE_CAP_PATH, LEGACY_RADIO_PATH, WIFI_REMOTE_CAP_PATH, WIFI_INTERFACE_PATH, WIFI_MONITOR],
  metrics: [CAPSMAN_REMOTE_CAPS, CAPSMAN_CAP_INFO, CAPSMAN_CAP_RUNNING, CAPSMAN_RADIO_RUNNING, CAPSMAN_RADIO_CLIENTS, CAPSMAN_RADIO_INFO],
  options: [switchOption('radios', 'on the v7.13+ wifi CAPsMAN, add per CAP radio running, clients and channel, from two more commands per cycle (a print of the CAP interfaces and one monitor for all of them)')],
  checkOptions: capsmanSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = capsmanSettings(context.options);
    const router = context.router;
    // Legacy CAPsMAN comes with the `wireless` package; the wifi one is built in from 7.13.
    const legacy = router.packages.has('wireless');
    const wifi = router.major > 7 || (router.major === 7 && router.minor >= 13);
    const legacyCaps = await optional(context, LEGACY_REMOTE_CAP_PATH, REMOTE_CAP_PROPLIST, legacy);
    // Radios only where the wifi CAP list is not read, so a cycle never costs more than two commands.
    const legacyRadios = !wifi && legacyCaps !== undefined && legacyCaps.length > 0 ? await printOptionalRows(context, LEGACY_RADIO_PATH, RADIO_PROPLIST) : [];
    const wifiCaps = await optional(context, WIFI_REMOTE_CAP_PATH, REMOTE_CAP_PROPLIST, wifi);
    // Only a controller with CAPs has CAP radios to read.
    const wifiRadios = settings.radios && wifiCaps !== undefined && wifiCaps.length > 0 ? await fetchWifiRadios(context) : [];
    return mapCapsman(legacyCaps, legacyRadios, wifiCaps, wifiRadios);
  },
};
