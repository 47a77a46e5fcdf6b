/**
 * The host section of docs/metrics.md, from the same definitions the collectors emit: each
 * collector with what it reads, then its metrics under both namings, then the per-host engine
 * metrics and the table of linux-tiny-exporter metrics beside their replacements.
 */
import { prometheusName, type MetricDefinition } from '../../engine/metric.js';
import type { HostCollector } from './collectors/collector.js';
import { HOST_ENGINE_METRICS } from './descriptor.js';

/** Paths as Markdown text: globs and braces would otherwise start emphasis. */
function paths(text: string): string {
  return text.replace(/\*/g, '\\*');
}

function row(definition: MetricDefinition): string {
  const attributes = definition.attributes.length > 0 ? definition.attributes.map((key) => `\`${key}\``).join(', ') : '–';
  const unit = definition.unit === '' ? '–' : `\`${definition.unit}\``;
  const role = definition.role === 'uptime' ? ' Declared as the host\'s uptime: a reboot restarts its counters.' : '';
  return `| \`${prometheusName(definition)}\` | \`${definition.name}\` | ${definition.kind} | ${unit} | ${attributes} | ${definition.description}${role} |`;
}

function table(definitions: readonly MetricDefinition[]): string[] {
  return ['| Prometheus | OpenTelemetry | Kind | Unit | Attributes | Description |', '|---|---|---|---|---|---|', ...definitions.map(row)];
}

/** linux-tiny-exporter's metrics and what replaces each, in both namings. */
const TINY_EXPORTER: readonly (readonly [string, string, string, string])[] = [
  ['cpu_usage (gauge, % since the previous scrape)', '`system_cpu_utilization_ratio{cpu,state}` (between the collector\'s own samples)', '`rate(node_cpu_seconds_total[…])`', 'no per-scraper state: every scraper sees the same value'],
  ['cpu_user, cpu_system, cpu_iowait, cpu_irq (cumulative seconds as gauges)', '`system_cpu_time_seconds_total{cpu,state}`', '`node_cpu_seconds_total{cpu,mode}`', 'counters, every mode (idle, nice, softirq, steal too), per CPU'],
  ['mem_total', '`system_memory_limit_bytes`', '`node_memory_MemTotal_bytes`', ''],
  ['mem_used', '`system_memory_usage_bytes{state="used"}`', 'MemTotal − MemFree − Buffers − Cached − SReclaimable', ''],
  ['mem_free', '`system_memory_usage_bytes{state="free"}`', '`node_memory_MemFree_bytes`', ''],
  ['mem_cached', '`system_memory_usage_bytes{state="cached"}`', '`node_memory_Cached_bytes`', ''],
  ['mem_buffered', '`system_memory_usage_bytes{state="buffered"}`', '`node_memory_Buffers_bytes`', ''],
  ['mem_shared', '`system_memory_linux_shared_bytes`', '`node_memory_Shmem_bytes`', ''],
  ['mem_available', '`system_linux_memory_available_bytes`', '`node_memory_MemAvailable_bytes`', ''],
  ['diskio_read_bytes{disk} (gauge, every device)', '`system_disk_io_bytes_total{device,direction="read"}`', '`node_disk_read_bytes_total{device}`', 'counters; partitions, loop and ram devices filtered out by default'],
  ['diskio_write_bytes{disk}', '`system_disk_io_bytes_total{device,direction="write"}`', '`node_disk_written_bytes_total{device}`', ''],
  ['net_received_bytes_diff{interface} (delta since the previous scrape)', '`system_network_io_bytes_total{device,direction="receive"}`', '`node_network_receive_bytes_total{device}`', 'cumulative counters: any number of scrapers, no half deltas; lo and veth* filtered out'],
  ['net_transmit_bytes_diff{interface}', '`system_network_io_bytes_total{device,direction="transmit"}`', '`node_network_transmit_bytes_total{device}`', ''],
  ['net_received_packets_diff{interface}', '`system_network_packets_total{device,direction="receive"}`', '`node_network_receive_packets_total{device}`', ''],
  ['net_transmit_packets_diff{interface}', '`system_network_packets_total{device,direction="transmit"}`', '`node_network_transmit_packets_total{device}`', ''],
  ['cpu_temperature_celsius{sensor}', '`hw_temperature_celsius{chip,sensor}`', '`node_hwmon_temp_celsius{chip,sensor}`, `node_thermal_zone_temp{type,zone}`', 'one bad sensor loses only its value; equal names stay separate series'],
];

export function renderHostDoc(collectors: readonly HostCollector[]): string {
  const lines: string[] = [
    '# Host metrics',
    '',
    'With `host.enabled`, the agent also watches the machine it runs on (or the one whose `/proc` and `/sys`',
    'are mounted at `host.root`). Every series carries `host`: `host.name` from `OTEL_RESOURCE_ATTRIBUTES` or',
    '`resource_attributes` (the variable wins, as for the resource), else the kernel\'s host name. `host.names` picks the naming: `otel` (the',
    'default) follows the OpenTelemetry semantic conventions as the Collector\'s `hostmetrics` receiver does;',
    '`node_exporter` gives node_exporter\'s names and labels, so its dashboards work unchanged.',
    '',
    '| Collector | Default | Reads |',
    '|---|---|---|',
    ...collectors.map((collector) => `| [${collector.name}](#host-${collector.name}) | ${collector.name === 'pressure' ? 'off' : 'on'} | ${paths(collector.reads)} |`),
    '',
  ];
  for (const collector of collectors) {
    lines.push(`## host: ${collector.name}`, '', `Reads ${paths(collector.reads)}.`, '', '`names: otel`:', '', ...table(collector.metrics('otel')), '');
    lines.push('`names: node_exporter`:', '', ...table(collector.metrics('node_exporter')), '');
    if (collector.name === 'memory') {
      lines.push(
        'With `names: node_exporter`, every field of /proc/meminfo is exported as `node_memory_<Field>_bytes`',
        '(`Active(anon)` → `node_memory_Active_anon_bytes`), or `node_memory_<Field>` for fields without a unit',
        '(`HugePages_Total`); the table lists the common ones.',
        '',
      );
    }
  }
  lines.push('## Per-host engine metrics', '', ...table(HOST_ENGINE_METRICS), '');
  lines.push(
    '## Replacing linux-tiny-exporter',
    '',
    '| linux-tiny-exporter | `names: otel` | `names: node_exporter` | What changes |',
    '|---|---|---|---|',
    ...TINY_EXPORTER.map(([old, otel, node, note]) => `| ${old} | ${otel} | ${node} | ${note || '–'} |`),
    '',
  );
  return lines.join('\n');
}
