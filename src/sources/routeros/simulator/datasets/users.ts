/**
 * The `users` family: `/user/active` (mktxp reads it; fields when, name, address, via, group).
 * Static rows: the simulator does not list the sessions really logged in to it.
 */
import type { SimRow } from '../profile.js';
import { formatRosDate, parseRosVersion } from '../version.js';
import type { DatasetPart } from './dataset.js';

/** Builds `/user/active` for `version` (date format) from `[name, address, via, group]` logins. */
export function usersDataset(version: string, logins: readonly (readonly [string, string, string, string])[]): DatasetPart {
  const parsed = parseRosVersion(version);
  const rows: SimRow[] = logins.map(([name, address, via, group], index) => ({
    '.id': `*${(index + 1).toString(16).toUpperCase()}`,
    when: formatRosDate(`2025-01-02 0${index % 10}:00:00`, parsed),
    name,
    address,
    via,
    group,
    radius: 'false',
  }));
  return { menus: { '/user/active': { rows } } };
}

export const USERS_V7: DatasetPart = usersDataset('7.16.1 (stable)', [
  ['monitor', '192.0.2.50', 'api', 'read'],
  ['admin', '192.0.2.10', 'winbox', 'full'],
  ['admin', '192.0.2.11', 'winbox', 'full'],
  ['noc', '198.51.100.7', 'ssh', 'full'],
  ['admin', '192.0.2.10', 'web', 'full'],
]);

export const USERS_V6: DatasetPart = usersDataset('6.49.10 (long-term)', [
  ['monitor', '192.0.2.50', 'api', 'read'],
  ['admin', '', 'local', 'full'],
  ['admin', '192.0.2.10', 'telnet', 'full'],
]);
