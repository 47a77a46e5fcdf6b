/**
 * The `interfaces` family: `/interface` (with counters), `/interface/ethernet` and
 * `/interface/ethernet/monitor` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). Counters start from deterministic
 * per-interface values and grow at per-interface rates (see MenuData.growth and the router model).
 */
import type { MonitorData, SimRow } from '../profile.js';
import { formatRosDate, parseRosVersion, type RosVersion } from '../version.js';
import { itemId, unitFraction, type DatasetPart } from './dataset.js';

/** One physical port. */
export interface EthernetPortSpec {
  /** `ether1`, `sfp-sfpplus1`; also the `default-name`. */
  name: string;
  /** Negotiated rate while the link is up: `100Mbps`, `1Gbps`, `10Gbps`. */
  rate: string;
  /** SFP cage with a module: adds the `sfp-*` monitor fields. */
  sfp?: boolean;
  /** Cable plugged and link up. @default true */
  link?: boolean;
  comment?: string;
  /** Starting `rx-byte`/`tx-byte` as decimal strings, to put a busy uplink beyond 2^53. */
  rxBytes?: string;
  txBytes?: string;
}

/** VLAN interfaces on one parent: `vlan<first>`, `vlan<first+step>`, …. */
export interface VlanSpec {
  parent: string;
  firstId: number;
  count: number;
  /** @default 1 */
  step?: number;
}

/** Options of {@link interfacesDataset}. */
export interface InterfacesSpec {
  /** Full version string; decides the date format and the v7 `lo` interface. */
  version: string;
  /** First five MAC octets (`48:8F:5A:1C:2D`); the sixth numbers the ports. */
  macPrefix: string;
  ports: readonly EthernetPortSpec[];
  /** Wireless interfaces (`wlan1`, …): listed in `/interface` as type `wlan`. */
  wireless?: readonly string[];
  /** 60 GHz interfaces (`wlan60-1`, type `w60g`). */
  w60g?: readonly string[];
  bridge?: { name: string; ports: readonly string[] };
  vlans?: readonly VlanSpec[];
  /** Virtual machine (CHR): no L2 MTU, no fast-path traffic. */
  virtual?: boolean;
  /** `max-l2mtu` of the switch chip. @default 9214 */
  maxL2mtu?: number;
  /** When links last came up, `yyyy-mm-dd HH:MM:SS`. */
  linkUpTime: string;
}

/** Per-row units per second before the per-interface factor (0.1×–10×, see RouterModel). */
const TRAFFIC_GROWTH: Record<string, number> = {
  'rx-byte': 150_000,
  'tx-byte': 60_000,
  'rx-packet': 160,
  'tx-packet': 90,
  'rx-drop': 0.002,
  'tx-drop': 0.001,
  'tx-queue-drop': 0.001,
  'rx-error': 0.0005,
  'tx-error': 0.0002,
};

const FAST_PATH_GROWTH: Record<string, number> = {
  'fp-rx-byte': 140_000,
  'fp-tx-byte': 55_000,
  'fp-rx-packet': 150,
  'fp-tx-packet': 80,
};

/** Deterministic starting counters of one interface, consistent between bytes and packets. */
function counters(seed: string, spec: { rxBytes?: string; txBytes?: string }, fastPath: boolean): SimRow {
  const rxBytes = BigInt(spec.rxBytes ?? String(Math.floor(unitFraction(`${seed}/rx`) * 40e9) + 60_000));
  const txBytes = BigInt(spec.txBytes ?? String(Math.floor(unitFraction(`${seed}/tx`) * 12e9) + 20_000));
  const packetBytes = BigInt(600 + Math.floor(unitFraction(`${seed}/size`) * 600));
  const rxPackets = rxBytes / packetBytes;
  const txPackets = txBytes / packetBytes;
  const row: SimRow = {
    'rx-byte': String(rxBytes),
    'tx-byte': String(txBytes),
    'rx-packet': String(rxPackets),
    'tx-packet': String(txPackets),
    'rx-error': '0',
    'tx-error': '0',
    'rx-drop': String(Math.floor(unitFraction(`${seed}/drop`) * 40)),
    'tx-drop': '0',
    'tx-queue-drop': String(Math.floor(unitFraction(`${seed}/qdrop`) * 12)),
  };
  // Fast path carries most routed traffic on hardware; it stays zero on CHR.
  row['fp-rx-byte'] = fastPath ? String((rxBytes * 9n) / 10n) : '0';
  row['fp-tx-byte'] = fastPath ? String((txBytes * 9n) / 10n) : '0';
  row['fp-rx-packet'] = fastPath ? String((rxPackets * 9n) / 10n) : '0';
  row['fp-tx-packet'] = fastPath ? String((txPackets * 9n) / 10n) : '0';
  return row;
}

