import { afterAll, describe, expect, it } from 'vitest';
import { interfaceDetailsCollector, mapInterfaceDetails } from '../../../../src/sources/routeros/collectors/interface-details.js';
import { PROFILES } from '../../../../src/sources/routeros/simulator/profiles.js';
import { commands, namingProblems, render, setup } from './helpers/fixture-api-families.js';
import { simulatorRunner } from './helpers/simulator-run.js';

describe('interfaceDetailsCollector', () => {
  it('maps VLAN ids and parents and tunnel endpoints as info series', () => {
    const output = mapInterfaceDetails([{ name: 'vlan10', 'vlan-id': '10', interface: 'bridge' }, { 'vlan-id': '11' }], {
      eoip: [{ name: 'eoip1', 'local-address': '192.0.2.1', 'remote-address': '192.0.2.2', 'tunnel-id': '7' }],
      gre: [{ name: 'gre1', 'remote-address': '198.51.100.1' }],
      ipip: [],
    });
    expect(render(output.samples)).toEqual(
      [
        'routeros_interface_vlan_info{interface="vlan10",vlan_id="10",parent="bridge"} 1',
        'routeros_interface_tunnel_info{interface="eoip1",type="eoip",local_address="192.0.2.1",remote_address="192.0.2.2",tunnel_id="7"} 1',
        'routeros_interface_tunnel_info{interface="gre1",type="gre",local_address="",remote_address="198.51.100.1",tunnel_id=""} 1',
      ].sort(),
    );
  });

  it('sends four prints, is off by default and follows the naming rule', async () => {
    const { api, context } = setup({ '/interface/vlan': [], '/interface/eoip': [], '/interface/gre': [], '/interface/ipip': [] }, '7.16 (stable)');
    expect(await interfaceDetailsCollector.collect(context)).toEqual({ samples: [] });
    expect(commands(api.calls)).toEqual(['print /interface/vlan', 'print /interface/eoip', 'print /interface/gre', 'print /interface/ipip']);
    expect(interfaceDetailsCollector.defaultEnabled).toBe(false);
    expect(namingProblems(interfaceDetailsCollector, ['routeros_interface_'])).toEqual([]);
  });
});

describe('interface details against the simulator', () => {
  const runner = simulatorRunner();
  afterAll(() => runner.stop());

  it('reads the VLANs the profile has in /interface, and the tunnels of the IPsec site', async () => {
    const { lines } = await runner.run('rb4011-v7-9', interfaceDetailsCollector);
    const vlanNames = PROFILES['rb4011-v7-9']!.menus['/interface']!.rows.filter((row) => row['type'] === 'vlan').map((row) => row['name']);
    expect(vlanNames).toHaveLength(4);
    expect(lines).toContain('routeros_interface_vlan_info{interface="vlan100",vlan_id="100",parent="sfp-sfpplus1"} 1');
    expect(lines.filter((line) => line.startsWith('routeros_interface_vlan_info')).map((line) => /interface="([^"]+)"/.exec(line)?.[1]).sort()).toEqual(vlanNames.sort());
    expect(lines).toContain('routeros_interface_tunnel_info{interface="eoip-site-b",type="eoip",local_address="203.0.113.1",remote_address="198.51.100.20",tunnel_id="7"} 1');
  });
});
