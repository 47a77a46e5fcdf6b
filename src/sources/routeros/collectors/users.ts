/**
 * `users`: active login sessions by service (`via`: winbox, ssh, api, web, …) from `/user/active`.
 * One print of a single property; the agent's own API session is one of the `api` sessions.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, Sample } from './collector.js';
import { gauge } from './support/define.js';
import { printRows } from './support/fetch.js';
import { readText } from './support/rows.js';
import { SampleList } from './support/samples.js';

export const USER_SESSIONS = gauge(
  'routeros.user.sessions',
  '{session}',
  'Active login sessions by service (winbox, ssh, api, web, …), the agent\'s own API session included.',
  ['service'],
);

export const USER_ACTIVE_PATH = '/user/active';

/** Services always reported, 0 included, so a dashboard sees "no SSH sessions" rather than nothing. */
export const USER_SERVICES: readonly string[] = ['api', 'ftp', 'local', 'ssh', 'telnet', 'web', 'winbox'];

/** Counts sessions per service: the known ones (0 included) plus any other RouterOS reports. Pure. */
export function mapUserSessions(rows: readonly Row[]): Sample[] {
  const counts = new Map(USER_SERVICES.map((service) => [service, 0]));
  for (const row of rows) {
    const service = readText(row, 'via');
    if (service !== undefined) counts.set(service, (counts.get(service) ?? 0) + 1);
  }
  const list = new SampleList();
  for (const [service, sessions] of counts) list.add(USER_SESSIONS, { service }, sessions);
  return list.samples;
}

export const usersCollector: Collector = {
  name: 'users',
  defaultEnabled: true,
  summary: 'Active login sessions by service (winbox, ssh, api, web, …).',
  paths: [USER_ACTIVE_PATH],
  metrics: [USER_SESSIONS],
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    return { samples: mapUserSessions(await printRows(context, USER_ACTIVE_PATH, ['via'])) };
  },
};
