/**
 * The twelve routing/service families against the built-in simulator over a real API connection on
 * loopback: the datasets in src/sources/routeros/simulator/datasets satisfy the collectors, and the wire features
 * the collectors rely on (`=count-only=`, query stacks with `#!`, `=stats=`, dotted keys, missing
 * menus as traps) behave end to end on v6 and v7 profiles.
 */
import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector, CollectContext, CollectOutput } from '../../../../src/sources/routeros/collectors/collector.js';
import { bgpCollector } from '../../../../src/sources/routeros/collectors/bgp.js';
import { conntrackCollector } from '../../../../src/sources/routeros/collectors/conntrack.js';
import { conntrackSourcesCollector } from '../../../../src/sources/routeros/collectors/conntrack-sources.js';
import { dhcpCollector } from '../../../../src/sources/routeros/collectors/dhcp.js';
import { dhcpLeasesCollector } from '../../../../src/sources/routeros/collectors/dhcp-leases.js';
import { dnsCollector } from '../../../../src/sources/routeros/collectors/dns.js';
import { firewallCollector } from '../../../../src/sources/routeros/collectors/firewall.js';
import { ipsecCollector } from '../../../../src/sources/routeros/collectors/ipsec.js';
import { ospfCollector } from '../../../../src/sources/routeros/collectors/ospf.js';
import { pppCollector } from '../../../../src/sources/routeros/collectors/ppp.js';
import { queueCollector } from '../../../../src/sources/routeros/collectors/queue.js';
import { routesCollector } from '../../../../src/sources/routeros/collectors/routes.js';
import { wireguardCollector } from '../../../../src/sources/routeros/collectors/wireguard.js';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { BGP_V6, BGP_V7 } from '../../../../src/sources/routeros/simulator/datasets/bgp.js';
import { CONNTRACK_V6, CONNTRACK_V7 } from '../../../../src/sources/routeros/simulator/datasets/conntrack.js';
import { combineDatasets, type DatasetPart } from '../../../../src/sources/routeros/simulator/datasets/dataset.js';
import { DHCP_V6, DHCP_V7 } from '../../../../src/sources/routeros/simulator/datasets/dhcp.js';
import { FIREWALL_V6, FIREWALL_V7 } from '../../../../src/sources/routeros/simulator/datasets/firewall.js';
import { IPSEC_V6, IPSEC_V7 } from '../../../../src/sources/routeros/simulator/datasets/ipsec.js';
import { OSPF_V6, OSPF_V7 } from '../../../../src/sources/routeros/simulator/datasets/ospf.js';
import { PPP_CONCENTRATOR_V7, PPP_V6 } from '../../../../src/sources/routeros/simulator/datasets/ppp.js';
import { queueDataset, QUEUE_V6 } from '../../../../src/sources/routeros/simulator/datasets/queue.js';
import { ROUTES_V6, ROUTES_V7 } from '../../../../src/sources/routeros/simulator/datasets/routes.js';
import { WIREGUARD_V7 } from '../../../../src/sources/routeros/simulator/datasets/wireguard.js';
import type { RouterProfile } from '../../../../src/sources/routeros/simulator/profile.js';
import { PROFILES as BUILT_IN } from '../../../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../../../src/sources/routeros/simulator/router.js';
import { duplicateSeries, render } from './helpers/fixture-api-families.js';

const FAMILIES: readonly Collector[] = [
  firewallCollector,
  conntrackCollector,
  conntrackSourcesCollector,
  dhcpCollector,
  dhcpLeasesCollector,
  wireguardCollector,
  routesCollector,
  bgpCollector,
  ospfCollector,
  pppCollector,
  ipsecCollector,
  queueCollector,
];

function profile(id: string, version: string, packages: string[], parts: readonly DatasetPart[]): RouterProfile {
  return { id, version, identity: id, packages, ...combineDatasets(...parts) };
}

const V7_PROFILE = profile('families-v7', '7.16.1 (stable)', ['routeros'], [
  FIREWALL_V7,
  CONNTRACK_V7,
  DHCP_V7,
  WIREGUARD_V7,
  ROUTES_V7,
  BGP_V7,
  OSPF_V7,
  PPP_CONCENTRATOR_V7,
  IPSEC_V7,
  queueDataset({ subscribers: 300 }),
]);

