import { describe, expect, it } from 'vitest';
import { usersCollector } from '../../../../src/sources/routeros/collectors/users.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

function sessions(counts: Readonly<Record<string, number>>): string[] {
  const all = { api: 0, ftp: 0, local: 0, ssh: 0, telnet: 0, web: 0, winbox: 0, ...counts };
  return Object.entries(all).map(([service, count]) => `routeros_user_sessions{service="${service}"} ${count}`).sort();
}

describe('usersCollector', () => {
  it('counts active sessions per service from one print of `via`, 0 for known services without any', async () => {
    const { api, context } = setup(repliesFrom(V7, ['user-active']), '7.16 (stable)');
    expect(render((await usersCollector.collect(context)).samples)).toEqual(
      sessions({ api: 1, winbox: 2, ssh: 1, web: 1, 'rest-api': 1 }),
    );
    expect(commands(api.calls)).toEqual(['print /user/active']);
    expect(api.calls[0]?.options?.proplist).toEqual(['via']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('counts v6 sessions (console logins via local)', async () => {
    const { context } = setup(repliesFrom(V6, ['user-active']), '6.49.10 (long-term)');
    expect(render((await usersCollector.collect(context)).samples)).toEqual(sessions({ api: 1, local: 1, telnet: 1 }));
  });

  it('propagates a trap such as a missing menu', async () => {
    const { context } = setup({}, '7.16 (stable)');
    const error = await usersCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('is named routeros_user_sessions', () => {
    expect(namingProblems(usersCollector, ['routeros_user_sessions'])).toEqual([]);
    expect(usersCollector.metrics.map((metric) => metric.name)).toEqual(['routeros.user.sessions']);
    expect(usersCollector.defaultEnabled).toBe(true);
  });
});
