/**
 * Decoding of Mist's objects: integers that arrive fractional reject the message, absent fields are
 * absent (not zero), timestamps keep float64 precision, and no input makes a decoder throw anything
 * but a DecodeError (so one bad message never stops the stream).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClientStat, decodeCounts, decodeDevices, decodeDeviceStat, DecodeError, decodeSelfOrgs, decodeSites, decodeSiteStats } from '../../../src/sources/mist/decode.js';

describe('Mist decoders', () => {
  it('reject a fractional number where Mist sends an integer, naming the field', () => {
    expect(() => decodeClientStat({ mac: 'aa', rssi: -61.5 })).toThrow(new DecodeError('rssi is fractional (-61.5) where an integer belongs'));
    expect(() => decodeDeviceStat({ mac: 'bb', radio_stat: { band_5: { channel: 36.5 } } })).toThrow('radio_stat.band_5.channel is fractional');
    expect(() => decodeCounts({ results: [{ type: 'x', count: 1.5 }] }, 'type')).toThrow(DecodeError);
  });

  it('keep floats where Mist sends floats, at full float64 precision', () => {
    const client = decodeClientStat({ mac: 'A4:C3:F0:00:00:01', last_seen: 1765110896.123, tx_rate: 866.7, uptime: 12.25 });
    expect(client.mac).toBe('a4c3f0000001');
    expect(client.values).toEqual({ client_last_seen: 1765110896.123, client_tx_rate: 866.7, client_uptime: 12.25 });
    expect(decodeSiteStats({ modified_time: 1609459300, lat: 37.7749 })).toEqual({ site_modified: 1609459300, site_lat: 37.7749 });
  });

  it('leave absent fields absent: a partial object carries only what it has', () => {
    const device = decodeDeviceStat({ mac: 'cc', cpu_stat: { idle: 90 } });
    expect(device.values).toEqual({ cpu_idle: 90 });
    expect(device.radios).toEqual({});
    // mistexporter sets the load averages only when exactly three are given.
    expect(decodeDeviceStat({ mac: 'cc', cpu_stat: { load_avg: [1, 2] } }).values).toEqual({});
  });

  it('read /self, sites and devices as Mist and mistclient shape them', () => {
    expect(decodeSelfOrgs({ privileges: [{ scope: 'org', org_id: 'o1' }, { scope: 'site', org_id: 'o1', site_id: 's' }, { scope: 'msp', org_id: 'o2' }] })).toEqual(['o1']);
    expect(decodeSites([{ id: 's1', name: 'lon', country_code: 'GB', timezone: 'Europe/London' }, { name: 'no id' }])).toEqual([
      { id: 's1', name: 'lon', countryCode: 'GB', timezone: 'Europe/London' },
    ]);
    expect(decodeDevices({ results: [{ mac: '5c5b350e0001', name: 'ap-001', type: 'ap' }] })).toEqual([{ mac: '5c5b350e0001', name: 'ap-001', type: 'ap' }]);
    expect(decodeDevices([{ mac: '5c5b350e0001' }])).toEqual([{ mac: '5c5b350e0001', name: '', type: '' }]);
    expect(() => decodeDevices({ devices: [] })).toThrow(DecodeError);
  });

  it('throw nothing but DecodeError, whatever the input', () => {
    const decoders = [decodeDeviceStat, decodeClientStat, decodeSites, decodeDevices, decodeSiteStats, decodeSelfOrgs, (value: unknown) => decodeCounts(value, 'type')];
    const objects = fc.oneof(
      fc.jsonValue(),
      fc.record({ mac: fc.oneof(fc.string(), fc.integer()), radio_stat: fc.jsonValue(), port_stat: fc.jsonValue(), cpu_stat: fc.jsonValue(), lldp_stat: fc.jsonValue(), env_stat: fc.jsonValue(), rssi: fc.jsonValue(), results: fc.jsonValue(), privileges: fc.jsonValue() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(objects, (value) => {
        for (const decode of decoders) {
          try {
            decode(value);
          } catch (error) {
            if (!(error instanceof DecodeError)) throw error;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
