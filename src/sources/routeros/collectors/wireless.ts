/**
 * `wireless`: registered clients per interface, SSID and band, for whichever wireless stack the
 * router has (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/):
 *
 * | stack | registration table | RouterOS |
 * |---|---|---|
 * | `wireless` (legacy) | `/interface/wireless/registration-table` | v6, v7 with the `wireless` package |
 * | CAPsMAN (legacy) | `/caps-man/registration-table` | same package |
 * | `wifiwave2` | `/interface/wifiwave2/registration-table` (CAPsMAN clients included) | v7 before 7.13 |
 * | `wifi` | `/interface/wifi/registration-table` (CAPsMAN clients included) | 7.13+, in the base package |
 *
 * Counts are rows of the registration table per interface (CAPsMAN rows carry the CAP interface),
 * which is what mktxp #160 got wrong. Legacy rows have no SSID or band; they come from
 * `/interface/wireless`, which also gives enabled interfaces without clients a 0. Legacy CAPsMAN
 * rows carry the SSID but no band: it comes from the CAP interface's current channel
 * (`/caps-man/interface`, one print for all interfaces, sent only when there are clients), as
 * `<2ghz|5ghz>-<mode>` (`5180/20-Ceee/ac` → `5ghz-ac`), the form the wifi stack's bands take.
 *
 * Legacy radios also report their noise floor and overall tx CCQ, from ONE
 * `/interface/wireless/monitor =numbers=wlan1,wlan2 =once=` for all enabled interfaces (mktxp sends one
 * per interface; https://help.mikrotik.com/docs/display/ROS/Wireless+Interface); the wifi and
 * wifiwave2 monitors have neither value.
 *
 * Per-client series (signal, rates, bytes) are off by default (`clients: true`) and capped
 * (`max_series`, clients per router, default 500). With `dhcp_names: true` the kept clients also get
 * the host name their MAC address has in `/ip/dhcp-server/lease`, as akpw/mktxp's `dhcp_name` label,
 * but as an info series of its own so the client series keep their labels whether or not a name is
 * known. They are keyed by interface and client MAC
 * address: registration-table `.id`s are new on every association, and uptime, last activity,
 * rates and signal are values, never labels (mktxp's churn).
 */
