/**
 * `bgp`: per BGP session whether it is established, its state, its uptime, the prefixes received
 * from and advertised to the peer, and its message counters (churn). RouterOS 7 lists sessions in `/routing/bgp/session`; RouterOS 6 has
 * `/routing/bgp/peer` (akpw/mktxp #161: the v7 path does not exist on v6). Sessions are keyed by
 * `.id`; name, addresses and AS numbers are facts of an info series.
 *
 * Received prefixes are the session's own `prefix-count`. No field of either menu counts advertised
 * prefixes (v6 `updates-sent` counts UPDATE messages), so they take one `/routing/bgp/advertisements`
 * count per session. That cost grows with the session count, and on v7 the list holds only what
 * connections with `output.keep-sent-attributes=yes` keep (0 otherwise), so the count is off by
 * default on v7, and wherever it is on only the first established sessions are counted: the commands
 * per cycle stay bounded whatever the session count.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, RouterFacts, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { counter, gauge, info } from './support/define.js';
import { isMissingFeature, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readCount, readSwitch } from './support/options.js';
import { readBoolean, readCounter, readDurationSeconds, readText } from './support/rows.js';
import { addStateSet, SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';

const BY_ID = ['id'] as const;

export const BGP_SESSION_ESTABLISHED = gauge(
  'routeros.bgp.session.established',
  '',
  'Whether the BGP session is established (1) or not (0).',
  BY_ID,
);
// A state set: 1 for the current FSM state (RFC 4271 §8.2.2), 0 for the others.
export const BGP_SESSION_STATE = gauge(
  'routeros.bgp.session.state',
  '',
  'BGP session state (RFC 4271 finite state machine): 1 for the current state, 0 for the others; v7 reports it only while established.',
  ['id', 'state'],
);
export const BGP_SESSION_RECEIVE_MESSAGES = counter(
  'routeros.bgp.session.receive.messages',
  '{message}',
  'BGP messages received from the peer (v7 remote.messages).',
  BY_ID,
);
export const BGP_SESSION_TRANSMIT_MESSAGES = counter(
  'routeros.bgp.session.transmit.messages',
  '{message}',
  'BGP messages sent to the peer (v7 local.messages).',
  BY_ID,
);
export const BGP_SESSION_RECEIVE_BYTES = counter('routeros.bgp.session.receive.bytes', 'By', 'BGP bytes received from the peer (v7 remote.bytes).', BY_ID);
export const BGP_SESSION_TRANSMIT_BYTES = counter('routeros.bgp.session.transmit.bytes', 'By', 'BGP bytes sent to the peer (v7 local.bytes).', BY_ID);
export const BGP_SESSION_RECEIVE_UPDATES = counter(
  'routeros.bgp.session.receive.updates',
  '{update}',
  'BGP UPDATE messages received from the peer (v6 updates-received).',
  BY_ID,
);
export const BGP_SESSION_TRANSMIT_UPDATES = counter(
  'routeros.bgp.session.transmit.updates',
  '{update}',
  'BGP UPDATE messages sent to the peer (v6 updates-sent).',
  BY_ID,
);
export const BGP_SESSION_RECEIVE_WITHDRAWALS = counter(
  'routeros.bgp.session.receive.withdrawals',
  '{withdrawal}',
  'Prefixes the peer withdrew (v6 withdrawn-received).',
  BY_ID,
);
export const BGP_SESSION_TRANSMIT_WITHDRAWALS = counter(
  'routeros.bgp.session.transmit.withdrawals',
  '{withdrawal}',
  'Prefixes withdrawn from the peer (v6 withdrawn-sent).',
  BY_ID,
);
export const BGP_SESSION_UPTIME = gauge(
  'routeros.bgp.session.uptime.seconds',
  's',
  'How long the BGP session has been established.',
  BY_ID,
);
export const BGP_SESSION_RECEIVED_PREFIXES = gauge(
  'routeros.bgp.session.received.prefixes',
  '{prefix}',
  'Prefixes received from the BGP peer.',
  BY_ID,
);
export const BGP_SESSION_ADVERTISED_PREFIXES = gauge(
  'routeros.bgp.session.advertised.prefixes',
  '{prefix}',
  'Prefixes advertised to the BGP peer.',
  BY_ID,
);
export const BGP_SESSION_INFO = info(
  'routeros.bgp.session.info',
  'BGP session facts: name, remote address, remote and local AS; always 1.',
  ['id', 'name', 'remote_address', 'remote_as', 'local_as'],
);

/** RouterOS 7 sessions (runtime objects, also listed while down). */
export const BGP_SESSION_PATH = '/routing/bgp/session';
/** RouterOS 6 peers (configuration and state in one menu). */
export const BGP_PEER_PATH = '/routing/bgp/peer';
/** Prefixes advertised per peer; `peer` is the session (v7) or peer (v6) name on both. */
export const BGP_ADVERTISEMENTS_PATH = '/routing/bgp/advertisements';

