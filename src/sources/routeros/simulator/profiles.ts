/**
 * The built-in router profiles: one board and RouterOS version each, combining the dataset
 * families. `mixed` cycles through all of them, `v6`/`v7` through those of one major version.
 */
import { baseDataset } from './datasets/base.js';
import { BGP_V6, BGP_V7 } from './datasets/bgp.js';
import { CONTAINERS, cloudEnabled } from './datasets/inventory.js';
import { ipv6Dataset } from './datasets/ipv6.js';
import { ADDRESS_LISTS_BORDER, ADDRESS_LISTS_HOME, BFD_V6, BFD_V7, ROUTING_STATS_BGP_OSPF } from './datasets/routing-extras.js';
import { CONNTRACK_V6, CONNTRACK_V7 } from './datasets/conntrack.js';
import { combineDatasets, type DatasetPart } from './datasets/dataset.js';
import { DHCP_V6, DHCP_V7 } from './datasets/dhcp.js';
import { FIREWALL_V6, FIREWALL_V7 } from './datasets/firewall.js';
import { IPSEC_V6, IPSEC_V7 } from './datasets/ipsec.js';
import { OSPF_V6, OSPF_V7 } from './datasets/ospf.js';
import { PPP_CONCENTRATOR_V7, PPP_V6 } from './datasets/ppp.js';
import { QUEUE_V6, QUEUE_V7, queueDataset } from './datasets/queue.js';
import { ROUTES_V6, ROUTES_V7, accessRoutesDataset, routesDataset } from './datasets/routes.js';
import { WIREGUARD_V7 } from './datasets/wireguard.js';
import { CERTIFICATES_V6, CERTIFICATES_V7, certificateDataset } from './datasets/certificate.js';
import { DNS } from './datasets/dns.js';
import { LTE_V6, LTE_V7 } from './datasets/lte.js';
import { NEIGHBORS_V6, NEIGHBORS_V7 } from './datasets/neighbors.js';
import { NETWATCH_V6, NETWATCH_V7 } from './datasets/netwatch.js';
import { POE_SWITCH_V7, POE_V6 } from './datasets/poe.js';
import { USERS_V6, USERS_V7 } from './datasets/users.js';
import { CAPSMAN_LEGACY_V6, CAPSMAN_WIFI_V7, WIFIWAVE2_AP_V7_12, WIFI_AP_V7, WIRELESS_AP_V6 } from './datasets/wireless.js';
import { W60G_STATION_V7 } from './datasets/w60g.js';
import { healthDataset, type HealthSensor } from './datasets/health.js';
import { interfacesDataset, type EthernetPortSpec } from './datasets/interfaces.js';
import { systemDataset, type BoardSpec, type TimeZoneSpec } from './datasets/system.js';
import { switchDataset, type SwitchSpec } from './datasets/switch.js';
import type { RouterProfile } from './profile.js';
import { parseRosVersion } from './version.js';

const MIB = 1024 * 1024;

interface ProfileSpec {
  id: string;
  description: string;
  version: string;
  identity: string;
  packages: string[];
  board: BoardSpec;
  buildTime: string;
  uptimeSeconds: number;
  latestVersion?: string;
  /** `/system/clock` zone; RouterOS' default (`manual`, UTC) when absent. */
  timeZone?: TimeZoneSpec;
  /** Undefined: the board has no `/system/health` menu. */
  sensors: HealthSensor[] | undefined;
  interfaces: Omit<Parameters<typeof interfacesDataset>[0], 'version'>;
  /** Further families (firewall, BGP, wireless, …) this board runs. */
  extras?: DatasetPart[];
  /** The board's switch chip: every ethernet port is on it. Undefined: no `/interface/ethernet/switch`. */
  switchChip?: Omit<SwitchSpec, 'ports'>;
}

function buildProfile(spec: ProfileSpec): RouterProfile {
  const parts = [
    baseDataset(parseRosVersion(spec.version), spec.packages),
    systemDataset({
      version: spec.version,
      identity: spec.identity,
      board: spec.board,
      packages: spec.packages,
      buildTime: spec.buildTime,
      uptimeSeconds: spec.uptimeSeconds,
      ...(spec.latestVersion === undefined ? {} : { latestVersion: spec.latestVersion }),
      ...(spec.timeZone === undefined ? {} : { timeZone: spec.timeZone }),
    }),
    ...(spec.sensors === undefined ? [] : [healthDataset({ version: spec.version, sensors: spec.sensors })]),
    interfacesDataset({ version: spec.version, ...spec.interfaces }),
    ...(spec.switchChip === undefined ? [] : [switchDataset({ ...spec.switchChip, ports: spec.interfaces.ports })]),
    ...(spec.extras ?? []),
  ];
  return deepFreeze({
    id: spec.id,
    description: spec.description,
    version: spec.version,
    identity: spec.identity,
    packages: spec.packages,
    ...combineDatasets(...parts),
  });
}

