import { describe, expect, it } from 'vitest';
import { bgpCollector } from '../../src/collectors/bgp.js';
import { CollectorOptionError } from '../../src/collectors/support/options.js';
import { TrapError } from '../../src/routeros/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, rows, setup, V6, V7 } from './helpers/fixture-api-families.js';

function info(id: string, name: string, remote: string, remoteAs: string, localAs: string): string {
  return `routeros_bgp_session_info{id="${id}",name="${name}",remote_address="${remote}",remote_as="${remoteAs}",local_as="${localAs}"} 1`;
}

describe('bgpCollector', () => {
  it('reads v7 /routing/bgp/session and counts advertised prefixes per session', async () => {
    const { api, context } = setup(repliesFrom(V7, ['routing-bgp-session', 'routing-bgp-advertisements']), '7.16 (stable)');
    const output = await bgpCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        info('*1', 'TO-R14C-1', '220.40.40.1', '4040', '2020'),
        'routeros_bgp_session_established{id="*1"} 1',
        'routeros_bgp_session_uptime_seconds{id="*1"} 788645',
        'routeros_bgp_session_received_prefixes{id="*1"} 912345',
        'routeros_bgp_session_advertised_prefixes{id="*1"} 2',
        // Down: established 0 and no uptime series.
        info('*2', 'RR-ibgp-1', '10.255.0.1', '2020', '2020'),
        'routeros_bgp_session_established{id="*2"} 0',
        'routeros_bgp_session_received_prefixes{id="*2"} 0',
        'routeros_bgp_session_advertised_prefixes{id="*2"} 0',
        info('*3', 'IX-peer-1', '2001:db8:ff::1', '65010', '2020'),
        'routeros_bgp_session_established{id="*3"} 1',
        'routeros_bgp_session_uptime_seconds{id="*3"} 10921.5',
        'routeros_bgp_session_received_prefixes{id="*3"} 120',
        'routeros_bgp_session_advertised_prefixes{id="*3"} 1',
      ].sort(),
    );
    expect(commands(api.calls)).toEqual([
      'print /routing/bgp/session',
      'count /routing/bgp/advertisements ?peer=TO-R14C-1',
      'count /routing/bgp/advertisements ?peer=RR-ibgp-1',
      'count /routing/bgp/advertisements ?peer=IX-peer-1',
    ]);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
    expect(api.calls[0]?.options?.proplist).toEqual(['.id', 'name', 'remote.address', 'remote.as', 'local.as', 'established', 'uptime', 'prefix-count']);
  });

  it('reads v6 /routing/bgp/peer, state or flag, and leaves disabled peers out', async () => {
    const { api, context } = setup(repliesFrom(V6, ['routing-bgp-peer', 'routing-bgp-advertisements']), '6.49.10 (long-term)');
    const output = await bgpCollector.collect(context);
    expect(render(output.samples)).toEqual(
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
    expect(commands(api.calls)[0]).toBe('print /routing/bgp/peer ?disabled=true ?#!');
    expect(api.calls.some((call) => call.path === '/routing/bgp/session')).toBe(false);
  });

  it('skips advertised prefixes when asked to, or when the menu is missing', async () => {
    const off = setup(repliesFrom(V7, ['routing-bgp-session', 'routing-bgp-advertisements']), '7.16 (stable)', {
      options: { advertised_prefixes: false },
    });
    const quiet = await bgpCollector.collect(off.context);
    expect(off.api.calls).toHaveLength(1);
    expect(quiet.samples.some((sample) => sample.metric.name.endsWith('advertised.prefixes'))).toBe(false);

    const missing = setup({ '/routing/bgp/session': rows('routing-bgp-session', V7) }, '7.16 (stable)');
    const output = await bgpCollector.collect(missing.context);
    expect(output.samples.some((sample) => sample.metric.name.endsWith('advertised.prefixes'))).toBe(false);
    expect(output.samples.filter((sample) => sample.metric.name.endsWith('.established'))).toHaveLength(3);
  });

  it('filters sessions by name', async () => {
    const { api, context } = setup(repliesFrom(V7, ['routing-bgp-session', 'routing-bgp-advertisements']), '7.16 (stable)', {
      options: { exclude: ['RR-.*', 'IX-.*'] },
    });
    const output = await bgpCollector.collect(context);
    expect([...new Set(output.samples.map((sample) => sample.attributes['id']))]).toEqual(['*1']);
    expect(api.calls).toHaveLength(2);
  });

  it('propagates the missing routing menu (v6 without the routing package)', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await bgpCollector.collect(context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('rejects a non-boolean advertised_prefixes', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { advertised_prefixes: 'yes' } });
    await expect(bgpCollector.collect(context)).rejects.toThrow(new CollectorOptionError('advertised_prefixes: must be true or false'));
  });

  it('follows the naming rule under routeros_bgp_', () => {
    expect(namingProblems(bgpCollector, ['routeros_bgp_'])).toEqual([]);
    expect(bgpCollector.defaultEnabled).toBe(true);
  });
});
