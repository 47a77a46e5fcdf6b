/**
 * The `system` family: `/system/resource`, `/system/identity`, `/system/routerboard`,
 * `/system/package`, `/system/package/update` and `/system/clock` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/,
 * §1.6, §1.20).
 */
import type { SimRow } from '../profile.js';
import { formatDuration, formatRosDate, parseRosVersion } from '../version.js';
import { itemId, type DatasetPart } from './dataset.js';

/** Hardware of a simulated board. */
export interface BoardSpec {
  /** `/system/resource` `board-name`: `hAP ac^2`, `CCR2004-16G-2S+`, `CHR QEMU Standard PC (i440FX + PIIX, 1996)`. */
  boardName: string;
  /** RouterBOARD model (`RBD52G-5HacD2HnD`); absent on CHR, which reports `routerboard=false`. */
  model?: string;
  serialNumber?: string;
  /** `firmware-type` of the bootloader: `ipq4000L`, `al2`. */
  firmwareType?: string;
  /** Bootloader version the board left the factory with. */
  factoryFirmware?: string;
  revision?: string;
  /** `architecture-name`: `arm`, `arm64`, `mmips`, `x86_64`, `tile`. */
  architecture: string;
  /** `cpu`: `ARMv7`, `MIPS 1004Kc V2.15`, `Intel(R)`. */
  cpu: string;
  cpuCount: number;
  cpuFrequencyMhz: number;
  cpuLoadPercent: number;
  totalMemoryBytes: number;
  freeMemoryBytes: number;
  totalHddBytes: number;
  freeHddBytes: number;
  /** RouterOS version the board shipped with (`factory-software`). */
  factorySoftware: string;
  /** Flash wear counters; absent on boards that do not report them. */
  writeSectors?: { sinceReboot: number; total: number };
  badBlocksPercent?: number;
}

/** Options of {@link systemDataset}. */
export interface SystemSpec {
  /** Full version string: `7.16.1 (stable)`. */
  version: string;
  /** Factory identity; the simulated router answers its own name instead. */
  identity: string;
  board: BoardSpec;
  /** Installed packages, in `/system/package` order. */
  packages: readonly string[];
  /** Build time as `yyyy-mm-dd HH:MM:SS`; rendered in the version's date format. */
  buildTime: string;
  /** Uptime when the simulation starts, in seconds; it then ticks with the clock. */
  uptimeSeconds: number;
  /** Newest version on the update channel (`/system/package/update`); the installed one when absent. */
  latestVersion?: string;
  /** `/system/clock` zone; RouterOS' default (`manual`, `+00:00`) when absent. */
  timeZone?: TimeZoneSpec;
}

/** The router's zone: an IANA `time-zone-name` (or `manual`) and the `gmt-offset` in force. */
export interface TimeZoneSpec {
  name: string;
  /** `+02:00`, `-05:00`. */
  gmtOffset: string;
}

/**
 * `/system/clock` without `time` and `date`, which the model renders from its clock in the zone
 * (https://help.mikrotik.com/docs/spaces/ROS/pages/40992869/Clock).
 */
export function clockRow(zone: TimeZoneSpec | undefined): SimRow {
  return {
    'time-zone-autodetect': zone === undefined ? 'false' : 'true',
    'time-zone-name': zone?.name ?? 'manual',
    'gmt-offset': zone?.gmtOffset ?? '+00:00',
    'dst-active': 'false',
  };
}

/** Builds the `system` family for one board and version. */
export function systemDataset(spec: SystemSpec): DatasetPart {
  const version = parseRosVersion(spec.version);
  const board = spec.board;
  const buildTime = formatRosDate(spec.buildTime, version);
  const resource: SimRow = {
    uptime: formatDuration(spec.uptimeSeconds),
    version: spec.version,
    'build-time': buildTime,
    'factory-software': board.factorySoftware,
    'free-memory': String(board.freeMemoryBytes),
    'total-memory': String(board.totalMemoryBytes),
    cpu: board.cpu,
    'cpu-count': String(board.cpuCount),
    'cpu-frequency': String(board.cpuFrequencyMhz),
    'cpu-load': String(board.cpuLoadPercent),
    'free-hdd-space': String(board.freeHddBytes),
    'total-hdd-space': String(board.totalHddBytes),
    ...(board.writeSectors
      ? {
          'write-sect-since-reboot': String(board.writeSectors.sinceReboot),
          'write-sect-total': String(board.writeSectors.total),
        }
      : {}),
    ...(board.badBlocksPercent === undefined ? {} : { 'bad-blocks': String(board.badBlocksPercent) }),
    'architecture-name': board.architecture,
    'board-name': board.boardName,
    platform: 'MikroTik',
  };
  const routerboard: SimRow =
    board.model === undefined
      ? { routerboard: 'false' }
      : {
          routerboard: 'true',
          'board-name': board.boardName,
          model: board.model,
          ...(board.revision === undefined ? {} : { revision: board.revision }),
          'serial-number': board.serialNumber ?? 'HG0000000000',
          'firmware-type': board.firmwareType ?? 'unknown',
          'factory-firmware': board.factoryFirmware ?? board.factorySoftware,
          'current-firmware': version.text,
          'upgrade-firmware': version.text,
        };
  const packages = spec.packages.map(
    (name, index): SimRow => ({
      '.id': itemId(index + 1),
      name,
      version: version.text,
      'build-time': buildTime,
      scheduled: '',
      disabled: 'false',
    }),
  );
  const latest = spec.latestVersion ?? version.text;
  return {
    menus: {
      '/system/resource': { rows: [resource], clocks: ['uptime'] },
      '/system/identity': { rows: [{ name: spec.identity }] },
      '/system/clock': { rows: [clockRow(spec.timeZone)] },
      '/system/routerboard': { rows: [routerboard] },
      '/system/package': { rows: packages },
      '/system/package/update': {
        rows: [
          {
            channel: version.major >= 7 ? 'stable' : 'long-term',
            'installed-version': version.text,
            'latest-version': latest,
            status: latest === version.text ? 'System is already up to date' : 'New version is available',
          },
        ],
      },
    },
  };
}
