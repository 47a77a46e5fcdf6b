/**
 * Router-local dates. RouterOS prints dates (`invalid-after`, `since`) in the router's local time
 * without an offset; `/system/clock` names the zone (`time-zone-name`, an IANA name such as
 * `Europe/Riga`, or `manual`) and the offset in force now (`gmt-offset`, `+02:00`). See
 * https://help.mikrotik.com/docs/spaces/ROS/pages/40992869/Clock.
 */
import type { Row } from '../../client/api.js';
import { parseDate } from '../../client/values.js';
import type { CollectContext } from '../collector.js';
import { printOptionalRows } from './fetch.js';

/** The router's time zone as `/system/clock` reports it. */
export interface RouterTimeZone {
  /** An IANA zone Node knows (`Europe/Riga`); undefined for `manual` or a name Node does not know. */
  readonly name: string | undefined;
  /** `gmt-offset` in seconds east of UTC, undefined when absent or unreadable. */
  readonly offsetSeconds: number | undefined;
}

/** UTC: what dates are read as when the router does not say. */
export const UTC_ZONE: RouterTimeZone = Object.freeze({ name: 'UTC', offsetSeconds: 0 });

export const CLOCK_PATH = '/system/clock';
export const CLOCK_PROPLIST: readonly string[] = ['time-zone-name', 'gmt-offset'];

const OFFSET = /^([+-])?(\d{1,2}):(\d{2})$/;

/** `+02:00`, `-05:30` or a number of seconds (`7200`) → seconds east of UTC. */
export function parseGmtOffset(text: string | undefined): number | undefined {
  const value = text?.trim();
  if (value === undefined || value === '') return undefined;
  const match = OFFSET.exec(value);
  if (match) {
    const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
    return match[1] === '-' ? -seconds : seconds;
  }
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Zone names already checked. Building an `Intl.DateTimeFormat` costs more than the rest of a clock
 * read, and a fleet uses a handful of zones; the map is bounded so a peer inventing names cannot grow it.
 */
const checkedZones = new Map<string, boolean>();
const CHECKED_ZONES_CAP = 1_000;

/** True when Node's Intl knows the IANA zone `name`. */
function knownZone(name: string): boolean {
  const checked = checkedZones.get(name);
  if (checked !== undefined) return checked;
  let known: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    known = true;
  } catch {
    known = false;
  }
  if (checkedZones.size < CHECKED_ZONES_CAP) checkedZones.set(name, known);
  return known;
}

/** The zone of a `/system/clock` row; an empty or foreign reply reads as UTC. */
export function timeZoneOf(row: Row | undefined): RouterTimeZone {
  if (row === undefined) return UTC_ZONE;
  const text = row['time-zone-name']?.trim();
  const name = text !== undefined && text !== '' && text !== 'manual' && knownZone(text) ? text : undefined;
  const offsetSeconds = parseGmtOffset(row['gmt-offset']);
  if (name === undefined && offsetSeconds === undefined) return UTC_ZONE;
  return { name, offsetSeconds };
}

/**
 * Reads the router's zone (one command). A router without the menu keeps UTC:
 * dates are then read as before, which is right for the many routers left on their default zone.
 */
export async function fetchTimeZone(context: CollectContext): Promise<RouterTimeZone> {
  return timeZoneOf((await printOptionalRows(context, CLOCK_PATH, CLOCK_PROPLIST))[0]);
}

/** Offset of `zone` east of UTC at the instant `utcMillis`, in ms, from the wall clock Intl gives. */
function zoneOffsetMillis(zone: string, utcMillis: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(utcMillis));
  const field = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall - Math.floor(utcMillis / 1000) * 1000;
}

/**
 * The instant of a router-local wall-clock time (given as if it were UTC). A named zone uses that
 * zone's rules at that date, so a certificate that expires in summer gets the summer offset; a
 * manual zone uses `gmt-offset`, the only offset RouterOS then knows.
 */
export function localToUtcMillis(localMillis: number, zone: RouterTimeZone): number {
  if (zone.name !== undefined) {
    // Two steps find the offset in force at the result, also across a DST change.
    const first = localMillis - zoneOffsetMillis(zone.name, localMillis);
    return localMillis - zoneOffsetMillis(zone.name, first);
  }
  return localMillis - (zone.offsetSeconds ?? 0) * 1000;
}

/** A router-local date-time field (both the < 7.10 and ≥ 7.10 formats) as Unix seconds. */
export function readLocalTimestampSeconds(row: Row, field: string, zone: RouterTimeZone): number | undefined {
  const local = parseDate(row[field]);
  return local === undefined ? undefined : localToUtcMillis(local, zone) / 1000;
}
