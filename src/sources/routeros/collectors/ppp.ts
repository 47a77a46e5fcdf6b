/**
 * `ppp`: active PPP sessions per service (pppoe, l2tp, sstp, ovpn, pptp, async). By default every
 * number is a `=count-only=` query, so a concentrator with thousands of subscribers answers with
 * one word per service. With `per_session: true` the family prints the active list once instead
 * and adds one info and one uptime series per session (keyed by the session `.id`, capped).
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { CollectorOptionError, readCount, readStringList, readSwitch } from './support/options.js';
import { readDurationSeconds, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption, switchOption } from './support/option-specs.js';

export const PPP_ACTIVE_SESSIONS = gauge(
  'routeros.ppp.active.sessions',
  '{session}',
  'Active PPP sessions of this service.',
  ['service'],
);
export const PPP_SESSION_INFO = info(
  'routeros.ppp.session.info',
  'Active PPP session facts: user name, service, caller id and assigned address; always 1.',
  ['id', 'name', 'service', 'caller_id', 'address'],
);
export const PPP_SESSION_UPTIME = gauge(
  'routeros.ppp.session.uptime.seconds',
  's',
  'How long the PPP session has been up.',
  ['id'],
);

export const PPP_ACTIVE_PATH = '/ppp/active';

/** Services counted by default: every value RouterOS documents for `service`. */
export const PPP_DEFAULT_SERVICES: readonly string[] = ['pppoe', 'l2tp', 'sstp', 'ovpn', 'pptp', 'async'];

export const PPP_SESSION_PROPLIST: readonly string[] = ['.id', 'name', 'service', 'caller-id', 'address', 'uptime'];

/** Sessions per router before the cap drops the rest (per-session mode only). */
export const PPP_DEFAULT_MAX_SESSIONS = 1000;

/** Settings from `collectors.ppp.*`. */
export interface PppSettings {
  /** `services`: services counted (one count query each unless per_session). */
  readonly services: readonly string[];
  /** `per_session`: also report one info and uptime series per session (default false). */
  readonly perSession: boolean;
  /** `include` / `exclude`: regular expressions over the session's user name (per-session series only). */
  readonly names: NameFilter;
  /** `max_series`: sessions kept per router (default 1000); the series of the others count as dropped. */
  readonly maxSessions: number | undefined;
}

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function pppSettings(options: CollectorOptions): PppSettings {
  const services = readStringList(options, 'services');
  for (const service of services) {
    if (!SERVICE_NAME.test(service)) throw new CollectorOptionError(`services: invalid service ${JSON.stringify(service)}`);
  }
  const perSession = readSwitch(options, 'per_session', false);
  return {
    services: services.length > 0 ? services : PPP_DEFAULT_SERVICES,
    perSession,
    names: createNameFilter(options),
    maxSessions: readCount(options, 'max_series', PPP_DEFAULT_MAX_SESSIONS),
  };
}

/** Maps service counts to samples. Pure. */
export function mapServiceCounts(counts: ReadonlyMap<string, number>): Sample[] {
  const list = new SampleList();
  for (const [service, sessions] of counts) list.add(PPP_ACTIVE_SESSIONS, { service }, sessions);
  return list.samples;
}

function mapSession(id: string, row: Row): Sample[] {
  const list = new SampleList();
  list.addInfo(PPP_SESSION_INFO, {
    id,
    name: readText(row, 'name'),
    service: readText(row, 'service'),
    caller_id: readText(row, 'caller-id'),
    address: readText(row, 'address'),
  });
  list.add(PPP_SESSION_UPTIME, { id }, readDurationSeconds(row, 'uptime'));
  return list.samples;
}

/** Per-session mode: counts per service from the rows, plus capped per-session series. Pure. */
export function mapPppSessions(rows: readonly Row[], settings: PppSettings): CollectOutput {
  const counts = new Map(settings.services.map((service) => [service, 0]));
  const sessions: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const service = readText(row, 'service');
    if (service !== undefined && counts.has(service)) counts.set(service, (counts.get(service) ?? 0) + 1);
    if (settings.names.matches(readText(row, 'name') ?? '')) sessions.push(mapSession(id, row));
  }
  const capped = capSeriesGroups(sessions, settings.maxSessions);
  return { samples: [...mapServiceCounts(counts), ...capped.samples], dropped: capped.dropped };
}

export const pppCollector: Collector = {
  name: 'ppp',
  defaultEnabled: true,
  summary:
    'Active PPP sessions by service (count-only); per_session: true adds per-session info and uptime; options services, include/exclude (user regexes), max_series (sessions, default 1000).',
  paths: [PPP_ACTIVE_PATH],
  metrics: [PPP_ACTIVE_SESSIONS, PPP_SESSION_INFO, PPP_SESSION_UPTIME],
  options: [
    { name: 'services', description: 'PPP services counted (one count query each unless `per_session`); default `pppoe`, `l2tp`, `sstp`, `ovpn`, `pptp`, `async`.' },
    switchOption('per_session', 'also report one info and uptime series per session'),
    ...filterOptions("the session's user name (per-session series only)"),
    maxSeriesOption('sessions', PPP_DEFAULT_MAX_SESSIONS),
  ],
  checkOptions: pppSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = pppSettings(context.options);
    if (settings.perSession) return mapPppSessions(await printRows(context, PPP_ACTIVE_PATH, PPP_SESSION_PROPLIST), settings);
    const counts = await Promise.all(
      settings.services.map((service) =>
        context.api.count(PPP_ACTIVE_PATH, { query: [`service=${service}`], signal: context.signal }),
      ),
    );
    return { samples: mapServiceCounts(new Map(settings.services.map((service, index) => [service, counts[index] ?? 0]))) };
  },
};