const V6_PROFILE = profile('families-v6', '6.49.10 (long-term)', ['routeros-mipsbe', 'system', 'dhcp', 'ppp', 'routing', 'security'], [
  FIREWALL_V6,
  CONNTRACK_V6,
  DHCP_V6,
  ROUTES_V6,
  BGP_V6,
  OSPF_V6,
  PPP_V6,
  IPSEC_V6,
  QUEUE_V6,
]);

interface Connected {
  router: SimulatedRouter;
  client: RouterOsClient;
}

async function connect(routerProfile: RouterProfile): Promise<Connected> {
  const router = new SimulatedRouter({ profile: routerProfile, name: routerProfile.id });
  const { host, port } = await router.start();
  const client = await RouterOsClient.connect({ host, port, username: 'admin', password: 'admin', idleProbeMillis: 0 });
  return { router, client };
}

function contextOf(client: RouterOsClient, major: number, minor: number, packages: readonly string[]): CollectContext {
  // Every in-flight command listens on the run's signal; a dozen concurrent counts is by design.
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return {
    api: client,
    router: { version: `${major}.${minor}`, major, minor, packages: new Set(packages) },
    options: {},
    signal,
    nowMillis: Date.now(),
  };
}

async function runAll(context: CollectContext): Promise<Map<string, CollectOutput | Error>> {
  const results = await Promise.all(
    FAMILIES.map(async (collector): Promise<readonly [string, CollectOutput | Error]> => {
      try {
        return [collector.name, await collector.collect(context)] as const;
      } catch (error) {
        return [collector.name, error instanceof Error ? error : new Error(String(error))] as const;
      }
    }),
  );
  return new Map(results);
}

function output(results: Map<string, CollectOutput | Error>, name: string): CollectOutput {
  const result = results.get(name);
  if (result === undefined || result instanceof Error) throw new Error(`${name}: ${result?.message ?? 'no result'}`);
  return result;
}