/** Profiles are shared by every simulated router of a fleet; freezing keeps one router from changing all. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function ports(prefix: string, count: number, rate: string, extra: Partial<EthernetPortSpec> = {}): EthernetPortSpec[] {
  return Array.from({ length: count }, (_, index) => ({ name: `${prefix}${index + 1}`, rate, ...extra }));
}

/** From 7.13 `/interface/wifi` exists on every v7 router, with an empty table when there is no radio. */
const NO_WIFI_CLIENTS: DatasetPart = { menus: { '/interface/wifi/registration-table': { rows: [] } } };

/** A small v7 board the access-layer profiles (wifi AP, LTE, PoE switch) vary. */
const SMALL_V7_BOARD: BoardSpec = {
  boardName: 'hAP ax^3',
  model: 'C53UiG+5HPaxD2HPaxD',
  serialNumber: 'HGD09QX2M41',
  firmwareType: 'ipq6000',
  factoryFirmware: '7.10.1',
  revision: 'r1',
  architecture: 'arm64',
  cpu: 'ARM64',
  cpuCount: 4,
  cpuFrequencyMhz: 864,
  cpuLoadPercent: 6,
  totalMemoryBytes: 1024 * MIB,
  freeMemoryBytes: 812_384_256,
  totalHddBytes: 128 * MIB,
  freeHddBytes: 101_322_752,
  factorySoftware: '7.10.1',
  writeSectors: { sinceReboot: 804, total: 22_140 },
  badBlocksPercent: 0,
};

const hapAc2V6 = buildProfile({
  id: 'hap-ac2-v6',
  switchChip: { name: 'switch1', type: 'QCA8337', faultyPort: 'ether3' },
  // Certificate dates are local time; a zone east of UTC shows they are converted.
  timeZone: { name: 'Europe/Riga', gmtOffset: '+02:00' },
  description: 'hAP ac² (RBD52G), RouterOS 6.49.17 long-term: flat health record, mmm/dd/yyyy dates, wlan interfaces, a USB LTE modem (v6 `info`, roaming)',
  version: '6.49.17 (long-term)',
  identity: 'hap-ac2',
  packages: ['routeros-arm', 'system', 'ipv6', 'wireless', 'hotspot', 'dhcp', 'ppp', 'routing', 'security', 'lte', 'advanced-tools'],
  board: {
    boardName: 'hAP ac^2',
    model: 'RBD52G-5HacD2HnD',
    serialNumber: 'D7C20B9A1F23',
    firmwareType: 'ipq4000L',
    factoryFirmware: '6.44',
    revision: 'r2',
    architecture: 'arm',
    cpu: 'ARMv7',
    cpuCount: 4,
    cpuFrequencyMhz: 716,
    cpuLoadPercent: 3,
    totalMemoryBytes: 128 * MIB,
    freeMemoryBytes: 50_106_368,
    totalHddBytes: 16 * MIB,
    freeHddBytes: 1_495_040,
    factorySoftware: '6.44',
    writeSectors: { sinceReboot: 17_390, total: 45_359 },
    badBlocksPercent: 0,
  },
  buildTime: '2025-01-02 10:00:00',
  uptimeSeconds: 3 * 86_400 + 3 * 3_600 + 42 * 60 + 53,
  latestVersion: '6.49.18',
  sensors: [
    { name: 'voltage', value: '24.1', type: 'V' },
    { name: 'temperature', value: '35', type: 'C' },
    { name: 'cpu-temperature', value: '45', type: 'C' },
  ],
  interfaces: {
    macPrefix: 'B8:69:F4:2A:10',
    ports: [
      { name: 'ether1', rate: '1Gbps', comment: 'WAN' },
      ...ports('ether', 4, '1Gbps').slice(1),
      { name: 'ether5', rate: '1Gbps', link: false },
    ],
    wireless: ['wlan1', 'wlan2'],
    bridge: { name: 'bridge', ports: ['ether2', 'ether3', 'ether4', 'ether5', 'wlan1', 'wlan2'] },
    linkUpTime: '2025-03-14 08:12:40',
  },
  extras: [FIREWALL_V6, CONNTRACK_V6, DHCP_V6, ROUTES_V6, QUEUE_V6, WIRELESS_AP_V6, POE_V6, CERTIFICATES_V6, NETWATCH_V6, DNS, USERS_V6, NEIGHBORS_V6, LTE_V6, ADDRESS_LISTS_HOME, cloudEnabled(6, 'D7C20B9A1F23', '198.51.100.34'), ipv6Dataset(0, 9, ['bridge'])],
});

