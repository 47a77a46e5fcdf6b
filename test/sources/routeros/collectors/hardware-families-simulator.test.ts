/**
 * The eleven hardware/service families (ethernet, sfp, poe, wireless, certificate, netwatch, dns,
 * users, firmware, neighbors, lte) against the built-in simulator over a real API connection on
 * loopback: the datasets satisfy the collectors, monitors go out batched with `=once=` over the
 * wire, and each family's commands per cycle are counted on the router side.
 */
import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector, CollectContext, CollectOutput } from '../../../../src/sources/routeros/collectors/collector.js';
import { certificateCollector } from '../../../../src/sources/routeros/collectors/certificate.js';
import { dnsCollector } from '../../../../src/sources/routeros/collectors/dns.js';
import { ethernetCollector } from '../../../../src/sources/routeros/collectors/ethernet.js';
import { firmwareCollector } from '../../../../src/sources/routeros/collectors/firmware.js';
import { healthCollector } from '../../../../src/sources/routeros/collectors/health.js';
import { LTE_STATES, lteCollector } from '../../../../src/sources/routeros/collectors/lte.js';
import { neighborsCollector } from '../../../../src/sources/routeros/collectors/neighbors.js';
import { netwatchCollector } from '../../../../src/sources/routeros/collectors/netwatch.js';
import { poeCollector } from '../../../../src/sources/routeros/collectors/poe.js';
import { sfpCollector } from '../../../../src/sources/routeros/collectors/sfp.js';
import { usersCollector } from '../../../../src/sources/routeros/collectors/users.js';
import { wirelessCollector } from '../../../../src/sources/routeros/collectors/wireless.js';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { CERTIFICATES_V6, CERTIFICATES_V7 } from '../../../../src/sources/routeros/simulator/datasets/certificate.js';
import { combineDatasets, type DatasetPart } from '../../../../src/sources/routeros/simulator/datasets/dataset.js';
import { DNS } from '../../../../src/sources/routeros/simulator/datasets/dns.js';
import { interfacesDataset } from '../../../../src/sources/routeros/simulator/datasets/interfaces.js';
import { LTE_V7 } from '../../../../src/sources/routeros/simulator/datasets/lte.js';
import { NEIGHBORS_V6, NEIGHBORS_V7 } from '../../../../src/sources/routeros/simulator/datasets/neighbors.js';
import { NETWATCH_V6, NETWATCH_V7 } from '../../../../src/sources/routeros/simulator/datasets/netwatch.js';
import { POE_SWITCH_V7, POE_V6 } from '../../../../src/sources/routeros/simulator/datasets/poe.js';
import { systemDataset } from '../../../../src/sources/routeros/simulator/datasets/system.js';
import { USERS_V6, USERS_V7 } from '../../../../src/sources/routeros/simulator/datasets/users.js';
import { CAPSMAN_LEGACY_V6, CAPSMAN_WIFI_V7, WIFI_AP_V7, WIFIWAVE2_AP_V7_12, WIRELESS_AP_V6 } from '../../../../src/sources/routeros/simulator/datasets/wireless.js';
import type { RouterProfile } from '../../../../src/sources/routeros/simulator/profile.js';
import { PROFILES as PROFILE_BY_ID } from '../../../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../../../src/sources/routeros/simulator/router.js';
import { duplicateSeries, render } from './helpers/fixture-api-families.js';

const FAMILIES: readonly Collector[] = [
  ethernetCollector,
  sfpCollector,
  poeCollector,
  wirelessCollector,
  certificateCollector,
  netwatchCollector,
  dnsCollector,
  usersCollector,
  firmwareCollector,
  neighborsCollector,
  lteCollector,
];

