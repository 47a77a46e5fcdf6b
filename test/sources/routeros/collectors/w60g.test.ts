import { afterAll, describe, expect, it } from 'vitest';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { mapW60g, parseDistanceMeters, w60gCollector } from '../../../../src/sources/routeros/collectors/w60g.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { commands, duplicateSeries, namingProblems, render, repliesFrom, setup, V7 } from './helpers/fixture-api-families.js';
import { monitorCalls, monitorsFrom, monitorSetup } from './helpers/fixture-api-monitors.js';
import { simulatorRunner } from './helpers/simulator-run.js';

const PACKAGES = ['routeros', 'wireless'];

const CONNECTED = [
  'routeros_w60g_connected{interface="wlan60-1"} 1',
  'routeros_w60g_frequency_hertz{interface="wlan60-1"} 58320000000',
  'routeros_w60g_signal_ratio{interface="wlan60-1"} 0.8',
  'routeros_w60g_rssi_dbm{interface="wlan60-1"} -59',
  'routeros_w60g_transmit_mcs{interface="wlan60-1"} 8',
  'routeros_w60g_transmit_phy_rate_bytes_per_second{interface="wlan60-1"} 287500000',
  'routeros_w60g_distance_meters{interface="wlan60-1"} 2.51',
  'routeros_w60g_link_info{interface="wlan60-1",remote_address="04:D6:AA:AA:AA:AA"} 1',
];

describe('w60gCollector', () => {
  it('monitors every enabled 60 GHz interface in ONE call; a disconnected one reports only connected and frequency', async () => {
    const { api, context } = monitorSetup(repliesFrom(V7, ['interface-w60g']), monitorsFrom(V7, ['interface-w60g-monitor']), '7.16 (stable)', {
      packages: PACKAGES,
    });
    const output = await w60gCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [...CONNECTED, 'routeros_w60g_connected{interface="wlan60-2"} 0', 'routeros_w60g_frequency_hertz{interface="wlan60-2"} 60480000000'].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /interface/w60g ?disabled=false', 'execute /interface/w60g/monitor']);
    expect(monitorCalls(api)).toEqual(['/interface/w60g/monitor wlan60-1,wlan60-2']);
    expect(duplicateSeries(output.samples)).toEqual([]);
  });

  it('applies include/exclude', async () => {
    const filtered = monitorSetup(repliesFrom(V7, ['interface-w60g']), monitorsFrom(V7, ['interface-w60g-monitor']), '7.16 (stable)', {
      packages: PACKAGES,
      options: { exclude: ['wlan60-2'] },
    });
    expect(render((await w60gCollector.collect(filtered.context)).samples)).toEqual([...CONNECTED].sort());
    expect(monitorCalls(filtered.api)).toEqual(['/interface/w60g/monitor wlan60-1']);
  });

  it('lets the missing-menu trap through without 60 GHz hardware or the wireless package, so the family is unsupported', async () => {
    for (const packages of [PACKAGES, ['routeros', 'wifi-qcom']]) {
      const { api, context } = setup({}, '7.16 (stable)', { packages });
      const error = await w60gCollector.collect(context).catch((reason: unknown) => reason);
      expect((error as TrapError).isMissingFeature).toBe(true);
      // The print is sent: a run without any command would count as an answer from a hung router.
      expect(commands(api.calls)).toEqual(['print /interface/w60g ?disabled=false']);
    }
  });

  it('rejects bad options naming the key, and follows the naming rule', () => {
    expect(() => w60gCollector.checkOptions?.({ include: 7 })).toThrow(CollectorOptionError);
    expect(namingProblems(w60gCollector, ['routeros_w60g_'])).toEqual([]);
  });

  it('reads distances in m and km and nothing else', () => {
    expect(parseDistanceMeters('2.51m')).toBe(2.51);
    expect(parseDistanceMeters('1.2km')).toBe(1200);
    expect(parseDistanceMeters('180')).toBe(180);
    expect(parseDistanceMeters('3mi')).toBeUndefined();
    expect(parseDistanceMeters(undefined)).toBeUndefined();
    expect(mapW60g(new Map())).toEqual([]);
  });
});

describe('w60g against the simulator', () => {
  const runner = simulatorRunner();
  afterAll(() => runner.stop());

  it('collects the 60 GHz link of wireless-wire-v7 in two commands; other wireless-package routers have no menu', async () => {
    const run = await runner.run('wireless-wire-v7', w60gCollector);
    expect(run.lines).toEqual(
      [
        'routeros_w60g_connected{interface="wlan60-1"} 1',
        'routeros_w60g_frequency_hertz{interface="wlan60-1"} 60480000000',
        'routeros_w60g_signal_ratio{interface="wlan60-1"} 0.8',
        'routeros_w60g_rssi_dbm{interface="wlan60-1"} -59',
        'routeros_w60g_transmit_mcs{interface="wlan60-1"} 8',
        'routeros_w60g_transmit_phy_rate_bytes_per_second{interface="wlan60-1"} 287500000',
        'routeros_w60g_distance_meters{interface="wlan60-1"} 187.46',
        'routeros_w60g_link_info{interface="wlan60-1",remote_address="04:D6:AA:60:10:01"} 1',
      ].sort(),
    );
    expect(run.commands).toBe(2);
    const error = await runner.run('ccr2004-v7', w60gCollector).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });
});