/** BGP finite state machine states (RFC 4271 §8.2.2) as RouterOS 6 names them. */
export const BGP_STATES: readonly string[] = ['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'];

/** Which RouterOS dialect a router speaks; unknown versions are treated as 7. */
export function bgpDialect(router: RouterFacts): 'v6' | 'v7' {
  return router.major === 6 ? 'v6' : 'v7';
}

/** v7 field → v6 field, for the fields that were renamed. */
const FIELDS = {
  v7: { remoteAddress: 'remote.address', remoteAs: 'remote.as', localAs: 'local.as' },
  v6: { remoteAddress: 'remote-address', remoteAs: 'remote-as', localAs: undefined },
} as const;

/** Properties read per dialect. */
export const BGP_PROPLIST: Readonly<Record<'v6' | 'v7', readonly string[]>> = {
  v7: ['.id', 'name', 'remote.address', 'remote.as', 'local.as', 'established', 'uptime', 'prefix-count', 'remote.messages', 'local.messages', 'remote.bytes', 'local.bytes'],
  v6: ['.id', 'name', 'remote-address', 'remote-as', 'state', 'established', 'uptime', 'prefix-count', 'updates-received', 'updates-sent', 'withdrawn-received', 'withdrawn-sent'],
};

/** Sessions per router before the cap drops the rest (up to 15 series each). */
export const BGP_DEFAULT_MAX_SESSIONS = 1000;
/** Established sessions whose advertised prefixes are counted per cycle, one command each. */
export const BGP_DEFAULT_MAX_ADVERTISED_COUNTS = 10;