function board(version: string, packages: string[]): DatasetPart {
  return systemDataset({
    version,
    identity: 'hw',
    packages,
    buildTime: '2025-01-02 10:00:00',
    uptimeSeconds: 3600,
    latestVersion: version.startsWith('7') ? '7.19.4' : '6.49.18',
    board: {
      boardName: 'CCR2004-16G-2S+',
      model: 'CCR2004-16G-2S+',
      serialNumber: 'HEB08Z3Q1KT',
      architecture: 'arm64',
      cpu: 'ARM64',
      cpuCount: 4,
      cpuFrequencyMhz: 1700,
      cpuLoadPercent: 3,
      totalMemoryBytes: 4 * 1024 ** 3,
      freeMemoryBytes: 3 * 1024 ** 3,
      totalHddBytes: 128 * 1024 ** 2,
      freeHddBytes: 90 * 1024 ** 2,
      factorySoftware: '7.0.4',
    },
  });
}

function ports(version: string): DatasetPart {
  return interfacesDataset({
    version,
    macPrefix: '18:FD:74:7C:00',
    ports: [
      { name: 'ether1', rate: '1Gbps' },
      { name: 'ether2', rate: '100Mbps' },
      { name: 'ether3', rate: '1Gbps', link: false },
      { name: 'sfp-sfpplus1', rate: '10Gbps', sfp: true },
      { name: 'sfp-sfpplus2', rate: '10Gbps', sfp: true, link: false },
    ],
    linkUpTime: '2025-01-01 00:00:00',
  });
}

function profile(id: string, version: string, packages: string[], parts: readonly DatasetPart[]): RouterProfile {
  return { id, version, identity: id, packages, ...combineDatasets(...parts) };
}

const V7_VERSION = '7.16.1 (stable)';
const V6_VERSION = '6.49.10 (long-term)';
const V7_PACKAGES = ['routeros', 'wifi-qcom'];
const V6_PACKAGES = ['routeros-arm', 'system', 'wireless', 'dhcp', 'advanced-tools'];

const PROFILES = {
  v7: profile('hw-v7', V7_VERSION, V7_PACKAGES, [
    board(V7_VERSION, V7_PACKAGES),
    ports(V7_VERSION),
    POE_SWITCH_V7,
    CAPSMAN_WIFI_V7,
    CERTIFICATES_V7,
    NETWATCH_V7,
    DNS,
    USERS_V7,
    NEIGHBORS_V7,
    LTE_V7,
  ]),
  v6: profile('hw-v6', V6_VERSION, V6_PACKAGES, [
    board(V6_VERSION, V6_PACKAGES),
    ports(V6_VERSION),
    POE_V6,
    WIRELESS_AP_V6,
    CERTIFICATES_V6,
    NETWATCH_V6,
    DNS,
    USERS_V6,
    NEIGHBORS_V6,
  ]),
  wave2: profile('hw-wave2', '7.12.1 (stable)', ['routeros', 'wifiwave2'], [WIFIWAVE2_AP_V7_12]),
  wifiAp: profile('hw-wifi-ap', '7.15.3 (stable)', ['routeros', 'wifi-qcom'], [WIFI_AP_V7]),
  capsmanV6: profile('hw-capsman-v6', V6_VERSION, ['routeros-mipsbe', 'wireless'], [CAPSMAN_LEGACY_V6]),
} as const;

interface Connected {
  router: SimulatedRouter;
  client: RouterOsClient;
  routerProfile: RouterProfile;
}

async function connect(routerProfile: RouterProfile): Promise<Connected> {
  const router = new SimulatedRouter({ profile: routerProfile, name: routerProfile.id });
  const { host, port } = await router.start();
  const client = await RouterOsClient.connect({ host, port, username: 'admin', password: 'admin', idleProbeMillis: 0 });
  return { router, client, routerProfile };
}

function contextOf(connected: Connected, options: Readonly<Record<string, unknown>> = {}): CollectContext {
  const [major, minor] = connected.routerProfile.version.split(/[.\s]/).map(Number);
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return {
    api: connected.client,
    router: { version: connected.routerProfile.version, major: major ?? 0, minor: minor ?? 0, packages: new Set(connected.routerProfile.packages) },
    options,
    signal,
    nowMillis: Date.UTC(2025, 0, 2, 10, 0, 0),
  };
}

