import { describe, expect, it } from 'vitest';
import { POE_MONITOR_PROPLIST, POE_OUT_STATUSES, poeCollector } from '../../../../src/sources/routeros/collectors/poe.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, V6, V7 } from './helpers/fixture-api-families.js';
import { monitorCalls, monitorsFrom, monitorSetup } from './helpers/fixture-api-monitors.js';

function status(name: string, current: string): string[] {
  return POE_OUT_STATUSES.map((state) => `routeros_poe_out_status{interface="${name}",status="${state}"} ${state === current ? 1 : 0}`);
}

function settings(name: string, mode: string, priority: string): string {
  return `routeros_poe_out_info{interface="${name}",mode="${mode}",priority="${priority}"} 1`;
}

function power(name: string, volts: number, amperes: number, watts: number): string[] {
  return [
    `routeros_poe_out_voltage_volts{interface="${name}"} ${volts}`,
    `routeros_poe_out_current_amperes{interface="${name}"} ${amperes}`,
    `routeros_poe_out_power_watts{interface="${name}"} ${watts}`,
  ];
}

describe('poeCollector', () => {
  it('monitors every PoE port in ONE call and maps status, voltage, current (mA → A) and power (v7)', async () => {
    const { api, context } = monitorSetup(
      repliesFrom(V7, ['interface-ethernet-poe']),
      monitorsFrom(V7, ['interface-ethernet-poe-monitor']),
      '7.16 (stable)',
    );
    const output = await poeCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        settings('ether1', 'auto-on', '10'),
        ...status('ether1', 'powered-on'),
        ...power('ether1', 53.2, 0.098, 5.2),
        settings('ether2', 'auto-on', '10'),
        ...status('ether2', 'waiting-for-load'),
        settings('ether3', 'forced-on', '5'),
        ...status('ether3', 'short-circuit'),
        settings('cam-gate', 'off', '10'),
        ...status('cam-gate', 'disabled'),
      ].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /interface/ethernet/poe', 'execute /interface/ethernet/poe/monitor']);
    expect(monitorCalls(api)).toEqual(['/interface/ethernet/poe/monitor ether1,ether2,ether3,cam-gate']);
    expect(api.calls[1]?.options?.proplist).toEqual(POE_MONITOR_PROPLIST);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('parses v6 values with unit suffixes (24.1V, 190mA, 4.5W)', async () => {
    const { context } = monitorSetup(
      repliesFrom(V6, ['interface-ethernet-poe']),
      monitorsFrom(V6, ['interface-ethernet-poe-monitor']),
      '6.49.10 (long-term)',
    );
    const output = await poeCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        settings('ether2', 'auto-on', '10'),
        ...status('ether2', 'powered-on'),
        ...power('ether2', 24.1, 0.19, 4.5),
        settings('ether3', 'auto-on', '10'),
        ...status('ether3', 'waiting-for-load'),
        settings('ether4', 'auto-on', '10'),
        ...status('ether4', 'voltage-too-low'),
        settings('ether5', 'forced-on', '1'),
        ...status('ether5', 'overload'),
        ...power('ether5', 23.8, 1.05, 25),
      ].sort(),
    );
  });

  it('filters ports before the monitor and reports an unknown status as its own series', async () => {
    const { api, context } = monitorSetup(
      repliesFrom(V7, ['interface-ethernet-poe']),
      { '/interface/ethernet/poe/monitor': { ether1: { name: 'ether1', 'poe-out-status': 'controller-upgrade' } } },
      '7.16 (stable)',
      { options: { include: ['ether1'] } },
    );
    const output = await poeCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [settings('ether1', 'auto-on', '10'), ...status('ether1', 'controller-upgrade'), 'routeros_poe_out_status{interface="ether1",status="controller-upgrade"} 1'].sort(),
    );
    expect(monitorCalls(api)).toEqual(['/interface/ethernet/poe/monitor ether1']);
  });

  it('propagates a missing /interface/ethernet/poe (board without PoE-out) as a missing feature', async () => {
    const { context } = monitorSetup({}, {}, '7.16 (stable)');
    const error = await poeCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('follows the naming rule under routeros_poe_', () => {
    expect(namingProblems(poeCollector, ['routeros_poe_'])).toEqual([]);
    expect(poeCollector.defaultEnabled).toBe(true);
  });
});
