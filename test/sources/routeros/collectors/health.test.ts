import { describe, expect, it } from 'vitest';
import type { PrintOptions, Row } from '../../../../src/sources/routeros/client/api.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { HEALTH_PROPLIST, healthCollector, mapHealth, sensorKindFromName, ucumUnit } from '../../../../src/sources/routeros/collectors/health.js';
import { FixtureApi, contextFor, loadFixture, missingMenu } from './helpers/fixture-api.js';
import { byMetric } from './helpers/samples.js';

/**
 * A FixtureApi that, like a router, answers a print without a proplist with every property (the
 * v6 health record goes out without one); with a proplist it is the strict FixtureApi.
 */
class WholeRecordApi extends FixtureApi {
  constructor(private readonly record: Readonly<Record<string, readonly Row[]>>) {
    super(record);
  }

  override async print(path: string, options?: PrintOptions): Promise<Row[]> {
    if ((options?.proplist?.length ?? 0) > 0) return super.print(path, options);
    this.calls.push({ method: 'print', path, options });
    const rows = this.record[path];
    if (rows === undefined) throw missingMenu();
    return rows.map((row) => ({ ...row }));
  }
}

describe('mapHealth', () => {
  it('maps the v6 flat record, inferring units from sensor names and ignoring fan settings', () => {
    expect(byMetric(mapHealth(loadFixture('system-health', '6.49').rows))).toEqual({
      'routeros.health.voltage.volts': [{ attributes: { sensor: 'voltage' }, value: 24.1 }],
      'routeros.health.temperature.celsius': [
        { attributes: { sensor: 'temperature' }, value: 35 },
        { attributes: { sensor: 'cpu-temperature' }, value: 45 },
      ],
      'routeros.health.fan.speed.rpm': [
        { attributes: { sensor: 'fan1-speed' }, value: 5400 },
        { attributes: { sensor: 'fan2-speed' }, value: 5280 },
      ],
      // State sets: every known state, 1 for the current one, so `{state="ok"} == 0` alerts fire.
      'routeros.health.state': [
        { attributes: { sensor: 'psu1-state', state: 'ok' }, value: 1 },
        { attributes: { sensor: 'psu1-state', state: 'fail' }, value: 0 },
        { attributes: { sensor: 'psu2-state', state: 'ok' }, value: 0 },
        { attributes: { sensor: 'psu2-state', state: 'fail' }, value: 1 },
      ],
      'routeros.health.current.amperes': [{ attributes: { sensor: 'psu1-current' }, value: 1.2 }],
      'routeros.health.power.watts': [{ attributes: { sensor: 'power-consumption' }, value: 28.9 }],
    });
  });

  it('maps v7 rows by type (7.16)', () => {
    expect(byMetric(mapHealth(loadFixture('system-health', '7.16').rows))).toEqual({
      'routeros.health.voltage.volts': [{ attributes: { sensor: 'voltage' }, value: 24.2 }],
      'routeros.health.temperature.celsius': [
        { attributes: { sensor: 'cpu-temperature' }, value: 49 },
        { attributes: { sensor: 'phy-temperature' }, value: 58 },
        { attributes: { sensor: 'board-temperature1' }, value: 42 },
      ],
      'routeros.health.state': [
        { attributes: { sensor: 'fan-state', state: 'ok' }, value: 1 },
        { attributes: { sensor: 'fan-state', state: 'fail' }, value: 0 },
        { attributes: { sensor: 'psu1-state', state: 'ok' }, value: 1 },
        { attributes: { sensor: 'psu1-state', state: 'fail' }, value: 0 },
      ],
      'routeros.health.fan.speed.rpm': [{ attributes: { sensor: 'fan1-speed' }, value: 930 }],
      'routeros.health.power.watts': [{ attributes: { sensor: 'power-consumption' }, value: 18.4 }],
      'routeros.health.current.amperes': [{ attributes: { sensor: 'psu1-current' }, value: 0.8 }],
    });
  });

  it('gives no samples for a CHR without sensors (7.19 !empty)', () => {
    expect(mapHealth(loadFixture('system-health', '7.19').rows)).toEqual([]);
  });

  it('keeps unknown v7 sensors with their unit and skips only what is no reading', () => {
    const samples = byMetric(
      mapHealth([
        { name: 'sfp-cage-temp', value: '61', type: 'C' }, // unknown name, known type
        { name: 'odd-voltage', value: '12', type: '' }, // empty type, number: kind from the name
        { name: 'mystery', value: '3', type: '' }, // empty type, number, no kind: a reading without unit
        { name: 'weird', value: '5', type: 'dB' }, // unknown type: a reading in that unit
        { name: 'humidity', value: '41', type: '%' },
        { name: 'inlet-temperature', value: '104', type: 'F' }, // unknown type wins over the name
        { name: 'cpu-temperature', value: 'n/a', type: 'C' }, // word on a numeric sensor: skipped
        { name: 'poe-status', value: 'waiting', type: '' }, // a word: a state
        { name: 'voltage', value: '24.2V', type: 'V' }, // unit suffix tolerated
        { name: '', value: '1', type: 'C' }, // nameless: skipped
      ]),
    );
    expect(samples).toEqual({
      'routeros.health.temperature.celsius': [{ attributes: { sensor: 'sfp-cage-temp' }, value: 61 }],
      'routeros.health.voltage.volts': [
        { attributes: { sensor: 'odd-voltage' }, value: 12 },
        { attributes: { sensor: 'voltage' }, value: 24.2 },
      ],
      'routeros.health.sensor.value': [
        { attributes: { sensor: 'mystery', unit: '' }, value: 3 },
        { attributes: { sensor: 'weird', unit: 'dB' }, value: 5 },
        { attributes: { sensor: 'humidity', unit: '%' }, value: 41 },
        { attributes: { sensor: 'inlet-temperature', unit: '[degF]' }, value: 104 },
      ],
      // An unknown state word: the known states at 0 and the word itself at 1.
      'routeros.health.state': [
        { attributes: { sensor: 'poe-status', state: 'ok' }, value: 0 },
        { attributes: { sensor: 'poe-status', state: 'fail' }, value: 0 },
        { attributes: { sensor: 'poe-status', state: 'waiting' }, value: 1 },
      ],
    });
  });

  it('keeps unknown v6 properties: numbers as readings with their unit, state words as states, never the fan settings', () => {
    const samples = byMetric(
      mapHealth([
        {
          voltage: '24.1',
          'lte-rsrq': '-12dB', // unknown, unit from the value
          humidity: '38%',
          'sfp-cage-temp': '52C', // unknown name, unit suffix Cel
          'poe-in-level': '3', // unknown, no unit
          'psu3-status': 'overload', // a -status name: a state whatever the word
          'ups-battery': 'fail', // a state word
          'board-revision': 'r2', // a word that is no state: skipped
          'fan-mode': 'auto',
          'use-fan': 'main',
          'active-fan': 'main',
          'fan-switch': 'on',
          'fan-on-threshold': '70',
          'fan-full-speed-temp': '65C',
          'fan-min-speed-percent': '12%',
        },
      ]),
    );
    expect(samples).toEqual({
      'routeros.health.voltage.volts': [{ attributes: { sensor: 'voltage' }, value: 24.1 }],
      'routeros.health.sensor.value': [
        { attributes: { sensor: 'lte-rsrq', unit: 'dB' }, value: -12 },
        { attributes: { sensor: 'humidity', unit: '%' }, value: 38 },
        { attributes: { sensor: 'sfp-cage-temp', unit: 'Cel' }, value: 52 },
        { attributes: { sensor: 'poe-in-level', unit: '' }, value: 3 },
      ],
      'routeros.health.state': [
        { attributes: { sensor: 'psu3-status', state: 'ok' }, value: 0 },
        { attributes: { sensor: 'psu3-status', state: 'fail' }, value: 0 },
        { attributes: { sensor: 'psu3-status', state: 'overload' }, value: 1 },
        { attributes: { sensor: 'ups-battery', state: 'ok' }, value: 0 },
        { attributes: { sensor: 'ups-battery', state: 'fail' }, value: 1 },
      ],
    });
  });

  it('writes units as UCUM', () => {
    expect(['C', 'F', 'RPM', '%', 'dB', 'mA', ' dBm ', ''].map(ucumUnit)).toEqual(['Cel', '[degF]', '{rpm}', '%', 'dB', 'mA', 'dBm', '']);
  });

  it('detects the format by row shape, not by version: a v6-shaped record on any version', () => {
    expect(byMetric(mapHealth([{ temperature: '40', voltage: '12.1' }]))).toEqual({
      'routeros.health.temperature.celsius': [{ attributes: { sensor: 'temperature' }, value: 40 }],
      'routeros.health.voltage.volts': [{ attributes: { sensor: 'voltage' }, value: 12.1 }],
    });
  });

  it.each([
    ['board-temperature2', 'routeros.health.temperature.celsius'],
    ['jack-voltage', 'routeros.health.voltage.volts'],
    ['psu2-current', 'routeros.health.current.amperes'],
    ['poe-out-consumption', 'routeros.health.power.watts'],
    ['fan3-speed', 'routeros.health.fan.speed.rpm'],
    ['psu2-state', 'state'],
    ['fan-mode', undefined],
    ['use-fan', undefined],
  ])('infers %s → %s', (name, expected) => {
    const kind = sensorKindFromName(name);
    expect(kind === undefined || kind === 'state' ? kind : kind.name).toBe(expected);
  });
});

