/**
 * `bfd`: Bidirectional Forwarding Detection sessions (RFC 5880): whether each is up, its state as a
 * state set, uptime, state changes, negotiated intervals, multiplier and control packets. RouterOS 7
 * lists sessions in `/routing/bfd/session`; RouterOS 6 (routing package) has `/routing/bfd/neighbor`
 * (akpw/mktxp `bfd_ds.py`). One print per cycle. Sessions are keyed by `.id`; addresses and interface
 * are facts of an info series. https://help.mikrotik.com/docs/spaces/ROS/pages/191299691/BFD
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { counter, gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { readCount } from './support/options.js';
import { maxSeriesOption } from './support/option-specs.js';
import { readCounter, readDurationSeconds, readFlag, readNumber, readText } from './support/rows.js';
import { addStateSet, SampleList } from './support/samples.js';

const BY_ID = ['id'] as const;

export const BFD_SESSION_INFO = info(
  'routeros.bfd.session.info',
  'BFD session facts: local and remote address and interface; always 1.',
  ['id', 'local_address', 'remote_address', 'interface'],
);
export const BFD_SESSION_UP = gauge('routeros.bfd.session.up', '', 'Whether the BFD session is up (1) or not (0).', BY_ID);
export const BFD_SESSION_STATE = gauge(
  'routeros.bfd.session.state',
  '',
  'BFD session state (RFC 5880 §6.2): 1 for the current state, 0 for the others.',
  ['id', 'state'],
);
export const BFD_SESSION_UPTIME = gauge('routeros.bfd.session.uptime.seconds', 's', 'How long the BFD session has been up.', BY_ID);
export const BFD_SESSION_STATE_CHANGES = counter(
  'routeros.bfd.session.state.changes',
  '{change}',
  'Times the BFD session changed state.',
  BY_ID,
);
export const BFD_SESSION_TX_INTERVAL = gauge(
  'routeros.bfd.session.transmit.interval.seconds',
  's',
  'Transmit interval of BFD control packets in use (actual-tx-interval).',
  BY_ID,
);
export const BFD_SESSION_DESIRED_TX_INTERVAL = gauge(
  'routeros.bfd.session.desired.transmit.interval.seconds',
  's',
  'Desired transmit interval: the larger of the local transmit interval and the remote minimum receive interval.',
  BY_ID,
);
export const BFD_SESSION_RX_INTERVAL = gauge(
  'routeros.bfd.session.required.receive.interval.seconds',
  's',
  'Minimum receive interval this side requires (required-min-rx).',
  BY_ID,
);
export const BFD_SESSION_HOLD_TIME = gauge('routeros.bfd.session.hold.time.seconds', 's', 'Detection time: the session goes down after this long without packets.', BY_ID);
export const BFD_SESSION_MULTIPLIER = gauge('routeros.bfd.session.multiplier', '', 'Detection multiplier: missed packets before the session goes down.', BY_ID);
export const BFD_SESSION_RECEIVE_PACKETS = counter('routeros.bfd.session.receive.packets', '{packet}', 'BFD control packets received.', BY_ID);
export const BFD_SESSION_TRANSMIT_PACKETS = counter('routeros.bfd.session.transmit.packets', '{packet}', 'BFD control packets sent.', BY_ID);

export const BFD_SESSION_PATH = '/routing/bfd/session';
export const BFD_NEIGHBOR_PATH = '/routing/bfd/neighbor';

export const BFD_PROPLIST: readonly string[] = [
  '.id',
  'local-address',
  'remote-address',
  'address',
  'interface',
  'up',
  'state',
  'uptime',
  'state-changes',
  'actual-tx-interval',
  'desired-tx-interval',
  'required-min-rx',
  'hold-time',
  'multiplier',
  'packets-rx',
  'packets-tx',
];

/** RFC 5880 §6.2 states as RouterOS names them. */
export const BFD_STATES: readonly string[] = ['admin-down', 'down', 'init', 'up'];

