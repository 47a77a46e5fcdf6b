/**
 * `w60g`: 60 GHz (802.11ad) links of the `wireless` package (Wireless Wire, wAP 60G, Cube 60G, LHG 60G,
 * nRAY): per enabled `/interface/w60g` interface whether it is connected, the signal, RSSI, MCS and PHY
 * rate it transmits at, the distance to the peer and the frequency, and the peer's MAC address as info,
 * from ONE `/interface/w60g/monitor =numbers=<all> =once=` (https://manual.mikrotik.com/docs/wireless/w60g/:
 * `connected`, `frequency`, `remote-address`, `tx-mcs`, `tx-phy-rate`, `signal`, `rssi`, `distance`).
 * Two commands per cycle. Without 60 GHz hardware (or the `wireless` package, which carries W60G) the
 * menu is missing: the print's trap marks the family unsupported, and the poller stops asking for it
 * until the next connection. The print is sent even where the package list already tells: a run that
 * sends no command would count as an answer when a hung router times out every other collector.
 */
import type { Row } from '../client/api.js';
import { parseQuantity } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { gauge, info } from './support/define.js';
import { enabledNames, monitorListed } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { filterOptions } from './support/option-specs.js';
import { readFlag, readMegahertzAsHertz, readNumber, readRateBytesPerSecond, readRatioFromPercent, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';

const BY_INTERFACE = ['interface'] as const;

export const W60G_CONNECTED = gauge('routeros.w60g.connected', '', 'Whether the 60 GHz interface has a link to its peer (1) or not (0).', BY_INTERFACE);
export const W60G_SIGNAL = gauge(
  'routeros.w60g.signal.ratio',
  '1',
  'Signal quality of the 60 GHz link as RouterOS rates it (monitor `signal`, in percent), from 0 to 1.',
  BY_INTERFACE,
);
// Unit '' with the unit in the name, as for the wireless signal and rates (see ethernet.ts).
export const W60G_RSSI = gauge('routeros.w60g.rssi.dbm', '', 'Received signal strength of the 60 GHz link, in dBm.', BY_INTERFACE);
export const W60G_TRANSMIT_MCS = gauge('routeros.w60g.transmit.mcs', '', 'Modulation and coding scheme (802.11ad MCS index) the interface transmits with.', BY_INTERFACE);
export const W60G_TRANSMIT_PHY_RATE = gauge(
  'routeros.w60g.transmit.phy_rate',
  'By/s',
  'PHY rate the interface transmits at, in bytes per second (bits per second / 8).',
  BY_INTERFACE,
);
export const W60G_DISTANCE = gauge('routeros.w60g.distance.meters', 'm', 'Distance to the peer as the interface estimates it.', BY_INTERFACE);
export const W60G_FREQUENCY = gauge('routeros.w60g.frequency.hertz', 'Hz', 'Centre frequency of the channel the interface uses.', BY_INTERFACE);
export const W60G_LINK_INFO = info('routeros.w60g.link.info', 'The peer of a connected 60 GHz interface: its MAC address; always 1.', ['interface', 'remote_address']);

export const W60G_PATH = '/interface/w60g';
export const W60G_MONITOR = '/interface/w60g/monitor';
export const W60G_MONITOR_PROPLIST: readonly string[] = ['name', 'connected', 'frequency', 'remote-address', 'tx-mcs', 'tx-phy-rate', 'signal', 'rssi', 'distance'];

/** Settings from `collectors.w60g.*`. */
export interface W60gSettings {
  /** `include` / `exclude`: regular expressions over the interface name. */
  readonly names: NameFilter;
}

/** Reads the options; a bad pattern throws CollectorOptionError naming the key. */
export function w60gSettings(options: CollectorOptions): W60gSettings {
  return { names: createNameFilter(options) };
}

const DISTANCE_METERS: Readonly<Record<string, number>> = { m: 1, km: 1000 };

/** A distance (`2.51m`, `1.2km`, `180`) in meters; another unit is undefined. */
export function parseDistanceMeters(text: string | undefined): number | undefined {
  const quantity = parseQuantity(text);
  if (quantity === undefined) return undefined;
  const factor = DISTANCE_METERS[quantity.unit.toLowerCase() || 'm'];
  return factor === undefined ? undefined : quantity.value * factor;
}

/** Maps monitor rows (by interface) to samples. Pure. */
export function mapW60g(monitor: ReadonlyMap<string, Row>): Sample[] {
  const list = new SampleList();
  for (const [name, row] of monitor) {
    const labels = { interface: name };
    const connected = readFlag(row, 'connected');
    list.add(W60G_CONNECTED, labels, connected);
    list.add(W60G_FREQUENCY, labels, readMegahertzAsHertz(row, 'frequency'));
    // The link values describe a peer: a disconnected interface has none (RouterOS leaves them out).
    if (connected !== 1) continue;
    list.add(W60G_SIGNAL, labels, readRatioFromPercent(row, 'signal'));
    list.add(W60G_RSSI, labels, readNumber(row, 'rssi'));
    list.add(W60G_TRANSMIT_MCS, labels, readNumber(row, 'tx-mcs'));
    list.add(W60G_TRANSMIT_PHY_RATE, labels, readRateBytesPerSecond(row, 'tx-phy-rate'));
    list.add(W60G_DISTANCE, labels, parseDistanceMeters(row['distance']));
    const peer = readText(row, 'remote-address');
    if (peer !== undefined) list.addInfo(W60G_LINK_INFO, { interface: name, remote_address: peer });
  }
  return list.samples;
}


export const w60gCollector: Collector = {
  name: 'w60g',
  defaultEnabled: true,
  summary:
    '60 GHz (W60G) links: connected, signal, RSSI, MCS, PHY rate, distance and frequency per interface, peer MAC address as info, from one monitor call for all enabled interfaces (two commands; without 60 GHz hardware one missing-menu trap per connection); options include/exclude (interface regexes).',
  paths: [W60G_PATH, W60G_MONITOR],
  metrics: [W60G_CONNECTED, W60G_SIGNAL, W60G_RSSI, W60G_TRANSMIT_MCS, W60G_TRANSMIT_PHY_RATE, W60G_DISTANCE, W60G_FREQUENCY, W60G_LINK_INFO],
  options: filterOptions('the W60G interface name'),
  checkOptions: w60gSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = w60gSettings(context.options);
    const list = (): Promise<string[]> => enabledNames(context, W60G_PATH, settings.names);
    return { samples: mapW60g(await monitorListed(context, list, W60G_MONITOR, W60G_MONITOR_PROPLIST)) };
  },
};