describe('families against the simulator', () => {
  let v7: Connected;
  let v6: Connected;
  let v7Results: Map<string, CollectOutput | Error>;
  let v6Results: Map<string, CollectOutput | Error>;

  beforeAll(async () => {
    v7 = await connect(V7_PROFILE);
    v6 = await connect(V6_PROFILE);
    // All families at once on one connection per router: tagged commands interleave.
    [v7Results, v6Results] = await Promise.all([
      runAll(contextOf(v7.client, 7, 16, V7_PROFILE.packages)),
      runAll(contextOf(v6.client, 6, 49, V6_PROFILE.packages)),
    ]);
  });

  afterAll(async () => {
    await Promise.all([v7?.client.close(), v6?.client.close()]);
    await Promise.all([v7?.router.stop(), v6?.router.stop()]);
  });

  it('runs every family on v7 without error and without duplicate series', () => {
    for (const collector of FAMILIES) {
      const result = output(v7Results, collector.name);
      expect(result.samples.length, collector.name).toBeGreaterThan(0);
      expect(duplicateSeries(result.samples), collector.name).toEqual([]);
    }
  });

  it('counts with =count-only= and query stacks over the wire (v7)', () => {
    const routes = render(output(v7Results, 'routes').samples);
    // 6 fixed active IPv4 routes (one BGP) plus 2000 generated BGP routes.
    expect(routes).toContain('routeros_route_active_routes{family="ipv4"} 2006');
    expect(routes).toContain('routeros_route_protocol_active_routes{family="ipv4",protocol="bgp"} 2001');
    expect(render(output(v7Results, 'conntrack').samples)).toContain('routeros_conntrack_entries{family="ipv6"} 30');
    expect(render(output(v7Results, 'ppp').samples)).toContain('routeros_ppp_active_sessions{service="pppoe"} 300');
    const dhcp = render(output(v7Results, 'dhcp').samples);
    expect(dhcp).toContain('routeros_dhcp_server_leases{server="lan_dhcp",status="bound"} 41');
    expect(dhcp).toContain('routeros_ip_pool_used_addresses{pool="guest_pool"} 13');
  });

  it('keeps dotted v7 keys and skips disabled rows with `disabled=true #!`', () => {
    const bgp = render(output(v7Results, 'bgp').samples);
    expect(bgp).toContain('routeros_bgp_session_info{id="*1",name="TO-R14C-1",remote_address="220.40.40.1",remote_as="4040",local_as="2020"} 1');
    // Advertised prefixes are off by default on v7 (see bgp.ts).
    expect(bgp.some((line) => line.startsWith('routeros_bgp_session_advertised_prefixes'))).toBe(false);
    const firewallIds = output(v7Results, 'firewall').samples.map((sample) => sample.attributes['id']);
    expect(firewallIds).not.toContain('*37');
    const wireguardIds = output(v7Results, 'wireguard').samples.map((sample) => sample.attributes['id']);
    expect(wireguardIds).not.toContain('*3');
  });

  it('counts v7 advertised prefixes over the wire when asked to, with bounded commands, and caps sessions', async () => {
    const context = { ...contextOf(v7.client, 7, 16, V7_PROFILE.packages), options: { advertised_prefixes: true } };
    const before = v7.router.stats.commands;
    const counted = await bgpCollector.collect(context);
    // One print plus one count per established session (TO-R14C-1, IX-peer-1); the down one needs none.
    expect(v7.router.stats.commands - before).toBe(3);
    expect(render(counted.samples).filter((line) => line.startsWith('routeros_bgp_session_advertised_prefixes'))).toEqual([
      'routeros_bgp_session_advertised_prefixes{id="*1"} 2',
      'routeros_bgp_session_advertised_prefixes{id="*2"} 0',
      'routeros_bgp_session_advertised_prefixes{id="*3"} 1',
    ]);
    const capped = await bgpCollector.collect({ ...context, options: { advertised_prefixes: true, advertised_prefixes_max_sessions: 1, max_series: 2 } });
    expect(new Set(capped.samples.map((sample) => sample.attributes['id']))).toEqual(new Set(['*1', '*2']));
    // IX-peer-1 is over the session cap: its info, established, uptime, received, six state and four
    // message/byte series (never counted, so no advertised one). Nothing is over the count cap: RR-ibgp-1 is down.
    expect(capped.dropped).toBe(4 + 6 + 4);
  });

  it('reads v6 OSPFv2 and OSPFv3 from their own menus, told apart by version', () => {
    const ospf = render(output(v6Results, 'ospf').samples);
    expect(ospf).toContain('routeros_ospf_neighbors{ospf_instance="default",version="2",state="full"} 1');
    expect(ospf).toContain('routeros_ospf_neighbors{ospf_instance="default",version="2",state="init"} 1');
    expect(ospf).toContain('routeros_ospf_neighbors{ospf_instance="default",version="3",state="full"} 2');
    expect(ospf).toContain('routeros_ospf_neighbors{ospf_instance="default",version="3",state="2-way"} 1');
    const v7Ospf = render(output(v7Results, 'ospf').samples);
    expect(v7Ospf).toContain('routeros_ospf_neighbors{ospf_instance="default-v3",version="3",state="exstart"} 1');
    expect(v7Ospf).toContain('routeros_ospf_neighbors{ospf_instance="default-v2",version="2",state="full"} 2');
  });

  it('applies the default caps to the PPPoE concentrator queues (300 subscribers + 2 static queues + 2 tree entries)', () => {
    const queue = output(v7Results, 'queue');
    expect(queue.dropped).toBe(0);
    expect(new Set(queue.samples.map((sample) => sample.attributes['name'])).size).toBe(304);
  });

  it('runs the v6 families, marking WireGuard (v7 only) as a missing feature', () => {
    const wireguard = v6Results.get('wireguard');
    expect(wireguard).toBeInstanceOf(TrapError);
    expect((wireguard as TrapError).isMissingFeature).toBe(true);
    for (const collector of FAMILIES.filter((family) => family.name !== 'wireguard')) {
      const result = output(v6Results, collector.name);
      expect(result.samples.length, collector.name).toBeGreaterThan(0);
      expect(duplicateSeries(result.samples), collector.name).toEqual([]);
    }
    const bgp = render(output(v6Results, 'bgp').samples);
    expect(bgp).toContain('routeros_bgp_session_established{id="*4"} 1');
    // On by default on v6: counted for the established peers, 0 for the idle one.
    expect(bgp).toContain('routeros_bgp_session_advertised_prefixes{id="*1"} 2');
    expect(bgp).toContain('routeros_bgp_session_advertised_prefixes{id="*2"} 0');
    expect(bgp).toContain('routeros_bgp_session_advertised_prefixes{id="*4"} 1');
    // The v6 profile has no ipv6 package: no IPv6 series anywhere.
    for (const name of ['firewall', 'conntrack', 'conntrack_sources', 'routes']) {
      expect(output(v6Results, name).samples.some((sample) => sample.attributes['family'] === 'ipv6'), name).toBe(false);
    }
  });
});