const rb750V6Legacy = buildProfile({
  id: 'rb750-v6-legacy',
  switchChip: { name: 'switch1', type: 'MT7621' },
  description:
    'hEX (RB750Gr3), RouterOS 6.40.9 bugfix: legacy MD5 challenge login, `cannot log in` on bad credentials; a CAPsMAN controller (in the `wireless` package on v6) with 45 clients',
  version: '6.40.9 (bugfix)',
  identity: 'rb750',
  // No radio, but v6 CAPsMAN comes with the `wireless` package.
  packages: ['routeros-mmips', 'system', 'ipv6', 'wireless', 'dhcp', 'ppp', 'routing', 'security', 'advanced-tools'],
  board: {
    boardName: 'hEX',
    model: 'RB750Gr3',
    serialNumber: '8A1E09C4D2B7',
    firmwareType: 'mt7621L',
    factoryFirmware: '3.41',
    architecture: 'mmips',
    cpu: 'MIPS 1004Kc V2.15',
    cpuCount: 4,
    cpuFrequencyMhz: 880,
    cpuLoadPercent: 1,
    totalMemoryBytes: 256 * MIB,
    freeMemoryBytes: 221_134_848,
    totalHddBytes: 16 * MIB,
    freeHddBytes: 4_038_656,
    factorySoftware: '6.34.2',
    writeSectors: { sinceReboot: 2_115, total: 98_442 },
  },
  buildTime: '2017-09-21 11:31:05',
  uptimeSeconds: 15 * 604_800 + 3 * 86_400 + 3 * 3_600 + 42 * 60 + 53,
  sensors: [
    { name: 'voltage', value: '24.3', type: 'V' },
    { name: 'cpu-temperature', value: '47', type: 'C' },
  ],
  interfaces: {
    macPrefix: 'CC:2D:E0:71:44',
    ports: ports('ether', 5, '1Gbps'),
    bridge: { name: 'bridge-lan', ports: ['ether2', 'ether3', 'ether4', 'ether5'] },
    linkUpTime: '2024-11-02 17:45:03',
  },
  extras: [FIREWALL_V6, DHCP_V6, ROUTES_V6, BGP_V6, BFD_V6, OSPF_V6, IPSEC_V6, PPP_V6, CAPSMAN_LEGACY_V6, USERS_V6, NETWATCH_V6],
});

const hexV7 = buildProfile({
  id: 'hex-v7',
  switchChip: { name: 'switch1', type: 'MT7621', faultyPort: 'ether4' },
  description: 'hEX (RB750Gr3), RouterOS 7.16.2 stable: health as name/value/type rows, ISO dates',
  version: '7.16.2 (stable)',
  identity: 'hex',
  packages: ['routeros'],
  board: {
    boardName: 'hEX',
    model: 'RB750Gr3',
    serialNumber: 'HCQ08A1PXB3',
    firmwareType: 'mt7621L',
    factoryFirmware: '6.44.6',
    revision: 'r3',
    architecture: 'mmips',
    cpu: 'MIPS 1004Kc V2.15',
    cpuCount: 4,
    cpuFrequencyMhz: 880,
    cpuLoadPercent: 4,
    totalMemoryBytes: 256 * MIB,
    freeMemoryBytes: 187_469_824,
    totalHddBytes: 16 * MIB,
    freeHddBytes: 3_227_648,
    factorySoftware: '6.44.6',
    writeSectors: { sinceReboot: 1_204, total: 61_877 },
    badBlocksPercent: 0,
  },
  buildTime: '2024-12-11 09:04:52',
  uptimeSeconds: 2 * 86_400 + 20 * 3_600 + 12 * 60 + 20,
  latestVersion: '7.16.2',
  sensors: [
    { name: 'voltage', value: '24.2', type: 'V' },
    { name: 'cpu-temperature', value: '51', type: 'C' },
  ],
  interfaces: {
    macPrefix: '48:8F:5A:1C:2D',
    ports: [{ name: 'ether1', rate: '1Gbps', comment: 'uplink' }, ...ports('ether', 5, '1Gbps').slice(1)],
    bridge: { name: 'bridge', ports: ['ether2', 'ether3', 'ether4', 'ether5'] },
    vlans: [{ parent: 'bridge', firstId: 10, count: 3, step: 10 }],
    linkUpTime: '2025-06-01 04:10:33',
  },
  extras: [
    FIREWALL_V7,
    CONNTRACK_V7,
    DHCP_V7,
    WIREGUARD_V7,
    routesDataset({ v7: true, ipv6: true, bgpRoutes: 0 }),
    QUEUE_V7,
    CERTIFICATES_V7,
    NETWATCH_V7,
    USERS_V7,
    DNS,
    NEIGHBORS_V7,
    NO_WIFI_CLIENTS,
  ],
});

