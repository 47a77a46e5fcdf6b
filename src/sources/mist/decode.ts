/**
 * Decoding of what Mist sends: stream `data` objects (device and client stats) and REST bodies.
 * Numbers stay float64 throughout (mistexporter's float32 timestamps lose up to 64 s). A field
 * Mist documents as an integer that arrives fractional, or a field of the wrong type, rejects the
 * whole message with a {@link DecodeError}: the caller counts it and keeps the previous values.
 * Missing fields are simply absent (a partial object updates only what it carries).
 */

export class DecodeError extends Error {
  override name = 'DecodeError';
}

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function where(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** A float field; undefined when absent or null. */
function float(object: Json, key: string, path: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DecodeError(`${where(path, key)} is not a number`);
  return value;
}

/** An integer field (Go `int` in mistclient); a fraction is an error, as it is for mistexporter. */
function int(object: Json, key: string, path: string): number | undefined {
  const value = float(object, key, path);
  if (value !== undefined && !Number.isInteger(value)) throw new DecodeError(`${where(path, key)} is fractional (${value}) where an integer belongs`);
  return value;
}

function bool(object: Json, key: string, path: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new DecodeError(`${where(path, key)} is not true or false`);
  return value ? 1 : 0;
}

function str(object: Json, key: string, path: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new DecodeError(`${where(path, key)} is not text`);
  return value;
}

function child(object: Json, key: string, path: string): Json | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new DecodeError(`${where(path, key)} is not an object`);
  return value;
}

/** Values by metric key; absent keys were not in the message. */
export type Values = Record<string, number>;

function put(values: Values, key: string, value: number | undefined): void {
  if (value !== undefined) values[key] = value;
}

/** A MAC as Mist writes it in lower-case hex without separators; anything else is normalised to that. */
function mac(value: string): string {
  return value.toLowerCase().replace(/[^0-9a-f]/g, '');
}

type Reader = (object: Json, key: string, path: string) => number | undefined;

/** Metric key, Mist field and how to read it, for the per-radio and per-port objects. */
const RADIO_FIELDS: readonly (readonly [string, string, Reader])[] = [
  ['radio_bandwidth', 'bandwidth', int],
  ['radio_channel', 'channel', int],
  ['radio_clients', 'num_clients', int],
  ['radio_power', 'power', int],
  ['radio_rx_bytes', 'rx_bytes', int],
  ['radio_rx_pkts', 'rx_pkts', int],
  ['radio_tx_bytes', 'tx_bytes', int],
  ['radio_tx_pkts', 'tx_pkts', int],
];

const PORT_FIELDS: readonly (readonly [string, string, Reader])[] = [
  ['port_up', 'up', bool],
  ['port_speed', 'speed', int],
  ['port_rx_bytes', 'rx_bytes', int],
  ['port_tx_bytes', 'tx_bytes', int],
  ['port_rx_pkts', 'rx_pkts', int],
  ['port_tx_pkts', 'tx_pkts', int],
  ['port_rx_errors', 'rx_errors', int],
  ['port_tx_errors', 'tx_errors', int],
];

const DEVICE_FIELDS: readonly (readonly [string, string, Reader])[] = [
  ['uptime', 'uptime', float],
  ['last_seen', 'last_seen', float],
  ['device_clients', 'num_clients', int],
  ['rx_bps', 'rx_bps', int],
  ['tx_bps', 'tx_bps', int],
  ['device_rx_bytes', 'rx_bytes', int],
  ['device_tx_bytes', 'tx_bytes', int],
  ['device_rx_pkts', 'rx_pkts', int],
  ['device_tx_pkts', 'tx_pkts', int],
];

const CLIENT_FIELDS: readonly (readonly [string, string, Reader])[] = [
  ['client_channel', 'channel', int],
  ['client_dual_band', 'dual_band', bool],
  ['client_idle', 'idle_time', float],
  ['client_guest', 'is_guest', bool],
  ['client_last_seen', 'last_seen', float],
  ['client_locating_aps', 'num_locating_aps', int],
  ['client_power_saving', 'power_saving', bool],
  ['client_rssi', 'rssi', int],
  ['client_snr', 'snr', int],
  ['client_rx_bps', 'rx_bps', int],
  ['client_tx_bps', 'tx_bps', int],
  ['client_rx_bytes', 'rx_bytes', int],
  ['client_tx_bytes', 'tx_bytes', int],
  ['client_rx_packets', 'rx_packets', int],
  ['client_tx_packets', 'tx_packets', int],
  ['client_rx_rate', 'rx_rate', float],
  ['client_tx_rate', 'tx_rate', float],
  ['client_rx_retries', 'rx_retries', int],
  ['client_tx_retries', 'tx_retries', int],
  ['client_uptime', 'uptime', float],
];