describe('menus every RouterOS has, on the built-in profiles', () => {
  const started: Connected[] = [];

  async function run(id: string, collector: Collector): Promise<CollectOutput> {
    const routerProfile = BUILT_IN[id];
    if (routerProfile === undefined) throw new Error(`no profile ${id}`);
    const connected = await connect(routerProfile);
    started.push(connected);
    const [major, minor] = routerProfile.version.split(/[.\s]/).map(Number);
    return collector.collect(contextOf(connected.client, major ?? 0, minor ?? 0, routerProfile.packages));
  }

  afterAll(async () => {
    await Promise.all(started.map((entry) => entry.client.close()));
    await Promise.all(started.map((entry) => entry.router.stop()));
  });

  /** The routes collector's series for an IPv4 table of `active` routes, `connected` of them connected and `stat` static. */
  function routeLines(active: number, connected: number, stat: number, ipv6: boolean): string[] {
    const families = ipv6 ? ['ipv4', 'ipv6'] : ['ipv4'];
    return families
      .flatMap((family) => {
        const v4 = family === 'ipv4';
        return [
          `routeros_route_active_routes{family="${family}"} ${v4 ? active : 0}`,
          `routeros_route_protocol_active_routes{family="${family}",protocol="connect"} ${v4 ? connected : 0}`,
          `routeros_route_protocol_active_routes{family="${family}",protocol="static"} ${v4 ? stat : 0}`,
          `routeros_route_protocol_active_routes{family="${family}",protocol="bgp"} 0`,
          `routeros_route_protocol_active_routes{family="${family}",protocol="ospf"} 0`,
        ];
      })
      .sort();
  }

  it.each([
    // A DHCP default route (neither static nor connected) and the connected networks.
    ['chr-v7-18', 3, 2, 0],
    ['hap-ax3-wifi-v7', 3, 2, 0],
    ['hap-ax2-wifiwave2-v7-12', 3, 2, 0],
    ['chateau-lte-v7', 3, 2, 0],
    // A static default route.
    ['rb4011-v7-9', 3, 2, 1],
    ['crs328-poe-v7', 2, 1, 1],
  ] as const)('counts the small routing table of %s (routes were unsupported before)', async (id, active, connected, stat) => {
    expect(render((await run(id, routesCollector)).samples)).toEqual(routeLines(active, connected, stat, true));
  });

  it('reads the resolver settings every router has, without a DNS dataset', async () => {
    expect(render((await run('ccr2004-v7', dnsCollector)).samples)).toEqual([
      'routeros_dns_cache_size_bytes 2097152',
      'routeros_dns_cache_used_bytes 14336',
    ]);
  });

  it('gives RouterOS 6 with the ipv6 package IPv6 connection tracking but no IPv6 NAT', async () => {
    const conntrack = render((await run('hap-ac2-v6', conntrackCollector)).samples);
    expect(conntrack).toContain('routeros_conntrack_entries{family="ipv6"} 0');
    const firewall = await run('hap-ac2-v6', firewallCollector);
    expect(firewall.samples.some((sample) => sample.attributes['family'] === 'ipv6' && sample.attributes['table'] === 'nat')).toBe(false);
    const { client } = started.at(-1)!;
    await expect(client.print('/ipv6/firewall/nat', { proplist: ['.id'] })).rejects.toMatchObject({ isMissingFeature: true });
    await expect(client.print('/ipv6/firewall/connection', { proplist: ['.id'] })).resolves.toEqual([]);
  });
});
