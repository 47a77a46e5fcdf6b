import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { BFD_DEFAULT_MAX_SESSIONS, BFD_PROPLIST, bfdCollector, bfdMaxSessions } from '../../../../src/sources/routeros/collectors/bfd.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, duplicateSeries, namingProblems, render, setup } from './helpers/fixture-api-families.js';

/** Shaped like `/routing/bfd/session print` of RouterOS 7 (help.mikrotik.com BFD page). */
const V7_SESSIONS: Row[] = [
  {
    '.id': '*1', 'local-address': '220.40.40.2', 'remote-address': '220.40.40.1', interface: 'sfp-sfpplus1', up: 'true', state: 'up',
    uptime: '6d4h12m5s', 'state-changes': '3', 'actual-tx-interval': '200ms', 'desired-tx-interval': '200ms', 'required-min-rx': '200ms',
    'hold-time': '600ms', multiplier: '3', 'packets-rx': '2675130', 'packets-tx': '2675488',
  },
  {
    '.id': '*2', 'local-address': '10.255.0.2', 'remote-address': '10.255.0.1', interface: 'ether1', up: 'false', state: 'Down',
    uptime: '0s', 'state-changes': '11', 'actual-tx-interval': '1s', 'hold-time': '3s', multiplier: '3', 'packets-rx': '0', 'packets-tx': '14020',
  },
];

function states(id: string, current: string): string[] {
  return ['admin-down', 'down', 'init', 'up'].map((state) => `routeros_bfd_session_state{id="${id}",state="${state}"} ${state === current ? 1 : 0}`);
}

describe('bfdCollector', () => {
  it('maps v7 sessions in one print: up, state set, uptime only while up, intervals in seconds, counters', async () => {
    const { api, context } = setup({ '/routing/bfd/session': V7_SESSIONS }, '7.16 (stable)');
    const output = await bfdCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        'routeros_bfd_session_info{id="*1",local_address="220.40.40.2",remote_address="220.40.40.1",interface="sfp-sfpplus1"} 1',
        'routeros_bfd_session_up{id="*1"} 1',
        ...states('*1', 'up'),
        'routeros_bfd_session_uptime_seconds{id="*1"} 533525',
        'routeros_bfd_session_state_changes_total{id="*1"} 3',
        'routeros_bfd_session_transmit_interval_seconds{id="*1"} 0.2',
        'routeros_bfd_session_desired_transmit_interval_seconds{id="*1"} 0.2',
        'routeros_bfd_session_required_receive_interval_seconds{id="*1"} 0.2',
        'routeros_bfd_session_hold_time_seconds{id="*1"} 0.6',
        'routeros_bfd_session_multiplier{id="*1"} 3',
        'routeros_bfd_session_receive_packets_total{id="*1"} 2675130',
        'routeros_bfd_session_transmit_packets_total{id="*1"} 2675488',
        // Down (state in any case): up 0, no uptime, no absent intervals.
        'routeros_bfd_session_info{id="*2",local_address="10.255.0.2",remote_address="10.255.0.1",interface="ether1"} 1',
        'routeros_bfd_session_up{id="*2"} 0',
        ...states('*2', 'down'),
        'routeros_bfd_session_state_changes_total{id="*2"} 11',
        'routeros_bfd_session_transmit_interval_seconds{id="*2"} 1',
        'routeros_bfd_session_hold_time_seconds{id="*2"} 3',
        'routeros_bfd_session_multiplier{id="*2"} 3',
        'routeros_bfd_session_receive_packets_total{id="*2"} 0',
        'routeros_bfd_session_transmit_packets_total{id="*2"} 14020',
      ].sort(),
    );
    expect(output.dropped).toBe(0);
    expect(commands(api.calls)).toEqual(['print /routing/bfd/session']);
    expect(api.calls[0]?.options?.proplist).toEqual(BFD_PROPLIST);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
    expect(duplicateSeries(output.samples)).toEqual([]);
  });

  it('reads v6 /routing/bfd/neighbor, whose peer is `address`, and derives up from the state when the flag is absent', async () => {
    const { api, context } = setup(
      { '/routing/bfd/neighbor': [{ '.id': '*1', address: '198.51.100.1', interface: 'ether1', state: 'up', uptime: '1h', multiplier: '3' }] },
      '6.49.10 (long-term)',
    );
    const lines = render((await bfdCollector.collect(context)).samples);
    expect(commands(api.calls)).toEqual(['print /routing/bfd/neighbor']);
    expect(lines).toContain('routeros_bfd_session_info{id="*1",local_address="",remote_address="198.51.100.1",interface="ether1"} 1');
    expect(lines).toContain('routeros_bfd_session_up{id="*1"} 1');
    expect(lines).toContain('routeros_bfd_session_uptime_seconds{id="*1"} 3600');
  });

  it('caps the sessions (max_series) and counts the series of the others', async () => {
    const { context } = setup({ '/routing/bfd/session': V7_SESSIONS }, '7.16 (stable)', { options: { max_series: 1 } });
    const output = await bfdCollector.collect(context);
    expect(new Set(output.samples.map((sample) => sample.attributes['id']))).toEqual(new Set(['*1']));
    // The down session's twelve: info, up, four states, state changes, two intervals, multiplier, two counters.
    expect(output.dropped).toBe(12);
    expect(bfdMaxSessions({})).toBe(BFD_DEFAULT_MAX_SESSIONS);
    expect(() => bfdMaxSessions({ max_series: -1 })).toThrow(new CollectorOptionError('max_series: must be a non-negative integer'));
  });

  it('propagates a missing menu (no routing package) and follows the naming rule', async () => {
    const { context } = setup({}, '7.16 (stable)');
    const error = await bfdCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
    expect(namingProblems(bfdCollector, ['routeros_bfd_'])).toEqual([]);
    expect(bfdCollector.defaultEnabled).toBe(true);
  });
});
