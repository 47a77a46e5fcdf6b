/**
 * RouterOS version arithmetic and the version-dependent value formats of the simulator
 * (the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API)§9, the RouterOS manual (https://help.mikrotik.com/docs/spaces/ROS/) and the recorded replies in test/fixtures/routeros/).
 */
import { parseVersion } from '../client/values.js';

/** A parsed RouterOS version: `7.16.1 (stable)` → 7, 16, 1. */
export interface RosVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The number alone, `7.16.1`. */
  readonly text: string;
}

/** Parses the leading number of a RouterOS version string; throws on anything else. */
export function parseRosVersion(version: string): RosVersion {
  const parsed = parseVersion(version);
  if (parsed === undefined) throw new Error(`version: not a RouterOS version: "${version}"`);
  return { major: parsed.major, minor: parsed.minor, patch: parsed.patch, text: parsed.text };
}

/** True when `version` is at least `major.minor.patch`. */
export function atLeast(version: RosVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** What a version changes in the API dialogue. */
export interface VersionFeatures {
  /** `/login =name= =password=` works (6.43+). */
  readonly plaintextLogin: boolean;
  /** `/login` answers a challenge (`!done =ret=`); removed in 6.45.1. */
  readonly challengeLogin: boolean;
  /** Print with no rows answers `!empty` before `!done` (7.18+). */
  readonly emptyReply: boolean;
  /** Dates as `yyyy-mm-dd HH:MM:SS` (7.10+) instead of `mmm/dd/yyyy HH:MM:SS`. */
  readonly isoDates: boolean;
  /** Text of the bad-credentials trap. */
  readonly badCredentialsMessage: string;
}

/** Derives the dialogue features of a version. */
export function featuresOf(version: RosVersion): VersionFeatures {
  const plaintextLogin = atLeast(version, 6, 43);
  return {
    plaintextLogin,
    challengeLogin: !atLeast(version, 6, 45, 1),
    emptyReply: atLeast(version, 7, 18),
    isoDates: atLeast(version, 7, 10),
    badCredentialsMessage: plaintextLogin ? 'invalid user name or password (6)' : 'cannot log in',
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}:\d{2})$/;

/**
 * Renders a `yyyy-mm-dd HH:MM:SS` date the way `version` prints it: unchanged from 7.10,
 * `mmm/dd/yyyy HH:MM:SS` (lower-case month, as in `jan/02/2025 10:00:00`) before.
 */
export function formatRosDate(isoDate: string, version: RosVersion): string {
  const match = ISO_DATE.exec(isoDate);
  if (!match) throw new Error(`date: expected yyyy-mm-dd HH:MM:SS, got "${isoDate}"`);
  if (featuresOf(version).isoDates) return isoDate;
  const month = MONTHS[Number(match[2]) - 1];
  if (month === undefined) throw new Error(`date: bad month in "${isoDate}"`);
  return `${month}/${match[3]}/${match[1]} ${match[4]}`;
}

const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['w', 604_800],
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** Renders whole seconds in RouterOS letter form: `15w3d3h42m53s`, `42m53s`, `0s`. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  if (rest === 0) return '0s';
  let text = '';
  for (const [unit, seconds] of DURATION_UNITS) {
    const count = Math.floor(rest / seconds);
    rest -= count * seconds;
    if (count > 0) text += `${count}${unit}`;
  }
  return text;
}

const DURATION_PART = /(\d+)(w|d|h|ms|m|s)/g;
const DURATION = /^(\d+(w|d|h|ms|m|s))+$/;
const UNIT_MILLIS: Readonly<Record<string, number>> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const parsedDurations = new Map<string, number | undefined>();

/** Parses a letter-form duration (`2d20h12m20s`, `1s500ms`) into milliseconds; undefined when it is not one. */
export function parseDurationMillis(text: string): number | undefined {
  const known = parsedDurations.get(text);
  if (known !== undefined || parsedDurations.has(text)) return known;
  let total: number | undefined;
  if (text !== '' && DURATION.test(text)) {
    total = 0;
    for (const match of text.matchAll(DURATION_PART)) total += Number(match[1]) * UNIT_MILLIS[match[2]!]!;
  }
  // The simulator re-reads the same base durations of its rows on every print; bounded against odd input.
  if (parsedDurations.size < 10_000) parsedDurations.set(text, total);
  return total;
}