interface Run {
  readonly result: CollectOutput | Error;
  /** Commands the router received for this family. */
  readonly commands: number;
}

/** Runs the families one after another so the router's command counter attributes commands to each. */
async function runEach(connected: Connected, collectors: readonly Collector[], options: Readonly<Record<string, unknown>> = {}): Promise<Map<string, Run>> {
  const runs = new Map<string, Run>();
  for (const collector of collectors) {
    const before = connected.router.stats.commands;
    let result: CollectOutput | Error;
    try {
      result = await collector.collect(contextOf(connected, options));
    } catch (error) {
      result = error instanceof Error ? error : new Error(String(error));
    }
    runs.set(collector.name, { result, commands: connected.router.stats.commands - before });
  }
  return runs;
}

function output(runs: Map<string, Run>, name: string): CollectOutput {
  const result = runs.get(name)?.result;
  if (result === undefined || result instanceof Error) throw new Error(`${name}: ${result?.message ?? 'no result'}`);
  return result;
}

function commandsPerCycle(runs: Map<string, Run>): Record<string, number> {
  return Object.fromEntries([...runs].map(([name, run]) => [name, run.commands]));
}

describe('hardware families against the simulator', () => {
  const connected: Partial<Record<keyof typeof PROFILES, Connected>> = {};
  let v7: Map<string, Run>;
  let v6: Map<string, Run>;

  beforeAll(async () => {
    for (const [key, routerProfile] of Object.entries(PROFILES)) connected[key as keyof typeof PROFILES] = await connect(routerProfile);
    v7 = await runEach(connected.v7!, FAMILIES);
    v6 = await runEach(connected.v6!, FAMILIES);
  });

  afterAll(async () => {
    await Promise.all(Object.values(connected).map((entry) => entry?.client.close()));
    await Promise.all(Object.values(connected).map((entry) => entry?.router.stop()));
  });

  it('runs every family on v7 with the expected commands per cycle and no duplicate series', () => {
    for (const collector of FAMILIES) {
      const result = output(v7, collector.name);
      expect(result.samples.length, collector.name).toBeGreaterThan(0);
      expect(duplicateSeries(result.samples), collector.name).toEqual([]);
    }
    expect(commandsPerCycle(v7)).toEqual({
      ethernet: 2, // print ?running=true + ONE monitor
      sfp: 2, // print + ONE monitor of the cages
      poe: 2, // print + ONE monitor
      wireless: 1, // /interface/wifi/registration-table (7.13+)
      certificate: 2, // /system/clock for the zone of its dates + /certificate
      netwatch: 1,
      dns: 1,
      users: 1,
      firmware: 2, // /system/package/update + /system/routerboard; never check-for-updates
      neighbors: 1,
      lte: 2, // print + ONE monitor
    });
  });

  it('reads monitors over the wire (v7)', () => {
    const ethernet = render(output(v7, 'ethernet').samples);
    expect(ethernet).toContain('routeros_ethernet_speed_bytes_per_second{interface="sfp-sfpplus1"} 1250000000');
    expect(ethernet).toContain('routeros_ethernet_speed_bytes_per_second{interface="ether2"} 12500000');
    expect(ethernet.some((line) => line.includes('"ether3"'))).toBe(false);
    const sfp = render(output(v7, 'sfp').samples);
    expect(sfp).toContain('routeros_sfp_rx_power_dbm{interface="sfp-sfpplus1"} -2.915');
    expect(sfp).toContain('routeros_sfp_rx_loss{interface="sfp-sfpplus2"} 1');
    expect(sfp).toContain('routeros_sfp_tx_bias_current_amperes{interface="sfp-sfpplus1"} 0.007');
    expect(sfp.some((line) => line.includes('"ether1"'))).toBe(false);
    const poe = render(output(v7, 'poe').samples);
    expect(poe).toContain('routeros_poe_out_status{interface="ether1",status="powered-on"} 1');
    expect(poe).toContain('routeros_poe_out_power_watts{interface="ether1"} 12.4');
    expect(poe).toContain('routeros_poe_out_status{interface="ether8",status="disabled"} 1');
    expect(render(output(v7, 'lte').samples)).toContain('routeros_lte_registration_state{interface="lte1",state="registered"} 1');
  });

  it('counts CAPsMAN clients per CAP interface and maps the v7 service families', () => {
    expect(render(output(v7, 'wireless').samples)).toEqual(
      [
        'routeros_wireless_clients{interface="cap-wifi1",ssid="campus",band="5ghz-ax"} 25',
        'routeros_wireless_clients{interface="cap-wifi2",ssid="campus",band="2ghz-ax"} 8',
        'routeros_wireless_clients{interface="cap-wifi3",ssid="campus",band="5ghz-ax"} 31',
        'routeros_wireless_clients{interface="cap-wifi4",ssid="campus-guest",band="2ghz-ax"} 6',
      ].sort(),
    );
    // The expired certificate's end, 2024-12-01 00:00:00 in the router's default zone (manual, +00:00).
    expect(render(output(v7, 'certificate').samples)).toContain(
      `routeros_certificate_not_after_timestamp_seconds{id="*3"} ${Date.UTC(2024, 11, 1) / 1000}`,
    );
    expect(render(output(v7, 'netwatch').samples)).toContain('routeros_netwatch_up{id="*2"} 0');
    expect(render(output(v7, 'dns').samples)).toContain('routeros_dns_cache_used_bytes 89088');
    expect(render(output(v7, 'users').samples)).toContain('routeros_user_sessions{service="winbox"} 2');
    expect(render(output(v7, 'firmware').samples)).toContain('routeros_firmware_update_available 1');
    expect(render(output(v7, 'neighbors').samples)).toContain('routeros_neighbor_entries{interface="ether2,bridge"} 2');
  });

  it('runs the v6 families, LTE (no modem) as a missing feature', () => {
    const lte = v6.get('lte')?.result;
    expect(lte).toBeInstanceOf(TrapError);
    expect((lte as TrapError).isMissingFeature).toBe(true);
    for (const collector of FAMILIES.filter((family) => family.name !== 'lte')) {
      const result = output(v6, collector.name);
      expect(result.samples.length, collector.name).toBeGreaterThan(0);
      expect(duplicateSeries(result.samples), collector.name).toEqual([]);
    }
    // Legacy wireless: registration table + interfaces, ONE monitor of both radios, then the (empty)
    // legacy CAPsMAN table.
    expect(v6.get('wireless')?.commands).toBe(4);
    expect(render(output(v6, 'wireless').samples)).toEqual([
      'routeros_wireless_clients{interface="wlan1",ssid="home",band="2ghz-b/g/n"} 3',
      'routeros_wireless_clients{interface="wlan2",ssid="home-5g",band="5ghz-a/n/ac"} 5',
      'routeros_wireless_radio_noise_floor_dbm{interface="wlan1"} -109',
      'routeros_wireless_radio_noise_floor_dbm{interface="wlan2"} -104',
      'routeros_wireless_radio_transmit_ccq_ratio{interface="wlan1"} 0.81',
      'routeros_wireless_radio_transmit_ccq_ratio{interface="wlan2"} 0.78',
    ]);
    expect(render(output(v6, 'certificate').samples)).toContain(
      `routeros_certificate_not_after_timestamp_seconds{id="*1"} ${Date.UTC(2033, 2, 10, 17, 57, 9) / 1000}`,
    );
    expect(render(output(v6, 'poe').samples)).toContain('routeros_poe_out_current_amperes{interface="ether2"} 0.187');
  });

  it('reads wifiwave2 (7.12), a wifi AP (7.15) and a legacy CAPsMAN controller, with capped per-client series', async () => {
    const wave2 = await runEach(connected.wave2!, [wirelessCollector], { clients: true });
    const wave2Output = output(wave2, 'wireless');
    expect(render(wave2Output.samples).filter((line) => line.startsWith('routeros_wireless_clients'))).toEqual([
      'routeros_wireless_clients{interface="wifi1",ssid="home",band="5ghz-ax"} 4',
      'routeros_wireless_clients{interface="wifi2",ssid="home",band="2ghz-ax"} 2',
    ]);
    // 6 clients × 7 series (info, signal, two rates, two byte counters, uptime; SNR and CCQ are legacy only).
    expect(wave2Output.samples).toHaveLength(2 + 42);
    expect(wave2.get('wireless')?.commands).toBe(1);

    const ap = output(await runEach(connected.wifiAp!, [wirelessCollector]), 'wireless');
    expect(render(ap.samples)).toEqual([
      'routeros_wireless_clients{interface="wifi1",ssid="office",band="5ghz-ax"} 7',
      'routeros_wireless_clients{interface="wifi2",ssid="office",band="2ghz-ax"} 3',
    ]);

    const capsman = await runEach(connected.capsmanV6!, [wirelessCollector], { clients: true, max_series: 40 });
    const capsmanOutput = output(capsman, 'wireless');
    expect(render(capsmanOutput.samples).filter((line) => line.startsWith('routeros_wireless_clients'))).toEqual(CAPSMAN_V6_COUNTS);
    // 45 clients, 40 kept: 5 × 7 series dropped (CAPsMAN rows have an uptime, no SNR or CCQ).
    expect(capsmanOutput.dropped).toBe(35);
    expect(duplicateSeries(capsmanOutput.samples)).toEqual([]);
    // Both legacy tables, the legacy interfaces, and ONE CAPsMAN interface print for the bands.
    expect(capsman.get('wireless')?.commands).toBe(4);
    expect(render(capsmanOutput.samples)).toContain(
      'routeros_wireless_client_info{interface="cap-lobby-2",mac_address="02:4D:54:00:00:0D",ssid="corp-5g",band="5ghz-ac"} 1',
    );
  });
});