function mac(prefix: string, index: number): string {
  return `${prefix}:${index.toString(16).toUpperCase().padStart(2, '0')}`;
}

function advertising(version: RosVersion, rate: string): string {
  const tenGig = rate.startsWith('10G');
  if (version.major < 7) return tenGig ? '10000M-full' : '10M-half,10M-full,100M-half,100M-full,1000M-half,1000M-full';
  return tenGig ? '10G-baseSR-LR,10G-baseCR' : '10M-baseT-half,10M-baseT-full,100M-baseT-half,100M-baseT-full,1G-baseT-half,1G-baseT-full';
}

/** The `/interface/ethernet/monitor` row of one port. */
export function ethernetMonitorRow(version: RosVersion, port: EthernetPortSpec): SimRow {
  const link = port.link ?? true;
  const row: SimRow = {
    name: port.name,
    status: link ? 'link-ok' : 'no-link',
    'auto-negotiation': link ? 'done' : 'incomplete',
    ...(link ? { rate: port.rate, 'full-duplex': 'true' } : {}),
    'tx-flow-control': 'false',
    'rx-flow-control': 'false',
    advertising: advertising(version, port.rate),
    ...(link ? { 'link-partner-advertising': advertising(version, port.rate) } : {}),
  };
  if (port.sfp) {
    Object.assign(row, {
      'sfp-module-present': 'true',
      'sfp-rx-loss': link ? 'false' : 'true',
      'sfp-tx-fault': 'false',
      'sfp-type': 'SFP/SFP+/SFP28/SFP56',
      'sfp-connector-type': 'LC',
      'sfp-vendor-name': 'MikroTik',
      'sfp-vendor-part-number': 'S+85DLC03D',
      'sfp-temperature': String(34 + Math.floor(unitFraction(`${port.name}/t`) * 12)),
      'sfp-supply-voltage': '3.287',
      'sfp-tx-bias-current': '7',
      'sfp-tx-power': '-2.336',
      'sfp-rx-power': link ? '-2.915' : '-40',
      'sfp-wavelength': '850nm',
    });
  }
  return row;
}

