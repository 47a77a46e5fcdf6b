/**
 * Temperatures from hwmon (/sys/class/hwmon/hwmon*: `temp<N>_input` in millidegrees Celsius, with an
 * optional `temp<N>_label`, in the chip's directory and in its `device/`), and from the thermal
 * zones (/sys/class/thermal/thermal_zone*: `type`, `temp`). With OpenTelemetry names the thermal
 * zones are the fallback for machines without hwmon temperatures; with node_exporter names both are
 * exported, as its hwmon and thermal_zone collectors do. Every sensor is read on its own: one that
 * fails (a sensor answering ENODATA, a driver returning EIO) loses only its own value, and sensors
 * with equal names stay separate series.
 */
import { errorCode, naturalCompare, type HostFs } from '../fs.js';
import { byNaming, completeLines, metric, num, Samples, type HostCollector } from './collector.js';

const OTEL = {
  temperature: metric('hw.temperature', 'gauge', 'Cel', 'Temperature of each sensor, in degrees Celsius.', ['chip', 'sensor']),
};

const NODE = {
  temp: metric('node_hwmon_temp_celsius', 'gauge', 'Cel', 'Hardware monitor for temperature (input).', ['chip', 'sensor']),
  max: metric('node_hwmon_temp_max_celsius', 'gauge', 'Cel', 'Hardware monitor for temperature (max).', ['chip', 'sensor']),
  crit: metric('node_hwmon_temp_crit_celsius', 'gauge', 'Cel', 'Hardware monitor for temperature (crit).', ['chip', 'sensor']),
  chipNames: metric('node_hwmon_chip_names', 'gauge', '', 'Annotation metric for human-readable chip names.', ['chip', 'chip_name']),
  sensorLabel: metric('node_hwmon_sensor_label', 'gauge', '', 'Label for given chip and sensor.', ['chip', 'sensor', 'label']),
  zone: metric('node_thermal_zone_temp', 'gauge', '', 'Zone temperature in Celsius.', ['type', 'zone']), // no unit: the name stays node_exporter's, with no _celsius suffix
};

/** One temperature sensor of a hwmon chip, as found by discovery. */
interface HwmonSensor {
  /** `temp1` */
  readonly id: string;
  /** Host path of its `temp<N>_input`. */
  readonly input: string;
  readonly label: string | undefined;
  /** Thresholds: chip settings, read at discovery. */
  readonly max: number | undefined;
  readonly crit: number | undefined;
}

interface HwmonChip {
  /** node_exporter's stable chip name, from the device path (`platform_coretemp_0`). */
  readonly id: string;
  /** The driver's name file (`coretemp`), when there is one. */
  readonly name: string | undefined;
  readonly sensors: readonly HwmonSensor[];
  /** A read of this chip once took longer than {@link SLOW_READ_MILLIS}: it is read off the event loop. */
  slow: boolean;
}

interface Zone {
  readonly zone: string;
  readonly type: string;
  /** Host path of its `temp`. */
  readonly temp: string;
  slow: boolean;
}

/** What discovery found: the chips and zones, their names and labels, and which files to read. */
interface Plan {
  readonly chips: readonly HwmonChip[];
  readonly zones: readonly Zone[];
}

/**
 * Discovery (listing directories, resolving device links, reading names, labels and thresholds) is
 * repeated every this many cycles, and at once when a sensor's file goes away (a chip unbound): chips
 * appear only as drivers load, and re-discovering every cycle would cost more than the whole host's
 * CPU budget on a machine with many sensors.
 */
const REDISCOVER_CYCLES = 40;

/**
 * A sensor read that takes longer than this marks its chip slow: most drivers answer from registers
 * already in memory in microseconds, but some read a slow bus (SMBus, I2C) or the drive itself
 * (drivetemp), and the event loop must not wait on those again.
 */
const SLOW_READ_MILLIS = 2;

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

/** A millidegree file in degrees; undefined when unreadable or not a number (a sensor answering ENODATA). */
function degrees(text: string | undefined): number | undefined {
  const value = num(text === undefined ? undefined : completeLines(text)[0]?.trim());
  return Number.isFinite(value) ? value / 1000 : undefined;
}

/**
 * Reads a sensor file, off the event loop once the chip proved slow, and marks the chip slow when it is.
 * undefined: unreadable (ENODATA, EIO, not a number); null: the file is gone (the chip went away).
 */
async function readSensor(fs: HostFs, chip: { slow: boolean }, path: string): Promise<number | undefined | null> {
  const started = fs.now();
  let text: string;
  try {
    text = await fs.read(path, { blocking: !chip.slow });
  } catch (error) {
    const code = errorCode(error);
    return code === 'ENOENT' || code === 'ENODEV' ? null : undefined;
  } finally {
    if (fs.now() - started > SLOW_READ_MILLIS) chip.slow = true;
  }
  return degrees(text);
}

