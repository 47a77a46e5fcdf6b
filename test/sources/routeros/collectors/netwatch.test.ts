import { describe, expect, it } from 'vitest';
import { NETWATCH_DEFAULT_MAX, NETWATCH_PROPLIST, netwatchCollector, netwatchSettings, parseProbeTime } from '../../../../src/sources/routeros/collectors/netwatch.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

function entry(id: string, host: string, name: string, type: string, comment: string): string {
  return `routeros_netwatch_info{id="${id}",host="${host}",name="${name}",type="${type}",comment="${comment}"} 1`;
}

describe('netwatchCollector', () => {
  it('maps up/down and the v7 probe results per entry id, enabled entries only', async () => {
    const { api, context } = setup(repliesFrom(V7, ['tool-netwatch']), '7.16 (stable)');
    const output = await netwatchCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        entry('*1', '8.8.8.8', 'google-dns', 'icmp', ''),
        'routeros_netwatch_up{id="*1"} 1',
        'routeros_netwatch_done_tests_total{id="*1"} 1440',
        'routeros_netwatch_failed_tests_total{id="*1"} 3',
        'routeros_netwatch_icmp_loss_ratio{id="*1"} 0.1',
        'routeros_netwatch_icmp_lost_packets{id="*1"} 1',
        'routeros_netwatch_icmp_rtt_avg_seconds{id="*1"} 0.012519',
        'routeros_netwatch_icmp_rtt_min_seconds{id="*1"} 0.01',
        // 1s5ms: whole seconds are kept (mktxp reports 5 ms).
        'routeros_netwatch_icmp_rtt_max_seconds{id="*1"} 1.005',
        'routeros_netwatch_icmp_rtt_jitter_seconds{id="*1"} 0.002',
        'routeros_netwatch_icmp_rtt_stdev_seconds{id="*1"} 0.0007',
        entry('*2', '10.0.0.5', 'nas-https', 'tcp-conn', ''),
        'routeros_netwatch_up{id="*2"} 0',
        'routeros_netwatch_done_tests_total{id="*2"} 100',
        'routeros_netwatch_failed_tests_total{id="*2"} 100',
        entry('*3', '192.0.2.10', 'portal', 'http-get', ''),
        'routeros_netwatch_up{id="*3"} 1',
        'routeros_netwatch_done_tests_total{id="*3"} 4000',
        'routeros_netwatch_failed_tests_total{id="*3"} 0',
        'routeros_netwatch_http_status_code{id="*3"} 200',
        'routeros_netwatch_http_response_time_seconds{id="*3"} 0.048',
        'routeros_netwatch_tcp_connect_time_seconds{id="*3"} 0.0125',
        // status unknown: info only.
        entry('*4', '192.0.2.1', '', 'simple', 'gateway'),
      ].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /tool/netwatch ?disabled=false']);
    expect(api.calls[0]?.options?.proplist).toEqual(NETWATCH_PROPLIST);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('maps the v6 field set (host and status only)', async () => {
    const { context } = setup(repliesFrom(V6, ['tool-netwatch']), '6.49.10 (long-term)');
    expect(render((await netwatchCollector.collect(context)).samples)).toEqual(
      [
        entry('*1', '8.8.8.8', '', '', 'dns'),
        'routeros_netwatch_up{id="*1"} 1',
        entry('*2', '10.0.0.1', '', '', ''),
        'routeros_netwatch_up{id="*2"} 0',
      ].sort(),
    );
  });

  it('filters on the entry name, or the host when there is none', async () => {
    const { context } = setup(repliesFrom(V7, ['tool-netwatch']), '7.16 (stable)', { options: { include: ['portal', '192\\.0\\.2\\.1'] } });
    const ids = new Set((await netwatchCollector.collect(context)).samples.map((sample) => sample.attributes['id']));
    expect([...ids].sort()).toEqual(['*3', '*4']);
  });

  it('caps the entries per router (max_series) and counts the series of the others', async () => {
    const { context } = setup(repliesFrom(V7, ['tool-netwatch']), '7.16 (stable)', { options: { max_series: 2 } });
    const output = await netwatchCollector.collect(context);
    expect([...new Set(output.samples.map((sample) => sample.attributes['id']))]).toEqual(['*1', '*2']);
    expect(output.samples).toHaveLength(11 + 4);
    // *3 (http-get: 7 series) and *4 (status unknown: the info series) are dropped.
    expect(output.dropped).toBe(8);
    const all = await netwatchCollector.collect(setup(repliesFrom(V7, ['tool-netwatch']), '7.16 (stable)').context);
    expect(all.dropped).toBe(0);
    expect(netwatchSettings({}).maxEntries).toBe(NETWATCH_DEFAULT_MAX);
    expect(() => netwatchSettings({ max_series: '10' })).toThrow(new CollectorOptionError('max_series: must be a non-negative integer'));
    expect(netwatchCollector.options?.map((option) => option.name)).toContain('max_series');
  });

  it('propagates a missing /tool/netwatch as a missing feature', async () => {
    const { context } = setup({}, '7.16 (stable)');
    const error = await netwatchCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('follows the naming rule under routeros_netwatch_', () => {
    expect(namingProblems(netwatchCollector, ['routeros_netwatch_'])).toEqual([]);
    expect(netwatchCollector.defaultEnabled).toBe(true);
  });
});

describe('parseProbeTime', () => {
  it('reads letter durations and decimal forms in seconds', () => {
    expect(parseProbeTime('1ms519us')).toBe(0.001519);
    expect(parseProbeTime('1s5ms')).toBe(1.005);
    expect(parseProbeTime('12.5ms')).toBe(0.0125);
    expect(parseProbeTime('0.3s')).toBe(0.3);
    expect(parseProbeTime('250us')).toBe(0.00025);
    expect(parseProbeTime('fast')).toBeUndefined();
    expect(parseProbeTime(undefined)).toBeUndefined();
  });
});