/** Settings from `collectors.bgp.*`. */
export interface BgpSettings {
  /** `include` / `exclude`: regular expressions over the session (v7) or peer (v6) name. */
  readonly sessions: NameFilter;
  /** `max_series`: sessions kept per router (default {@link BGP_DEFAULT_MAX_SESSIONS}). */
  readonly maxSessions: number | undefined;
  /**
   * `advertised_prefixes`: count the prefixes advertised to each session. Undefined when not set:
   * then on for RouterOS 6 and off for 7 ({@link countsAdvertised}).
   */
  readonly advertisedPrefixes: boolean | undefined;
  /**
   * `advertised_prefixes_max_sessions`: established sessions counted per cycle (default
   * {@link BGP_DEFAULT_MAX_ADVERTISED_COUNTS}); the advertised series of the others count as dropped.
   */
  readonly maxAdvertisedCounts: number;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function bgpSettings(options: CollectorOptions): BgpSettings {
  return {
    sessions: createNameFilter(options),
    maxSessions: readCount(options, 'max_series', BGP_DEFAULT_MAX_SESSIONS),
    advertisedPrefixes: readSwitch(options, 'advertised_prefixes', undefined),
    maxAdvertisedCounts: readCount(options, 'advertised_prefixes_max_sessions', BGP_DEFAULT_MAX_ADVERTISED_COUNTS),
  };
}

/** Whether advertised prefixes are counted: as configured, else on v6 only (see the file comment). */
export function countsAdvertised(settings: BgpSettings, dialect: 'v6' | 'v7'): boolean {
  return settings.advertisedPrefixes ?? dialect === 'v6';
}

/** One session and what is known of its advertised prefixes. */
export interface BgpSession {
  readonly row: Row;
  /** Prefixes advertised; undefined when not counted. */
  readonly advertised: number | undefined;
  /** True when counting is on but the session was over `advertised_prefixes_max_sessions`. */
  readonly advertisedDropped: boolean;
}

function isEstablished(row: Row): number {
  // v7 sends the `established` flag; v6 peers carry `state=established` (and the flag on newer 6.x).
  const flag = readBoolean(row, 'established');
  if (flag !== undefined) return flag ? 1 : 0;
  return readText(row, 'state')?.toLowerCase() === 'established' ? 1 : 0;
}

async function countAdvertised(context: CollectContext, row: Row): Promise<number | undefined> {
  const name = readText(row, 'name');
  if (name === undefined) return undefined;
  try {
    return await context.api.count(BGP_ADVERTISEMENTS_PATH, { query: [`peer=${name}`], signal: context.signal });
  } catch (error) {
    // Advertisements are an optional extra; sessions without them are still worth reporting.
    if (isMissingFeature(error)) return undefined;
    throw error;
  }
}

/**
 * Reads sessions (by version), filtered and capped, and counts the advertised prefixes of the first
 * `advertised_prefixes_max_sessions` established ones concurrently. A session that is not
 * established advertises nothing: 0, without a command.
 */
export async function fetchBgp(context: CollectContext, settings: BgpSettings): Promise<BgpSession[]> {
  const dialect = bgpDialect(context.router);
  // v6 peers can be disabled; they are configuration, not sessions, so leave them out.
  const extra = dialect === 'v6' ? { query: ['disabled=true', '#!'] } : {};
  const rows = await printRows(context, dialect === 'v7' ? BGP_SESSION_PATH : BGP_PEER_PATH, BGP_PROPLIST[dialect], extra);
  const seen = new Set<string>();
  const selected = rows.filter((row) => {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id) || !settings.sessions.matches(readText(row, 'name') ?? '')) return false;
    seen.add(id);
    return true;
  });
  // Sessions over the cap are dropped in mapBgp; they must not cost count commands either.
  const kept = settings.maxSessions === undefined ? selected : selected.slice(0, settings.maxSessions);
  if (!countsAdvertised(settings, dialect)) {
    return selected.map((row) => ({ row, advertised: undefined, advertisedDropped: false }));
  }
  let budget = settings.maxAdvertisedCounts;
  const sessions = kept.map(async (row): Promise<BgpSession> => {
    if (isEstablished(row) === 0) return { row, advertised: 0, advertisedDropped: false };
    if (budget === 0) return { row, advertised: undefined, advertisedDropped: true };
    budget -= 1;
    return { row, advertised: await countAdvertised(context, row), advertisedDropped: false };
  });
  const over = selected.slice(kept.length).map((row): BgpSession => ({ row, advertised: undefined, advertisedDropped: false }));
  return [...(await Promise.all(sessions)), ...over];
}

function mapSession(id: string, row: Row, advertised: number | undefined, dialect: 'v6' | 'v7'): Sample[] {
  const fields = FIELDS[dialect];
  const list = new SampleList();
  list.addInfo(BGP_SESSION_INFO, {
    id,
    name: readText(row, 'name'),
    remote_address: readText(row, fields.remoteAddress),
    remote_as: readText(row, fields.remoteAs),
    local_as: fields.localAs === undefined ? undefined : readText(row, fields.localAs),
  });
  const established = isEstablished(row);
  list.add(BGP_SESSION_ESTABLISHED, { id }, established);
  // Uptime only while established, so a session that went down cannot show a stale value.
  list.add(BGP_SESSION_UPTIME, { id }, established === 1 ? readDurationSeconds(row, 'uptime') : undefined);
  list.add(BGP_SESSION_RECEIVED_PREFIXES, { id }, readCounter(row, 'prefix-count'));
  list.add(BGP_SESSION_ADVERTISED_PREFIXES, { id }, advertised);
  // v6 names the state; v7 has only the `established` flag, and a state it does not name is not guessed.
  addStateSet(list, BGP_SESSION_STATE, { id }, BGP_STATES, readText(row, 'state') ?? (established === 1 ? 'established' : undefined));
  list.add(BGP_SESSION_RECEIVE_MESSAGES, { id }, readCounter(row, 'remote.messages'));
  list.add(BGP_SESSION_TRANSMIT_MESSAGES, { id }, readCounter(row, 'local.messages'));
  list.add(BGP_SESSION_RECEIVE_BYTES, { id }, readCounter(row, 'remote.bytes'));
  list.add(BGP_SESSION_TRANSMIT_BYTES, { id }, readCounter(row, 'local.bytes'));
  list.add(BGP_SESSION_RECEIVE_UPDATES, { id }, readCounter(row, 'updates-received'));
  list.add(BGP_SESSION_TRANSMIT_UPDATES, { id }, readCounter(row, 'updates-sent'));
  list.add(BGP_SESSION_RECEIVE_WITHDRAWALS, { id }, readCounter(row, 'withdrawn-received'));
  list.add(BGP_SESSION_TRANSMIT_WITHDRAWALS, { id }, readCounter(row, 'withdrawn-sent'));
  return list.samples;
}

