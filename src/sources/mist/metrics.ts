/**
 * Every metric of the Mist source in both naming modes. `mistexporter`: the names and labels of
 * mistexporter v1.1.0 (all gauges), so its users' dashboards keep working, plus `site_id` and
 * `device_type`; the metrics mistexporter parses but drops (ports, LLDP/PoE, temperatures) get
 * names in its style. `otel`: the agent's conventions: dotted names with the unit word, cumulative
 * bytes, packets, retries and errors as counters, one `band` vocabulary for devices and clients.
 */
import type { MetricDefinition, MetricKind } from '../../engine/metric.js';
import type { MistNames } from './config.js';

/** Which part of the data a metric comes from; also the collector name it is reported under. */
export type MistFamily = 'alarms' | 'tickets' | 'sites' | 'devices' | 'clients' | 'self';

interface Row {
  readonly key: string;
  readonly family: MistFamily;
  /** Attribute group: which labels the metric carries. */
  readonly labels: LabelGroup;
  readonly otel: string;
  readonly kind: MetricKind;
  readonly unit: string;
  /** The Prometheus name in `names: mistexporter`. */
  readonly exporter: string;
  readonly description: string;
}

/**
 * Factors from Mist's value to the metric's, by key and mode. The otel mode has bytes where Mist
 * sends bits per second (promtool and OTel want the byte as the base unit); PoE power comes in mW.
 */
const SCALE: Readonly<Record<string, { readonly otel: number; readonly mistexporter: number }>> = {
  rx_bps: { otel: 1 / 8, mistexporter: 1 },
  tx_bps: { otel: 1 / 8, mistexporter: 1 },
  client_rx_bps: { otel: 1 / 8, mistexporter: 1 },
  client_tx_bps: { otel: 1 / 8, mistexporter: 1 },
  poe_draw: { otel: 1 / 1000, mistexporter: 1 / 1000 },
  poe_allocated: { otel: 1 / 1000, mistexporter: 1 / 1000 },
  poe_requested: { otel: 1 / 1000, mistexporter: 1 / 1000 },
};

/** The factor that turns Mist's value of `key` into the metric's value. */
export function scaleOf(key: string, names: MistNames): number {
  return SCALE[key]?.[names] ?? 1;
}

type LabelGroup = 'device' | 'radio' | 'port' | 'lldp' | 'env' | 'client' | 'site' | 'alarm' | 'ticket' | 'site_self' | 'channel' | 'rest' | 'none';

const SITE_EXPORTER = ['site_name', 'country_code', 'timezone', 'site_id'];
const DEVICE_EXPORTER = [...SITE_EXPORTER, 'device_name', 'device_mac', 'device_version', 'device_type'];
const CLIENT_EXPORTER = [
  ...SITE_EXPORTER,
  'device_name',
  'device_mac',
  'device_type',
  'client_mac',
  'client_username',
  'client_hostname',
  'client_os',
  'client_manufacturer',
  'client_family',
  'client_model',
  'proto',
  'radio',
  'ssid',
];

/** Attribute keys per group and mode. The otel mode says `band` (2.4, 5, 6) where mistexporter has two `radio` vocabularies. */
function attributes(group: LabelGroup, names: MistNames): string[] {
  const band = names === 'otel' ? 'band' : 'radio';
  switch (group) {
    case 'device':
      return DEVICE_EXPORTER;
    case 'radio':
      return [...DEVICE_EXPORTER, band];
    case 'port':
      return [...DEVICE_EXPORTER, 'port'];
    case 'lldp':
      return [...DEVICE_EXPORTER, 'neighbor_system_name', 'neighbor_port_id'];
    case 'env':
      return [...DEVICE_EXPORTER, 'sensor'];
    case 'client':
      return CLIENT_EXPORTER.map((key) => (key === 'radio' ? band : key));
    case 'site':
      return SITE_EXPORTER;
    case 'alarm':
      return ['alarm_type'];
    case 'ticket':
      return ['ticket_status'];
    case 'site_self':
      return ['site_id', 'site_name'];
    case 'channel':
      return ['channel_kind'];
    case 'rest':
      return ['endpoint', 'code'];
    case 'none':
      return [];
  }
}

const g = 'gauge' as const;
const c = 'counter' as const;

