/**
 * `wireguard`: traffic and last handshake time per WireGuard peer (RouterOS 7; on v6 the menu does not
 * exist and the engine marks the family unsupported). Peers are keyed by `.id`; interface, name,
 * public key, allowed addresses and the configured endpoint are facts of an info series. The
 * current endpoint of a roaming peer changes with its address, so it is not reported.
 */
import type { Row } from '../client/api.js';
import { isNever } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { counter, gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readCount } from './support/options.js';
import { readAgeAsTimestampSeconds, readCounter, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';

const BY_ID = ['id'] as const;

export const WIREGUARD_PEER_RECEIVE_BYTES = counter(
  'routeros.wireguard.peer.receive.bytes',
  'By',
  'Bytes received from the WireGuard peer.',
  BY_ID,
);
export const WIREGUARD_PEER_TRANSMIT_BYTES = counter(
  'routeros.wireguard.peer.transmit.bytes',
  'By',
  'Bytes transmitted to the WireGuard peer.',
  BY_ID,
);
export const WIREGUARD_PEER_LAST_HANDSHAKE = gauge(
  'routeros.wireguard.peer.last_handshake.timestamp.seconds',
  's',
  'Time of the last handshake with the WireGuard peer as a Unix timestamp (poll time minus the age RouterOS reports); absent when there has been none.',
  BY_ID,
);
export const WIREGUARD_PEER_INFO = info(
  'routeros.wireguard.peer.info',
  'WireGuard peer facts: interface, name, comment, public key, allowed addresses and configured endpoint; always 1.',
  ['id', 'interface', 'name', 'comment', 'public_key', 'allowed_address', 'endpoint'],
);

export const WIREGUARD_PEERS_PATH = '/interface/wireguard/peers';

/** Private and preshared keys are never requested: they are secrets and not needed. */
export const WIREGUARD_PROPLIST: readonly string[] = [
  '.id',
  'interface',
  'name',
  'comment',
  'public-key',
  'allowed-address',
  'endpoint-address',
  'endpoint-port',
  'rx',
  'tx',
  'last-handshake',
  // An older name of the same field that Jesof/mikrotik-exporter also accepts; absent fields cost nothing.
  'latest-handshake',
];

/** Peers per router before the cap drops the rest. */
export const WIREGUARD_DEFAULT_MAX_PEERS = 1000;

/** Settings from `collectors.wireguard.*`. */
export interface WireguardSettings {
  /** `include` / `exclude`: regular expressions over the WireGuard interface name. */
  readonly interfaces: NameFilter;
  /** `max_series`: peers kept per router (default 1000); the series of the others count as dropped. */
  readonly maxPeers: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function wireguardSettings(options: CollectorOptions): WireguardSettings {
  return {
    interfaces: createNameFilter(options),
    maxPeers: readCount(options, 'max_series', WIREGUARD_DEFAULT_MAX_PEERS),
  };
}

/** `host:port`, `[v6]:port` or just the host; undefined without a configured endpoint. */
export function endpointOf(row: Row): string | undefined {
  const address = readText(row, 'endpoint-address');
  if (address === undefined) return undefined;
  const port = readText(row, 'endpoint-port');
  if (port === undefined || port === '0') return address;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function handshakeTimestamp(row: Row, nowMillis: number): number | undefined {
  const field = row['last-handshake'] !== undefined ? 'last-handshake' : 'latest-handshake';
  return isNever(row[field]) ? undefined : readAgeAsTimestampSeconds(row, field, nowMillis);
}

function mapPeer(id: string, row: Row, nowMillis: number): Sample[] {
  const list = new SampleList();
  list.addInfo(WIREGUARD_PEER_INFO, {
    id,
    interface: readText(row, 'interface'),
    name: readText(row, 'name'),
    comment: readText(row, 'comment'),
    public_key: readText(row, 'public-key'),
    allowed_address: readText(row, 'allowed-address'),
    endpoint: endpointOf(row),
  });
  list.add(WIREGUARD_PEER_RECEIVE_BYTES, { id }, readCounter(row, 'rx'));
  list.add(WIREGUARD_PEER_TRANSMIT_BYTES, { id }, readCounter(row, 'tx'));
  list.add(WIREGUARD_PEER_LAST_HANDSHAKE, { id }, handshakeTimestamp(row, nowMillis));
  return list.samples;
}

/** Maps peer rows to samples with the interface filter and the peer cap. Pure. */
export function mapWireguardPeers(rows: readonly Row[], settings: WireguardSettings, nowMillis: number): CollectOutput {
  const peers: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id) || !settings.interfaces.matches(readText(row, 'interface') ?? '')) continue;
    seen.add(id);
    peers.push(mapPeer(id, row, nowMillis));
  }
  return capSeriesGroups(peers, settings.maxPeers);
}

export const wireguardCollector: Collector = {
  name: 'wireguard',
  defaultEnabled: true,
  summary:
    'Per WireGuard peer: bytes received and transmitted, seconds since the last handshake, info with the configured endpoint (RouterOS 7); options include/exclude (interface regexes), max_series (peers, default 1000).',
  paths: [WIREGUARD_PEERS_PATH],
  metrics: [WIREGUARD_PEER_INFO, WIREGUARD_PEER_RECEIVE_BYTES, WIREGUARD_PEER_TRANSMIT_BYTES, WIREGUARD_PEER_LAST_HANDSHAKE],
  options: [...filterOptions('the WireGuard interface name'), maxSeriesOption('peers', WIREGUARD_DEFAULT_MAX_PEERS)],
  checkOptions: wireguardSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = wireguardSettings(context.options);
    // A disabled peer never handshakes; `disabled=true` negated also keeps rows without the flag.
    const rows = await printRows(context, WIREGUARD_PEERS_PATH, WIREGUARD_PROPLIST, { query: ['disabled=true', '#!'] });
    return mapWireguardPeers(rows, settings, context.nowMillis);
  },
};
