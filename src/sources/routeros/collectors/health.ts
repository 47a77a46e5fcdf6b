/**
 * `health`: temperatures, voltages, currents, power, fan speeds and PSU/fan states from
 * `/system/health`. RouterOS v6 answers one flat record with one property per sensor; v7 answers
 * one row per sensor (`name`, `value`, `type`). The shape of the reply decides, not the version,
 * so boards that changed format within a major version work too.
 *
 * Unknown sensors are kept with their unit: a number of a type without its own metric (`dB`, `%`)
 * or a v6 property no list names goes to {@link HEALTH_SENSOR} with `sensor` and `unit`; a word
 * that reads as a state goes to {@link HEALTH_STATE}. Only v6 fan settings beside the sensors
 * (`fan-mode=auto`, `fan-on-threshold=70`) are left out.
 */
import type { Row } from '../client/api.js';
import { parseQuantity } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, MetricDefinition, Sample } from './collector.js';
import { gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { addStateSet, SampleList } from './support/samples.js';

export const HEALTH_TEMPERATURE = gauge('routeros.health.temperature.celsius', 'Cel', 'Temperature reported by a health sensor.', ['sensor']);
export const HEALTH_VOLTAGE = gauge('routeros.health.voltage.volts', 'V', 'Voltage reported by a health sensor.', ['sensor']);
export const HEALTH_CURRENT = gauge('routeros.health.current.amperes', 'A', 'Current reported by a health sensor.', ['sensor']);
export const HEALTH_POWER = gauge('routeros.health.power.watts', 'W', 'Power reported by a health sensor.', ['sensor']);
export const HEALTH_FAN_SPEED = gauge('routeros.health.fan.speed.rpm', '{rpm}', 'Fan speed reported by a health sensor.', ['sensor']);
// A state set: `routeros_health_state{state="fail"} == 1` and `{state="ok"} == 0` alerts both fire.
export const HEALTH_STATE = gauge(
  'routeros.health.state',
  '',
  'State of a health sensor (PSU, fan): 1 for the current state, 0 for the other known states (ok, fail).',
  ['sensor', 'state'],
);

/** States a PSU or fan sensor reports (`psu1-state`, `fan-state`); another one is added as it comes. */
export const HEALTH_STATES: readonly string[] = ['ok', 'fail'];
// Unit '' with the unit as an attribute: one metric for readings of every other unit.
export const HEALTH_SENSOR = gauge(
  'routeros.health.sensor.value',
  '',
  'Reading of a health sensor of a type without its own metric (dB, %, …); unit is its UCUM unit, empty when RouterOS gives none.',
  ['sensor', 'unit'],
);

/** v7 `type` letters → metric. */
const BY_TYPE: Readonly<Record<string, MetricDefinition>> = {
  C: HEALTH_TEMPERATURE,
  V: HEALTH_VOLTAGE,
  A: HEALTH_CURRENT,
  W: HEALTH_POWER,
  RPM: HEALTH_FAN_SPEED,
};

type SensorKind = MetricDefinition | 'state';

/** RouterOS unit texts → UCUM, for the `unit` attribute; texts not listed are kept as sent. */
const UCUM_UNITS: Readonly<Record<string, string>> = {
  C: 'Cel',
  F: '[degF]',
  RPM: '{rpm}',
  rpm: '{rpm}',
};

/** The UCUM form of a RouterOS unit text (`%`, `dB`, `mA` are already UCUM). */
export function ucumUnit(text: string): string {
  const unit = text.trim();
  return UCUM_UNITS[unit] ?? unit;
}

/** v6 settings that sit beside the sensors in the flat record; they are configuration, not readings. */
const V6_SETTING = /^(fan-mode|use-fan|active-fan|fan-switch)$|threshold|target|min-speed|full-speed|control-interval/;

/** Words a state sensor reports; an unknown v6 property with one of them is a state. */
const STATE_WORDS: ReadonlySet<string> = new Set([
  ...['ok', 'normal', 'good', 'present'],
  ...['fail', 'failed', 'fault', 'error', 'warning', 'critical', 'bad', 'not-present', 'absent', 'missing'],
]);

function looksLikeState(sensor: string, text: string): boolean {
  return /-(state|status)$/i.test(sensor) || STATE_WORDS.has(text.trim().toLowerCase());
}

/** Sensor kind from its name, for v6 (no `type`) and v7 rows with an empty or unknown `type`. */
export function sensorKindFromName(name: string): SensorKind | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('-state')) return 'state';
  if (/^fan\d*-speed$/.test(lower)) return HEALTH_FAN_SPEED;
  if (lower.includes('temperature')) return HEALTH_TEMPERATURE;
  if (lower.includes('voltage')) return HEALTH_VOLTAGE;
  if (lower.includes('current')) return HEALTH_CURRENT;
  if (lower.includes('power') || lower.includes('consumption')) return HEALTH_POWER;
  return undefined;
}