/**
 * Maps sessions to samples. `dialect` picks the field names. Sessions beyond `max_series` are
 * dropped and their series counted, as are the advertised series of sessions over the count cap. Pure.
 */
export function mapBgp(sessions: readonly BgpSession[], dialect: 'v6' | 'v7', settings: Pick<BgpSettings, 'maxSessions'>): CollectOutput {
  const groups: Sample[][] = [];
  let advertisedDropped = 0;
  const seen = new Set<string>();
  for (const { row, advertised, advertisedDropped: over } of sessions) {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    if (over && (settings.maxSessions === undefined || groups.length < settings.maxSessions)) advertisedDropped += 1;
    groups.push(mapSession(id, row, advertised, dialect));
  }
  const capped = capSeriesGroups(groups, settings.maxSessions);
  return { samples: capped.samples, dropped: capped.dropped + advertisedDropped };
}

export const bgpCollector: Collector = {
  name: 'bgp',
  defaultEnabled: true,
  summary: `Per BGP session: established, state set, uptime, prefixes received and advertised, messages and bytes (v7), updates and withdrawals (v6) in and out, info with remote AS (v7 /routing/bgp/session, v6 /routing/bgp/peer); options include/exclude (session regexes), max_series (sessions, default ${BGP_DEFAULT_MAX_SESSIONS}), advertised_prefixes (default on for v6, off for v7), advertised_prefixes_max_sessions (default ${BGP_DEFAULT_MAX_ADVERTISED_COUNTS}).`,
  paths: [BGP_SESSION_PATH, BGP_PEER_PATH, BGP_ADVERTISEMENTS_PATH],
  metrics: [
    BGP_SESSION_INFO,
    BGP_SESSION_ESTABLISHED,
    BGP_SESSION_UPTIME,
    BGP_SESSION_RECEIVED_PREFIXES,
    BGP_SESSION_ADVERTISED_PREFIXES,
    BGP_SESSION_STATE,
    BGP_SESSION_RECEIVE_MESSAGES,
    BGP_SESSION_TRANSMIT_MESSAGES,
    BGP_SESSION_RECEIVE_BYTES,
    BGP_SESSION_TRANSMIT_BYTES,
    BGP_SESSION_RECEIVE_UPDATES,
    BGP_SESSION_TRANSMIT_UPDATES,
    BGP_SESSION_RECEIVE_WITHDRAWALS,
    BGP_SESSION_TRANSMIT_WITHDRAWALS,
  ],
  options: [
    ...filterOptions('the session (v7) or peer (v6) name'),
    maxSeriesOption('sessions (v7) or peers (v6)', BGP_DEFAULT_MAX_SESSIONS),
    {
      name: 'advertised_prefixes',
      description:
        'Count the prefixes advertised to each established session, one `/routing/bgp/advertisements` count each (true or false; default true on RouterOS 6, false on RouterOS 7, whose list holds only what connections with `output.keep-sent-attributes=yes` keep and which RouterOS builds on demand, at CPU cost on full-table sessions).',
    },
    {
      name: 'advertised_prefixes_max_sessions',
      description: `Established sessions whose advertised prefixes are counted per cycle, in router order (default ${BGP_DEFAULT_MAX_ADVERTISED_COUNTS}), so the commands per cycle stay bounded whatever the session count; the advertised series of the others count as dropped.`,
    },
  ],
  checkOptions: bgpSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = bgpSettings(context.options);
    return mapBgp(await fetchBgp(context, settings), bgpDialect(context.router), settings);
  },
};