async function discoverChip(fs: HostFs, dir: string): Promise<HwmonChip> {
  // Old drivers (it87 before 4.x) keep the name file in device/ only. Names and labels are strings the
  // driver holds; they are read like procfs.
  const blocking = { blocking: true };
  const name = ((await fs.tryRead(`${dir}/name`, blocking)) ?? (await fs.tryRead(`${dir}/device/name`, blocking)))?.trim() || undefined;
  const chip: HwmonChip = { id: await chipId(fs, dir, name), name, sensors: [], slow: false };
  const sensors = new Map<string, HwmonSensor>();
  // The chip's own directory first, then device/ (older drivers), as node_exporter reads them.
  for (const base of [dir, `${dir}/device`]) {
    let entries: string[];
    try {
      entries = await fs.list(base);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const id = /^(temp\d+)_input$/.exec(entry)?.[1];
      if (id === undefined || sensors.has(id)) continue;
      sensors.set(id, {
        id,
        input: `${base}/${entry}`,
        label: entries.includes(`${id}_label`) ? (await fs.tryRead(`${base}/${id}_label`, blocking))?.trim() || undefined : undefined,
        max: entries.includes(`${id}_max`) ? ((await readSensor(fs, chip, `${base}/${id}_max`)) ?? undefined) : undefined,
        crit: entries.includes(`${id}_crit`) ? ((await readSensor(fs, chip, `${base}/${id}_crit`)) ?? undefined) : undefined,
      });
    }
  }
  return { ...chip, sensors: [...sensors.values()].sort((a, b) => naturalCompare(a.id, b.id)) };
}

async function discover(fs: HostFs): Promise<Plan> {
  const chips: HwmonChip[] = [];
  for (const entry of await fs.list('/sys/class/hwmon')) {
    if (entry.startsWith('hwmon')) chips.push(await discoverChip(fs, `/sys/class/hwmon/${entry}`));
  }
  const zones: Zone[] = [];
  for (const entry of await fs.list('/sys/class/thermal')) {
    const zone = /^thermal_zone(\d+)$/.exec(entry)?.[1];
    if (zone === undefined) continue;
    const type = (await fs.tryRead(`/sys/class/thermal/${entry}/type`, { blocking: true }))?.trim();
    if (type !== undefined && type !== '') zones.push({ zone, type, temp: `/sys/class/thermal/${entry}/temp`, slow: false });
  }
  return { chips, zones };
}

/** `name` for each entry, with ` (<key>)` added to every entry whose name is not unique. */
function disambiguate<T>(entries: readonly T[], name: (entry: T) => string, key: (entry: T) => string): string[] {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(name(entry), (counts.get(name(entry)) ?? 0) + 1);
  return entries.map((entry) => ((counts.get(name(entry)) ?? 0) > 1 ? `${name(entry)} (${key(entry)})` : name(entry)));
}

export const temperatureCollector: HostCollector = {
  name: 'temperature',
  reads: '/sys/class/hwmon/hwmon*/{name,temp*_input,temp*_label,temp*_max,temp*_crit} (also under device/), /sys/class/thermal/thermal_zone*/{type,temp}',
  metrics: byNaming(OTEL, NODE),
  create({ fs, config }) {
    let plan: Plan | undefined;
    let cycles = 0;
    return async () => {
      if (plan === undefined || cycles >= REDISCOVER_CYCLES) {
        plan = await discover(fs);
        cycles = 0;
      }
      cycles += 1;
      const current = plan;
      const readings = new Map<HwmonSensor, number>();
      let vanished = false;
      for (const chip of current.chips) {
        for (const sensor of chip.sensors) {
          const value = await readSensor(fs, chip, sensor.input);
          if (typeof value === 'number') readings.set(sensor, value);
          else if (value === null) vanished = true;
        }
      }
      const zoneReadings: { zone: Zone; temp: number }[] = [];
      const zonesWanted = config.names === 'node_exporter' || readings.size === 0;
      for (const zone of zonesWanted ? current.zones : []) {
        const temp = await readSensor(fs, zone, zone.temp);
        if (typeof temp === 'number') zoneReadings.push({ zone, temp });
      }
      // A sensor that stopped answering may be a chip that went away: look again next cycle.
      if (vanished) cycles = REDISCOVER_CYCLES;

      const out = new Samples();
      if (config.names === 'node_exporter') {
        for (const chip of current.chips) {
          if (chip.name !== undefined) out.add(NODE.chipNames, 1, { chip: chip.id, chip_name: clean(chip.name) });
          for (const sensor of chip.sensors) {
            const attributes = { chip: chip.id, sensor: sensor.id };
            if (sensor.label !== undefined) out.add(NODE.sensorLabel, 1, { ...attributes, label: sensor.label });
            const input = readings.get(sensor);
            if (input !== undefined) out.add(NODE.temp, input, attributes);
            if (sensor.max !== undefined) out.add(NODE.max, sensor.max, attributes);
            if (sensor.crit !== undefined) out.add(NODE.crit, sensor.crit, attributes);
          }
        }
        for (const { zone, temp } of zoneReadings) out.add(NODE.zone, temp, { type: zone.type, zone: zone.zone });
        return out.output();
      }
      const chipNames = disambiguate(current.chips, (chip) => chip.name ?? chip.id, (chip) => chip.id);
      current.chips.forEach((chip, index) => {
        const sensorNames = disambiguate(chip.sensors, (sensor) => sensor.label ?? sensor.id, (sensor) => sensor.id);
        chip.sensors.forEach((sensor, sensorIndex) => {
          const input = readings.get(sensor);
          if (input !== undefined) out.add(OTEL.temperature, input, { chip: chipNames[index] ?? chip.id, sensor: sensorNames[sensorIndex] ?? sensor.id });
        });
      });
      for (const { zone, temp } of zoneReadings) out.add(OTEL.temperature, temp, { chip: zone.type, sensor: `thermal_zone${zone.zone}` });
      return out.output();
    };
  },
};
