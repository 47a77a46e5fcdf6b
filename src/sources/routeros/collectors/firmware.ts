/**
 * `firmware`: installed and available RouterOS version from `/system/package/update` and the
 * RouterBOOT firmware from `/system/routerboard`. It only reads what the router already knows: it
 * never runs `check-for-updates`, which makes the router call home, so `latest-version` is as
 * fresh as the router's own last check (absent until one ran). Hourly.
 */
import type { Row } from '../client/api.js';
import { parseVersion, type RouterOsVersion } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, Sample } from './collector.js';
import { gauge, info } from './support/define.js';
import { printOptionalRows, printRows } from './support/fetch.js';
import { readText } from './support/rows.js';
import { SampleList } from './support/samples.js';

export const FIRMWARE_INFO = info(
  'routeros.firmware.info',
  'RouterOS version installed and latest on the update channel, RouterBOOT firmware running and installed; always 1.',
  ['installed_version', 'latest_version', 'current_firmware', 'upgrade_firmware', 'channel'],
);
export const FIRMWARE_UPDATE_AVAILABLE = gauge(
  'routeros.firmware.update.available',
  '',
  'Whether the update channel offers a newer RouterOS than the installed one (1) or not (0), as of the router\'s last check.',
);
export const FIRMWARE_ROUTERBOOT_UPGRADE_AVAILABLE = gauge(
  'routeros.firmware.routerboot.upgrade.available',
  '',
  'Whether a newer RouterBOOT firmware is installed than the one running (1: /system/routerboard/upgrade and a reboot apply it) or not (0).',
);

export const PACKAGE_UPDATE_PATH = '/system/package/update';
export const ROUTERBOARD_PATH = '/system/routerboard';
/** `installed-version` (older v6 releases: `current-version`), `latest-version`, `channel`, `status`. */
export const PACKAGE_UPDATE_PROPLIST: readonly string[] = ['channel', 'installed-version', 'current-version', 'latest-version', 'status'];
export const ROUTERBOARD_FIRMWARE_PROPLIST: readonly string[] = ['routerboard', 'current-firmware', 'upgrade-firmware'];

/** The firmware family runs hourly: versions change with upgrades and the router's own update checks. */
export const FIRMWARE_INTERVAL_MILLIS = 3_600_000;

/** The rows `firmware` maps. */
export interface FirmwareRows {
  readonly update: readonly Row[];
  /** Empty on boards without `/system/routerboard`. */
  readonly routerboard: readonly Row[];
}

/** Reads both menus; only a missing `/system/routerboard` is tolerated. */
export async function fetchFirmware(context: CollectContext): Promise<FirmwareRows> {
  const [update, routerboard] = await Promise.all([
    printRows(context, PACKAGE_UPDATE_PATH, PACKAGE_UPDATE_PROPLIST),
    printOptionalRows(context, ROUTERBOARD_PATH, ROUTERBOARD_FIRMWARE_PROPLIST),
  ]);
  return { update, routerboard };
}

/** Orders two versions: `7.16.1` > `7.16` > `7.16rc1` > `7.15.3`. */
export function compareVersions(a: RouterOsVersion, b: RouterOsVersion): number {
  const parts = [a.major - b.major, a.minor - b.minor, a.patch - b.patch];
  const difference = parts.find((part) => part !== 0);
  if (difference !== undefined) return Math.sign(difference);
  if (a.text === b.text) return 0;
  // Same numbers, different text: a pre-release (`7.16rc1`, `7.1beta4`) is older than the release.
  const preRelease = (version: RouterOsVersion): boolean => /[a-z]/i.test(version.text);
  if (preRelease(a) !== preRelease(b)) return preRelease(a) ? -1 : 1;
  return a.text < b.text ? -1 : 1;
}

/** 1 when `newer` is a later version than `current`, 0 when not, undefined when either is unknown. */
export function isNewer(newer: string | undefined, current: string | undefined): number | undefined {
  const a = parseVersion(newer);
  const b = parseVersion(current);
  if (a === undefined || b === undefined) return undefined;
  return compareVersions(a, b) > 0 ? 1 : 0;
}

function updateAvailable(row: Row, installed: string | undefined): number | undefined {
  const byVersion = isNewer(readText(row, 'latest-version'), installed);
  if (byVersion !== undefined) return byVersion;
  // Without a latest version the status text is all there is.
  const status = readText(row, 'status')?.toLowerCase() ?? '';
  if (status.includes('new version is available')) return 1;
  if (status.includes('already up to date')) return 0;
  return undefined;
}

/** Maps the update and routerboard rows to samples. Pure. */
export function mapFirmware(rows: FirmwareRows): Sample[] {
  const list = new SampleList();
  const update = rows.update[0];
  if (update === undefined) return list.samples;
  const board = rows.routerboard[0] ?? {};
  const installed = readText(update, 'installed-version') ?? readText(update, 'current-version');
  const hasBoard = board['routerboard'] !== 'false';
  const currentFirmware = hasBoard ? readText(board, 'current-firmware') : undefined;
  const upgradeFirmware = hasBoard ? readText(board, 'upgrade-firmware') : undefined;
  list.addInfo(FIRMWARE_INFO, {
    installed_version: installed,
    latest_version: readText(update, 'latest-version'),
    current_firmware: currentFirmware,
    upgrade_firmware: upgradeFirmware,
    channel: readText(update, 'channel'),
  });
  list.add(FIRMWARE_UPDATE_AVAILABLE, {}, updateAvailable(update, installed));
  list.add(FIRMWARE_ROUTERBOOT_UPGRADE_AVAILABLE, {}, isNewer(upgradeFirmware, currentFirmware));
  return list.samples;
}

export const firmwareCollector: Collector = {
  name: 'firmware',
  defaultEnabled: true,
  summary:
    'Installed and available RouterOS version and RouterBOOT firmware, with update/upgrade-available flags; reads the router\'s last update check, never triggers one; hourly.',
  paths: [PACKAGE_UPDATE_PATH, ROUTERBOARD_PATH],
  metrics: [FIRMWARE_INFO, FIRMWARE_UPDATE_AVAILABLE, FIRMWARE_ROUTERBOOT_UPGRADE_AVAILABLE],
  defaultIntervalMillis: FIRMWARE_INTERVAL_MILLIS,
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    return { samples: mapFirmware(await fetchFirmware(context)) };
  },
};
