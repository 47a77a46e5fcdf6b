/**
 * Conformance with another client: every built-in profile is driven over a real socket with the exact
 * sentences akpw/mktxp 1.2.21 sends (its `mktxp/datasource/*.py`, through the RouterOS-api package, which
 * sends `get(k=v)` as `print ?k=v` and `call(cmd, {k: v})` as `cmd =k=v`), in mktxp's order: list a menu,
 * then monitor each running item by its POSITION in that list (`=numbers=0`).
 *
 * What a real router answers decides the expectation: a menu every RouterOS of that version and those
 * packages has must answer without a trap; a menu of a package the router lacks, or of hardware it does
 * not have, must answer the missing-feature trap (`no such command prefix`), as RouterOS does; and an item
 * a router lists must never be refused by its monitor.
 */
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../../src/sources/routeros/simulator/profiles.js';
import { parseRosVersion, atLeast, featuresOf } from '../../../../src/sources/routeros/simulator/version.js';
import type { RouterProfile } from '../../../../src/sources/routeros/simulator/profile.js';
import { attributesOf, md5Response, rowsOf, type RawClient, type Sentence } from './helpers/raw-client.js';
import { connect, startRouter } from './helpers/routers.js';

/** One command as mktxp sends it: path, then `=attribute=` and `?query` words. */
type Words = readonly string[];

/** Where in mktxp the command comes from (akpw/mktxp, `mktxp/datasource/`). */
interface MktxpCommand {
  readonly source: string;
  readonly words: Words;
}

const FIREWALL_PROPLIST = '=.proplist=.id,chain,action,comment,bytes,packets,disabled,dynamic';

/** Commands of menus every RouterOS has (v6 menus of the ipv6/routing packages are listed apart). */
const EVERY_ROUTER: readonly MktxpCommand[] = [
  { source: 'identity_ds.py', words: ['/system/identity/print'] },
  { source: 'system_resource_ds.py', words: ['/system/resource/print'] },
  { source: 'system_resource_ds.py', words: ['/system/resource/print', '=.proplist=version'] },
  { source: 'routerboard_ds.py', words: ['/system/routerboard/print'] },
  { source: 'routerboard_ds.py', words: ['/system/routerboard/print', '=.proplist=current-firmware'] },
  { source: 'package_ds.py', words: ['/system/package/print'] },
  { source: 'package_ds.py', words: ['/system/package/print', '?disabled=false'] },
  { source: 'interface_ds.py', words: ['/interface/print', '=stats=detail'] },
  { source: 'interface_ds.py (vlan)', words: ['/interface/vlan/print', '=.proplist=name,running,disabled,vlan-id,interface'] },
  { source: 'interface_ds.py (eoip)', words: ['/interface/eoip/print', '=.proplist=name,running,disabled,actual-mtu,l2mtu,local-address,mtu,remote-address,tunnel-id'] },
  { source: 'interface_ds.py (gre)', words: ['/interface/gre/print', '=.proplist=name,running,disabled,mtu,actual-mtu,local-address,remote-address'] },
  { source: 'interface_ds.py (ipip)', words: ['/interface/ipip/print', '=.proplist=name,running,disabled,mtu,actual-mtu,local-address,remote-address'] },
  { source: 'interface_ds.py (bridge vlan)', words: ['/interface/bridge/vlan/print', '=.proplist=bridge,vlan-ids,current-tagged,current-untagged'] },
  { source: 'dhcp_ds.py', words: ['/ip/dhcp-server/lease/print', '?status=bound'] },
  { source: 'dhcp_ds.py', words: ['/ip/dhcp-server/lease/print', '=active='] },
  { source: 'pool_ds.py', words: ['/ip/pool/print'] },
  { source: 'pool_ds.py', words: ['/ip/pool/used/print'] },
  ...['filter', 'raw', 'nat', 'mangle'].map((table) => ({ source: 'firewall_ds.py', words: [`/ip/firewall/${table}/print`, '=stats=', FIREWALL_PROPLIST] })),
  { source: 'connection_ds.py', words: ['/ip/firewall/connection/print', '=count-only='] },
  { source: 'address_list_ds.py', words: ['/ip/firewall/address-list/print', '=count-only='] },
  { source: 'address_list_ds.py', words: ['/ip/firewall/address-list/print', '=count-only=', '?dynamic=yes'] },
  { source: 'address_list_ds.py', words: ['/ip/firewall/address-list/print', '?list=blocklist'] },
  { source: 'route_ds.py', words: ['/ip/route/print', '=count-only='] },
  { source: 'route_ds.py', words: ['/ip/route/print', '=count-only=', '?static=yes'] },
  { source: 'neighbor_ds.py', words: ['/ip/neighbor/print'] },
  { source: 'dns_ds.py', words: ['/ip/dns/print'] },
  { source: 'public_ip_ds.py', words: ['/ip/cloud/print'] },
  { source: 'ipsec_ds.py', words: ['/ip/ipsec/active-peers/print', '=stats='] },
  { source: 'netwatch_ds.py', words: ['/tool/netwatch/print'] },
  { source: 'user_ds.py', words: ['/user/active/print'] },
  { source: 'queue_ds.py', words: ['/queue/tree/print'] },
  { source: 'queue_ds.py', words: ['/queue/simple/print'] },
  { source: 'certificate_ds.py', words: ['/certificate/print', '=detail='] },
];