/** Sessions per router before the cap drops the rest. */
export const BFD_DEFAULT_MAX_SESSIONS = 500;

/** `max_series` of `collectors.bfd`; a bad value throws CollectorOptionError naming the key. */
export function bfdMaxSessions(options: CollectorOptions): number | undefined {
  return readCount(options, 'max_series', BFD_DEFAULT_MAX_SESSIONS);
}

function mapSession(id: string, row: Row): Sample[] {
  const list = new SampleList();
  list.addInfo(BFD_SESSION_INFO, {
    id,
    local_address: readText(row, 'local-address'),
    // v6 neighbors name the peer `address`.
    remote_address: readText(row, 'remote-address') ?? readText(row, 'address'),
    interface: readText(row, 'interface'),
  });
  const state = readText(row, 'state')?.toLowerCase();
  const up = readFlag(row, 'up') ?? (state === undefined ? undefined : state === 'up' ? 1 : 0);
  list.add(BFD_SESSION_UP, { id }, up);
  addStateSet(list, BFD_SESSION_STATE, { id }, BFD_STATES, state);
  list.add(BFD_SESSION_UPTIME, { id }, up === 1 ? readDurationSeconds(row, 'uptime') : undefined);
  list.add(BFD_SESSION_STATE_CHANGES, { id }, readCounter(row, 'state-changes'));
  list.add(BFD_SESSION_TX_INTERVAL, { id }, readDurationSeconds(row, 'actual-tx-interval'));
  list.add(BFD_SESSION_DESIRED_TX_INTERVAL, { id }, readDurationSeconds(row, 'desired-tx-interval'));
  list.add(BFD_SESSION_RX_INTERVAL, { id }, readDurationSeconds(row, 'required-min-rx'));
  list.add(BFD_SESSION_HOLD_TIME, { id }, readDurationSeconds(row, 'hold-time'));
  list.add(BFD_SESSION_MULTIPLIER, { id }, readNumber(row, 'multiplier'));
  list.add(BFD_SESSION_RECEIVE_PACKETS, { id }, readCounter(row, 'packets-rx'));
  list.add(BFD_SESSION_TRANSMIT_PACKETS, { id }, readCounter(row, 'packets-tx'));
  return list.samples;
}

/** Maps BFD session rows (either version) to samples, sessions over `maxSessions` dropped and counted. Pure. */
export function mapBfd(rows: readonly Row[], maxSessions: number | undefined): CollectOutput {
  const groups: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    groups.push(mapSession(id, row));
  }
  return capSeriesGroups(groups, maxSessions);
}

export const bfdCollector: Collector = {
  name: 'bfd',
  defaultEnabled: true,
  summary: `BFD sessions: up, state set, uptime, state changes, intervals, multiplier and control packets (v7 /routing/bfd/session, v6 /routing/bfd/neighbor); one command; option max_series (sessions, default ${BFD_DEFAULT_MAX_SESSIONS}).`,
  paths: [BFD_SESSION_PATH, BFD_NEIGHBOR_PATH],
  metrics: [
    BFD_SESSION_INFO,
    BFD_SESSION_UP,
    BFD_SESSION_STATE,
    BFD_SESSION_UPTIME,
    BFD_SESSION_STATE_CHANGES,
    BFD_SESSION_TX_INTERVAL,
    BFD_SESSION_DESIRED_TX_INTERVAL,
    BFD_SESSION_RX_INTERVAL,
    BFD_SESSION_HOLD_TIME,
    BFD_SESSION_MULTIPLIER,
    BFD_SESSION_RECEIVE_PACKETS,
    BFD_SESSION_TRANSMIT_PACKETS,
  ],
  options: [maxSeriesOption('sessions', BFD_DEFAULT_MAX_SESSIONS)],
  checkOptions: bfdMaxSessions,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const maxSessions = bfdMaxSessions(context.options);
    const path = context.router.major === 6 ? BFD_NEIGHBOR_PATH : BFD_SESSION_PATH;
    return mapBfd(await printRows(context, path, BFD_PROPLIST), maxSessions);
  },
};