const rb4011V79 = buildProfile({
  id: 'rb4011-v7-9',
  description: 'RB4011iGS+, RouterOS 7.9.2 stable: v7 health rows with v6-style mmm/dd/yyyy dates (before 7.10)',
  version: '7.9.2 (stable)',
  identity: 'rb4011',
  packages: ['routeros'],
  board: {
    boardName: 'RB4011iGS+',
    model: 'RB4011iGS+',
    serialNumber: 'D4530C2B8E61',
    firmwareType: 'al2',
    factoryFirmware: '6.45.9',
    revision: 'r2',
    architecture: 'arm',
    cpu: 'ARMv7',
    cpuCount: 4,
    cpuFrequencyMhz: 1400,
    cpuLoadPercent: 6,
    totalMemoryBytes: 1024 * MIB,
    freeMemoryBytes: 902_643_712,
    totalHddBytes: 512 * MIB,
    freeHddBytes: 480_690_176,
    factorySoftware: '6.45.9',
    writeSectors: { sinceReboot: 5_530, total: 1_204_877 },
    badBlocksPercent: 0,
  },
  buildTime: '2023-05-10 12:22:41',
  uptimeSeconds: 7 * 604_800 + 6 * 86_400 + 9 * 3_600 + 34 * 60,
  latestVersion: '7.9.2',
  sensors: [
    { name: 'voltage', value: '23.9', type: 'V' },
    { name: 'temperature', value: '39', type: 'C' },
    { name: 'cpu-temperature', value: '48', type: 'C' },
    { name: 'fan1-speed', value: '1890', type: 'RPM' },
  ],
  interfaces: {
    macPrefix: 'DC:2C:6E:40:A1',
    ports: [...ports('ether', 10, '1Gbps'), { name: 'sfp-sfpplus1', rate: '10Gbps', sfp: true, comment: 'core' }],
    bridge: { name: 'bridge', ports: ['ether2', 'ether3', 'ether4', 'ether5', 'ether6', 'ether7', 'ether8'] },
    vlans: [{ parent: 'sfp-sfpplus1', firstId: 100, count: 4 }],
    linkUpTime: '2025-02-20 22:03:17',
  },
  extras: [
    FIREWALL_V7,
    IPSEC_V7,
    WIREGUARD_V7,
    DHCP_V7,
    certificateDataset('7.9.2 (stable)'),
    accessRoutesDataset({
      v7: true,
      gateway: '10.20.0.1',
      wan: 'sfp-sfpplus1',
      defaultFrom: 'static',
      connected: [
        { dst: '10.20.0.0/30', iface: 'sfp-sfpplus1', address: '10.20.0.2' },
        { dst: '192.168.88.0/24', iface: 'bridge', address: '192.168.88.1' },
      ],
    }),
  ],
});

