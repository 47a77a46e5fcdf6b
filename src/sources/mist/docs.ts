/**
 * The Mist part of docs/metrics.md, from the same definitions the source emits, in both naming
 * modes side by side.
 */
import { prometheusName, type MetricDefinition } from '../../engine/metric.js';
import { targetMetricList, targetMetrics } from '../../engine/target-metrics.js';
import { metricTable, type MistFamily } from './metrics.js';

const FAMILY_TITLES: Readonly<Record<MistFamily, string>> = {
  alarms: 'Organisation alarms (REST, `rest_interval`)',
  tickets: 'Organisation tickets (REST, `rest_interval`)',
  sites: 'Site stats (REST, `rest_interval`)',
  devices: 'Devices, radios, ports, LLDP/PoE, temperatures (stream)',
  clients: 'Wireless clients (stream)',
  self: 'The source itself',
};

function code(text: string): string {
  return `\`${text}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function labels(metric: MetricDefinition): string {
  return ['`org`', ...metric.attributes.map(code)].join(', ');
}

export function renderMistDoc(): string {
  const lines: string[] = [
    '## Juniper Mist (`mist:`)',
    '',
    'One target per organisation (identity `org`, the entry\'s `name`). Collectors in `mist_collection_success`:',
    '`alarms`, `tickets`, `sites` (REST, in the background every `rest_interval`), `devices` and `clients` (the',
    'stream), `self`. A family whose REST call failed is absent until the next success; device, client and site',
    'series without an update for `expire_after` are dropped, and a site that leaves the list or the filter is',
    'dropped with its devices and clients at the next site refresh.',
    '',
    '`names: mistexporter` serves exactly mistexporter\'s names and labels (every value a gauge), plus `site_id`,',
    '`device_type` and the target\'s `org`. `names: otel` follows the agent\'s conventions: cumulative bytes, packets,',
    'retries and errors are counters (`_total`), rates are bytes per second, and devices and clients share one `band`',
    'label (`2.4`, `5`, `6`, `unknown`) where mistexporter has two `radio` vocabularies (`band_24` … and `2.4` …).',
    'Client labels not listed in `client_labels` are empty.',
    '',
    '### Per organisation',
    '',
    '| Prometheus name | OpenTelemetry name | Kind | Labels | Description |',
    '|---|---|---|---|---|',
    ...targetMetricList(targetMetrics('mist', 'organisation')).map(
      (metric) => `| ${code(prometheusName(metric))} | ${code(metric.name)} | ${metric.kind} | ${labels(metric)} | ${cell(metric.description)} |`,
    ),
    '',
  ];
  const rows = metricTable();
  for (const family of Object.keys(FAMILY_TITLES) as MistFamily[]) {
    lines.push(`### ${FAMILY_TITLES[family]}`, '');
    lines.push(
      '| `names: mistexporter` | Labels (mistexporter) | `names: otel` (Prometheus) | OpenTelemetry name | Kind (otel) | Unit (otel) | Labels (otel) | Description |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const row of rows.filter((entry) => entry.family === family)) {
      const { otel, exporter } = row;
      lines.push(
        `| ${code(prometheusName(exporter))} | ${labels(exporter)} | ${code(prometheusName(otel))} | ${code(otel.name)} | ${otel.kind} | ${otel.unit === '' ? '—' : code(otel.unit)} | ${labels(otel)} | ${cell(otel.description)} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