/** IPv6 (built into v7; the `ipv6` package on v6). */
const IPV6: readonly MktxpCommand[] = [
  { source: 'pool_ds.py', words: ['/ipv6/pool/print'] },
  { source: 'pool_ds.py', words: ['/ipv6/pool/used/print'] },
  { source: 'neighbor_ds.py', words: ['/ipv6/neighbor/print', '?status=reachable'] },
  { source: 'connection_ds.py', words: ['/ipv6/firewall/connection/print', '=count-only='] },
  { source: 'route_ds.py', words: ['/ipv6/route/print', '=count-only='] },
  { source: 'address_list_ds.py', words: ['/ipv6/firewall/address-list/print', '=count-only='] },
  ...['filter', 'raw', 'mangle'].map((table) => ({ source: 'firewall_ds.py', words: [`/ipv6/firewall/${table}/print`, '=stats=', FIREWALL_PROPLIST] })),
];

/** Routing: v7 menus, or the v6 `routing` package's. */
const ROUTING_V7: readonly MktxpCommand[] = [
  { source: 'bgp_ds.py', words: ['/routing/bgp/session/print'] },
  { source: 'bfd_ds.py', words: ['/routing/bfd/session/print'] },
  { source: 'routing_stats_ds.py', words: ['/routing/stats/process/print'] },
  { source: 'wireguard_ds.py', words: ['/interface/wireguard/peers/print'] },
  { source: 'kid_control_device_ds.py', words: ['/ip/kid-control/device/print'] },
];
const ROUTING_V6: readonly MktxpCommand[] = [
  { source: 'bgp_ds.py', words: ['/routing/bgp/peer/print'] },
  { source: 'bfd_ds.py', words: ['/routing/bfd/neighbor/print'] },
];

/** mktxp's wireless stack choice (`router_entry.py` wireless_type): the menu of `/interface/<stack>`. */
function wirelessStacks(profile: RouterProfile): string[] {
  const version = parseRosVersion(profile.version);
  const stacks: string[] = [];
  if (profile.packages.includes('wireless')) stacks.push('wireless');
  if (profile.packages.includes('wifiwave2')) stacks.push('wifiwave2');
  // `wifi` is in the base package from 7.13 (RouterOS changelog 7.13: "wifi: CAPsMAN in the base package").
  if (version.major >= 7 && atLeast(version, 7, 13)) stacks.push('wifi');
  return stacks;
}

/** The stacks whose package the router lacks: mktxp on a router without them must get the missing-feature trap. */
function absentStacks(profile: RouterProfile): string[] {
  return ['wireless', 'wifiwave2', 'wifi'].filter((stack) => !wirelessStacks(profile).includes(stack));
}

async function login(client: RawClient, profile: RouterProfile): Promise<void> {
  const features = featuresOf(parseRosVersion(profile.version));
  if (features.plaintextLogin && !features.challengeLogin) {
    expect((await client.login())[0]?.[0]).toBe('!done');
    return;
  }
  // mktxp with plaintext_login off: the pre-6.43 challenge.
  const challenge = attributesOf((await client.command('/login'))[0]!)['ret']!;
  const reply = await client.command('/login', '=name=admin', `=response=${md5Response('admin', challenge)}`);
  expect(reply[0]?.[0]).toBe('!done');
}

/** The trap message of a reply, or undefined when it has none. */
function trapOf(reply: readonly Sentence[]): string | undefined {
  const trap = reply.find((sentence) => sentence[0] === '!trap');
  return trap === undefined ? undefined : (attributesOf(trap)['message'] ?? '');
}

const MISSING = /^no such command (prefix|or directory)/;

/**
 * mktxp's list-then-monitor (`InterfaceMonitorMetricsDataSource`, `poe_ds.py`): print the menu, then
 * monitor every listed item (running ones only where mktxp checks `running`) by its position. Returns
 * each failed monitor as `<command> <numbers>: <trap>`, and how many monitors were sent.
 */
async function listThenMonitor(
  client: RawClient,
  menu: string,
  command: string,
  numbersKey: 'numbers' | 'number',
  runningOnly: boolean,
): Promise<{ failures: string[]; monitored: number }> {
  const listed = rowsOf(await client.command(`${menu}/print`, runningOnly ? '=.proplist=name,comment,running' : '=.proplist=name,comment'));
  const failures: string[] = [];
  let monitored = 0;
  for (const [index, row] of listed.entries()) {
    if (runningOnly && row['running'] !== 'true') continue;
    const reply = await client.command(`${menu}/${command}`, '=once=', `=${numbersKey}=${index}`);
    monitored += 1;
    const trap = trapOf(reply);
    if (trap !== undefined) failures.push(`${menu}/${command} ${numbersKey}=${index}: ${trap}`);
    else if (rowsOf(reply)[0]?.['name'] !== row['name']) failures.push(`${menu}/${command} ${numbersKey}=${index}: answered for ${rowsOf(reply)[0]?.['name']}, not ${row['name']}`);
  }
  return { failures, monitored };
}