/**
 * Sensor names a v6 flat record may carry (mktxp's list). v6 needs them in the proplist because
 * each sensor is its own property; v7 needs `name,value,type`. Both go out in one proplist so a
 * single print works on either; RouterOS simply omits the properties a board does not have.
 */
export const V6_SENSORS = [
  'voltage',
  'temperature',
  'cpu-temperature',
  'board-temperature1',
  'board-temperature2',
  'phy-temperature',
  'switch-temperature',
  'sfp-temperature',
  'fan1-speed',
  'fan2-speed',
  'fan3-speed',
  'fan4-speed',
  'fan-state',
  'psu-voltage',
  'psu1-voltage',
  'psu2-voltage',
  'psu1-current',
  'psu2-current',
  'psu1-state',
  'psu2-state',
  'current',
  'power-consumption',
  'poe-out-consumption',
  'poe-out-current',
  'jack-voltage',
  '2pin-voltage',
  'poe-in-voltage',
] as const;

/** The `/system/health` proplist: the v7 row fields, then the v6 sensor properties. */
export const HEALTH_PROPLIST: readonly string[] = ['name', 'value', 'type', ...V6_SENSORS];

/**
 * Reads `/system/health`. v6 goes out without a proplist: each sensor is its own property, so a
 * proplist would hide every sensor it does not name, and the one record has nothing slow to compute.
 * A board without the menu rejects with a missing-feature TrapError.
 */
export function fetchHealth(context: CollectContext): Promise<Row[]> {
  return printRows(context, '/system/health', context.router.major === 6 ? [] : HEALTH_PROPLIST);
}

function addState(list: SampleList, sensor: string, text: string): void {
  addStateSet(list, HEALTH_STATE, { sensor }, HEALTH_STATES, text);
}

function addReading(list: SampleList, sensor: string, unit: string, value: number): void {
  list.add(HEALTH_SENSOR, { sensor, unit: ucumUnit(unit) }, value);
}

function mapV7Row(list: SampleList, row: Row): void {
  const sensor = row['name'];
  const text = row['value'];
  if (sensor === undefined || sensor === '' || text === undefined || text === '') return;
  const type = row['type'] ?? '';
  const byType = BY_TYPE[type];
  const quantity = parseQuantity(text);
  if (byType !== undefined) {
    // A word on a numeric sensor (`n/a`) is no reading.
    list.add(byType, { sensor }, quantity?.value);
    return;
  }
  // Empty (states) or unknown `type`: a word is a state (`fan-state ok ""`).
  if (quantity === undefined) {
    addState(list, sensor, text);
    return;
  }
  // A number of an unknown type keeps that type as its unit; the name cannot know its scale.
  if (type !== '') {
    addReading(list, sensor, type, quantity.value);
    return;
  }
  // A number without a type: its kind from the sensor name, as on v6, else a plain reading.
  const kind = sensorKindFromName(sensor);
  if (kind === 'state') addState(list, sensor, text);
  else if (kind !== undefined) list.add(kind, { sensor }, quantity.value);
  else addReading(list, sensor, quantity.unit, quantity.value);
}

function mapV6Record(list: SampleList, row: Row): void {
  for (const [sensor, text] of Object.entries(row)) {
    if (sensor.startsWith('.') || text === '' || V6_SETTING.test(sensor.toLowerCase())) continue;
    const kind = sensorKindFromName(sensor);
    const quantity = parseQuantity(text);
    if (kind === 'state') addState(list, sensor, text);
    else if (kind !== undefined) list.add(kind, { sensor }, quantity?.value);
    else if (quantity !== undefined) addReading(list, sensor, quantity.unit, quantity.value);
    // Other words (`use-fan=main`) are settings, not states.
    else if (looksLikeState(sensor, text)) addState(list, sensor, text);
  }
}

/** True when the reply is the v7 one-row-per-sensor shape. */
export function isPerSensorShape(rows: readonly Row[]): boolean {
  return rows.some((row) => row['name'] !== undefined && row['value'] !== undefined);
}

/** Maps `/system/health` rows (either shape) to samples. No rows (CHR) → no samples. Pure. */
export function mapHealth(rows: readonly Row[]): Sample[] {
  const list = new SampleList();
  const perSensor = isPerSensorShape(rows);
  for (const row of rows) {
    if (perSensor) mapV7Row(list, row);
    else mapV6Record(list, row);
  }
  return list.samples;
}

export const healthCollector: Collector = {
  name: 'health',
  defaultEnabled: true,
  summary: 'Hardware sensors: temperatures, voltages, currents, power, fan speeds, PSU/fan states, and any other sensor with its unit.',
  paths: ['/system/health'],
  metrics: [HEALTH_TEMPERATURE, HEALTH_VOLTAGE, HEALTH_CURRENT, HEALTH_POWER, HEALTH_FAN_SPEED, HEALTH_STATE, HEALTH_SENSOR],
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    return { samples: mapHealth(await fetchHealth(context)) };
  },
};