/** The values of `fields` present in `object`. */
function readFields(object: Json, path: string, fields: readonly (readonly [string, string, Reader])[]): Values {
  const values: Values = {};
  for (const [metricKey, field, read] of fields) put(values, metricKey, read(object, field, path));
  return values;
}

/** The normalised `mac` of a stat object; every stat has one. */
function statMac(raw: Json, kind: string): string {
  const text = str(raw, 'mac', '');
  const normalised = text === undefined ? '' : mac(text);
  if (normalised === '') throw new DecodeError(`${kind} stat has no mac`);
  return normalised;
}

/** `{<name>: {fields…}}` (radio_stat by band, port_stat by port) → values by name. */
function groups(raw: Json, key: string, fields: readonly (readonly [string, string, Reader])[]): Record<string, Values> {
  const result: Record<string, Values> = {};
  const stat = child(raw, key, '');
  if (stat === undefined) return result;
  for (const [name, entry] of Object.entries(stat)) {
    // A key that would set the prototype of the map it lands in is not a band or a port.
    if (name === '__proto__') continue;
    const path = `${key}.${name}`;
    if (!isObject(entry)) throw new DecodeError(`${path} is not an object`);
    result[name] = readFields(entry, path, fields);
  }
  return result;
}

export interface DeviceStat {
  readonly mac: string;
  readonly name?: string;
  readonly type?: string;
  readonly version?: string;
  readonly values: Values;
  /** Per Mist band key (band_24, band_5, band_6). */
  readonly radios: Record<string, Values>;
  /** Per port name. */
  readonly ports: Record<string, Values>;
  readonly lldp?: { readonly systemName: string; readonly portId: string; readonly values: Values };
  /** Per sensor (cpu, ambient). */
  readonly temperatures: Values;
}

/** A `/sites/{id}/stats/devices` object. */
export function decodeDeviceStat(raw: unknown): DeviceStat {
  if (!isObject(raw)) throw new DecodeError('device stat is not an object');
  const macText = statMac(raw, 'device');
  const values = readFields(raw, '', DEVICE_FIELDS);
  const cpu = child(raw, 'cpu_stat', '');
  if (cpu !== undefined) {
    put(values, 'cpu_system', int(cpu, 'system', 'cpu_stat'));
    put(values, 'cpu_idle', int(cpu, 'idle', 'cpu_stat'));
    put(values, 'cpu_interrupt', int(cpu, 'interrupt', 'cpu_stat'));
    put(values, 'cpu_user', int(cpu, 'user', 'cpu_stat'));
    const load = cpu['load_avg'];
    // mistexporter sets the load averages only when exactly three are given.
    if (Array.isArray(load) && load.length === 3) {
      if (!load.every((entry) => typeof entry === 'number' && Number.isFinite(entry))) throw new DecodeError('cpu_stat.load_avg holds a non-number');
      values['load_1m'] = load[0] as number;
      values['load_5m'] = load[1] as number;
      values['load_15m'] = load[2] as number;
    } else if (load !== undefined && load !== null && !Array.isArray(load)) throw new DecodeError('cpu_stat.load_avg is not a list');
  }
  const memory = child(raw, 'memory_stat', '');
  if (memory !== undefined) put(values, 'memory', float(memory, 'usage', 'memory_stat'));
  const radios = groups(raw, 'radio_stat', RADIO_FIELDS);
  const ports = groups(raw, 'port_stat', PORT_FIELDS);
  let lldp: DeviceStat['lldp'];
  const lldpStat = child(raw, 'lldp_stat', '');
  if (lldpStat !== undefined) {
    const values: Values = { lldp_neighbor: 1 };
    put(values, 'poe_draw', float(lldpStat, 'power_draw', 'lldp_stat'));
    put(values, 'poe_allocated', float(lldpStat, 'power_allocated', 'lldp_stat'));
    put(values, 'poe_requested', float(lldpStat, 'power_requested', 'lldp_stat'));
    lldp = { systemName: str(lldpStat, 'system_name', 'lldp_stat') ?? '', portId: str(lldpStat, 'port_id', 'lldp_stat') ?? '', values };
  }
  const temperatures: Values = {};
  const env = child(raw, 'env_stat', '');
  if (env !== undefined) {
    put(temperatures, 'cpu', float(env, 'cpu_temp', 'env_stat'));
    put(temperatures, 'ambient', float(env, 'ambient_temp', 'env_stat'));
  }
  const name = str(raw, 'name', '');
  const type = str(raw, 'type', '');
  const version = str(raw, 'version', '');
  return {
    mac: macText,
    ...(name === undefined ? {} : { name }),
    ...(type === undefined ? {} : { type }),
    ...(version === undefined ? {} : { version }),
    values,
    radios,
    ports,
    ...(lldp === undefined ? {} : { lldp }),
    temperatures,
  };
}

