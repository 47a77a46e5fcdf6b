import { describe, expect, it } from 'vitest';
import { BGP_DEFAULT_MAX_ADVERTISED_COUNTS, BGP_DEFAULT_MAX_SESSIONS, bgpCollector, bgpSettings } from '../../../../src/sources/routeros/collectors/bgp.js';
import type { Sample } from '../../../../src/sources/routeros/collectors/collector.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import type { Reply } from './helpers/fixture-api.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, rows, setup, V6, V7 } from './helpers/fixture-api-families.js';
import { valueOf } from './helpers/samples.js';

function info(id: string, name: string, remote: string, remoteAs: string, localAs: string): string {
  return `routeros_bgp_session_info{id="${id}",name="${name}",remote_address="${remote}",remote_as="${remoteAs}",local_as="${localAs}"} 1`;
}

const V7_MENUS = ['routing-bgp-session', 'routing-bgp-advertisements'];

/** The series of the first families (info, established, uptime, prefixes); state and churn are checked apart. */
function coreSeries(samples: readonly Sample[]): string[] {
  return render(samples).filter((line) => !/^routeros_bgp_session_(state\{|receive_|transmit_)/.test(line));
}

/** The state set of one session: `current` 1, the other RFC 4271 states 0. */
function stateSet(id: string, current: string): string[] {
  return ['active', 'connect', 'established', 'idle', 'openconfirm', 'opensent'].map(
    (state) => `routeros_bgp_session_state{id="${id}",state="${state}"} ${state === current ? 1 : 0}`,
  );
}

function advertisedSeries(samples: readonly Sample[]): string[] {
  return render(samples.filter((sample) => sample.metric.name.endsWith('advertised.prefixes')));
}

/** `count` established v7 sessions named `peer<n>`, each advertising `n % 3` prefixes. */
function manySessions(count: number): Record<string, Reply> {
  const sessions = Array.from({ length: count }, (_, index) => ({
    '.id': `*${index + 1}`,
    name: `peer${index + 1}`,
    'remote.address': `192.0.2.${index + 1}`,
    'remote.as': '65000',
    'local.as': '64500',
    established: 'true',
    uptime: '1h',
    'prefix-count': '10',
  }));
  const advertisements = sessions.flatMap((session, index) => Array.from({ length: index % 3 }, () => ({ peer: session.name })));
  return { '/routing/bgp/session': sessions, '/routing/bgp/advertisements': advertisements };
}

describe('bgpCollector', () => {
  it('reads v7 /routing/bgp/session in one command; advertised prefixes are off by default on v7', async () => {
    const { api, context } = setup(repliesFrom(V7, V7_MENUS), '7.16 (stable)');
    const output = await bgpCollector.collect(context);
    expect(coreSeries(output.samples)).toEqual(
      [
        info('*1', 'TO-R14C-1', '220.40.40.1', '4040', '2020'),
        'routeros_bgp_session_established{id="*1"} 1',
        'routeros_bgp_session_uptime_seconds{id="*1"} 788645',
        'routeros_bgp_session_received_prefixes{id="*1"} 912345',
        // Down: established 0 and no uptime series.
        info('*2', 'RR-ibgp-1', '10.255.0.1', '2020', '2020'),
        'routeros_bgp_session_established{id="*2"} 0',
        'routeros_bgp_session_received_prefixes{id="*2"} 0',
        info('*3', 'IX-peer-1', '2001:db8:ff::1', '65010', '2020'),
        'routeros_bgp_session_established{id="*3"} 1',
        'routeros_bgp_session_uptime_seconds{id="*3"} 10921.5',
        'routeros_bgp_session_received_prefixes{id="*3"} 120',
      ].sort(),
    );
    // v7 names no FSM state: established sessions get the state set, the down one none (not guessed).
    // Message and byte counters come from the same print; the fixture's session *3 has none.
    expect(render(output.samples).filter((line) => !coreSeries(output.samples).includes(line))).toEqual(
      [
        ...stateSet('*1', 'established'),
        ...stateSet('*3', 'established'),
        'routeros_bgp_session_receive_messages_total{id="*1"} 1024',
        'routeros_bgp_session_transmit_messages_total{id="*1"} 998',
        'routeros_bgp_session_receive_bytes_total{id="*1"} 98765432',
        'routeros_bgp_session_transmit_bytes_total{id="*1"} 54321',
      ].sort(),
    );
    expect(output.dropped).toBe(0);
    expect(commands(api.calls)).toEqual(['print /routing/bgp/session']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
    expect(api.calls[0]?.options?.proplist).toEqual([
      ...['.id', 'name', 'remote.address', 'remote.as', 'local.as', 'established', 'uptime', 'prefix-count'],
      ...['remote.messages', 'local.messages', 'remote.bytes', 'local.bytes'],
    ]);
  });

  it('counts v7 advertised prefixes when asked to, established sessions only (a down one advertises 0)', async () => {
    const { api, context } = setup(repliesFrom(V7, V7_MENUS), '7.16 (stable)', { options: { advertised_prefixes: true } });
    const output = await bgpCollector.collect(context);
    expect(advertisedSeries(output.samples)).toEqual([
      'routeros_bgp_session_advertised_prefixes{id="*1"} 2',
      'routeros_bgp_session_advertised_prefixes{id="*2"} 0',
      'routeros_bgp_session_advertised_prefixes{id="*3"} 1',
    ]);
    expect(commands(api.calls)).toEqual([
      'print /routing/bgp/session',
      'count /routing/bgp/advertisements ?peer=TO-R14C-1',
      'count /routing/bgp/advertisements ?peer=IX-peer-1',
    ]);
  });

  it('reads v6 /routing/bgp/peer, state or flag, leaves disabled peers out, and counts advertised prefixes by default', async () => {
    const { api, context } = setup(repliesFrom(V6, ['routing-bgp-peer', 'routing-bgp-advertisements']), '6.49.10 (long-term)');
    const output = await bgpCollector.collect(context);
    expect(coreSeries(output.samples)).toEqual(
      [
        info('*1', 'upstream', '198.51.100.1', '64500', ''),
        'routeros_bgp_session_established{id="*1"} 1',
        'routeros_bgp_session_uptime_seconds{id="*1"} 1314367',
        'routeros_bgp_session_received_prefixes{id="*1"} 781234',
        'routeros_bgp_session_advertised_prefixes{id="*1"} 2',
        info('*2', 'backup', '198.51.100.5', '64501', ''),
        'routeros_bgp_session_established{id="*2"} 0',
        'routeros_bgp_session_received_prefixes{id="*2"} 0',
        'routeros_bgp_session_advertised_prefixes{id="*2"} 0',
        // No `established` flag: `state=established` decides; clock-form uptime.
        info('*4', 'customer', '203.0.113.2', '65001', ''),
        'routeros_bgp_session_established{id="*4"} 1',
        'routeros_bgp_session_uptime_seconds{id="*4"} 18367',
        'routeros_bgp_session_received_prefixes{id="*4"} 3',
        'routeros_bgp_session_advertised_prefixes{id="*4"} 1',
      ].sort(),
    );
    // v6 names the state (the idle backup reads idle=1, established=0) and counts UPDATEs and withdrawals.
    expect(render(output.samples).filter((line) => !coreSeries(output.samples).includes(line))).toEqual(
      [
        ...stateSet('*1', 'established'),
        ...stateSet('*2', 'idle'),
        ...stateSet('*4', 'established'),
        'routeros_bgp_session_receive_updates_total{id="*1"} 2400000',
        'routeros_bgp_session_transmit_updates_total{id="*1"} 12',
        'routeros_bgp_session_receive_withdrawals_total{id="*1"} 1200',
        'routeros_bgp_session_transmit_withdrawals_total{id="*1"} 0',
      ].sort(),
    );
    expect(commands(api.calls)).toEqual([
      'print /routing/bgp/peer ?disabled=true ?#!',
      'count /routing/bgp/advertisements ?peer=upstream',
      'count /routing/bgp/advertisements ?peer=customer',
    ]);
    expect(api.calls.some((call) => call.path === '/routing/bgp/session')).toBe(false);
  });

  it('skips advertised prefixes when asked to, or when the menu is missing', async () => {
    const off = setup(repliesFrom(V6, ['routing-bgp-peer', 'routing-bgp-advertisements']), '6.49.10 (long-term)', {
      options: { advertised_prefixes: false },
    });
    const quiet = await bgpCollector.collect(off.context);
    expect(off.api.calls).toHaveLength(1);
    expect(advertisedSeries(quiet.samples)).toEqual([]);

    const missing = setup({ '/routing/bgp/session': rows('routing-bgp-session', V7) }, '7.16 (stable)', { options: { advertised_prefixes: 'true' } });
    const output = await bgpCollector.collect(missing.context);
    // The down session needs no command; the two established ones find no menu.
    expect(advertisedSeries(output.samples)).toEqual(['routeros_bgp_session_advertised_prefixes{id="*2"} 0']);
    expect(output.samples.filter((sample) => sample.metric.name.endsWith('.established'))).toHaveLength(3);
  });

  it('keeps the advertised counts per cycle bounded whatever the session count', async () => {
    const { api, context } = setup(manySessions(50), '7.16 (stable)', { options: { advertised_prefixes: true } });
    const output = await bgpCollector.collect(context);
    expect(api.calls).toHaveLength(1 + BGP_DEFAULT_MAX_ADVERTISED_COUNTS);
    expect(advertisedSeries(output.samples)).toHaveLength(BGP_DEFAULT_MAX_ADVERTISED_COUNTS);
    expect(valueOf(output.samples, 'routeros.bgp.session.advertised.prefixes', { id: '*3' })).toBe(2);
    // The advertised series of the other 40 established sessions are dropped and counted.
    expect(output.dropped).toBe(50 - BGP_DEFAULT_MAX_ADVERTISED_COUNTS);
    expect(output.samples.filter((sample) => sample.metric.name.endsWith('.established'))).toHaveLength(50);

    const two = setup(manySessions(50), '7.16 (stable)', { options: { advertised_prefixes: true, advertised_prefixes_max_sessions: 2 } });
    expect((await bgpCollector.collect(two.context)).dropped).toBe(48);
    expect(commands(two.api.calls).slice(1)).toEqual(['count /routing/bgp/advertisements ?peer=peer1', 'count /routing/bgp/advertisements ?peer=peer2']);
  });

  it('caps the sessions per router (max_series) and counts their series, spending no count on them', async () => {
    const { api, context } = setup(manySessions(50), '7.16 (stable)', { options: { max_series: 5, advertised_prefixes: true } });
    const output = await bgpCollector.collect(context);
    expect(new Set(output.samples.map((sample) => sample.attributes['id']))).toEqual(new Set(['*1', '*2', '*3', '*4', '*5']));
    // Eleven series each (info, established, uptime, received, advertised, six states) for the five kept; ten
    // for the 45 dropped (their advertised prefixes were never counted).
    expect(output.samples).toHaveLength(55);
    expect(output.dropped).toBe(45 * 10);
    expect(api.calls).toHaveLength(1 + 5);

    const fixture = setup(repliesFrom(V7, V7_MENUS), '7.16 (stable)', { options: { max_series: 1 } });
    const capped = await bgpCollector.collect(fixture.context);
    expect(new Set(capped.samples.map((sample) => sample.attributes['id']))).toEqual(new Set(['*1']));
    // RR-ibgp-1 (down, no state named): info, established, received; IX-peer-1: those, uptime and six states.
    expect(capped.dropped).toBe(3 + 10);
    expect(bgpSettings({}).maxSessions).toBe(BGP_DEFAULT_MAX_SESSIONS);
  });

  it('filters sessions by name', async () => {
    const { api, context } = setup(repliesFrom(V7, ['routing-bgp-session', 'routing-bgp-advertisements']), '7.16 (stable)', {
      options: { exclude: ['RR-.*', 'IX-.*'], advertised_prefixes: true },
    });
    const output = await bgpCollector.collect(context);
    expect([...new Set(output.samples.map((sample) => sample.attributes['id']))]).toEqual(['*1']);
    // Filtered sessions are not dropped series, and cost no count.
    expect(output.dropped).toBe(0);
    expect(api.calls).toHaveLength(2);
  });

  it('propagates the missing routing menu (v6 without the routing package)', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await bgpCollector.collect(context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('rejects a non-boolean advertised_prefixes and bad caps, naming the option', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { advertised_prefixes: 'yes' } });
    await expect(bgpCollector.collect(context)).rejects.toThrow(new CollectorOptionError('advertised_prefixes: must be true or false'));
    expect(() => bgpSettings({ max_series: -2 })).toThrow(new CollectorOptionError('max_series: must be a non-negative integer'));
    expect(() => bgpSettings({ advertised_prefixes_max_sessions: 'ten' })).toThrow(
      new CollectorOptionError('advertised_prefixes_max_sessions: must be a non-negative integer'),
    );
    expect(bgpCollector.options?.map((option) => option.name)).toEqual(
      expect.arrayContaining(['max_series', 'advertised_prefixes', 'advertised_prefixes_max_sessions']),
    );
  });

  it('follows the naming rule under routeros_bgp_', () => {
    expect(namingProblems(bgpCollector, ['routeros_bgp_'])).toEqual([]);
    expect(bgpCollector.defaultEnabled).toBe(true);
  });
});
