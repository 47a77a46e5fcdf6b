/**
 * Field readers over RouterOS rows. Every property may be absent from a reply, so each reader
 * returns undefined for an absent or unparsable field; SampleList.add then skips the sample.
 */
import type { Row } from '../../client/api.js';
import {
  parseBoolean,
  parseCounter,
  parseDate,
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

/** A date-time as Unix seconds (both the < 7.10 and ≥ 7.10 formats; read as UTC). */
export function readTimestampSeconds(row: Row, field: string): number | undefined {
  const millis = parseDate(row[field]);
  return millis === undefined ? undefined : millis / 1000;
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

/** A rate (`1Gbps`, `2.5Gbps`, `100Mbps`) in bits per second, the unit RouterOS and link speeds use. */
export function readRateBitsPerSecond(row: Row, field: string): number | undefined {
  return parseRate(row[field]);
}

/** A megahertz number (`cpu-frequency`) in hertz. */
export function readMegahertzAsHertz(row: Row, field: string): number | undefined {
  const megahertz = parseNumber(row[field]);
  return megahertz === undefined ? undefined : megahertz * 1e6;
}
