import { describe, expect, it } from 'vitest';
import { pppCollector } from '../../../../src/sources/routeros/collectors/ppp.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V7 } from './helpers/fixture-api-families.js';

const SERVICE_COUNTS = [
  'routeros_ppp_active_sessions{service="async"} 0',
  'routeros_ppp_active_sessions{service="l2tp"} 1',
  'routeros_ppp_active_sessions{service="ovpn"} 1',
  'routeros_ppp_active_sessions{service="pppoe"} 2',
  'routeros_ppp_active_sessions{service="pptp"} 0',
  'routeros_ppp_active_sessions{service="sstp"} 1',
];

function session(id: string, name: string, service: string, callerId: string, address: string, uptime: number): string[] {
  return [
    `routeros_ppp_session_info{id="${id}",name="${name}",service="${service}",caller_id="${callerId}",address="${address}"} 1`,
    `routeros_ppp_session_uptime_seconds{id="${id}"} ${uptime}`,
  ];
}

describe('pppCollector', () => {
  it('counts active sessions per service with count-only queries by default, never printing the list', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ppp-active']), '7.16 (stable)');
    const output = await pppCollector.collect(context);
    expect(render(output.samples)).toEqual(SERVICE_COUNTS);
    expect(api.calls.every((call) => call.method === 'count')).toBe(true);
    expect(commands(api.calls)).toEqual(['pppoe', 'l2tp', 'sstp', 'ovpn', 'pptp', 'async'].map((service) => `count /ppp/active ?service=${service}`));
  });

  it('adds per-session info and uptime with per_session: true, from one print', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ppp-active']), '7.16 (stable)', { options: { per_session: true } });
    const output = await pppCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...SERVICE_COUNTS,
        ...session('*1', 'vpn-user1', 'l2tp', '198.51.100.9', '10.20.0.5', 3720),
        ...session('*2', 'alice', 'pppoe', 'AA:BB:CC:00:00:01', '100.64.0.10', 273906),
        ...session('*3', 'bob', 'pppoe', 'AA:BB:CC:00:00:02', '100.64.0.11', 45),
        ...session('*4', 'carol', 'sstp', '203.0.113.50', '10.20.0.6', 7200),
        ...session('*5', 'dave', 'ovpn', '203.0.113.51', '10.20.0.7', 600),
      ].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /ppp/active']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('filters and caps per-session series while the service counts stay complete', async () => {
    const { context } = setup(repliesFrom(V7, ['ppp-active']), '7.16 (stable)', {
      options: { per_session: true, include: ['alice', 'bob', 'carol'], max_series: 2 },
    });
    const output = await pppCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...SERVICE_COUNTS,
        ...session('*2', 'alice', 'pppoe', 'AA:BB:CC:00:00:01', '100.64.0.10', 273906),
        ...session('*3', 'bob', 'pppoe', 'AA:BB:CC:00:00:02', '100.64.0.11', 45),
      ].sort(),
    );
    expect(output.dropped).toBe(2);
  });

  it('counts only the configured services', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ppp-active']), '7.16 (stable)', { options: { services: ['pppoe'] } });
    const output = await pppCollector.collect(context);
    expect(render(output.samples)).toEqual(['routeros_ppp_active_sessions{service="pppoe"} 2']);
    expect(api.calls).toHaveLength(1);
  });

  it('propagates a missing /ppp menu (v6 without the ppp package)', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await pppCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('rejects bad options', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { per_session: 'yes' } });
    await expect(pppCollector.collect(context)).rejects.toThrow(new CollectorOptionError('per_session: must be true or false'));
  });

  it('follows the naming rule under routeros_ppp_', () => {
    expect(namingProblems(pppCollector, ['routeros_ppp_'])).toEqual([]);
    expect(pppCollector.defaultEnabled).toBe(true);
  });
});