/** Labels a client message may carry; absent ones keep their previous value. */
export interface ClientLabels {
  apMac?: string;
  username?: string;
  hostname?: string;
  os?: string;
  manufacturer?: string;
  family?: string;
  model?: string;
  proto?: string;
  band?: string;
  ssid?: string;
}

export interface ClientStat {
  readonly mac: string;
  readonly labels: ClientLabels;
  readonly values: Values;
}

/** A `/sites/{id}/stats/clients` object. */
export function decodeClientStat(raw: unknown): ClientStat {
  if (!isObject(raw)) throw new DecodeError('client stat is not an object');
  const macText = statMac(raw, 'client');
  const values = readFields(raw, '', CLIENT_FIELDS);
  const labels: ClientLabels = {};
  const apMac = str(raw, 'ap_mac', '');
  if (apMac !== undefined) labels.apMac = mac(apMac);
  const text: [keyof ClientLabels, string][] = [
    ['username', 'username'],
    ['hostname', 'hostname'],
    ['os', 'os'],
    // mistclient's field (and Mist's) is `manufacture`; the label is client_manufacturer.
    ['manufacturer', 'manufacture'],
    ['family', 'family'],
    ['model', 'model'],
    ['proto', 'proto'],
    ['band', 'band'],
    ['ssid', 'ssid'],
  ];
  for (const [label, field] of text) {
    const value = str(raw, field, '');
    if (value !== undefined) labels[label] = value;
  }
  return { mac: macText, labels, values };
}

export interface Site {
  readonly id: string;
  readonly name: string;
  readonly countryCode: string;
  readonly timezone: string;
}

/** `/orgs/{id}/sites`: an array of sites; entries without an id are skipped. */
export function decodeSites(raw: unknown): Site[] {
  if (!Array.isArray(raw)) throw new DecodeError('site list is not an array');
  return raw.flatMap((entry: unknown) => {
    if (!isObject(entry) || typeof entry['id'] !== 'string') return [];
    const text = (key: string): string => (typeof entry[key] === 'string' ? (entry[key] as string) : '');
    return [{ id: entry['id'], name: text('name'), countryCode: text('country_code'), timezone: text('timezone') }];
  });
}

export interface OrgDevice {
  readonly mac: string;
  readonly name: string;
  readonly type: string;
}

/** `/orgs/{id}/devices`: `{results: [...]}` (mistclient's last decode) or a bare array. */
export function decodeDevices(raw: unknown): OrgDevice[] {
  const list = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw['results']) ? raw['results'] : undefined;
  if (list === undefined) throw new DecodeError('device list is neither an array nor {results: [...]}');
  return list.flatMap((entry: unknown) => {
    if (!isObject(entry) || typeof entry['mac'] !== 'string') return [];
    return [
      {
        mac: mac(entry['mac']),
        name: typeof entry['name'] === 'string' ? entry['name'] : '',
        type: typeof entry['type'] === 'string' ? entry['type'] : '',
      },
    ];
  });
}

/** `/orgs/{id}/{alarms,tickets}/count?distinct=…`: counts by the distinct field. */
export function decodeCounts(raw: unknown, field: string): Map<string, number> {
  if (!isObject(raw) || !Array.isArray(raw['results'])) throw new DecodeError('count response has no results list');
  const counts = new Map<string, number>();
  for (const entry of raw['results'] as unknown[]) {
    if (!isObject(entry)) throw new DecodeError('count result is not an object');
    const key = str(entry, field, 'results[]') ?? '';
    const value = int(entry, 'count', 'results[]') ?? 0;
    counts.set(key, value);
  }
  return counts;
}

/** `/sites/{id}/stats`. */
export function decodeSiteStats(raw: unknown): Values {
  if (!isObject(raw)) throw new DecodeError('site stats is not an object');
  const values: Values = {};
  put(values, 'site_lat', float(raw, 'lat', ''));
  put(values, 'site_lng', float(raw, 'lng', ''));
  put(values, 'site_modified', float(raw, 'modified_time', ''));
  for (const key of ['num_ap', 'num_ap_connected', 'num_clients', 'num_devices', 'num_devices_connected', 'num_gateway', 'num_gateway_connected', 'num_switch', 'num_switch_connected']) {
    put(values, `site_${key}`, int(raw, key, ''));
  }
  return values;
}

/** `/self`: the org ids of the key's org-scoped privileges. */
export function decodeSelfOrgs(raw: unknown): string[] {
  if (!isObject(raw) || !Array.isArray(raw['privileges'])) throw new DecodeError('/self has no privileges list');
  const orgs = new Set<string>();
  for (const entry of raw['privileges'] as unknown[]) {
    if (isObject(entry) && entry['scope'] === 'org' && typeof entry['org_id'] === 'string' && entry['org_id'] !== '') orgs.add(entry['org_id']);
  }
  return [...orgs];
}
