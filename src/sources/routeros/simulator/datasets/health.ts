/**
 * The `health` family: `/system/health/print` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/).
 * v6 answers one flat record (`=voltage=24.1 =temperature=35`); v7 one row per sensor with
 * `name`/`value`/`type`. A board without sensors (CHR) has the menu but no rows, which 7.18+
 * answers with `!empty`; a board without the menu at all answers `no such command prefix`.
 */
import type { SimRow } from '../profile.js';
import { parseRosVersion } from '../version.js';
import { itemId, type DatasetPart } from './dataset.js';

/**
 * One sensor. `type` is the v7 unit: `C`, `V`, `W`, `A`, `RPM`, `''` for states, or a unit the
 * agent has no dedicated metric for (`%`, `dB`).
 */
export interface HealthSensor {
  name: string;
  value: string;
  type: 'C' | 'V' | 'W' | 'A' | 'RPM' | '%' | 'dB' | '';
}

/** Options of {@link healthDataset}. */
export interface HealthSpec {
  /** Full version string; v6 renders the flat record, v7 the rows. */
  version: string;
  /** Sensors in reply order; empty for boards that report none (CHR). */
  sensors: readonly HealthSensor[];
  /** Index of the first v7 row `.id` (real boards start around `*D`). @default 13 */
  firstId?: number;
}

/** Builds `/system/health` for a board and version. */
export function healthDataset(spec: HealthSpec): DatasetPart {
  const version = parseRosVersion(spec.version);
  let rows: SimRow[];
  if (version.major < 7) {
    rows = spec.sensors.length === 0 ? [] : [Object.fromEntries(spec.sensors.map((sensor) => [sensor.name, sensor.value]))];
  } else {
    const firstId = spec.firstId ?? 13;
    rows = spec.sensors.map((sensor, index) => ({
      '.id': itemId(firstId + index),
      name: sensor.name,
      value: sensor.value,
      type: sensor.type,
    }));
  }
  return { menus: { '/system/health': { rows } } };
}