const chrV718 = buildProfile({
  id: 'chr-v7-18',
  description: 'Cloud Hosted Router, RouterOS 7.19.4 stable: no health sensors (empty prints answer !empty), no fast path',
  version: '7.19.4 (stable)',
  identity: 'chr',
  packages: ['routeros', 'container'],
  board: {
    boardName: 'CHR QEMU Standard PC (i440FX + PIIX, 1996)',
    architecture: 'x86_64',
    cpu: 'QEMU',
    cpuCount: 2,
    cpuFrequencyMhz: 2_400,
    cpuLoadPercent: 0,
    totalMemoryBytes: 1024 * MIB,
    freeMemoryBytes: 862_412_800,
    totalHddBytes: 128 * MIB,
    freeHddBytes: 88_743_936,
    factorySoftware: '7.19.4',
    writeSectors: { sinceReboot: 810, total: 2_044 },
  },
  buildTime: '2025-07-28 08:30:12',
  uptimeSeconds: 42 * 60 + 53,
  sensors: [],
  interfaces: {
    macPrefix: '0C:00:E6:1F:95',
    ports: [
      { name: 'ether1', rate: '1Gbps' },
      { name: 'ether2', rate: '1Gbps', comment: 'TO-R18M' },
    ],
    virtual: true,
    linkUpTime: '2026-03-02 10:07:14',
  },
  extras: [
    CAPSMAN_WIFI_V7,
    CERTIFICATES_V7,
    CONTAINERS,
    accessRoutesDataset({
      v7: true,
      gateway: '10.0.2.2',
      wan: 'ether1',
      defaultFrom: 'dhcp',
      connected: [
        { dst: '10.0.2.0/24', iface: 'ether1', address: '10.0.2.15' },
        { dst: '10.10.0.0/24', iface: 'ether2', address: '10.10.0.1' },
      ],
    }),
  ],
});

const ccr2004V7 = buildProfile({
  id: 'ccr2004-v7',
  timeZone: { name: 'America/New_York', gmtOffset: '-05:00' },
  description: 'CCR2004-16G-2S+, RouterOS 7.19.4 stable: 18 ports, bridge, 48 VLANs, uplink counters beyond 2^53, fans and PSUs',
  version: '7.19.4 (stable)',
  identity: 'ccr2004',
  packages: ['routeros', 'container', 'wireless'],
  board: {
    boardName: 'CCR2004-16G-2S+',
    model: 'CCR2004-16G-2S+',
    serialNumber: 'HEB08Z3Q1KT',
    firmwareType: 'al64v2',
    factoryFirmware: '7.0.4',
    revision: 'r2',
    architecture: 'arm64',
    cpu: 'ARM64',
    cpuCount: 4,
    cpuFrequencyMhz: 1_700,
    cpuLoadPercent: 14,
    totalMemoryBytes: 4 * 1024 * MIB,
    freeMemoryBytes: 3_513_696_256,
    totalHddBytes: 128 * MIB,
    freeHddBytes: 93_294_592,
    factorySoftware: '7.0.4',
    writeSectors: { sinceReboot: 40_122, total: 3_977_401 },
    badBlocksPercent: 0,
  },
  buildTime: '2025-07-28 08:30:12',
  uptimeSeconds: 30 * 604_800 + 2 * 86_400 + 5 * 3_600 + 7 * 60 + 11,
  sensors: [
    { name: 'voltage', value: '12.1', type: 'V' },
    { name: 'temperature', value: '41', type: 'C' },
    { name: 'cpu-temperature', value: '58', type: 'C' },
    { name: 'board-temperature1', value: '44', type: 'C' },
    { name: 'fan-state', value: 'ok', type: '' },
    { name: 'fan1-speed', value: '5310', type: 'RPM' },
    { name: 'fan2-speed', value: '5190', type: 'RPM' },
    { name: 'psu1-state', value: 'ok', type: '' },
    { name: 'psu2-state', value: 'fail', type: '' },
  ],
  interfaces: {
    macPrefix: '18:FD:74:7C:00',
    ports: [
      ...ports('ether', 16, '1Gbps').map((port, index) => (index >= 12 ? { ...port, link: false } : port)),
      { name: 'sfp-sfpplus1', rate: '10Gbps', sfp: true, comment: 'uplink-isp', rxBytes: '9345678901234567', txBytes: '3178304112009341' },
      { name: 'sfp-sfpplus2', rate: '10Gbps', sfp: true, comment: 'uplink-core' },
    ],
    bridge: { name: 'bridge', ports: ports('ether', 12, '1Gbps').map((port) => port.name).slice(1) },
    vlans: [
      { parent: 'bridge', firstId: 100, count: 24 },
      { parent: 'sfp-sfpplus2', firstId: 2000, count: 24, step: 2 },
    ],
    maxL2mtu: 9796,
    linkUpTime: '2025-08-14 03:55:09',
  },
  extras: [FIREWALL_V7, CONNTRACK_V7, BGP_V7, BFD_V7, OSPF_V7, ROUTING_STATS_BGP_OSPF, ROUTES_V7, USERS_V7, NO_WIFI_CLIENTS, ADDRESS_LISTS_BORDER, CONTAINERS, ipv6Dataset(40, 120, ['ether2', 'ether3', 'bridge'])],
});

