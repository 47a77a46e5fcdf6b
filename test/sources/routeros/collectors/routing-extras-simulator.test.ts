/**
 * The BFD, routing-process, address-list, IPsec phase-2 and switch-port families over a real connection to the simulator's
 * built-in profiles: the menus and argument forms they use, and the profiles' data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { addressListsCollector } from '../../../../src/sources/routeros/collectors/address-lists.js';
import { bfdCollector } from '../../../../src/sources/routeros/collectors/bfd.js';
import { ipsecPoliciesCollector } from '../../../../src/sources/routeros/collectors/ipsec-policies.js';
import { routingStatsCollector } from '../../../../src/sources/routeros/collectors/routing-stats.js';
import { switchPortsCollector } from '../../../../src/sources/routeros/collectors/switch-ports.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { simulatorRunner } from './helpers/simulator-run.js';

const runner = simulatorRunner();
const run = runner.run;

afterAll(() => runner.stop());

describe('routing extras against the simulator', () => {
  it('reads BFD sessions on v7 and v6 neighbors in one command each', async () => {
    const v7 = await run('ccr2004-v7', bfdCollector);
    expect(v7.commands).toBe(1);
    expect(v7.lines).toContain('routeros_bfd_session_up{id="*1"} 1');
    expect(v7.lines).toContain('routeros_bfd_session_state{id="*2",state="down"} 1');
    const v6 = await run('rb750-v6-legacy', bfdCollector);
    expect(v6.lines).toContain('routeros_bfd_session_info{id="*1",local_address="",remote_address="198.51.100.1",interface="ether1"} 1');
  });

  it('reads the routing processes of every v7 router, and finds no menu on v6', async () => {
    const busy = await run('ccr2004-v7', routingStatsCollector);
    const tasks = busy.lines.filter((line) => line.startsWith('routeros_routing_process_info')).map((line) => /tasks="([^"]+)"/.exec(line)?.[1]);
    expect(new Set(tasks)).toEqual(new Set(['main', 'fib', 'bgp', 'ospf']));
    expect(busy.commands).toBe(1);
    const quiet = await run('hex-v7', routingStatsCollector);
    expect(quiet.lines.filter((line) => line.startsWith('routeros_routing_process_info'))).toHaveLength(2);
    const error = await run('hap-ac2-v6', routingStatsCollector).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('counts address lists with count-only queries, v4 and v6, one command per list and family', async () => {
    const border = await run('ccr2004-v7', addressListsCollector, { lists: ['blocklist', 'allowed'] });
    expect(border.lines).toEqual(
      [
        'routeros_firewall_address_lists_entries{family="ipv4"} 604',
        'routeros_firewall_address_list_entries{family="ipv4",list="blocklist"} 600',
        'routeros_firewall_address_list_entries{family="ipv4",list="allowed"} 4',
        'routeros_firewall_address_lists_entries{family="ipv6"} 42',
        'routeros_firewall_address_list_entries{family="ipv6",list="blocklist"} 40',
        'routeros_firewall_address_list_entries{family="ipv6",list="allowed"} 2',
      ].sort(),
    );
    expect(border.commands).toBe(6);
    const home = await run('hap-ac2-v6', addressListsCollector, { lists: ['blocklist'] });
    expect(home.lines).toContain('routeros_firewall_address_list_entries{family="ipv4",list="blocklist"} 25');
    // hap-ac2-v6 has the ipv6 package: its empty IPv6 lists count 0.
    expect(home.lines).toContain('routeros_firewall_address_lists_entries{family="ipv6"} 0');
  });

  it('reads IPsec phase 2 in two commands: the tunnel whose phase 1 expired has no SA', async () => {
    const tunnels = await run('rb4011-v7-9', ipsecPoliciesCollector);
    expect(tunnels.commands).toBe(2);
    expect(tunnels.lines).toEqual(
      expect.arrayContaining([
        'routeros_ipsec_active_policies 2',
        'routeros_ipsec_invalid_policies 1',
        'routeros_ipsec_installed_sas{peer="198.51.100.20"} 4',
        'routeros_ipsec_installed_sas{peer="192.0.2.200"} 0',
        'routeros_ipsec_policy_phase2_state{id="*3",state="no-phase2"} 1',
      ]),
    );
    // Every router has the default template, which is no policy of its own.
    const idle = await run('hex-v7', ipsecPoliciesCollector);
    expect(idle.lines).toEqual(['routeros_ipsec_active_policies 0', 'routeros_ipsec_invalid_policies 0']);
  });

  it('reads the switch chip of the boards that have one, in one command; the bad cable shows as FCS errors', async () => {
    const hex = await run('hex-v7', switchPortsCollector);
    expect(hex.commands).toBe(1);
    expect(new Set(hex.lines.map((line) => /interface="([^"]+)"/.exec(line)?.[1]))).toEqual(new Set(['ether1', 'ether2', 'ether3', 'ether4', 'ether5']));
    expect(hex.lines).toContain('routeros_switch_port_receive_fcs_errors_total{interface="ether4",switch="switch1"} 1873');
    expect(hex.lines).toContain('routeros_switch_port_receive_fcs_errors_total{interface="ether1",switch="switch1"} 0');
    const chr = await run('chr-v7-18', switchPortsCollector).catch((reason: unknown) => reason);
    expect((chr as TrapError).isMissingFeature).toBe(true);
  });
});
