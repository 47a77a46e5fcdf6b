/**
 * Field readers over RouterOS rows. Every property may be absent from a reply, so each reader
 * returns undefined for an absent or unparsable field; SampleList.add then skips the sample.
 */
import type { Row } from '../../client/api.js';
import {
  parseBoolean,
  parseCounter,
  parseDuration,
  parseNumber,
  parsePercent,
  parseRate,
} from '../../client/values.js';

/** The raw string, or undefined when absent or empty. */
export function readText(row: Row, field: string): string | undefined {
  const value = row[field];
  return value === undefined || value === '' ? undefined : value;
}

/** A non-negative integer counter (`rx-byte`), precise up to 2^53 and finite beyond. */
export function readCounter(row: Row, field: string): number | undefined {
  return parseCounter(row[field]);
}

/** A number, unit suffix ignored (`24.2`, `24.2V`, `-71dBm`). `auto` and the like are undefined. */
export function readNumber(row: Row, field: string): number | undefined {
  return parseNumber(row[field]);
}

/** `true`/`yes` → true, `false`/`no` → false. */
export function readBoolean(row: Row, field: string): boolean | undefined {
  return parseBoolean(row[field]);
}

/** A boolean as a gauge value: 1 for true, 0 for false, undefined when absent. */
export function readFlag(row: Row, field: string): number | undefined {
  const value = parseBoolean(row[field]);
  return value === undefined ? undefined : value ? 1 : 0;
}

/** A duration in seconds (both letter and clock forms); `never` is undefined. */
export function readDurationSeconds(row: Row, field: string): number | undefined {
  return parseDuration(row[field]);
}


/** A percentage (`25` or `25%`) as a 0–1 ratio. */
export function readRatioFromPercent(row: Row, field: string): number | undefined {
  const percent = parsePercent(row[field]);
  return percent === undefined ? undefined : percent / 100;
}

/**
 * A rate (`1Gbps`, `65Mbps-20MHz/1S`) in bytes per second: Prometheus' base unit is the byte, as in
 * node_exporter's `node_network_speed_bytes`, and promtool flags `bits` in a name.
 */
export function readRateBytesPerSecond(row: Row, field: string): number | undefined {
  const bits = parseRate(row[field]);
  return bits === undefined ? undefined : bits / 8;
}


/** A megahertz number (`cpu-frequency`) in hertz. */
export function readMegahertzAsHertz(row: Row, field: string): number | undefined {
  const megahertz = parseNumber(row[field]);
  return megahertz === undefined ? undefined : megahertz * 1e6;
}

/**
 * When something happened, from an age field (`last-seen: 8h19m34s`) and the poll's clock, as a Unix
 * timestamp in whole seconds: an age is stale the moment it is read, a timestamp stays true.
 * `never` and absent fields are undefined.
 */
export function readAgeAsTimestampSeconds(row: Row, field: string, nowMillis: number): number | undefined {
  const age = parseDuration(row[field]);
  return age === undefined ? undefined : Math.floor(nowMillis / 1000) - age;
}

/** When something will happen, from a countdown field (`expires-after: 14:40:26`) and the poll's clock. */
export function readCountdownAsTimestampSeconds(row: Row, field: string, nowMillis: number): number | undefined {
  const remaining = parseDuration(row[field]);
  return remaining === undefined ? undefined : Math.floor(nowMillis / 1000) + remaining;
}