const ccr1036Pppoe = buildProfile({
  id: 'ccr1036-pppoe-v7',
  description: 'CCR1036-8G-2S+, RouterOS 7.16.2 stable: PPPoE concentrator with 300 subscribers and their dynamic queues',
  version: '7.16.2 (stable)',
  identity: 'bng1',
  packages: ['routeros'],
  board: {
    boardName: 'CCR1036-8G-2S+',
    model: 'CCR1036-8G-2S+',
    serialNumber: '6F1A07B2C9D4',
    firmwareType: 'tilegx',
    factoryFirmware: '3.24',
    revision: 'r2',
    architecture: 'tile',
    cpu: 'tilegx',
    cpuCount: 36,
    cpuFrequencyMhz: 1_200,
    cpuLoadPercent: 22,
    totalMemoryBytes: 4 * 1024 * MIB,
    freeMemoryBytes: 3_221_225_472,
    totalHddBytes: 128 * MIB,
    freeHddBytes: 83_439_616,
    factorySoftware: '6.18',
    writeSectors: { sinceReboot: 9_913, total: 2_415_020 },
    badBlocksPercent: 0,
  },
  buildTime: '2024-12-11 09:04:52',
  uptimeSeconds: 9 * 604_800 + 4 * 86_400 + 7 * 3_600 + 3 * 60 + 9,
  latestVersion: '7.16.2',
  sensors: [
    { name: 'voltage', value: '24.0', type: 'V' },
    { name: 'temperature', value: '43', type: 'C' },
    { name: 'cpu-temperature', value: '61', type: 'C' },
    { name: 'fan1-speed', value: '6420', type: 'RPM' },
    { name: 'psu1-state', value: 'ok', type: '' },
    { name: 'psu2-state', value: 'ok', type: '' },
  ],
  interfaces: {
    ports: [
      ...ports('ether', 8, '1Gbps').map((port, index) => (index >= 4 ? { ...port, link: false } : port)),
      { name: 'sfp-sfpplus1', rate: '10Gbps', sfp: true, comment: 'access-aggregation' },
      { name: 'sfp-sfpplus2', rate: '10Gbps', sfp: true, comment: 'core' },
    ],
    vlans: [{ parent: 'sfp-sfpplus1', firstId: 100, count: 8 }],
    macPrefix: '4C:5E:0C:3B:7A',
    linkUpTime: '2025-09-30 02:14:55',
  },
  extras: [FIREWALL_V7, CONNTRACK_V7, PPP_CONCENTRATOR_V7, queueDataset({ subscribers: 300 }), routesDataset({ v7: true, ipv6: false, bgpRoutes: 0 }), NO_WIFI_CLIENTS],
});

/** A home AP behind an ISP router: a DHCP default route on ether1 and the bridge LAN. */
function homeRoutes(wanHost: number): DatasetPart {
  return accessRoutesDataset({
    v7: true,
    gateway: '192.0.2.1',
    wan: 'ether1',
    defaultFrom: 'dhcp',
    connected: [
      { dst: '192.0.2.0/24', iface: 'ether1', address: `192.0.2.${wanHost}` },
      { dst: '192.168.88.0/24', iface: 'bridge', address: '192.168.88.1' },
    ],
  });
}
const HOME_ROUTES_AX3 = homeRoutes(23);
const HOME_ROUTES_AX2 = homeRoutes(22);

const hapAx3Wifi = buildProfile({
  id: 'hap-ax3-wifi-v7',
  description: 'hAP ax³, RouterOS 7.16.2 stable with wifi-qcom: a wifi AP with local clients',
  version: '7.16.2 (stable)',
  identity: 'hap-ax3',
  packages: ['routeros', 'wifi-qcom'],
  board: SMALL_V7_BOARD,
  buildTime: '2024-12-11 09:04:52',
  uptimeSeconds: 6 * 86_400 + 1_234,
  latestVersion: '7.16.2',
  sensors: [{ name: 'cpu-temperature', value: '54', type: 'C' }],
  interfaces: {
    macPrefix: '78:9A:18:4E:01',
    ports: [{ name: 'ether1', rate: '2.5Gbps', comment: 'uplink' }, ...ports('ether', 5, '1Gbps').slice(1)],
    bridge: { name: 'bridge', ports: ['ether2', 'ether3', 'ether4', 'ether5'] },
    linkUpTime: '2025-08-02 11:20:05',
  },
  extras: [WIFI_AP_V7, DHCP_V7, USERS_V7, NEIGHBORS_V7, HOME_ROUTES_AX3],
});

