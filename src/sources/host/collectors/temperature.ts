/**
 * Temperatures from hwmon (/sys/class/hwmon/hwmon*: `temp<N>_input` in millidegrees Celsius, with an
 * optional `temp<N>_label`, in the chip's directory and in its `device/`), and from the thermal
 * zones (/sys/class/thermal/thermal_zone*: `type`, `temp`). With OpenTelemetry names the thermal
 * zones are the fallback for machines without hwmon temperatures; with node_exporter names both are
 * exported, as its hwmon and thermal_zone collectors do. Every sensor is read on its own: one that
 * fails (a sensor answering ENODATA, a driver returning EIO) loses only its own value, and sensors
 * with equal names stay separate series.
 */
import type { MetricDefinition } from '../../../engine/metric.js';
import type { NamingMode } from '../config.js';
import { naturalCompare, type HostFs } from '../fs.js';
import { completeLines, metric, num, Samples, type HostCollector } from './collector.js';

const OTEL = {
  temperature: metric('hw.temperature', 'gauge', 'Cel', 'Temperature of each sensor, in degrees Celsius.', ['chip', 'sensor']),
};

const NODE = {
  temp: metric('node_hwmon_temp_celsius', 'gauge', 'Cel', 'Hardware monitor for temperature (input).', ['chip', 'sensor']),
  max: metric('node_hwmon_temp_max_celsius', 'gauge', 'Cel', 'Hardware monitor for temperature (max).', ['chip', 'sensor']),
  crit: metric('node_hwmon_temp_crit_celsius', 'gauge', 'Cel', 'Hardware monitor for temperature (crit).', ['chip', 'sensor']),
  chipNames: metric('node_hwmon_chip_names', 'gauge', '', 'Annotation metric for human-readable chip names.', ['chip', 'chip_name']),
  sensorLabel: metric('node_hwmon_sensor_label', 'gauge', '', 'Label for given chip and sensor.', ['chip', 'sensor', 'label']),
  zone: metric('node_thermal_zone_temp', 'gauge', 'Cel', 'Zone temperature in Celsius.', ['type', 'zone']),
};

/** One temperature sensor of a hwmon chip. */
interface HwmonSensor {
  /** `temp1` */
  readonly id: string;
  readonly label: string | undefined;
  readonly input: number | undefined;
  readonly max: number | undefined;
  readonly crit: number | undefined;
}

interface HwmonChip {
  /** node_exporter's stable chip name, from the device path (`platform_coretemp_0`). */
  readonly id: string;
  /** The driver's name file (`coretemp`), when there is one. */
  readonly name: string | undefined;
  readonly sensors: readonly HwmonSensor[];
}