function row(
  key: string,
  family: MistFamily,
  labels: LabelGroup,
  otel: string,
  kind: MetricKind,
  unit: string,
  exporter: string,
  description: string,
): Row {
  return { key, family, labels, otel, kind, unit, exporter, description };
}

// Units in names: dBm, dB, MHz and Mbps have no unit word OTLP consumers agree on, so they are in
// the name with unit '' (as RouterOS's sfp.ts does); the translated and scraped names then agree.
const ROWS: readonly Row[] = [
  // Org (REST)
  row('org_alarms', 'alarms', 'alarm', 'mist.org.alarms', g, '{alarm}', 'mist_org_alarms', 'Alarms of the organisation by type.'),
  row('org_tickets', 'tickets', 'ticket', 'mist.org.tickets', g, '{ticket}', 'mist_org_tickets', 'Support tickets of the organisation by status.'),
  // Sites (REST)
  row('site_lat', 'sites', 'site', 'mist.site.latitude.degrees', g, '', 'mist_site_lat', 'Latitude of the site.'),
  row('site_lng', 'sites', 'site', 'mist.site.longitude.degrees', g, '', 'mist_site_lng', 'Longitude of the site.'),
  row('site_modified', 'sites', 'site', 'mist.site.modified.timestamp.seconds', g, 's', 'mist_site_modified_time', 'Unix time the site was last modified.'),
  row('site_num_ap', 'sites', 'site', 'mist.site.aps', g, '{device}', 'mist_site_num_ap', 'Access points of the site.'),
  row('site_num_ap_connected', 'sites', 'site', 'mist.site.aps.connected', g, '{device}', 'mist_site_num_ap_connected', 'Access points of the site connected to Mist.'),
  row('site_num_clients', 'sites', 'site', 'mist.site.clients', g, '{client}', 'mist_site_num_clients', 'Wireless clients of the site.'),
  row('site_num_devices', 'sites', 'site', 'mist.site.devices', g, '{device}', 'mist_site_num_devices', 'Devices of the site.'),
  row('site_num_devices_connected', 'sites', 'site', 'mist.site.devices.connected', g, '{device}', 'mist_site_num_devices_connected', 'Devices of the site connected to Mist.'),
  row('site_num_gateway', 'sites', 'site', 'mist.site.gateways', g, '{device}', 'mist_site_num_gateway', 'Gateways of the site.'),
  row('site_num_gateway_connected', 'sites', 'site', 'mist.site.gateways.connected', g, '{device}', 'mist_site_num_gateway_connected', 'Gateways of the site connected to Mist.'),
  row('site_num_switch', 'sites', 'site', 'mist.site.switches', g, '{device}', 'mist_site_num_switch', 'Switches of the site.'),
  row('site_num_switch_connected', 'sites', 'site', 'mist.site.switches.connected', g, '{device}', 'mist_site_num_switch_connected', 'Switches of the site connected to Mist.'),
  // Devices (stream)
  row('cpu_system', 'devices', 'device', 'mist.device.cpu.system.percent', g, '%', 'mist_device_cpu_utilization_system_percent', 'CPU time in system mode.'),
  row('cpu_idle', 'devices', 'device', 'mist.device.cpu.idle.percent', g, '%', 'mist_device_cpu_utilization_idle_percent', 'CPU time idle.'),
  row('cpu_interrupt', 'devices', 'device', 'mist.device.cpu.interrupt.percent', g, '%', 'mist_device_cpu_utilization_interrupt_percent', 'CPU time serving interrupts.'),
  row('cpu_user', 'devices', 'device', 'mist.device.cpu.user.percent', g, '%', 'mist_device_cpu_utilization_user_percent', 'CPU time in user mode.'),
  row('last_seen', 'devices', 'device', 'mist.device.last.seen.timestamp.seconds', g, 's', 'mist_device_last_seen_timestamp_seconds', 'Unix time Mist last heard from the device.'),
  row('load_1m', 'devices', 'device', 'mist.device.load.average.1m', g, '', 'mist_device_load_average_1m', 'Load average over 1 minute.'),
  row('load_5m', 'devices', 'device', 'mist.device.load.average.5m', g, '', 'mist_device_load_average_5m', 'Load average over 5 minutes.'),
  row('load_15m', 'devices', 'device', 'mist.device.load.average.15m', g, '', 'mist_device_load_average_15m', 'Load average over 15 minutes.'),
  row('memory', 'devices', 'device', 'mist.device.memory.utilization.percent', g, '%', 'mist_device_memory_utilization_percent', 'Memory in use.'),
  row('rx_bps', 'devices', 'device', 'mist.device.receive.bytes.per.second', g, '', 'mist_device_receive_bits_per_second', 'Receive rate of the device, as Mist computes it (bits/s in mistexporter mode, bytes/s in otel mode).'),
  row('tx_bps', 'devices', 'device', 'mist.device.transmit.bytes.per.second', g, '', 'mist_device_transmit_bits_per_second', 'Transmit rate of the device, as Mist computes it (bits/s in mistexporter mode, bytes/s in otel mode).'),
  row('uptime', 'devices', 'device', 'mist.device.uptime.seconds', g, 's', 'mist_device_uptime_seconds', 'Time since the device booted.'),
  row('device_clients', 'devices', 'device', 'mist.device.clients', g, '{client}', 'mist_device_clients', 'Wireless clients associated with the device.'),
  row('device_rx_bytes', 'devices', 'device', 'mist.device.receive.bytes', c, 'By', 'mist_device_receive_bytes', 'Bytes received by the device.'),
  row('device_tx_bytes', 'devices', 'device', 'mist.device.transmit.bytes', c, 'By', 'mist_device_transmit_bytes', 'Bytes transmitted by the device.'),
  row('device_rx_pkts', 'devices', 'device', 'mist.device.receive.packets', c, '{packet}', 'mist_device_receive_packets', 'Packets received by the device.'),
  row('device_tx_pkts', 'devices', 'device', 'mist.device.transmit.packets', c, '{packet}', 'mist_device_transmit_packets', 'Packets transmitted by the device.'),
  row('radio_bandwidth', 'devices', 'radio', 'mist.device.radio.bandwidth.mhz', g, '', 'mist_device_radio_bandwidth_mhz', 'Channel width of the radio.'),
  row('radio_channel', 'devices', 'radio', 'mist.device.radio.channel', g, '', 'mist_device_radio_channel', 'Channel of the radio.'),
  row('radio_clients', 'devices', 'radio', 'mist.device.radio.clients', g, '{client}', 'mist_device_radio_clients', 'Clients on the radio.'),
  row('radio_power', 'devices', 'radio', 'mist.device.radio.transmit.power.dbm', g, '', 'mist_device_radio_transmit_power_dbm', 'Transmit power of the radio.'),
  row('radio_rx_bytes', 'devices', 'radio', 'mist.device.radio.receive.bytes', c, 'By', 'mist_device_radio_receive_bytes', 'Bytes received on the radio.'),
  row('radio_rx_pkts', 'devices', 'radio', 'mist.device.radio.receive.packets', c, '{packet}', 'mist_device_radio_receive_packets', 'Packets received on the radio.'),
  row('radio_tx_bytes', 'devices', 'radio', 'mist.device.radio.transmit.bytes', c, 'By', 'mist_device_radio_transmit_bytes', 'Bytes transmitted on the radio.'),
  row('radio_tx_pkts', 'devices', 'radio', 'mist.device.radio.transmit.packets', c, '{packet}', 'mist_device_radio_transmit_packets', 'Packets transmitted on the radio.'),
  row('port_up', 'devices', 'port', 'mist.device.port.up', g, '', 'mist_device_port_up', 'Whether the wired port is up (1) or not (0).'),
  row('port_speed', 'devices', 'port', 'mist.device.port.speed.mbps', g, '', 'mist_device_port_speed_mbps', 'Negotiated speed of the wired port.'),
  row('port_rx_bytes', 'devices', 'port', 'mist.device.port.receive.bytes', c, 'By', 'mist_device_port_receive_bytes', 'Bytes received on the wired port.'),
  row('port_tx_bytes', 'devices', 'port', 'mist.device.port.transmit.bytes', c, 'By', 'mist_device_port_transmit_bytes', 'Bytes transmitted on the wired port.'),
  row('port_rx_pkts', 'devices', 'port', 'mist.device.port.receive.packets', c, '{packet}', 'mist_device_port_receive_packets', 'Packets received on the wired port.'),
  row('port_tx_pkts', 'devices', 'port', 'mist.device.port.transmit.packets', c, '{packet}', 'mist_device_port_transmit_packets', 'Packets transmitted on the wired port.'),
  row('port_rx_errors', 'devices', 'port', 'mist.device.port.receive.errors', c, '{error}', 'mist_device_port_receive_errors', 'Receive errors on the wired port.'),
  row('port_tx_errors', 'devices', 'port', 'mist.device.port.transmit.errors', c, '{error}', 'mist_device_port_transmit_errors', 'Transmit errors on the wired port.'),
  row('lldp_neighbor', 'devices', 'lldp', 'mist.device.lldp.neighbor', g, '', 'mist_device_lldp_neighbor_info', 'The LLDP neighbour of the uplink (always 1).'),
  row('poe_draw', 'devices', 'lldp', 'mist.device.poe.power.draw.watts', g, 'W', 'mist_device_poe_power_draw_watts', 'PoE power the device draws, as its LLDP neighbour reports.'),
  row('poe_allocated', 'devices', 'lldp', 'mist.device.poe.power.allocated.watts', g, 'W', 'mist_device_poe_power_allocated_watts', 'PoE power the switch allocated to the device.'),
  row('poe_requested', 'devices', 'lldp', 'mist.device.poe.power.requested.watts', g, 'W', 'mist_device_poe_power_requested_watts', 'PoE power the device requested.'),
  row('temperature', 'devices', 'env', 'mist.device.temperature.celsius', g, 'Cel', 'mist_device_temperature_celsius', 'Temperature of a sensor of the device (cpu, ambient).'),
  // Clients (stream)
  row('client_channel', 'clients', 'client', 'mist.client.channel', g, '', 'mist_client_channel', 'Channel the client uses.'),
  row('client_dual_band', 'clients', 'client', 'mist.client.dual.band.capable', g, '', 'mist_client_dual_band_capable', 'Whether the client can use both bands (1) or not (0).'),
  row('client_idle', 'clients', 'client', 'mist.client.idle.seconds', g, 's', 'mist_client_idle_seconds', 'Time since the client last sent traffic.'),
  row('client_guest', 'clients', 'client', 'mist.client.guest', g, '', 'mist_client_is_guest_status', 'Whether the client is a guest (1) or not (0).'),
  row('client_last_seen', 'clients', 'client', 'mist.client.last.seen.timestamp.seconds', g, 's', 'mist_client_last_seen_timestamp_seconds', 'Unix time Mist last saw the client.'),
  row('client_locating_aps', 'clients', 'client', 'mist.client.locating.aps', g, '{device}', 'mist_client_locating_aps', 'Access points that hear the client.'),
  row('client_power_saving', 'clients', 'client', 'mist.client.power.saving', g, '', 'mist_client_power_saving_mode_active', 'Whether the client is in power-save mode (1) or not (0).'),
  row('client_rssi', 'clients', 'client', 'mist.client.rssi.dbm', g, '', 'mist_client_rssi_dbm', 'Signal strength of the client at the access point.'),
  row('client_snr', 'clients', 'client', 'mist.client.snr.db', g, '', 'mist_client_snr_db', 'Signal-to-noise ratio of the client.'),
  row('client_rx_bps', 'clients', 'client', 'mist.client.receive.bytes.per.second', g, '', 'mist_client_receive_bits_per_second', 'Receive rate of the client, as Mist computes it (bits/s in mistexporter mode, bytes/s in otel mode).'),
  row('client_tx_bps', 'clients', 'client', 'mist.client.transmit.bytes.per.second', g, '', 'mist_client_transmit_bits_per_second', 'Transmit rate of the client, as Mist computes it (bits/s in mistexporter mode, bytes/s in otel mode).'),
  row('client_rx_bytes', 'clients', 'client', 'mist.client.receive.bytes', c, 'By', 'mist_client_receive_bytes', 'Bytes received from the client.'),
  row('client_tx_bytes', 'clients', 'client', 'mist.client.transmit.bytes', c, 'By', 'mist_client_transmit_bytes', 'Bytes transmitted to the client.'),
  row('client_rx_packets', 'clients', 'client', 'mist.client.receive.packets', c, '{packet}', 'mist_client_receive_packets', 'Packets received from the client.'),
  row('client_tx_packets', 'clients', 'client', 'mist.client.transmit.packets', c, '{packet}', 'mist_client_transmit_packets', 'Packets transmitted to the client.'),
  row('client_rx_rate', 'clients', 'client', 'mist.client.receive.rate.mbps', g, '', 'mist_client_receive_rate_mbps', 'PHY rate of the last frame received from the client.'),
  row('client_tx_rate', 'clients', 'client', 'mist.client.transmit.rate.mbps', g, '', 'mist_client_transmit_rate_mbps', 'PHY rate of the last frame sent to the client.'),
  row('client_rx_retries', 'clients', 'client', 'mist.client.receive.retries', c, '{retry}', 'mist_client_receive_retries', 'Retried frames received from the client.'),
  row('client_tx_retries', 'clients', 'client', 'mist.client.transmit.retries', c, '{retry}', 'mist_client_transmit_retries', 'Retried frames sent to the client.'),
  row('client_uptime', 'clients', 'client', 'mist.client.uptime.seconds', g, 's', 'mist_client_uptime_seconds', 'Time since the client connected.'),
  // The source's own state (same names in both modes).
  row('ws_connected', 'self', 'site_self', 'mist.ws.connected', g, '', 'mist_ws_connected', 'Whether the stream delivers both channels of the site (1) or not (0).'),
  row('ws_last_message', 'self', 'site_self', 'mist.ws.last.message.timestamp.seconds', g, 's', 'mist_ws_last_message_timestamp_seconds', 'Unix time of the last stream message for the site.'),
  row('ws_messages', 'self', 'channel', 'mist.ws.messages', c, '{message}', 'mist_ws_messages_total', 'Stream data messages received, by channel kind (devices, clients).'),
  row('ws_decode_errors', 'self', 'none', 'mist.ws.decode.errors', c, '{message}', 'mist_ws_decode_errors_total', 'Stream messages skipped because they could not be decoded.'),
  row('ws_reconnects', 'self', 'none', 'mist.ws.reconnects', c, '{connection}', 'mist_ws_reconnects_total', 'Stream connections opened after the first.'),
  row('rest_requests', 'self', 'rest', 'mist.rest.requests', c, '{request}', 'mist_rest_requests_total', 'REST calls by endpoint and HTTP status (or error).'),
  row('rest_budget', 'self', 'none', 'mist.rest.budget.remaining', g, '{request}', 'mist_rest_budget_remaining', 'REST calls left in this hour of the key’s budget (5000 per hour).'),
  row('series_expired', 'self', 'none', 'mist.series.expired', c, '{series}', 'mist_series_expired_total', 'Clients, devices and sites dropped after expire_after without an update.'),
];