const hapAx2Wave2 = buildProfile({
  id: 'hap-ax2-wifiwave2-v7-12',
  description: 'hAP ax², RouterOS 7.12.1 stable with the wifiwave2 package (before the wifi rename in 7.13)',
  version: '7.12.1 (stable)',
  identity: 'hap-ax2',
  packages: ['routeros', 'wifiwave2'],
  board: { ...SMALL_V7_BOARD, boardName: 'hAP ax^2', model: 'C52iG-5HaxD2HaxD', serialNumber: 'HF609RT3K27', firmwareType: 'ipq6000' },
  buildTime: '2023-11-29 14:36:51',
  uptimeSeconds: 21 * 86_400 + 55,
  latestVersion: '7.12.1',
  sensors: [{ name: 'cpu-temperature', value: '49', type: 'C' }],
  interfaces: {
    macPrefix: '78:9A:18:4E:02',
    ports: ports('ether', 5, '1Gbps'),
    bridge: { name: 'bridge', ports: ['ether2', 'ether3', 'ether4', 'ether5'] },
    linkUpTime: '2025-08-02 11:20:05',
  },
  extras: [WIFIWAVE2_AP_V7_12, HOME_ROUTES_AX2],
});

const chateauLte = buildProfile({
  id: 'chateau-lte-v7',
  description: 'Chateau LTE12, RouterOS 7.16.2 stable: an LTE modem up and a second one disabled',
  version: '7.16.2 (stable)',
  identity: 'chateau',
  packages: ['routeros'],
  board: { ...SMALL_V7_BOARD, boardName: 'Chateau LTE12', model: 'D53G-5HacD2HnD-TC&EG12-EA', serialNumber: 'HD808KWT6A1', architecture: 'arm' },
  buildTime: '2024-12-11 09:04:52',
  uptimeSeconds: 12 * 86_400 + 3_601,
  latestVersion: '7.16.2',
  sensors: [{ name: 'cpu-temperature', value: '57', type: 'C' }],
  interfaces: {
    macPrefix: 'DC:2C:6E:90:11',
    ports: ports('ether', 5, '1Gbps'),
    bridge: { name: 'bridge', ports: ['ether2', 'ether3', 'ether4', 'ether5'] },
    linkUpTime: '2025-07-19 06:00:41',
  },
  extras: [
    LTE_V7,
    NO_WIFI_CLIENTS,
    DHCP_V7,
    accessRoutesDataset({
      v7: true,
      gateway: 'lte1',
      wan: 'lte1',
      defaultFrom: 'interface',
      connected: [
        { dst: '100.72.18.0/24', iface: 'lte1', address: '100.72.18.233' },
        { dst: '192.168.88.0/24', iface: 'bridge', address: '192.168.88.1' },
      ],
    }),
  ],
});

const crs328Poe = buildProfile({
  id: 'crs328-poe-v7',
  switchChip: { name: 'switch1', type: 'Marvell-98DX3236', faultyPort: 'ether7' },
  description: 'CRS328-24P-4S+, RouterOS 7.16.2 stable: an 802.3af/at PoE switch with SFP+ uplinks',
  version: '7.16.2 (stable)',
  identity: 'crs328',
  packages: ['routeros'],
  board: { ...SMALL_V7_BOARD, boardName: 'CRS328-24P-4S+', model: 'CRS328-24P-4S+', serialNumber: 'D4F20AB9C611', architecture: 'arm', cpuCount: 1, cpuFrequencyMhz: 800 },
  buildTime: '2024-12-11 09:04:52',
  uptimeSeconds: 88 * 86_400,
  latestVersion: '7.16.2',
  sensors: [
    { name: 'temperature', value: '46', type: 'C' },
    { name: 'psu1-voltage', value: '53.4', type: 'V' },
    { name: 'poe-out-consumption', value: '43.2', type: 'W' },
    // Illustrative: a sensor whose unit has no metric of its own (kept as a plain reading).
    { name: 'poe-out-budget', value: '11', type: '%' },
  ],
  interfaces: {
    macPrefix: '2C:C8:1B:55:70',
    ports: [
      ...ports('ether', 24, '1Gbps').map((port, index) => (index >= 8 ? { ...port, link: false } : port)),
      { name: 'sfp-sfpplus1', rate: '10Gbps', sfp: true, comment: 'uplink' },
    ],
    bridge: { name: 'bridge', ports: ['ether1', 'ether2', 'ether3', 'ether4', 'ether5', 'ether6', 'ether7', 'ether8'] },
    linkUpTime: '2025-05-09 13:13:13',
  },
  extras: [
    POE_SWITCH_V7,
    NO_WIFI_CLIENTS,
    NEIGHBORS_V7,
    accessRoutesDataset({
      v7: true,
      gateway: '192.168.88.1',
      wan: 'bridge',
      defaultFrom: 'static',
      connected: [{ dst: '192.168.88.0/24', iface: 'bridge', address: '192.168.88.2' }],
    }),
  ],
});