/** node_exporter's cleanMetricName: lower case, `[^a-z0-9:_]` → `_`, trimmed of `_`. */
function clean(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * node_exporter's hwmonName: `<bus>_<device>` of the device the chip belongs to, which stays the
 * same across boots (hwmon numbers follow module load order and do not); else the name file; else
 * the hwmon directory's own name.
 */
async function chipId(fs: HostFs, dir: string, name: string | undefined): Promise<string> {
  const device = await fs.resolve(`${dir}/device`);
  if (device !== undefined) {
    const parts = device.split('/').filter((part) => part !== '');
    const devName = clean(parts.at(-1) ?? '');
    const devType = clean(parts.at(-2) ?? '');
    if (devType !== '' && devName !== '') return `${devType}_${devName}`;
    if (devName !== '') return devName;
  }
  if (name !== undefined && clean(name) !== '') return clean(name);
  const real = (await fs.resolve(dir)) ?? dir;
  return clean(real.split('/').at(-1) ?? '');
}

async function millidegrees(fs: HostFs, path: string): Promise<number | undefined> {
  const text = await fs.tryRead(path);
  const value = num(text === undefined ? undefined : completeLines(text)[0]?.trim());
  return Number.isFinite(value) ? value / 1000 : undefined;
}

async function readChip(fs: HostFs, dir: string): Promise<HwmonChip> {
  // Old drivers (it87 before 4.x) keep the name file in device/ only.
  const name = ((await fs.tryRead(`${dir}/name`)) ?? (await fs.tryRead(`${dir}/device/name`)))?.trim() || undefined;
  const sensors = new Map<string, HwmonSensor>();
  // The chip's own directory first: node_exporter reads device/ second, and its values win there too
  // only when the chip directory lacks the sensor.
  for (const base of [dir, `${dir}/device`]) {
    let entries: string[];
    try {
      entries = await fs.list(base);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const match = /^(temp\d+)_input$/.exec(entry);
      const id = match?.[1];
      if (id === undefined || sensors.has(id)) continue;
      sensors.set(id, {
        id,
        label: (await fs.tryRead(`${base}/${id}_label`))?.trim() || undefined,
        input: await millidegrees(fs, `${base}/${entry}`),
        max: entries.includes(`${id}_max`) ? await millidegrees(fs, `${base}/${id}_max`) : undefined,
        crit: entries.includes(`${id}_crit`) ? await millidegrees(fs, `${base}/${id}_crit`) : undefined,
      });
    }
  }
  return { id: await chipId(fs, dir, name), name, sensors: [...sensors.values()].sort((a, b) => naturalCompare(a.id, b.id)) };
}

/** `name` for each entry, with ` (<key>)` added to every entry whose name is not unique. */
function disambiguate<T>(entries: readonly T[], name: (entry: T) => string, key: (entry: T) => string): string[] {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(name(entry), (counts.get(name(entry)) ?? 0) + 1);
  return entries.map((entry) => ((counts.get(name(entry)) ?? 0) > 1 ? `${name(entry)} (${key(entry)})` : name(entry)));
}

export const temperatureCollector: HostCollector = {
  name: 'temperature',
  reads: '/sys/class/hwmon/hwmon*/{name,temp*_input,temp*_label} (also under device/), /sys/class/thermal/thermal_zone*/{type,temp}',
  metrics: (names: NamingMode): readonly MetricDefinition[] => Object.values(names === 'otel' ? OTEL : NODE),
  create({ fs, config }) {
    return async () => {
      const out = new Samples();
      const chips: HwmonChip[] = [];
      for (const entry of await fs.list('/sys/class/hwmon')) {
        if (entry.startsWith('hwmon')) chips.push(await readChip(fs, `/sys/class/hwmon/${entry}`));
      }
      if (config.names === 'node_exporter') {
        for (const chip of chips) {
          if (chip.name !== undefined) out.add(NODE.chipNames, 1, { chip: chip.id, chip_name: clean(chip.name) });
          for (const sensor of chip.sensors) {
            const attributes = { chip: chip.id, sensor: sensor.id };
            if (sensor.label !== undefined) out.add(NODE.sensorLabel, 1, { ...attributes, label: sensor.label });
            if (sensor.input !== undefined) out.add(NODE.temp, sensor.input, attributes);
            if (sensor.max !== undefined) out.add(NODE.max, sensor.max, attributes);
            if (sensor.crit !== undefined) out.add(NODE.crit, sensor.crit, attributes);
          }
        }
        for (const zone of await readZones(fs)) out.add(NODE.zone, zone.temp, { type: zone.type, zone: zone.zone });
        return out.output();
      }
      const chipNames = disambiguate(chips, (chip) => chip.name ?? chip.id, (chip) => chip.id);
      chips.forEach((chip, index) => {
        const sensorNames = disambiguate(chip.sensors, (sensor) => sensor.label ?? sensor.id, (sensor) => sensor.id);
        chip.sensors.forEach((sensor, sensorIndex) => {
          if (sensor.input !== undefined) out.add(OTEL.temperature, sensor.input, { chip: chipNames[index] ?? chip.id, sensor: sensorNames[sensorIndex] ?? sensor.id });
        });
      });
      if (out.samples.length === 0) {
        for (const zone of await readZones(fs)) out.add(OTEL.temperature, zone.temp, { chip: zone.type, sensor: `thermal_zone${zone.zone}` });
      }
      return out.output();
    };
  },
};

/** Every thermal zone with a readable temperature; a zone whose `temp` fails (ENODATA) is left out. */
async function readZones(fs: HostFs): Promise<{ zone: string; type: string; temp: number }[]> {
  const zones: { zone: string; type: string; temp: number }[] = [];
  for (const entry of await fs.list('/sys/class/thermal')) {
    const zone = /^thermal_zone(\d+)$/.exec(entry)?.[1];
    if (zone === undefined) continue;
    const type = (await fs.tryRead(`/sys/class/thermal/${entry}/type`))?.trim();
    const temp = await millidegrees(fs, `/sys/class/thermal/${entry}/temp`);
    if (type !== undefined && type !== '' && temp !== undefined) zones.push({ zone, type, temp });
  }
  return zones;
}