describe('healthCollector', () => {
  it('prints the v6 record once without a proplist, so sensors no list names come through', async () => {
    const record = { ...loadFixture('system-health', '6.49').rows[0], 'sfp-rx-level': '-9dB' };
    const api = new WholeRecordApi({ '/system/health': [record] });
    const output = await healthCollector.collect(contextFor(api, '6.49.10 (long-term)'));
    expect(output.samples).toHaveLength(12);
    expect(byMetric(output.samples)['routeros.health.sensor.value']).toEqual([{ attributes: { sensor: 'sfp-rx-level', unit: 'dB' }, value: -9 }]);
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.options?.proplist).toEqual([]);
  });

  it('prints v7 rows with the v7 and v6 proplist (a flat record on v7 still maps)', async () => {
    const api = new FixtureApi({ '/system/health': loadFixture('system-health', '7.16').rows });
    expect((await healthCollector.collect(contextFor(api))).samples).toHaveLength(11);
    expect(api.calls[0]?.options?.proplist).toEqual(HEALTH_PROPLIST);
    expect(HEALTH_PROPLIST.slice(0, 3)).toEqual(['name', 'value', 'type']);
  });

  it('succeeds with no samples when the router has no sensors', async () => {
    const api = new FixtureApi({ '/system/health': [] });
    expect(await healthCollector.collect(contextFor(api, '7.19.4 (stable)'))).toEqual({ samples: [] });
  });

  it('propagates a missing /system/health as the missing-feature TrapError', async () => {
    const api = new FixtureApi({ '/system/health': missingMenu() });
    const error = await healthCollector.collect(contextFor(api)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });
});