const wirelessWire = buildProfile({
  id: 'wireless-wire-v7',
  description: 'Wireless Wire Dish (RBLHGG-60ad), RouterOS 7.16.2 stable with the wireless package: the station end of a 60 GHz link',
  version: '7.16.2 (stable)',
  identity: 'wire-dish-b',
  // W60G comes with the `wireless` package (https://manual.mikrotik.com/docs/wireless/w60g/).
  packages: ['routeros', 'wireless'],
  board: {
    ...SMALL_V7_BOARD,
    boardName: 'Wireless Wire Dish',
    model: 'RBLHGG-60ad',
    serialNumber: 'B8A60B2E4F10',
    firmwareType: 'ipq4000L',
    architecture: 'arm',
    cpu: 'ARMv7',
    cpuFrequencyMhz: 716,
    totalMemoryBytes: 256 * MIB,
    freeMemoryBytes: 201_326_592,
    totalHddBytes: 16 * MIB,
    freeHddBytes: 3_620_864,
  },
  buildTime: '2024-12-11 09:04:52',
  uptimeSeconds: 41 * 86_400 + 7_212,
  latestVersion: '7.16.2',
  sensors: [
    { name: 'voltage', value: '24.3', type: 'V' },
    { name: 'temperature', value: '38', type: 'C' },
  ],
  interfaces: {
    macPrefix: '04:D6:AA:60:10',
    ports: ports('ether', 1, '1Gbps'),
    w60g: ['wlan60-1'],
    bridge: { name: 'bridge', ports: ['ether1', 'wlan60-1'] },
    linkUpTime: '2025-10-27 16:02:11',
  },
  extras: [
    W60G_STATION_V7,
    NO_WIFI_CLIENTS,
    accessRoutesDataset({
      v7: true,
      gateway: '192.168.88.1',
      wan: 'bridge',
      defaultFrom: 'static',
      connected: [{ dst: '192.168.88.0/24', iface: 'bridge', address: '192.168.88.3' }],
    }),
  ],
});

/** Built-in profiles by id, in `mixed` order. Frozen: routers share them. */
export const PROFILES: Readonly<Record<string, RouterProfile>> = Object.freeze({
  [hapAc2V6.id]: hapAc2V6,
  [rb750V6Legacy.id]: rb750V6Legacy,
  [hexV7.id]: hexV7,
  [rb4011V79.id]: rb4011V79,
  [chrV718.id]: chrV718,
  [ccr2004V7.id]: ccr2004V7,
  [ccr1036Pppoe.id]: ccr1036Pppoe,
  [hapAx3Wifi.id]: hapAx3Wifi,
  [hapAx2Wave2.id]: hapAx2Wave2,
  [chateauLte.id]: chateauLte,
  [crs328Poe.id]: crs328Poe,
  [wirelessWire.id]: wirelessWire,
});

/** Selections `profilesFor` accepts besides a profile id. */
export const PROFILE_SELECTIONS = ['mixed', 'v6', 'v7'] as const;

/**
 * The profiles of `count` routers: `mixed` cycles through every profile, `v6`/`v7` through those of
 * that major version, a profile id repeats that profile. Throws on an unknown selection.
 */
export function profilesFor(selection: string, count: number): RouterProfile[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`count: must be a non-negative integer, got ${count}`);
  const all = Object.values(PROFILES);
  let pool: RouterProfile[];
  if (selection === 'mixed') pool = all;
  else if (selection === 'v6' || selection === 'v7') {
    const major = Number(selection.slice(1));
    pool = all.filter((profile) => parseRosVersion(profile.version).major === major);
  } else {
    const profile = PROFILES[selection];
    if (!profile) {
      const known = [...PROFILE_SELECTIONS, ...Object.keys(PROFILES)].join(', ');
      throw new Error(`profile: unknown profile "${selection}" (known: ${known})`);
    }
    pool = [profile];
  }
  return Array.from({ length: count }, (_, index) => pool[index % pool.length]!);
}