export type MistMetricKey = (typeof ROWS)[number]['key'];

/** The definitions of one naming mode, by key. */
export type MistMetricSet = ReadonlyMap<string, MetricDefinition>;

/**
 * mistexporter v1.1.0's HELP texts, used in `names: mistexporter` so its scrape reads the same
 * (the radio byte and packet texts lose the leading space they have there).
 */
const EXPORTER_HELP: Readonly<Record<string, string>> = {
  mist_org_alarms: 'Total number of unresolved alarms in the organization.',
  mist_org_tickets: 'Total number of tickets in the organization by status.',
  mist_site_lat: 'Geographic latitude of the site.',
  mist_site_lng: 'Geographic longitude of the site.',
  mist_site_modified_time: 'The last time site was modified, as a Unix timestamp.',
  mist_site_num_ap: 'Total number of APs configured for the site.',
  mist_site_num_ap_connected: 'Number of APs currently online at the site.',
  mist_site_num_clients: 'Total number of clients currently connected to the site.',
  mist_site_num_devices: 'Total number of Mist devices (APs, switches, gateways) at the site.',
  mist_site_num_devices_connected: 'Number of Mist devices (APs, switches, gateways) currently online at the site.',
  mist_site_num_gateway: 'Total number of gateways configured for the site.',
  mist_site_num_gateway_connected: 'Number of gateways currently online at the site.',
  mist_site_num_switch: 'Total number of switches configured for the site.',
  mist_site_num_switch_connected: 'Number of switches currently online at the site.',
  mist_client_channel: 'The channel the client is connected on.',
  mist_client_dual_band_capable: 'Whether the client is dual-band capable (1 for true, 0 for false).',
  mist_client_idle_seconds: 'Time in seconds since the client was last active.',
  mist_client_is_guest_status: 'Whether the client is a guest user (1 for true, 0 for false).',
  mist_client_last_seen_timestamp_seconds: 'The last time the client was seen, as a Unix timestamp.',
  mist_client_locating_aps: 'The number of APs that can hear the client.',
  mist_client_power_saving_mode_active: 'Whether the client is in power-saving mode (1 for true, 0 for false).',
  mist_client_rssi_dbm: "The client's Received Signal Strength Indicator in dBm.",
  mist_client_receive_bits_per_second: 'Bits per second received from the client.',
  mist_client_receive_bytes: 'Total bytes received from the client.',
  mist_client_receive_packets: 'Total packets received from the client.',
  mist_client_receive_rate_mbps: 'The receive data rate in Mbps.',
  mist_client_receive_retries: 'Total number of receive retries.',
  mist_client_snr_db: "The client's Signal-to-Noise Ratio in dB.",
  mist_client_transmit_bits_per_second: 'Bits per second transmitted to the client.',
  mist_client_transmit_bytes: 'Total bytes transmitted to the client.',
  mist_client_transmit_packets: 'Total packets transmitted to the client.',
  mist_client_transmit_rate_mbps: 'The transmit data rate in Mbps.',
  mist_client_transmit_retries: 'Total number of transmit retries.',
  mist_client_uptime_seconds: "The client's session uptime in seconds.",
  mist_device_cpu_utilization_system_percent: 'Current system CPU utilization of the device.',
  mist_device_cpu_utilization_idle_percent: 'Current idle CPU utilization of the device.',
  mist_device_cpu_utilization_interrupt_percent: 'Current interrupt CPU utilization of the device.',
  mist_device_cpu_utilization_user_percent: 'Current user CPU utilization of the device.',
  mist_device_last_seen_timestamp_seconds: 'The last time the device was seen, as a Unix timestamp.',
  mist_device_load_average_1m: 'Current 1m load average of the device.',
  mist_device_load_average_5m: 'Current 5m load average of the device.',
  mist_device_load_average_15m: 'Current 15m load average of the device.',
  mist_device_memory_utilization_percent: 'Current memory utilization of the device.',
  mist_device_receive_bits_per_second: 'Bits per second received by the device.',
  mist_device_transmit_bits_per_second: 'Bits per second transmitted by the device.',
  mist_device_uptime_seconds: 'Device uptime in seconds.',
  mist_device_radio_bandwidth_mhz: 'Radio channel bandwidth in MHz.',
  mist_device_radio_channel: 'The current radio channel.',
  mist_device_radio_clients: 'Number of clients connected to this radio.',
  mist_device_radio_transmit_power_dbm: "The radio's transmit power in dBm.",
  mist_device_radio_receive_bytes: 'bytes received by the radio.',
  mist_device_radio_receive_packets: 'packets received by the radio.',
  mist_device_radio_transmit_bytes: 'bytes transmitted by the radio.',
  mist_device_radio_transmit_packets: 'packets transmitted by the radio.',
};

