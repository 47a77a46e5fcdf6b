/**
 * The switch chip of a board (`/interface/ethernet/switch`) and its per-port statistics
 * (`/interface/ethernet/switch/port`, `print stats`), field names as akpw/mktxp reads them and
 * https://help.mikrotik.com/docs/spaces/ROS/pages/15302988/Switch+Chip+Features#SwitchChipFeatures-Statistics
 * describes. Counters grow on ports with a link; one port counts FCS and alignment errors (a bad
 * cable), and the CPU port reports per-lane `driver-*` pairs (`12,34`) as some chips do.
 */
import type { SimRow } from '../profile.js';
import { itemId, unitFraction, type DatasetPart } from './dataset.js';

/** A switch chip and the ports on it. */
export interface SwitchSpec {
  /** `switch1`. */
  name: string;
  /** `/interface/ethernet/switch` type: `MT7621`, `QCA8337`, `Marvell-98DX3236`. */
  type: string;
  /** Ports on the chip; `link: false` ones count nothing. */
  ports: readonly { name: string; link?: boolean }[];
  /** The port with a bad cable (FCS and alignment errors). */
  faultyPort?: string;
}

const GROWTH = {
  'rx-bytes': 90_000,
  'tx-bytes': 150_000,
  'rx-broadcast': 2,
  'tx-broadcast': 3,
  'rx-multicast': 5,
  'tx-multicast': 6,
  'rx-pause': 0.01,
  'tx-pause': 0.01,
  'rx-drop': 0.02,
  'tx-drop': 0.01,
};

function portRow(spec: SwitchSpec, port: { name: string; link?: boolean }, index: number): SimRow {
  const base = (field: string, scale: number): string => String(Math.floor(unitFraction(`${spec.name}/${port.name}/${field}`) * scale));
  const faulty = port.name === spec.faultyPort;
  return {
    '.id': itemId(index + 1),
    name: port.name,
    switch: spec.name,
    running: String(port.link !== false),
    'rx-bytes': base('rx-bytes', 5e10),
    'tx-bytes': base('tx-bytes', 8e10),
    'rx-broadcast': base('rx-broadcast', 2e6),
    'tx-broadcast': base('tx-broadcast', 3e6),
    'rx-multicast': base('rx-multicast', 5e6),
    'tx-multicast': base('tx-multicast', 6e6),
    'rx-pause': '0',
    'tx-pause': '0',
    'rx-fcs-error': faulty ? '1873' : '0',
    'rx-align-error': faulty ? '412' : '0',
    'rx-fragment': faulty ? '96' : '0',
    'rx-overflow': '0',
    'rx-drop': base('rx-drop', 1e3),
    'tx-underrun': '0',
    'tx-collision': '0',
    'tx-deferred': '0',
    'tx-drop': base('tx-drop', 5e2),
  };
}

/** `/interface/ethernet/switch` and its port statistics for one chip. */
export function switchDataset(spec: SwitchSpec): DatasetPart {
  const cpu: SimRow = {
    '.id': itemId(spec.ports.length + 1),
    name: `${spec.name}-cpu`,
    switch: spec.name,
    running: 'true',
    'driver-rx-byte': '1204455,998877',
    'driver-rx-packet': '10233,8871',
    'driver-tx-byte': '2211334,1100223',
    'driver-tx-packet': '20111,9987',
  };
  return {
    menus: {
      '/interface/ethernet/switch': { rows: [{ '.id': '*0', name: spec.name, type: spec.type, 'mirror-source': 'none', 'mirror-target': 'none' }] },
      '/interface/ethernet/switch/port': { rows: [...spec.ports.map((port, index) => portRow(spec, port, index)), cpu], growth: GROWTH },
    },
  };
}