describe.each(Object.keys(PROFILES))('profile %s answers mktxp 1.2.21 as RouterOS does', (id) => {
  const profile = PROFILES[id]!;
  const version = parseRosVersion(profile.version);
  const v7 = version.major >= 7;

  async function session(): Promise<RawClient> {
    const client = await connect(await startRouter(id));
    await login(client, profile);
    return client;
  }

  it('answers every menu this version and these packages have, without a trap', async () => {
    const client = await session();
    const commands = [
      ...EVERY_ROUTER,
      ...(v7 || profile.packages.includes('ipv6') ? IPV6 : []),
      ...(v7 ? ROUTING_V7 : profile.packages.includes('routing') ? ROUTING_V6 : []),
      ...(!v7 && atLeast(version, 6, 45) ? [{ source: 'kid_control_device_ds.py', words: ['/ip/kid-control/device/print'] }] : []),
      ...(profile.packages.includes('container') ? [{ source: 'container_ds.py', words: ['/container/print'] }] : []),
      ...wirelessStacks(profile).flatMap((stack) => [
        { source: 'wireless_ds.py', words: [`/interface/${stack}/registration-table/print`] },
        // CAPsMAN: legacy `/caps-man` with the wireless package, `/interface/<stack>/capsman` otherwise.
        { source: 'capsman_ds.py', words: [stack === 'wireless' ? '/caps-man/remote-cap/print' : `/interface/${stack}/capsman/remote-cap/print`] },
      ]),
      ...(profile.packages.includes('wireless') ? [{ source: 'capsman_ds.py', words: ['/caps-man/registration-table/print'] }, { source: 'capsman_ds.py', words: ['/caps-man/interface/print'] }] : []),
    ];
    const failures: string[] = [];
    for (const command of commands) {
      const trap = trapOf(await client.command(...command.words));
      if (trap !== undefined) failures.push(`${command.words.join(' ')} (${command.source}): ${trap}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers count-only with a number, also under a query', async () => {
    const client = await session();
    for (const words of [['/ip/firewall/address-list/print', '=count-only='], ['/ip/route/print', '=count-only=', '?dynamic=yes']]) {
      const reply = await client.command(...words);
      expect(reply).toHaveLength(1);
      expect(attributesOf(reply[0]!)['ret']).toMatch(/^\d+$/);
    }
  });

  it('monitors every listed ethernet port and radio by its position, and every PoE port and LTE modem it has', async () => {
    const client = await session();
    const failures: string[] = [];
    const ethernet = await listThenMonitor(client, '/interface/ethernet', 'monitor', 'numbers', true);
    failures.push(...ethernet.failures);
    expect(ethernet.monitored).toBeGreaterThan(0);
    for (const stack of wirelessStacks(profile)) {
      failures.push(...(await listThenMonitor(client, `/interface/${stack}`, 'monitor', 'numbers', true)).failures);
    }
    // PoE-out and LTE are hardware: without it the menu is missing (checked below), with it every item monitors.
    if (trapOf(await client.command('/interface/ethernet/poe/print')) === undefined) {
      failures.push(...(await listThenMonitor(client, '/interface/ethernet/poe', 'monitor', 'numbers', false)).failures);
    }
    if (trapOf(await client.command('/interface/lte/print')) === undefined) {
      // v6 has `info =number=` (mktxp interface_ds.py: "On RouterOS 7, the 'monitor' action was replaced").
      failures.push(...(await listThenMonitor(client, '/interface/lte', v7 ? 'monitor' : 'info', v7 ? 'numbers' : 'number', true)).failures);
    }
    if (trapOf(await client.command('/interface/w60g/print')) === undefined) {
      failures.push(...(await listThenMonitor(client, '/interface/w60g', 'monitor', 'numbers', true)).failures);
    }
    expect(failures).toEqual([]);
  });

  it('answers the missing-feature trap for packages and hardware it does not have', async () => {
    const client = await session();
    const absent = [
      ...absentStacks(profile).map((stack) => `/interface/${stack}/registration-table/print`),
      ...(profile.packages.includes('container') ? [] : ['/container/print']),
      ...(v7 ? ['/routing/bgp/peer/print'] : ['/routing/bgp/session/print', '/routing/stats/process/print']),
      // 60 GHz radios come with the wireless package only.
      ...(profile.packages.includes('wireless') ? [] : ['/interface/w60g/print']),
    ];
    for (const path of absent) expect(trapOf(await client.command(path)), path).toMatch(MISSING);
    for (const path of ['/interface/ethernet/poe/print', '/interface/lte/print', '/interface/ethernet/switch/port/print', '/interface/w60g/print']) {
      const trap = trapOf(await client.command(path));
      if (trap !== undefined) expect(trap, path).toMatch(MISSING);
    }
  });
});
