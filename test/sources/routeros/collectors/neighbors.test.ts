import { describe, expect, it } from 'vitest';
import { NEIGHBOR_COUNT_PROPLIST, neighborsCollector } from '../../../../src/sources/routeros/collectors/neighbors.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

const V7_COUNTS = [
  'routeros_neighbor_entries{interface="ether2,bridge"} 2',
  'routeros_neighbor_entries{interface="sfp-sfpplus1"} 1',
  'routeros_neighbor_entries{interface="ether5"} 1',
];

function neighbor(iface: string, mac: string, identity: string, address: string, platform: string, board: string, version: string): string {
  return `routeros_neighbor_info{interface="${iface}",mac_address="${mac}",identity="${identity}",address="${address}",platform="${platform}",board="${board}",version="${version}"} 1`;
}

describe('neighborsCollector', () => {
  it('counts neighbors per interface from one print of two properties', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ip-neighbor']), '7.16 (stable)');
    const output = await neighborsCollector.collect(context);
    expect(render(output.samples)).toEqual([...V7_COUNTS].sort());
    expect(commands(api.calls)).toEqual(['print /ip/neighbor']);
    expect(api.calls[0]?.options?.proplist).toEqual(NEIGHBOR_COUNT_PROPLIST);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('adds capped per-neighbor info series with per_neighbor: true', async () => {
    const { context } = setup(repliesFrom(V7, ['ip-neighbor']), '7.16 (stable)', { options: { per_neighbor: true, max_series: 3 } });
    const output = await neighborsCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...V7_COUNTS,
        neighbor('ether2,bridge', 'CC:2D:E0:00:00:01', 'cap-lobby', '192.168.88.2', 'MikroTik', 'cAPGi-5HaxD2HaxD', '7.16.1 (stable)'),
        neighbor('ether2,bridge', 'CC:2D:E0:00:00:02', 'cap-office', '192.168.88.3', 'MikroTik', 'cAPGi-5HaxD2HaxD', '7.16.1 (stable)'),
        neighbor('sfp-sfpplus1', '00:1C:73:00:00:01', 'isp-edge', '203.0.113.1', 'Arista Networks EOS', '', '4.28.3M'),
      ].sort(),
    );
    expect(output.dropped).toBe(1);
  });

  it('maps v6 neighbors and filters by interface', async () => {
    const { context } = setup(repliesFrom(V6, ['ip-neighbor']), '6.49.10 (long-term)', { options: { per_neighbor: true } });
    expect(render((await neighborsCollector.collect(context)).samples)).toEqual(
      [
        'routeros_neighbor_entries{interface="ether1"} 2',
        neighbor('ether1', '64:D1:54:00:00:01', 'core-sw', '10.0.0.2', 'MikroTik', 'CRS326-24G-2S+', '6.49.10 (long-term)'),
        neighbor('ether1', '00:1A:2B:00:00:01', 'dist-1.example', '10.0.0.3', 'cisco WS-C2960X-24TS-L', '', ''),
      ].sort(),
    );
    const filtered = setup(repliesFrom(V7, ['ip-neighbor']), '7.16 (stable)', { options: { exclude: ['ether.*'] } });
    expect(render((await neighborsCollector.collect(filtered.context)).samples)).toEqual(['routeros_neighbor_entries{interface="sfp-sfpplus1"} 1']);
  });

  it('rejects bad options and propagates a missing menu', async () => {
    const bad = setup({}, '7.16 (stable)', { options: { per_neighbor: 1 } });
    await expect(neighborsCollector.collect(bad.context)).rejects.toThrow(new CollectorOptionError('per_neighbor: must be true or false'));
    const { context } = setup({}, '7.16 (stable)');
    const error = await neighborsCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('is off by default and follows the naming rule under routeros_neighbor_', () => {
    expect(neighborsCollector.defaultEnabled).toBe(false);
    expect(namingProblems(neighborsCollector, ['routeros_neighbor_'])).toEqual([]);
  });
});
