import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { SWITCH_PORT_PROPLIST, SWITCH_PORTS_DEFAULT_MAX, switchPortSettings, switchPortsCollector } from '../../../../src/sources/routeros/collectors/switch-ports.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { commands, duplicateSeries, namingProblems, render, setup } from './helpers/fixture-api-families.js';

/** Shaped like `/interface/ethernet/switch/port print stats` (help.mikrotik.com Switch Chip Features, Statistics). */
const PORTS: Row[] = [
  {
    name: 'ether1', switch: 'switch1', 'rx-bytes': '1000', 'tx-bytes': '2000', 'rx-broadcast': '3', 'tx-broadcast': '4', 'rx-multicast': '5', 'tx-multicast': '6',
    'rx-pause': '0', 'tx-pause': '0', 'rx-fcs-error': '1873', 'rx-align-error': '412', 'rx-fragment': '96', 'rx-overflow': '0', 'rx-drop': '7', 'tx-drop': '8',
    'tx-underrun': '0', 'tx-collision': '2', 'tx-deferred': '1',
  },
  // A chip that reports per CPU lane: the lanes are summed.
  { name: 'ether2', switch: 'switch1', 'rx-bytes': '100,200', 'rx-fcs-error': '0' },
  // The CPU port carries only driver counters: no series.
  { name: 'switch1-cpu', switch: 'switch1', 'driver-rx-byte': '1,2' },
];

describe('switchPortsCollector', () => {
  it('maps every counter of each port from one print stats, summing per-lane values', async () => {
    const { api, context } = setup({ '/interface/ethernet/switch/port': PORTS }, '7.16 (stable)');
    const output = await switchPortsCollector.collect(context);
    const lines = render(output.samples);
    const ether1 = lines.filter((line) => line.includes('interface="ether1"'));
    expect(ether1).toHaveLength(17);
    expect(ether1).toEqual(
      expect.arrayContaining([
        'routeros_switch_port_receive_fcs_errors_total{interface="ether1",switch="switch1"} 1873',
        'routeros_switch_port_receive_align_errors_total{interface="ether1",switch="switch1"} 412',
        'routeros_switch_port_receive_fragment_frames_total{interface="ether1",switch="switch1"} 96',
        'routeros_switch_port_transmit_collision_frames_total{interface="ether1",switch="switch1"} 2',
        'routeros_switch_port_transmit_deferred_frames_total{interface="ether1",switch="switch1"} 1',
        'routeros_switch_port_receive_pause_frames_total{interface="ether1",switch="switch1"} 0',
      ]),
    );
    expect(lines.filter((line) => line.includes('interface="ether2"'))).toEqual([
      'routeros_switch_port_receive_bytes_total{interface="ether2",switch="switch1"} 300',
      'routeros_switch_port_receive_fcs_errors_total{interface="ether2",switch="switch1"} 0',
    ]);
    expect(lines.some((line) => line.includes('switch1-cpu'))).toBe(false);
    expect(duplicateSeries(output.samples)).toEqual([]);
    expect(commands(api.calls)).toEqual(['print /interface/ethernet/switch/port']);
    expect(api.calls[0]?.options?.proplist).toEqual(SWITCH_PORT_PROPLIST);
    expect(api.calls[0]?.options?.attributes).toEqual({ stats: '' });
  });

  it('filters ports by name and caps them', async () => {
    const { context } = setup({ '/interface/ethernet/switch/port': PORTS }, '7.16 (stable)', { options: { exclude: ['ether2'], max_series: 0 } });
    expect(await switchPortsCollector.collect(context)).toEqual({ samples: [], dropped: 17 });
    expect(switchPortSettings({}).maxPorts).toBe(SWITCH_PORTS_DEFAULT_MAX);
  });

  it('propagates a missing switch chip and follows the naming rule', async () => {
    const { context } = setup({}, '7.16 (stable)');
    const error = await switchPortsCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
    expect(namingProblems(switchPortsCollector, ['routeros_switch_port_'])).toEqual([]);
  });
});
