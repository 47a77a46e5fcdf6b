/**
 * The `poe` family: `/interface/ethernet/poe` and `/interface/ethernet/poe/monitor`
 * (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/; field names from the PoE-Out manual and mktxp). {@link poeDataset}
 * builds a PoE switch: each port has a mode and a monitor status, powered ports a voltage, a
 * current (mA) and a power draw. Values are static, as a monitor `once` reads them.
 */
import type { MonitorData, SimRow } from '../profile.js';
import { itemId, unitFraction, type DatasetPart } from './dataset.js';

/** One PoE-out port. */
export interface PoePortSpec {
  name: string;
  /** `auto-on`, `forced-on` or `off`. @default auto-on */
  mode?: string;
  /** `poe-out-status`: `powered-on`, `waiting-for-load`, `short-circuit`, `overload`, … @default powered-on */
  status?: string;
  /** Draw in watts while powered. @default 2–10 W, deterministic per port */
  watts?: number;
  /** @default 10 */
  priority?: number;
}

/** Options of {@link poeDataset}. */
export interface PoeSpec {
  ports: readonly PoePortSpec[];
  /** Output voltage of powered ports (passive 24 V boards, 48–57 V af/at switches). */
  volts: number;
}

/** Builds `/interface/ethernet/poe` and its monitor. */
export function poeDataset(spec: PoeSpec): DatasetPart {
  const rows: SimRow[] = [];
  const monitor: MonitorData = {};
  spec.ports.forEach((port, index) => {
    const mode = port.mode ?? 'auto-on';
    const status = mode === 'off' ? 'disabled' : (port.status ?? 'powered-on');
    rows.push({ '.id': itemId(index + 1), name: port.name, 'poe-out': mode, 'poe-priority': String(port.priority ?? 10) });
    const row: SimRow = { 'poe-out': mode, 'poe-out-status': status };
    if (status === 'powered-on') {
      const watts = port.watts ?? Math.round((2 + unitFraction(`${port.name}/poe`) * 8) * 10) / 10;
      row['poe-out-voltage'] = spec.volts.toFixed(1);
      row['poe-out-current'] = String(Math.round((watts / spec.volts) * 1000));
      row['poe-out-power'] = watts.toFixed(1);
    }
    monitor[port.name] = row;
  });
  return { menus: { '/interface/ethernet/poe': { rows } }, monitors: { '/interface/ethernet/poe/monitor': monitor } };
}

/** A 802.3af/at switch (CRS328-24P style, first 8 ports): APs and cameras, one fault, one port off. */
export const POE_SWITCH_V7: DatasetPart = poeDataset({
  volts: 53.2,
  ports: [
    { name: 'ether1', watts: 12.4 },
    { name: 'ether2', watts: 11.8 },
    { name: 'ether3' },
    { name: 'ether4', status: 'waiting-for-load' },
    { name: 'ether5', mode: 'forced-on', status: 'short-circuit', priority: 5 },
    { name: 'ether6' },
    { name: 'ether7', status: 'waiting-for-load' },
    { name: 'ether8', mode: 'off' },
  ],
});

/** A passive 24 V router (hEX PoE style, ether2–ether5). */
export const POE_V6: DatasetPart = poeDataset({
  volts: 24.1,
  ports: [
    { name: 'ether2', watts: 4.5 },
    { name: 'ether3', status: 'waiting-for-load' },
    { name: 'ether4', status: 'voltage-too-low' },
    { name: 'ether5', mode: 'forced-on', status: 'overload', priority: 1 },
  ],
});
