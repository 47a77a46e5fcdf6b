/**
 * The `wireless` family (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/), one variant per stack:
 *
 * - {@link WIRELESS_AP_V6}: a legacy `wireless` AP (hAP ac²); the package's CAPsMAN menus are empty;
 * - {@link CAPSMAN_LEGACY_V6}: a legacy CAPsMAN controller (`/caps-man/*`) with clients on CAP interfaces;
 * - {@link WIFIWAVE2_AP_V7_12}: a `wifiwave2` AP on 7.12;
 * - {@link WIFI_AP_V7}: a `wifi` (wifi-qcom) AP on 7.15+;
 * - {@link CAPSMAN_WIFI_V7}: a 7.15+ `wifi` CAPsMAN controller, whose registration table lists the
 *   clients of every CAP interface (`cap-wifi*`).
 *
 * Registration rows use each stack's field names: legacy `signal-strength` (`-71dBm@6Mbps`),
 * CAPsMAN `rx-signal`, wifi/wifiwave2 `signal`; `bytes` is `tx,rx`. Uptimes tick; bytes are static
 * (a `tx,rx` pair is not a counter the simulator can grow).
 */
import type { MonitorData, SimRow } from '../profile.js';
import { itemId, unitFraction, type DatasetPart } from './dataset.js';
import { DHCP_V6_SERVER, dhcpLeaseMac } from './dhcp.js';

/** A radio or CAP interface and who is on it. */
export interface WirelessInterfaceSpec {
  name: string;
  ssid: string;
  /** Interface band (`2ghz-b/g/n`, `5ghz-ax`); wifi rows report it per client. */
  band: string;
  clients: number;
}

type Style = 'wireless' | 'caps-man' | 'wifi';

