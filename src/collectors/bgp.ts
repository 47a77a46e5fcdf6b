/**
 * `bgp`: per BGP session whether it is established, its uptime, and the prefixes received from
 * and advertised to the peer. RouterOS 7 lists sessions in `/routing/bgp/session`; RouterOS 6 has
 * `/routing/bgp/peer` (akpw/mktxp #161: the v7 path does not exist on v6). Sessions are keyed by
 * `.id`; name, addresses and AS numbers are facts of an info series.
 */
import type { Row } from '../routeros/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, RouterFacts } from './collector.js';
import { gauge, info } from './support/define.js';
import { isMissingFeature, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { CollectorOptionError, readSwitch } from './support/options.js';
import { readBoolean, readCounter, readDurationSeconds, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, switchOption } from './support/option-specs.js';

const BY_ID = ['id'] as const;

export const BGP_SESSION_ESTABLISHED = gauge(
  'routeros.bgp.session.established',
  '',
  'Whether the BGP session is established (1) or not (0).',
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
  v7: ['.id', 'name', 'remote.address', 'remote.as', 'local.as', 'established', 'uptime', 'prefix-count'],
  v6: ['.id', 'name', 'remote-address', 'remote-as', 'state', 'established', 'uptime', 'prefix-count'],
};

/** Settings from `collectors.bgp.*`. */
export interface BgpSettings {
  /** `include` / `exclude`: regular expressions over the session (v7) or peer (v6) name. */
  readonly sessions: NameFilter;
  /**
   * `advertised_prefixes`: count advertised prefixes per session (one count query each; RouterOS
   * computes the list on demand, which costs router CPU on full-table sessions). Default true.
   */
  readonly advertisedPrefixes: boolean;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function bgpSettings(options: CollectorOptions): BgpSettings {
  const advertised = readSwitch(options, 'advertised_prefixes', true);
  return { sessions: createNameFilter(options), advertisedPrefixes: advertised };
}

/** One session and, when counted, its advertised prefixes. */
export interface BgpSession {
  readonly row: Row;
  readonly advertised: number | undefined;
}

function isEstablished(row: Row): number {
  // v7 sends the `established` flag; v6 peers carry `state=established` (and the flag on newer 6.x).
  const flag = readBoolean(row, 'established');
  if (flag !== undefined) return flag ? 1 : 0;
  return readText(row, 'state')?.toLowerCase() === 'established' ? 1 : 0;
}

/** Reads sessions (by version) and counts advertised prefixes per session concurrently. */
export async function fetchBgp(context: CollectContext, settings: BgpSettings): Promise<BgpSession[]> {
  const dialect = bgpDialect(context.router);
  // v6 peers can be disabled; they are configuration, not sessions, so leave them out.
  const extra = dialect === 'v6' ? { query: ['disabled=true', '#!'] } : {};
  const rows = await printRows(context, dialect === 'v7' ? BGP_SESSION_PATH : BGP_PEER_PATH, BGP_PROPLIST[dialect], extra);
  const selected = rows.filter((row) => {
    const name = readText(row, 'name');
    return readText(row, '.id') !== undefined && settings.sessions.matches(name ?? '');
  });
  if (!settings.advertisedPrefixes) return selected.map((row) => ({ row, advertised: undefined }));
  const advertised = await Promise.all(
    selected.map(async (row) => {
      const name = readText(row, 'name');
      if (name === undefined) return undefined;
      try {
        return await context.api.count(BGP_ADVERTISEMENTS_PATH, { query: [`peer=${name}`], signal: context.signal });
      } catch (error) {
        // Advertisements are an optional extra; sessions without them are still worth reporting.
        if (isMissingFeature(error)) return undefined;
        throw error;
      }
    }),
  );
  return selected.map((row, index) => ({ row, advertised: advertised[index] }));
}

/** Maps sessions to samples. `dialect` picks the field names. Pure. */
export function mapBgp(sessions: readonly BgpSession[], dialect: 'v6' | 'v7'): SampleList {
  const fields = FIELDS[dialect];
  const list = new SampleList();
  const seen = new Set<string>();
  for (const { row, advertised } of sessions) {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
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
  }
  return list;
}

export const bgpCollector: Collector = {
  name: 'bgp',
  defaultEnabled: true,
  summary:
    'Per BGP session: established, uptime, prefixes received and advertised, info with remote AS (v7 /routing/bgp/session, v6 /routing/bgp/peer); options include/exclude (session regexes), advertised_prefixes.',
  paths: [BGP_SESSION_PATH, BGP_PEER_PATH, BGP_ADVERTISEMENTS_PATH],
  metrics: [
    BGP_SESSION_INFO,
    BGP_SESSION_ESTABLISHED,
    BGP_SESSION_UPTIME,
    BGP_SESSION_RECEIVED_PREFIXES,
    BGP_SESSION_ADVERTISED_PREFIXES,
  ],
  options: [
    ...filterOptions('the session (v7) or peer (v6) name'),
    switchOption('advertised_prefixes', 'count advertised prefixes per session, one count query each, which costs router CPU on full-table sessions', true),
  ],
  checkOptions: bgpSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = bgpSettings(context.options);
    return { samples: mapBgp(await fetchBgp(context, settings), bgpDialect(context.router)).samples };
  },
};