function definition(entry: Row, names: MistNames): MetricDefinition {
  if (names === 'otel') {
    return Object.freeze({
      name: entry.otel,
      kind: entry.kind,
      unit: entry.unit,
      description: entry.description,
      attributes: attributes(entry.labels, names),
    });
  }
  // Self-metrics are counters in both modes; mistexporter has none of its own to be compatible with.
  const kind: MetricKind = entry.family === 'self' ? entry.kind : 'gauge';
  return Object.freeze({
    name: kind === 'counter' ? entry.exporter.replace(/_total$/, '') : entry.exporter,
    kind,
    unit: '',
    description: EXPORTER_HELP[entry.exporter] ?? entry.description,
    attributes: attributes(entry.labels, names),
  });
}

const SETS = new Map<MistNames, MistMetricSet>();

export function mistMetrics(names: MistNames): MistMetricSet {
  let set = SETS.get(names);
  if (set === undefined) {
    set = new Map(ROWS.map((entry) => [entry.key, definition(entry, names)]));
    SETS.set(names, set);
  }
  return set;
}

/** One definition; throws on an unknown key (a programming error). */
export function metric(set: MistMetricSet, key: string): MetricDefinition {
  const found = set.get(key);
  if (found === undefined) throw new Error(`unknown Mist metric ${key}`);
  return found;
}

/** For docs: the rows with both modes' definitions. */
export function metricTable(): readonly { family: MistFamily; otel: MetricDefinition; exporter: MetricDefinition }[] {
  return ROWS.map((entry) => ({ family: entry.family, otel: definition(entry, 'otel'), exporter: definition(entry, 'mistexporter') }));
}
