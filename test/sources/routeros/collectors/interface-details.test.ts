import { afterAll, describe, expect, it } from 'vitest';
import { interfaceDetailsCollector, mapInterfaceDetails } from '../../../../src/sources/routeros/collectors/interface-details.js';
import { detectFacts } from '../../../../src/engine/facts.js';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import { PROFILES } from '../../../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../../../src/sources/routeros/simulator/router.js';
import { commands, namingProblems, render, setup } from './helpers/fixture-api-families.js';

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
  const started: { router: SimulatedRouter; client: RouterOsClient }[] = [];
  afterAll(async () => {
    await Promise.all(started.map(({ client }) => client.close()));
    await Promise.all(started.map(({ router }) => router.stop()));
  });

  it('reads the VLANs the profile has in /interface, and the tunnels of the IPsec site', async () => {
    const router = new SimulatedRouter({ profile: PROFILES['rb4011-v7-9']!, name: 'details', password: 'pass' });
    const { port } = await router.start();
    const client = await RouterOsClient.connect({ host: '127.0.0.1', port, username: 'admin', password: 'pass' });
    started.push({ router, client });
    const signal = new AbortController().signal;
    const facts = await detectFacts(client, signal);
    const lines = render((await interfaceDetailsCollector.collect({ api: client, router: facts, options: {}, signal, nowMillis: Date.now() })).samples);
    const vlanNames = (await client.print('/interface', { proplist: ['name'], query: ['type=vlan'] })).map((row) => row['name']);
    expect(vlanNames).toHaveLength(4);
    expect(lines).toContain('routeros_interface_vlan_info{interface="vlan100",vlan_id="100",parent="sfp-sfpplus1"} 1');
    expect(lines.filter((line) => line.startsWith('routeros_interface_vlan_info')).map((line) => /interface="([^"]+)"/.exec(line)?.[1]).sort()).toEqual(vlanNames.sort());
    expect(lines).toContain('routeros_interface_tunnel_info{interface="eoip-site-b",type="eoip",local_address="203.0.113.1",remote_address="198.51.100.20",tunnel_id="7"} 1');
  });
});
