/**
 * `ipsec`: IPsec active peers per negotiation state, and per peer whether it is established and
 * its traffic. Peers are keyed by the active-peer `.id`; addresses and side are facts of an info
 * series. The state is a value (1 when established), not a label: akpw/mktxp's `state` info
 * label starts a new series on every state change.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { counter, gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readCount } from './support/options.js';
import { readAgeAsTimestampSeconds, readCounter, readDurationSeconds, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';

const BY_ID = ['id'] as const;

export const IPSEC_ACTIVE_PEERS = gauge(
  'routeros.ipsec.active.peers',
  '{peer}',
  'IPsec active peers in this negotiation state.',
  ['state'],
);
export const IPSEC_PEER_ESTABLISHED = gauge(
  'routeros.ipsec.peer.established',
  '',
  'Whether the IPsec peer is established (1) or still negotiating (0).',
  BY_ID,
);
export const IPSEC_PEER_UPTIME = gauge('routeros.ipsec.peer.uptime.seconds', 's', 'How long the IPsec peer has been established.', BY_ID);
export const IPSEC_PEER_LAST_SEEN = gauge(
  'routeros.ipsec.peer.last_seen.timestamp.seconds',
  's',
  'When a packet from the IPsec peer was last seen, as a Unix timestamp (poll time minus last-seen).',
  BY_ID,
);
export const IPSEC_PEER_PHASE2_SAS = gauge('routeros.ipsec.peer.phase2.sas', '{sa}', 'Phase-2 security associations negotiated with the peer (ph2-total).', BY_ID);
export const IPSEC_PEER_RECEIVE_BYTES = counter('routeros.ipsec.peer.receive.bytes', 'By', 'Bytes received from the IPsec peer.', BY_ID);
export const IPSEC_PEER_TRANSMIT_BYTES = counter('routeros.ipsec.peer.transmit.bytes', 'By', 'Bytes transmitted to the IPsec peer.', BY_ID);
export const IPSEC_PEER_RECEIVE_PACKETS = counter(
  'routeros.ipsec.peer.receive.packets',
  '{packet}',
  'Packets received from the IPsec peer.',
  BY_ID,
);
export const IPSEC_PEER_TRANSMIT_PACKETS = counter(
  'routeros.ipsec.peer.transmit.packets',
  '{packet}',
  'Packets transmitted to the IPsec peer.',
  BY_ID,
);
export const IPSEC_PEER_INFO = info(
  'routeros.ipsec.peer.info',
  'IPsec active peer facts: local and remote address, side (initiator or responder); always 1.',
  ['id', 'local_address', 'remote_address', 'side'],
);

export const IPSEC_ACTIVE_PEERS_PATH = '/ip/ipsec/active-peers';

export const IPSEC_PROPLIST: readonly string[] = [
  '.id',
  'local-address',
  'remote-address',
  'state',
  'side',
  'uptime',
  'last-seen',
  'ph2-total',
  'rx-bytes',
  'tx-bytes',
  'rx-packets',
  'tx-packets',
];

/** Peers per router before the cap drops the rest. */
export const IPSEC_DEFAULT_MAX_PEERS = 1000;

/** Settings from `collectors.ipsec.*`. */
export interface IpsecSettings {
  /** `include` / `exclude`: regular expressions over the remote address (per-peer series only). */
  readonly remotes: NameFilter;
  /** `max_series`: peers kept per router (default 1000); the series of the others count as dropped. */
  readonly maxPeers: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function ipsecSettings(options: CollectorOptions): IpsecSettings {
  return {
    remotes: createNameFilter(options),
    maxPeers: readCount(options, 'max_series', IPSEC_DEFAULT_MAX_PEERS),
  };
}

function mapPeer(id: string, state: string | undefined, row: Row, nowMillis: number): Sample[] {
  const list = new SampleList();
  list.addInfo(IPSEC_PEER_INFO, {
    id,
    local_address: readText(row, 'local-address'),
    remote_address: readText(row, 'remote-address'),
    side: readText(row, 'side'),
  });
  if (state !== undefined) list.add(IPSEC_PEER_ESTABLISHED, { id }, state === 'established' ? 1 : 0);
  list.add(IPSEC_PEER_UPTIME, { id }, state === 'established' ? readDurationSeconds(row, 'uptime') : undefined);
  list.add(IPSEC_PEER_LAST_SEEN, { id }, readAgeAsTimestampSeconds(row, 'last-seen', nowMillis));
  list.add(IPSEC_PEER_PHASE2_SAS, { id }, readCounter(row, 'ph2-total'));
  list.add(IPSEC_PEER_RECEIVE_BYTES, { id }, readCounter(row, 'rx-bytes'));
  list.add(IPSEC_PEER_TRANSMIT_BYTES, { id }, readCounter(row, 'tx-bytes'));
  list.add(IPSEC_PEER_RECEIVE_PACKETS, { id }, readCounter(row, 'rx-packets'));
  list.add(IPSEC_PEER_TRANSMIT_PACKETS, { id }, readCounter(row, 'tx-packets'));
  return list.samples;
}

/** Maps active peers: counts per state over all peers, per-peer series filtered and capped. Pure. */
export function mapIpsec(rows: readonly Row[], settings: IpsecSettings, nowMillis: number): CollectOutput {
  // `established` is always reported so "no established peers" reads 0, not absent.
  const perState = new Map<string, number>([['established', 0]]);
  const peers: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const state = readText(row, 'state')?.toLowerCase();
    if (state !== undefined) perState.set(state, (perState.get(state) ?? 0) + 1);
    if (settings.remotes.matches(readText(row, 'remote-address') ?? '')) peers.push(mapPeer(id, state, row, nowMillis));
  }
  const list = new SampleList();
  for (const [state, count] of perState) list.add(IPSEC_ACTIVE_PEERS, { state }, count);
  const capped = capSeriesGroups(peers, settings.maxPeers);
  return { samples: [...list.samples, ...capped.samples], dropped: capped.dropped };
}

export const ipsecCollector: Collector = {
  name: 'ipsec',
  defaultEnabled: true,
  summary:
    'IPsec active peers by state; per peer established, uptime, last-seen timestamp, phase-2 SAs, bytes and packets in both directions and info; options include/exclude (remote address regexes), max_series (peers, default 1000).',
  paths: [IPSEC_ACTIVE_PEERS_PATH],
  metrics: [
    IPSEC_ACTIVE_PEERS,
    IPSEC_PEER_INFO,
    IPSEC_PEER_ESTABLISHED,
    IPSEC_PEER_UPTIME,
    IPSEC_PEER_LAST_SEEN,
    IPSEC_PEER_PHASE2_SAS,
    IPSEC_PEER_RECEIVE_BYTES,
    IPSEC_PEER_TRANSMIT_BYTES,
    IPSEC_PEER_RECEIVE_PACKETS,
    IPSEC_PEER_TRANSMIT_PACKETS,
  ],
  options: [...filterOptions('the remote peer address (per-peer series only)'), maxSeriesOption('peers', IPSEC_DEFAULT_MAX_PEERS)],
  checkOptions: ipsecSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = ipsecSettings(context.options);
    // `=stats=` asks for the traffic counters, as in the CLI's `print stats`.
    const rows = await printRows(context, IPSEC_ACTIVE_PEERS_PATH, IPSEC_PROPLIST, { attributes: { stats: '' } });
    return mapIpsec(rows, settings, context.nowMillis);
  },
};