/** Builds the interface family of one board. */
export function interfacesDataset(spec: InterfacesSpec): DatasetPart {
  const version = parseRosVersion(spec.version);
  const fastPath = !spec.virtual;
  const linkUp = formatRosDate(spec.linkUpTime, version);
  const bridged = new Set(spec.bridge?.ports ?? []);
  const rows: SimRow[] = [];
  const ethernet: SimRow[] = [];
  const monitor: MonitorData = {};
  let nextId = 1;
  const macs = new Map<string, string>();

  if (version.major >= 7) {
    rows.push({
      '.id': itemId(nextId++),
      name: 'lo',
      type: 'loopback',
      mtu: '65536',
      'actual-mtu': '65536',
      'mac-address': '00:00:00:00:00:00',
      running: 'true',
      disabled: 'false',
      ...counters('lo', {}, false),
      'link-downs': '0',
    });
  }

  spec.ports.forEach((port, index) => {
    const id = itemId(nextId++);
    const address = mac(spec.macPrefix, index + 1);
    const link = port.link ?? true;
    macs.set(port.name, address);
    rows.push({
      '.id': id,
      name: port.name,
      'default-name': port.name,
      type: 'ether',
      mtu: '1500',
      'actual-mtu': '1500',
      ...(spec.virtual ? {} : { l2mtu: '1598', 'max-l2mtu': String(spec.maxL2mtu ?? 9214) }),
      'mac-address': address,
      running: String(link),
      disabled: 'false',
      ...(bridged.has(port.name) ? { slave: 'true' } : {}),
      ...(port.comment === undefined ? {} : { comment: port.comment }),
      ...counters(port.name, port, fastPath),
      ...(link ? { 'last-link-up-time': linkUp, 'link-downs': '0' } : { 'link-downs': '1' }),
    });
    ethernet.push({
      '.id': id,
      name: port.name,
      'default-name': port.name,
      mtu: '1500',
      ...(spec.virtual ? {} : { l2mtu: '1598' }),
      'mac-address': address,
      'orig-mac-address': address,
      arp: 'enabled',
      'auto-negotiation': 'true',
      running: String(link),
      disabled: 'false',
    });
    monitor[port.name] = ethernetMonitorRow(version, port);
  });

  const radios = [...(spec.wireless ?? []).map((name) => ({ name, type: 'wlan' })), ...(spec.w60g ?? []).map((name) => ({ name, type: 'w60g' }))];
  radios.forEach(({ name, type }, index) => {
    const address = mac(spec.macPrefix, 0x80 + index);
    macs.set(name, address);
    rows.push({
      '.id': itemId(nextId++),
      name,
      'default-name': name,
      type,
      mtu: '1500',
      'actual-mtu': '1500',
      l2mtu: '1600',
      'max-l2mtu': '2290',
      'mac-address': address,
      running: 'true',
      disabled: 'false',
      ...(bridged.has(name) ? { slave: 'true' } : {}),
      ...counters(name, {}, fastPath),
      'last-link-up-time': linkUp,
      'link-downs': '0',
    });
  });

  if (spec.bridge) {
    const first = spec.bridge.ports[0];
    const address = (first === undefined ? undefined : macs.get(first)) ?? mac(spec.macPrefix, 0xf0);
    macs.set(spec.bridge.name, address);
    rows.push({
      '.id': itemId(nextId++),
      name: spec.bridge.name,
      type: 'bridge',
      mtu: 'auto',
      'actual-mtu': '1500',
      l2mtu: '1598',
      'mac-address': address,
      running: 'true',
      disabled: 'false',
      ...counters(spec.bridge.name, {}, fastPath),
      'last-link-up-time': linkUp,
      'link-downs': '0',
    });
  }

  // `/interface/vlan` lists the same VLANs with their id and parent, under the same `.id`.
  const vlanRows: SimRow[] = [];
  for (const vlans of spec.vlans ?? []) {
    const step = vlans.step ?? 1;
    for (let index = 0; index < vlans.count; index += 1) {
      const vlanId = vlans.firstId + index * step;
      const name = `vlan${vlanId}`;
      vlanRows.push({ '.id': itemId(nextId), name, 'vlan-id': String(vlanId), interface: vlans.parent, mtu: '1500', 'actual-mtu': '1500', running: 'true', disabled: 'false' });
      rows.push({
        '.id': itemId(nextId++),
        name,
        type: 'vlan',
        mtu: '1500',
        'actual-mtu': '1500',
        l2mtu: '1594',
        'mac-address': macs.get(vlans.parent) ?? mac(spec.macPrefix, 0xf1),
        running: 'true',
        disabled: 'false',
        comment: `vlan ${vlanId} on ${vlans.parent}`,
        ...counters(name, {}, fastPath),
        'last-link-up-time': linkUp,
        'link-downs': '0',
      });
    }
  }

  return {
    menus: {
      '/interface': { rows, growth: fastPath ? { ...TRAFFIC_GROWTH, ...FAST_PATH_GROWTH } : { ...TRAFFIC_GROWTH } },
      '/interface/ethernet': { rows: ethernet },
      '/interface/vlan': { rows: vlanRows },
    },
    monitors: { '/interface/ethernet/monitor': monitor },
  };
}