function mac(seed: number): string {
  const bytes = [0x02, 0x4d, 0x54, (seed >> 16) & 0xff, (seed >> 8) & 0xff, seed & 0xff];
  return bytes.map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

function clientRow(style: Style, iface: WirelessInterfaceSpec, index: number, id: number, macOf: (id: number) => string): SimRow {
  const seed = `${iface.name}/${index}`;
  const signal = -45 - Math.floor(unitFraction(`${seed}/signal`) * 35);
  const fiveGhz = iface.band.startsWith('5');
  const txRate = fiveGhz ? '866.7Mbps-80MHz/2S/SGI' : '144.4Mbps-20MHz/2S/SGI';
  const rxRate = fiveGhz ? '780Mbps-80MHz/2S' : '130Mbps-20MHz/2S';
  const txBytes = 1_000_000 + Math.floor(unitFraction(`${seed}/tx`) * 5e9);
  const rxBytes = 500_000 + Math.floor(unitFraction(`${seed}/rx`) * 1e9);
  const uptime = `${1 + Math.floor(unitFraction(`${seed}/up`) * 20)}h${Math.floor(unitFraction(`${seed}/m`) * 60)}m`;
  const row: SimRow = {
    '.id': itemId(id),
    interface: iface.name,
    'mac-address': macOf(id),
    uptime,
    'last-activity': '30ms',
    'tx-rate': txRate,
    'rx-rate': rxRate,
    packets: `${Math.floor(txBytes / 900)},${Math.floor(rxBytes / 700)}`,
    bytes: `${txBytes},${rxBytes}`,
  };
  if (style === 'wireless') Object.assign(row, { 'signal-strength': `${signal}dBm@6Mbps`, 'signal-to-noise': String(signal + 95), 'tx-ccq': '91', ap: 'false', wds: 'false' });
  if (style === 'caps-man') Object.assign(row, { ssid: iface.ssid, 'rx-signal': String(signal) });
  if (style === 'wifi') Object.assign(row, { ssid: iface.ssid, band: iface.band, signal: String(signal), 'auth-type': 'wpa2-psk', authorized: 'true' });
  return row;
}

/** Registration rows of `interfaces` in one stack's field style; `macOf` gives the MAC of the client numbered from 1. */
export function registrationRows(style: Style, interfaces: readonly WirelessInterfaceSpec[], macOf: (id: number) => string = mac): SimRow[] {
  const rows: SimRow[] = [];
  for (const iface of interfaces) {
    for (let index = 0; index < iface.clients; index += 1) rows.push(clientRow(style, iface, index, rows.length + 1, macOf));
  }
  return rows;
}

/**
 * `<menu>/monitor =once=` of each radio: legacy `wireless` reports noise floor, overall CCQ and
 * `registered-clients`; `wifi`/`wifiwave2` report `registered-peers` and `authorized-peers`
 * (https://help.mikrotik.com/docs/spaces/ROS/pages/224559120/WiFi; akpw/mktxp `wlan_collector.py`).
 */
export function monitorRows(style: Style, interfaces: readonly WirelessInterfaceSpec[]): MonitorData {
  const rows: MonitorData = {};
  for (const iface of interfaces) {
    const fiveGhz = iface.band.startsWith('5');
    const seed = `${iface.name}/monitor`;
    rows[iface.name] =
      style === 'wireless'
        ? {
            status: 'running-ap',
            channel: fiveGhz ? '5180/20-Ceee/ac' : '2412/20-Ce/gn',
            'wireless-protocol': '802.11',
            'noise-floor': String(-102 - Math.floor(unitFraction(seed) * 8)),
            'overall-tx-ccq': String(70 + Math.floor(unitFraction(`${seed}/ccq`) * 28)),
            'registered-clients': String(iface.clients),
            'authenticated-clients': String(iface.clients),
          }
        : {
            state: 'running-ap',
            channel: fiveGhz ? '5180/ax/Ceee' : '2412/ax/Ce',
            'registered-peers': String(iface.clients),
            'authorized-peers': String(iface.clients),
          };
  }
  return rows;
}

function interfaceRows(interfaces: readonly WirelessInterfaceSpec[], extra: (iface: WirelessInterfaceSpec) => SimRow): SimRow[] {
  return interfaces.map((iface, index) => ({ '.id': itemId(index + 1), name: iface.name, disabled: 'false', running: 'true', ...extra(iface) }));
}

const HOME_RADIOS: readonly WirelessInterfaceSpec[] = [
  { name: 'wlan1', ssid: 'home', band: '2ghz-b/g/n', clients: 3 },
  { name: 'wlan2', ssid: 'home-5g', band: '5ghz-a/n/ac', clients: 5 },
];

/**
 * The home AP's clients hold the first bound leases of the v6 home DHCP server (so a host-name lookup
 * finds them), except the last one, which has a static address and no lease.
 */
function homeClientMac(id: number): string {
  const leased = HOME_RADIOS.reduce((sum, iface) => sum + iface.clients, 0) - 1;
  return id <= leased ? dhcpLeaseMac(DHCP_V6_SERVER, id - 1) : mac(id);
}

/** A legacy `wireless` AP on v6 (two radios); `/caps-man/*` exists (same package) but is empty. */
export const WIRELESS_AP_V6: DatasetPart = {
  menus: {
    '/interface/wireless': {
      rows: interfaceRows(HOME_RADIOS, (iface) => ({ mode: 'ap-bridge', ssid: iface.ssid, band: iface.band })),
    },
    '/interface/wireless/registration-table': { rows: registrationRows('wireless', HOME_RADIOS, homeClientMac), clocks: ['uptime'] },
    '/caps-man/registration-table': { rows: [] },
    '/caps-man/interface': { rows: [] },
  },
  monitors: { '/interface/wireless/monitor': monitorRows('wireless', HOME_RADIOS) },
};

const LEGACY_CAPS: readonly WirelessInterfaceSpec[] = [
  { name: 'cap-lobby-1', ssid: 'corp', band: '2ghz-b/g/n', clients: 12 },
  { name: 'cap-lobby-2', ssid: 'corp-5g', band: '5ghz-a/n/ac', clients: 20 },
  { name: 'cap-office-1', ssid: 'corp', band: '2ghz-b/g/n', clients: 4 },
  { name: 'cap-office-2', ssid: 'corp-5g', band: '5ghz-a/n/ac', clients: 9 },
];

/** A legacy CAPsMAN controller on v6 managing two CAPs (two radios each). */
export const CAPSMAN_LEGACY_V6: DatasetPart = {
  menus: {
    '/interface/wireless': { rows: [] },
    '/interface/wireless/registration-table': { rows: [] },
    '/caps-man/registration-table': { rows: registrationRows('caps-man', LEGACY_CAPS), clocks: ['uptime'] },
    '/caps-man/interface': {
      rows: LEGACY_CAPS.map((iface, index) => ({
        '.id': itemId(index + 1),
        name: iface.name,
        configuration: iface.ssid === 'corp' ? 'cfg-2g' : 'cfg-5g',
        'mac-address': mac(0x100 + index),
        'current-state': 'running-ap',
        'current-channel': iface.band.startsWith('5') ? '5180/20-Ceee/ac' : '2437/20-Ce/gn',
        'current-registered-clients': String(iface.clients),
      })),
    },
    '/caps-man/remote-cap': {
      rows: [
        { '.id': '*1', identity: 'cap-lobby', version: '6.49.10', 'base-mac': mac(0x200), board: 'cAP ac', address: '192.168.88.2', state: 'Run' },
        { '.id': '*2', identity: 'cap-office', version: '6.49.10', 'base-mac': mac(0x201), board: 'cAP ac', address: '192.168.88.3', state: 'Run' },
      ],
    },
  },
};

const WAVE2_RADIOS: readonly WirelessInterfaceSpec[] = [
  { name: 'wifi1', ssid: 'home', band: '5ghz-ax', clients: 4 },
  { name: 'wifi2', ssid: 'home', band: '2ghz-ax', clients: 2 },
];

/** A `wifiwave2` AP on 7.12 (hAP ax² style). */
export const WIFIWAVE2_AP_V7_12: DatasetPart = {
  menus: {
    '/interface/wifiwave2': {
      rows: interfaceRows(WAVE2_RADIOS, (iface) => ({ 'configuration.ssid': iface.ssid, 'configuration.mode': 'ap', 'channel.band': iface.band })),
    },
    '/interface/wifiwave2/registration-table': { rows: registrationRows('wifi', WAVE2_RADIOS), clocks: ['uptime'] },
  },
  monitors: { '/interface/wifiwave2/monitor': monitorRows('wifi', WAVE2_RADIOS) },
};

const WIFI_RADIOS: readonly WirelessInterfaceSpec[] = [
  { name: 'wifi1', ssid: 'office', band: '5ghz-ax', clients: 7 },
  { name: 'wifi2', ssid: 'office', band: '2ghz-ax', clients: 3 },
];

/** A `wifi` AP on 7.15+ with the wifi-qcom driver. */
export const WIFI_AP_V7: DatasetPart = {
  menus: {
    '/interface/wifi': {
      rows: interfaceRows(WIFI_RADIOS, (iface) => ({ 'configuration.ssid': iface.ssid, 'configuration.mode': 'ap', 'channel.band': iface.band })),
    },
    '/interface/wifi/registration-table': { rows: registrationRows('wifi', WIFI_RADIOS), clocks: ['uptime'] },
  },
  monitors: { '/interface/wifi/monitor': monitorRows('wifi', WIFI_RADIOS) },
};

const WIFI_CAPS: readonly WirelessInterfaceSpec[] = [
  { name: 'cap-wifi1', ssid: 'campus', band: '5ghz-ax', clients: 25 },
  { name: 'cap-wifi2', ssid: 'campus', band: '2ghz-ax', clients: 8 },
  { name: 'cap-wifi3', ssid: 'campus', band: '5ghz-ax', clients: 31 },
  { name: 'cap-wifi4', ssid: 'campus-guest', band: '2ghz-ax', clients: 6 },
];

/** A 7.15+ `wifi` CAPsMAN controller (base package, no local radio) managing two cAP ax. */
export const CAPSMAN_WIFI_V7: DatasetPart = {
  menus: {
    '/interface/wifi': {
      // `configuration` is the provisioned configuration profile's name.
      rows: interfaceRows(WIFI_CAPS, (iface) => ({
        configuration: iface.ssid === 'campus' ? 'cfg-campus' : 'cfg-guest',
        'configuration.ssid': iface.ssid,
        'configuration.mode': 'ap',
        'channel.band': iface.band,
        'configuration.manager': 'capsman',
      })),
    },
    '/interface/wifi/registration-table': { rows: registrationRows('wifi', WIFI_CAPS), clocks: ['uptime'] },
    '/interface/wifi/capsman/remote-cap': {
      rows: [
        { '.id': '*1', identity: 'cap-ax-hall', version: '7.16.1', 'base-mac': mac(0x300), board: 'cAPGi-5HaxD2HaxD', address: '10.10.0.2', state: 'ok' },
        { '.id': '*2', identity: 'cap-ax-lab', version: '7.16.1', 'base-mac': mac(0x301), board: 'cAPGi-5HaxD2HaxD', address: '10.10.0.3', state: 'ok' },
      ],
    },
  },
  // The controller monitors its CAPs' interfaces as if they were local.
  monitors: { '/interface/wifi/monitor': monitorRows('wifi', WIFI_CAPS) },
};
