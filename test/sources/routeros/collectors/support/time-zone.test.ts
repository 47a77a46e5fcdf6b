import { describe, expect, it } from 'vitest';
import { localToUtcMillis, parseGmtOffset, readLocalTimestampSeconds, timeZoneOf, UTC_ZONE } from '../../../../../src/sources/routeros/collectors/support/time-zone.js';

describe('router time zones', () => {
  it('reads gmt-offset in both signs and as seconds; rejects anything else', () => {
    expect(['+02:00', '-05:30', '0:00', '7200', '-3600'].map(parseGmtOffset)).toEqual([7200, -19_800, 0, 7200, -3600]);
    expect(['', 'east', '+2h', undefined].map(parseGmtOffset)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('takes the IANA name when Node knows it, else the offset, else UTC', () => {
    expect(timeZoneOf({ 'time-zone-name': 'Europe/Riga', 'gmt-offset': '+02:00' })).toEqual({ name: 'Europe/Riga', offsetSeconds: 7200 });
    expect(timeZoneOf({ 'time-zone-name': 'manual', 'gmt-offset': '-05:00' })).toEqual({ name: undefined, offsetSeconds: -18_000 });
    expect(timeZoneOf({ 'time-zone-name': 'Not/AZone', 'gmt-offset': '+01:00' })).toEqual({ name: undefined, offsetSeconds: 3600 });
    expect(timeZoneOf({})).toBe(UTC_ZONE);
    expect(timeZoneOf(undefined)).toBe(UTC_ZONE);
  });

  it('converts local wall-clock times with the offset in force at that date, on both sides of a DST change', () => {
    const zone = { name: 'America/New_York', offsetSeconds: -18_000 };
    // 2025-03-09 01:30 EST (UTC-5) and 03:30 EDT (UTC-4), either side of the spring-forward gap.
    expect(localToUtcMillis(Date.UTC(2025, 2, 9, 1, 30), zone)).toBe(Date.UTC(2025, 2, 9, 6, 30));
    expect(localToUtcMillis(Date.UTC(2025, 2, 9, 3, 30), zone)).toBe(Date.UTC(2025, 2, 9, 7, 30));
    expect(localToUtcMillis(Date.UTC(2025, 6, 1, 12, 0), { name: undefined, offsetSeconds: 19_800 })).toBe(Date.UTC(2025, 6, 1, 6, 30));
  });

  it('reads both date formats of a row field, and nothing from an absent or foreign one', () => {
    const zone = { name: 'Europe/Riga', offsetSeconds: 7200 };
    const row = { old: 'Jan/15/2025 12:00:00', iso: '2025-01-15 12:00:00', bad: 'soon' };
    expect(readLocalTimestampSeconds(row, 'old', zone)).toBe(Date.UTC(2025, 0, 15, 10) / 1000);
    expect(readLocalTimestampSeconds(row, 'iso', zone)).toBe(Date.UTC(2025, 0, 15, 10) / 1000);
    expect(readLocalTimestampSeconds(row, 'bad', zone)).toBeUndefined();
    expect(readLocalTimestampSeconds(row, 'missing', zone)).toBeUndefined();
  });
});
