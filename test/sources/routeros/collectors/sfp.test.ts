import { describe, expect, it } from 'vitest';
import { SFP_MONITOR_PROPLIST, sfpCollector, sfpPorts, sfpSettings } from '../../../../src/sources/routeros/collectors/sfp.js';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, V6, V7 } from './helpers/fixture-api-families.js';
import { monitorCalls, monitorsFrom, monitorSetup } from './helpers/fixture-api-monitors.js';

interface Module {
  readonly type: string;
  readonly vendor: string;
  readonly part: string;
  readonly serial: string;
  readonly rx: number;
  readonly tx: number;
  readonly celsius: number;
  readonly volts: number;
  readonly amperes: number;
  readonly rxLoss: 0 | 1;
}

function module(name: string, m: Module): string[] {
  const labels = `{interface="${name}"}`;
  return [
    `routeros_sfp_module_present${labels} 1`,
    `routeros_sfp_module_info{interface="${name}",type="${m.type}",vendor_name="${m.vendor}",vendor_part_number="${m.part}",vendor_serial="${m.serial}",wavelength="850nm"} 1`,
    `routeros_sfp_rx_power_dbm${labels} ${m.rx}`,
    `routeros_sfp_tx_power_dbm${labels} ${m.tx}`,
    `routeros_sfp_temperature_celsius${labels} ${m.celsius}`,
    `routeros_sfp_supply_voltage_volts${labels} ${m.volts}`,
    `routeros_sfp_tx_bias_current_amperes${labels} ${m.amperes}`,
    `routeros_sfp_rx_loss${labels} ${m.rxLoss}`,
    `routeros_sfp_tx_fault${labels} 0`,
  ];
}

const SFP28 = 'SFP/SFP+/SFP28/SFP56';

describe('sfpCollector', () => {
  it('monitors only the SFP cages (by default-name), running or not, in ONE call (v7)', async () => {
    const { api, context } = monitorSetup(repliesFrom(V7, ['interface-ethernet']), monitorsFrom(V7, ['interface-ethernet-monitor']), '7.16 (stable)');
    const output = await sfpCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...module('uplink-isp', { type: SFP28, vendor: 'MikroTik', part: 'S+85DLC03D', serial: 'SA22B00123', rx: -2.915, tx: -2.336, celsius: 41, volts: 3.287, amperes: 0.007, rxLoss: 0 }),
        ...module('sfp-sfpplus2', { type: SFP28, vendor: 'FS', part: 'SFP-10GSR-85', serial: 'F2030512345', rx: -40, tx: -2.101, celsius: 38, volts: 3.301, amperes: 0.006, rxLoss: 1 }),
        'routeros_sfp_module_present{interface="sfp28-1"} 0',
      ].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /interface/ethernet', 'execute /interface/ethernet/monitor']);
    expect(monitorCalls(api)).toEqual(['/interface/ethernet/monitor uplink-isp,sfp-sfpplus2,sfp28-1']);
    expect(api.calls[1]?.options?.proplist).toEqual(SFP_MONITOR_PROPLIST);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('parses v6 values with unit suffixes and yes/no flags; copper ports are never monitored', async () => {
    const { api, context } = monitorSetup(repliesFrom(V6, ['interface-ethernet']), monitorsFrom(V6, ['interface-ethernet-monitor']), '6.49.10 (long-term)');
    const output = await sfpCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...module('sfp1', { type: 'SFP-or-SFP+', vendor: 'MikroTik', part: 'S-85DLC05D', serial: '', rx: -6.12, tx: -5.86, celsius: 36, volts: 3.312, amperes: 0.005, rxLoss: 0 }),
        'routeros_sfp_module_present{interface="sfp2"} 0',
        ...module('sfp-sfpplus1', { type: 'SFP-or-SFP+', vendor: 'MikroTik', part: 'S+85DLC03D', serial: 'SA19A00777', rx: -2.915, tx: -2.336, celsius: 41, volts: 3.287, amperes: 0.007, rxLoss: 0 }),
      ].sort(),
    );
    expect(monitorCalls(api)).toEqual(['/interface/ethernet/monitor sfp1,sfp2,sfp-sfpplus1']);
  });

  it('tells cages by default-name (qsfp, combo, sfp28) and applies include/exclude on the name', () => {
    const rows: Row[] = [
      { name: 'ether1', 'default-name': 'ether1' },
      { name: 'core', 'default-name': 'qsfp28-1-1' },
      { name: 'combo1', 'default-name': 'combo1' },
      { name: 'sfp-renamed-copper', 'default-name': 'ether5' },
      { name: 'sfp-sfpplus9' },
    ];
    expect(sfpPorts(rows, sfpSettings({}))).toEqual(['core', 'combo1', 'sfp-sfpplus9']);
    expect(sfpPorts(rows, sfpSettings({ exclude: ['combo.*'] }))).toEqual(['core', 'sfp-sfpplus9']);
  });

  it('sends no monitor on a board without SFP cages', async () => {
    const { api, context } = monitorSetup({ '/interface/ethernet': [{ name: 'ether1', 'default-name': 'ether1' }] }, {}, '7.16 (stable)');
    expect((await sfpCollector.collect(context)).samples).toEqual([]);
    expect(api.calls).toHaveLength(1);
  });

  it('treats DDM values without the present flag as a module', async () => {
    const { context } = monitorSetup(
      { '/interface/ethernet': [{ name: 'sfp1', 'default-name': 'sfp1' }] },
      { '/interface/ethernet/monitor': { sfp1: { name: 'sfp1', 'sfp-temperature': '30', 'sfp-tx-bias-current': '0.004A' } } },
      '7.16 (stable)',
    );
    expect(render((await sfpCollector.collect(context)).samples)).toEqual([
      'routeros_sfp_module_info{interface="sfp1",type="",vendor_name="",vendor_part_number="",vendor_serial="",wavelength=""} 1',
      'routeros_sfp_module_present{interface="sfp1"} 1',
      'routeros_sfp_temperature_celsius{interface="sfp1"} 30',
      'routeros_sfp_tx_bias_current_amperes{interface="sfp1"} 0.004',
    ]);
  });

  it('propagates a missing /interface/ethernet as a missing feature', async () => {
    const { context } = monitorSetup({}, {}, '7.16 (stable)');
    const error = await sfpCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('follows the naming rule under routeros_sfp_', () => {
    expect(namingProblems(sfpCollector, ['routeros_sfp_'])).toEqual([]);
    expect(sfpCollector.defaultEnabled).toBe(true);
  });
});