/** The legacy CAPsMAN dataset's clients per CAP interface, bands from the CAPs' current channels. */
const CAPSMAN_V6_COUNTS = [
  'routeros_wireless_clients{interface="cap-lobby-1",ssid="corp",band="2ghz-gn"} 12',
  'routeros_wireless_clients{interface="cap-lobby-2",ssid="corp-5g",band="5ghz-ac"} 20',
  'routeros_wireless_clients{interface="cap-office-1",ssid="corp",band="2ghz-gn"} 4',
  'routeros_wireless_clients{interface="cap-office-2",ssid="corp-5g",band="5ghz-ac"} 9',
].sort();

describe('built-in profiles against the simulator', () => {
  const started: Connected[] = [];

  async function connectBuiltIn(id: string, policies?: readonly string[]): Promise<Connected> {
    const routerProfile = PROFILE_BY_ID[id];
    if (routerProfile === undefined) throw new Error(`no profile ${id}`);
    const router = new SimulatedRouter({ profile: routerProfile, name: id, ...(policies === undefined ? {} : { policies }) });
    const { host, port } = await router.start();
    const client = await RouterOsClient.connect({ host, port, username: 'admin', password: 'admin', idleProbeMillis: 0 });
    const entry = { router, client, routerProfile };
    started.push(entry);
    return entry;
  }

  afterAll(async () => {
    await Promise.all(started.map((entry) => entry.client.close()));
    await Promise.all(started.map((entry) => entry.router.stop()));
  });

  it('collects the v6 CAPsMAN controller of rb750-v6-legacy (CAPsMAN is in the v6 wireless package): 45 clients', async () => {
    const runs = await runEach(await connectBuiltIn('rb750-v6-legacy'), [wirelessCollector]);
    const samples = output(runs, 'wireless').samples;
    expect(render(samples)).toEqual(CAPSMAN_V6_COUNTS);
    expect(samples.reduce((sum, sample) => sum + sample.value, 0)).toBe(45);
    // Legacy registration table + interfaces (both empty: no radio), CAPsMAN table + interfaces.
    expect(runs.get('wireless')?.commands).toBe(4);
  });

  it('names the clients of hap-ac2-v6 from its DHCP leases with dhcp_names: true (one more command)', async () => {
    const runs = await runEach(await connectBuiltIn('hap-ac2-v6'), [wirelessCollector], { clients: true, dhcp_names: true });
    const lines = render(output(runs, 'wireless').samples).filter((line) => line.includes('_dhcp_info'));
    // Seven of the eight clients hold a lease of the `defconf` server; the last has a static address.
    expect(lines.map((line) => /host_name="([^"]*)"/.exec(line)?.[1]).sort()).toEqual(['camera-6', 'laptop-0', 'nas-5', 'phone-1', 'printer-4', 'tablet-2', 'tv-3']);
    expect(lines.filter((line) => line.includes('interface="wlan1"'))).toHaveLength(3);
    // Registration table, interfaces, the radio monitor, the empty CAPsMAN table, and the lease print.
    expect(runs.get('wireless')?.commands).toBe(5);
  });

  it('reads v6 LTE with one `info =number=` per modem; roaming counts as registered', async () => {
    const runs = await runEach(await connectBuiltIn('hap-ac2-v6'), [lteCollector]);
    expect(render(output(runs, 'lte').samples)).toEqual(
      [
        'routeros_lte_rssi_dbm{interface="lte1"} -79',
        'routeros_lte_rsrp_dbm{interface="lte1"} -108',
        'routeros_lte_rsrq_db{interface="lte1"} -11',
        'routeros_lte_sinr_db{interface="lte1"} 6',
        'routeros_lte_session_uptime_seconds{interface="lte1"} 20472',
        'routeros_lte_registered{interface="lte1"} 1',
        'routeros_lte_cell_info{interface="lte1",operator="Tele2",access_technology="Evolved 3G (LTE)",cell_id="",primary_band="",ca_band=""} 1',
        ...LTE_STATES.map((state) => `routeros_lte_registration_state{interface="lte1",state="${state}"} ${state === 'roaming' ? 1 : 0}`),
      ].sort(),
    );
    expect(runs.get('lte')?.commands).toBe(2);
  });

  it('names the `test` policy when the v6 API user lacks it', async () => {
    const runs = await runEach(await connectBuiltIn('hap-ac2-v6', ['api', 'read']), [lteCollector]);
    const error = runs.get('lte')?.result;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^\/interface\/lte\/info: the router refused it \(not enough permissions \(9\)\); on RouterOS 6 the API user needs the "test" policy$/);
    expect((error as Error).cause).toBeInstanceOf(TrapError);
    // The same user may print: only the policy-bound command is refused.
    expect(runs.get('lte')?.commands).toBe(2);
  });

  it('keeps health sensors without a metric of their own, with their unit (v7 rows, v6 record)', async () => {
    const crs = output(await runEach(await connectBuiltIn('crs328-poe-v7'), [healthCollector]), 'health');
    expect(render(crs.samples)).toEqual(
      [
        'routeros_health_temperature_celsius{sensor="temperature"} 46',
        'routeros_health_voltage_volts{sensor="psu1-voltage"} 53.4',
        'routeros_health_power_watts{sensor="poe-out-consumption"} 43.2',
        'routeros_health_sensor_value{sensor="poe-out-budget",unit="%"} 11',
      ].sort(),
    );
    const hap = output(await runEach(await connectBuiltIn('hap-ac2-v6'), [healthCollector]), 'health');
    expect(render(hap.samples)).toEqual(
      [
        'routeros_health_voltage_volts{sensor="voltage"} 24.1',
        'routeros_health_temperature_celsius{sensor="temperature"} 35',
        'routeros_health_temperature_celsius{sensor="cpu-temperature"} 45',
      ].sort(),
    );
  });
});