import type { Row } from '../client/api.js';
import { TrapError } from '../client/errors.js';
import { parsePair, parseQuantity } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, RouterFacts, Sample } from './collector.js';
import { DHCP_LEASE_PATH } from './dhcp-leases.js';
import { capItems, capSeriesGroups } from './support/cap.js';
import { counter, gauge, info } from './support/define.js';
import { isMissingFeature, monitorListed, printOptionalRows, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { CollectorOptionError, readCount, readSwitch } from './support/options.js';
import { readDurationSeconds, readNumber, readRateBytesPerSecond, readRatioFromPercent, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption, switchOption } from './support/option-specs.js';

const BY_CLIENT = ['interface', 'mac_address'] as const;

export const WIRELESS_CLIENTS = gauge(
  'routeros.wireless.clients',
  '{client}',
  'Clients registered on the wireless interface (local radio or CAPsMAN-managed CAP interface), by SSID and band.',
  ['interface', 'ssid', 'band'],
);
export const WIRELESS_CLIENT_INFO = info(
  'routeros.wireless.client.info',
  'Registered wireless client: SSID and band it uses; always 1.',
  ['interface', 'mac_address', 'ssid', 'band'],
);
// Unit '' with the unit in the name, as for ethernet speeds and SFP power (see ethernet.ts).
export const WIRELESS_CLIENT_SIGNAL = gauge(
  'routeros.wireless.client.signal.dbm',
  '',
  'Signal strength of the client as received by the access point, in dBm.',
  BY_CLIENT,
);
export const WIRELESS_CLIENT_TRANSMIT_RATE = gauge(
  'routeros.wireless.client.transmit.rate',
  'By/s',
  'PHY rate of the last frames sent to the client, in bytes per second (bits per second / 8).',
  BY_CLIENT,
);
export const WIRELESS_CLIENT_RECEIVE_RATE = gauge(
  'routeros.wireless.client.receive.rate',
  'By/s',
  'PHY rate of the last frames received from the client, in bytes per second (bits per second / 8).',
  BY_CLIENT,
);
export const WIRELESS_CLIENT_TRANSMIT_BYTES = counter(
  'routeros.wireless.client.transmit.bytes',
  'By',
  'Bytes sent to the client since it registered.',
  BY_CLIENT,
);
export const WIRELESS_CLIENT_RECEIVE_BYTES = counter(
  'routeros.wireless.client.receive.bytes',
  'By',
  'Bytes received from the client since it registered.',
  BY_CLIENT,
);
export const WIRELESS_CLIENT_SNR = gauge(
  'routeros.wireless.client.signal_to_noise.db',
  '',
  'Signal to noise ratio of the client as the access point hears it, in dB (legacy wireless).',
  BY_CLIENT,
);
export const WIRELESS_CLIENT_CCQ = gauge(
  'routeros.wireless.client.transmit.ccq.ratio',
  '1',
  'Client connection quality of frames sent to the client (tx-ccq), from 0 to 1 (legacy wireless).',
  BY_CLIENT,
);
export const WIRELESS_CLIENT_UPTIME = gauge('routeros.wireless.client.uptime.seconds', 's', 'How long the client has been registered.', BY_CLIENT);
export const WIRELESS_CLIENT_DHCP_INFO = info(
  'routeros.wireless.client.dhcp.info',
  'Host name the client gave the DHCP server for its MAC address (`/ip/dhcp-server/lease`, with dhcp_names: true); always 1.',
  ['interface', 'mac_address', 'host_name'],
);
export const WIRELESS_RADIO_NOISE_FLOOR = gauge(
  'routeros.wireless.radio.noise_floor.dbm',
  '',
  'Noise floor the legacy wireless interface measures on its channel, in dBm (`/interface/wireless/monitor`).',
  ['interface'],
);
export const WIRELESS_RADIO_CCQ = gauge(
  'routeros.wireless.radio.transmit.ccq.ratio',
  '1',
  'Overall client connection quality of frames the legacy wireless interface sends (overall-tx-ccq), from 0 to 1.',
  ['interface'],
);

/** The client series, one each per client. */
const CLIENT_METRICS = [
  WIRELESS_CLIENT_INFO,
  WIRELESS_CLIENT_SIGNAL,
  WIRELESS_CLIENT_TRANSMIT_RATE,
  WIRELESS_CLIENT_RECEIVE_RATE,
  WIRELESS_CLIENT_TRANSMIT_BYTES,
  WIRELESS_CLIENT_RECEIVE_BYTES,
  WIRELESS_CLIENT_SNR,
  WIRELESS_CLIENT_CCQ,
  WIRELESS_CLIENT_UPTIME,
  WIRELESS_CLIENT_DHCP_INFO,
] as const;

/** A wireless stack and where it keeps its registration table. */
export type WirelessStack = 'wireless' | 'caps-man' | 'wifiwave2' | 'wifi';

export const WIRELESS_STACKS: readonly WirelessStack[] = ['wireless', 'caps-man', 'wifiwave2', 'wifi'];

/** `/interface/wireless/registration-table`, `/caps-man/registration-table`, … */
export function registrationTablePath(stack: WirelessStack): string {
  return stack === 'caps-man' ? '/caps-man/registration-table' : `/interface/${stack}/registration-table`;
}

export const LEGACY_INTERFACE_PATH = '/interface/wireless';
export const LEGACY_INTERFACE_PROPLIST: readonly string[] = ['name', 'ssid', 'band'];
export const LEGACY_MONITOR = '/interface/wireless/monitor';
/** Per-radio values of the legacy monitor; `registered-clients` is the registration-table count already. */
export const LEGACY_MONITOR_PROPLIST: readonly string[] = ['name', 'noise-floor', 'overall-tx-ccq'];
export const CAPSMAN_INTERFACE_PATH = '/caps-man/interface';
export const CAPSMAN_INTERFACE_PROPLIST: readonly string[] = ['name', 'current-channel'];

/** Registration-table properties: the union over the stacks (RouterOS omits what a stack lacks). */
export const REGISTRATION_PROPLIST: readonly string[] = ['interface', 'ssid', 'band', 'mac-address'];
/** Extra properties for per-client series: legacy `signal-strength`, CAPsMAN `rx-signal`, wifi `signal`. */
export const CLIENT_PROPLIST: readonly string[] = [
  ...REGISTRATION_PROPLIST,
  'signal-strength',
  'rx-signal',
  'signal',
  'tx-rate',
  'rx-rate',
  'bytes',
  'signal-to-noise',
  'tx-ccq',
  'uptime',
];

/** Clients per router before the cap drops the rest (per-client series only). */
export const WIRELESS_DEFAULT_MAX_CLIENTS = 500;

/** Settings from `collectors.wireless.*`. */
export interface WirelessSettings {
  /** `include` / `exclude`: regular expressions over the interface name. */
  readonly interfaces: NameFilter;
  /** `clients`: per-client series (default false). */
  readonly clients: boolean;
  /** `max_series`: clients kept per router (default 500); the series of the others count as dropped. */
  readonly maxClients: number | undefined;
  /** `dhcp_names`: the DHCP host name of each kept client's MAC address (default false; needs `clients`). */
  readonly dhcpNames: boolean;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function wirelessSettings(options: CollectorOptions): WirelessSettings {
  const clients = readSwitch(options, 'clients', false);
  const dhcpNames = readSwitch(options, 'dhcp_names', false);
  if (dhcpNames && !clients) throw new CollectorOptionError('dhcp_names: needs clients: true (the host names belong to the per-client series)');
  return {
    interfaces: createNameFilter(options),
    clients,
    maxClients: readCount(options, 'max_series', WIRELESS_DEFAULT_MAX_CLIENTS),
    dhcpNames,
  };
}

/**
 * Whether one of `packages` is the legacy `wireless` package (with its CAPsMAN and W60G). v6 also knew
 * `wireless-cm2`, `wireless-fp` and `wireless-rep`; each carries CAPsMAN too.
 */
export function hasWirelessPackage(packages: Iterable<string>): boolean {
  for (const name of packages) if (name === 'wireless' || name.startsWith('wireless-')) return true;
  return false;
}

/**
 * The stacks to read, from the installed packages and the version. Unknown packages (none
 * detected): every stack, a missing menu then meaning "not installed". Known packages without any
 * wireless stack: the legacy table anyway, so the router's own trap marks the family unsupported.
 */
export function wirelessStacks(router: RouterFacts): WirelessStack[] {
  if (router.packages.size === 0) return [...WIRELESS_STACKS];
  const packages = [...router.packages];
  const stacks: WirelessStack[] = [];
  if (hasWirelessPackage(router.packages)) stacks.push('wireless', 'caps-man');
  if (router.packages.has('wifiwave2')) stacks.push('wifiwave2');
  // From 7.13 the `wifi` menu (and its CAPsMAN) is in the base package; the driver packages
  // (`wifi-qcom`, `wifi-qcom-ac`, `wifi-mediatek`) only add local radios.
  const wifiInBase = router.major > 7 || (router.major === 7 && router.minor >= 13);
  if (wifiInBase || packages.some((name) => name.startsWith('wifi-'))) stacks.push('wifi');
  return stacks.length > 0 ? stacks : ['wireless'];
}

/** What one stack answered. */
export interface StackRows {
  readonly stack: WirelessStack;
  readonly registrations: readonly Row[];
  /** `/interface/wireless` rows (legacy stack) or `/caps-man/interface` rows (legacy CAPsMAN); else none. */
  readonly interfaces: readonly Row[];
  /** Legacy stack: `/interface/wireless/monitor =once=` rows by interface name; else none. */
  readonly radios?: ReadonlyMap<string, Row>;
}

function interfaceNames(rows: readonly Row[], filter: NameFilter): string[] {
  return rows.map((row) => readText(row, 'name')).filter((name): name is string => name !== undefined && filter.matches(name));
}

async function fetchStack(context: CollectContext, stack: WirelessStack, settings: WirelessSettings): Promise<StackRows> {
  const proplist = settings.clients ? CLIENT_PROPLIST : REGISTRATION_PROPLIST;
  if (stack === 'caps-man') {
    const registrations = await printRows(context, registrationTablePath(stack), proplist);
    // The band is only a label of clients; a controller without any needs no interface print.
    const interfaces = registrations.length === 0 ? [] : await printOptionalRows(context, CAPSMAN_INTERFACE_PATH, CAPSMAN_INTERFACE_PROPLIST);
    return { stack, registrations, interfaces };
  }
  if (stack !== 'wireless') {
    return { stack, registrations: await printRows(context, registrationTablePath(stack), proplist), interfaces: [] };
  }
  const printInterfaces = () => printRows(context, LEGACY_INTERFACE_PATH, LEGACY_INTERFACE_PROPLIST, { query: ['disabled=false'] });
  const [registrations, interfaces] = await Promise.all([printRows(context, registrationTablePath(stack), proplist), printInterfaces()]);
  // One monitor for all enabled radios (noise floor, overall CCQ); an interface removed in between
  // makes RouterOS refuse the batch, and monitorListed then lists them again once.
  let current: readonly Row[] | undefined = interfaces;
  const list = async (): Promise<string[]> => {
    const rows = current ?? (await printInterfaces());
    current = undefined;
    return interfaceNames(rows, settings.interfaces);
  };
  // The radio values are extras: a router that refuses the monitor still reports its clients.
  const radios = await monitorListed(context, list, LEGACY_MONITOR, LEGACY_MONITOR_PROPLIST).catch((error: unknown) => {
    if (isMissingFeature(error)) return new Map<string, Row>();
    throw error;
  });
  return { stack, registrations, interfaces, radios };
}

/**
 * Reads every selected stack concurrently. A missing stack is skipped; when all are missing the
 * first trap propagates so the engine marks the family unsupported.
 */
export async function fetchWireless(context: CollectContext, settings: WirelessSettings): Promise<StackRows[]> {
  const results = await Promise.all(
    wirelessStacks(context.router).map(async (stack): Promise<StackRows | TrapError> => {
      try {
        return await fetchStack(context, stack, settings);
      } catch (error) {
        if (isMissingFeature(error)) return error;
        throw error;
      }
    }),
  );
  const found = results.filter((result): result is StackRows => !(result instanceof TrapError));
  const firstMissing = results.find((result): result is TrapError => result instanceof TrapError);
  if (found.length === 0 && firstMissing !== undefined) throw firstMissing;
  return found;
}

/** A signal in dBm: `-55`, `-71dBm@6Mbps` (legacy, with the rate it was measured at), `-62@HT20-7`. */
export function parseSignal(text: string | undefined): number | undefined {
  return parseQuantity(text?.split('@')[0])?.value;
}

const BAND_BY_FREQUENCY: readonly { readonly from: number; readonly to: number; readonly band: string }[] = [
  { from: 2_400, to: 2_500, band: '2ghz' },
  { from: 4_900, to: 5_925, band: '5ghz' },
];

/**
 * The band of a legacy CAPsMAN channel: `5180/20-Ceee/ac` → `5ghz-ac`, `2437/20-Ce/gn(20dBm)` →
 * `2ghz-gn`, `5180/20` → `5ghz` (frequency in MHz, width and extension channels, mode, tx power).
 * Undefined when the text does not start with a known frequency.
 */
export function bandFromChannel(channel: string | undefined): string | undefined {
  const match = /^\s*(\d+)(?:\/[^/(]*)?(?:\/([a-z]+))?/i.exec(channel ?? '');
  if (!match) return undefined;
  const frequency = Number(match[1]);
  const family = BAND_BY_FREQUENCY.find((range) => frequency >= range.from && frequency <= range.to)?.band;
  if (family === undefined) return undefined;
  const mode = match[2]?.toLowerCase();
  return mode === undefined ? family : `${family}-${mode}`;
}

/** What the interface rows of a stack say about an interface: SSID and band when they know. */
interface InterfaceFacts {
  readonly ssid: string | undefined;
  readonly band: string | undefined;
}

/**
 * Facts by interface name. Legacy `/interface/wireless` rows give SSID and band and stand for
 * interfaces that exist even without clients; `/caps-man/interface` rows only give a band.
 */
function interfaceFacts(stack: WirelessStack, rows: readonly Row[], filter: NameFilter): Map<string, InterfaceFacts> {
  const facts = new Map<string, InterfaceFacts>();
  for (const row of rows) {
    const name = readText(row, 'name');
    if (name === undefined || facts.has(name) || !filter.matches(name)) continue;
    facts.set(
      name,
      stack === 'caps-man'
        ? { ssid: undefined, band: bandFromChannel(readText(row, 'current-channel')) }
        : { ssid: readText(row, 'ssid'), band: readText(row, 'band') },
    );
  }
  return facts;
}

function signalOf(row: Row): number | undefined {
  return parseSignal(row['signal'] ?? row['signal-strength'] ?? row['rx-signal']);
}

interface ClientSeries {
  readonly samples: Sample[];
}

function mapClient(iface: string, mac: string, ssid: string, band: string, row: Row, hostName: string | undefined): ClientSeries {
  const list = new SampleList();
  const key = { interface: iface, mac_address: mac };
  list.addInfo(WIRELESS_CLIENT_INFO, { ...key, ssid, band });
  if (hostName !== undefined) list.addInfo(WIRELESS_CLIENT_DHCP_INFO, { ...key, host_name: hostName });
  list.add(WIRELESS_CLIENT_SIGNAL, key, signalOf(row));
  list.add(WIRELESS_CLIENT_TRANSMIT_RATE, key, readRateBytesPerSecond(row, 'tx-rate'));
  list.add(WIRELESS_CLIENT_RECEIVE_RATE, key, readRateBytesPerSecond(row, 'rx-rate'));
  // `bytes` is `tx,rx` as seen from the access point.
  const bytes = parsePair(row['bytes']);
  list.add(WIRELESS_CLIENT_TRANSMIT_BYTES, key, bytes?.[0]);
  list.add(WIRELESS_CLIENT_RECEIVE_BYTES, key, bytes?.[1]);
  list.add(WIRELESS_CLIENT_SNR, key, readNumber(row, 'signal-to-noise'));
  list.add(WIRELESS_CLIENT_CCQ, key, readRatioFromPercent(row, 'tx-ccq'));
  list.add(WIRELESS_CLIENT_UPTIME, key, readDurationSeconds(row, 'uptime'));
  return { samples: list.samples };
}

/**
 * Maps the stacks' rows to client counts and, with `clients: true`, capped per-client series; a
 * client whose MAC address is in `hostNames` also gets its DHCP host name. Pure.
 */
export function mapWireless(stacks: readonly StackRows[], settings: WirelessSettings, hostNames: ReadonlyMap<string, string> = new Map()): CollectOutput {
  const counts = new Map<string, { iface: string; ssid: string; band: string; clients: number }>();
  const count = (iface: string, ssid: string, band: string, increment: number): void => {
    const key = JSON.stringify([iface, ssid, band]);
    const entry = counts.get(key) ?? { iface, ssid, band, clients: 0 };
    entry.clients += increment;
    counts.set(key, entry);
  };
  const clients: ClientSeries[] = [];
  const seenClients = new Set<string>();
  const list = new SampleList();
  for (const { stack, registrations, interfaces, radios } of stacks) {
    const facts = interfaceFacts(stack, interfaces, settings.interfaces);
    for (const [name, row] of radios ?? []) {
      if (!settings.interfaces.matches(name)) continue;
      list.add(WIRELESS_RADIO_NOISE_FLOOR, { interface: name }, readNumber(row, 'noise-floor'));
      list.add(WIRELESS_RADIO_CCQ, { interface: name }, readRatioFromPercent(row, 'overall-tx-ccq'));
    }
    // A legacy interface without clients reports 0. A CAPsMAN interface does not: without clients
    // its SSID is unknown, and a series whose ssid label changes with the first client is churn.
    if (stack === 'wireless') for (const [name, fact] of facts) count(name, fact.ssid ?? '', fact.band ?? '', 0);
    for (const row of registrations) {
      const iface = readText(row, 'interface');
      if (iface === undefined || !settings.interfaces.matches(iface)) continue;
      const fact = facts.get(iface);
      const ssid = readText(row, 'ssid') ?? fact?.ssid ?? '';
      const band = readText(row, 'band') ?? fact?.band ?? '';
      count(iface, ssid, band, 1);
      const mac = readText(row, 'mac-address');
      if (!settings.clients || mac === undefined) continue;
      const clientKey = `${iface}\u0000${mac}`;
      if (seenClients.has(clientKey)) continue;
      seenClients.add(clientKey);
      clients.push(mapClient(iface, mac, ssid, band, row, hostNames.get(mac.toUpperCase())));
    }
  }
  for (const { iface, ssid, band, clients: registered } of counts.values()) {
    list.add(WIRELESS_CLIENTS, { interface: iface, ssid, band }, registered);
  }
  const capped = capSeriesGroups(
    clients.map((client) => client.samples),
    settings.maxClients,
  );
  return { samples: [...list.samples, ...capped.samples], dropped: capped.dropped };
}

/** Lease properties for host names: `mac-address` is what the query matches, `host-name` the DHCP option 12. */
export const LEASE_HOST_NAME_PROPLIST: readonly string[] = ['mac-address', 'host-name'];

/**
 * The MAC addresses whose host names are looked up: those of the clients the cap keeps, in the
 * order mapWireless meets them (registration rows of the interfaces the filter keeps), at most
 * `max_series` of them.
 */
export function clientMacs(stacks: readonly StackRows[], settings: WirelessSettings): string[] {
  const macs = new Set<string>();
  for (const { registrations } of stacks) {
    for (const row of registrations) {
      const iface = readText(row, 'interface');
      const mac = readText(row, 'mac-address');
      if (iface !== undefined && mac !== undefined && settings.interfaces.matches(iface)) macs.add(mac.toUpperCase());
    }
  }
  return capItems([...macs], settings.maxClients).kept;
}

/**
 * Host names by upper-case MAC address from ONE lease print whose query matches only the given
 * MAC addresses (`?mac-address=A ?mac-address=B ?#|`, the API's query stack), so the reply is at
 * most one lease per client however many leases the server holds. No MAC, no command; a router
 * without a DHCP server gives no names.
 */
export async function fetchHostNames(context: CollectContext, macs: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (macs.length === 0) return names;
  const query = [...macs.map((mac) => `mac-address=${mac}`), ...(macs.length > 1 ? [`#${'|'.repeat(macs.length - 1)}`] : [])];
  for (const row of await printOptionalRows(context, DHCP_LEASE_PATH, LEASE_HOST_NAME_PROPLIST, { query })) {
    const mac = readText(row, 'mac-address')?.toUpperCase();
    const hostName = readText(row, 'host-name');
    // Several servers may lease to one MAC: the first lease with a name wins.
    if (mac !== undefined && hostName !== undefined && hostName !== '' && !names.has(mac)) names.set(mac, hostName);
  }
  return names;
}

export const wirelessCollector: Collector = {
  name: 'wireless',
  defaultEnabled: true,
  summary:
    'Registered wireless clients per interface, SSID and band for the legacy wireless, CAPsMAN, wifiwave2 and wifi stacks (whichever is installed); per legacy radio the noise floor and overall tx CCQ (one monitor for all radios); clients: true adds per-client signal, rates, bytes, uptime, and SNR and CCQ on legacy wireless, and dhcp_names: true their DHCP host names (one more command); options include/exclude (interface regexes), max_series (clients, default 500).',
  paths: [LEGACY_INTERFACE_PATH, LEGACY_MONITOR, CAPSMAN_INTERFACE_PATH, ...WIRELESS_STACKS.map(registrationTablePath), DHCP_LEASE_PATH],
  metrics: [WIRELESS_CLIENTS, WIRELESS_RADIO_NOISE_FLOOR, WIRELESS_RADIO_CCQ, ...CLIENT_METRICS],
  options: [
    ...filterOptions('the wireless interface name'),
    switchOption('clients', 'add per-client signal, rate and byte series'),
    maxSeriesOption('clients', WIRELESS_DEFAULT_MAX_CLIENTS),
    switchOption('dhcp_names', 'with clients: true, add the DHCP host name of each kept client (routeros_wireless_client_dhcp_info), from one more command per cycle: a lease print that matches only the clients\' MAC addresses'),
  ],
  checkOptions: wirelessSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = wirelessSettings(context.options);
    const stacks = await fetchWireless(context, settings);
    const hostNames = settings.dhcpNames ? await fetchHostNames(context, clientMacs(stacks, settings)) : new Map<string, string>();
    return mapWireless(stacks, settings, hostNames);
  },
};
