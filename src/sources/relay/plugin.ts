/**
 * The relay as the registry lists it: metrics local applications push (exporter-proxy's JSON and
 * Cap'n Proto over TCP and a Unix socket, Pushgateway's HTTP API) and other scrape endpoints it
 * polls, parsed into the same snapshots as every other source.
 */
import { type MetricDefinition, prometheusName } from '../../engine/metric.js';
import type { Source, SourceContext, SourcePlugin } from '../../engine/source.js';
import { RELAY_SECTION, type RelayConfig } from './config.js';
import { RELAY_METRICS, RELAY_METRIC_LIST } from './descriptor.js';
import { RelaySource } from './source.js';

export function relayPlugin(): SourcePlugin {
  return {
    kind: 'relay',
    configSections: [RELAY_SECTION],
    metrics: (): readonly MetricDefinition[] => RELAY_METRIC_LIST,
    docs: renderRelayDocs,
    create: (context) => createRelaySource(context),
  };
}

async function createRelaySource(context: SourceContext): Promise<Source | undefined> {
  const config = context.config.sections?.['relay'] as RelayConfig | undefined;
  if (config === undefined || !config.enabled) return undefined;
  if (config.pollExternal.pollOtherScrapeEndpoints && config.pollExternal.allowInvalidCerts) {
    context.logger.warn({}, 'relay: allow_invalid_certs is on: polled HTTPS endpoints are not authenticated');
  }
  if (config.receiver.receiveOnTcpSocket && config.receiver.token === '') {
    const host = config.receiver.receiverTcpSocket.replace(/:\d+$/, '');
    if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
      context.logger.warn({ address: config.receiver.receiverTcpSocket }, 'relay: the TCP receiver listens beyond loopback without a token');
    }
  }
  return Promise.resolve(new RelaySource({ config, logger: context.logger }));
}

function row(metric: MetricDefinition, labels: string): string {
  const cells = [`\`${prometheusName(metric)}\``, `\`${metric.name}\``, metric.kind, metric.unit === '' ? '—' : `\`${metric.unit}\``, labels, metric.description];
  return `| ${cells.join(' | ')} |`;
}

/** The relay's section of docs/metrics.md. */
export function renderRelayDocs(): string {
  const attributes = (metric: MetricDefinition): string[] => metric.attributes.map((key) => `\`${key}\``);
  const perApp = [RELAY_METRICS.pushTime, RELAY_METRICS.pushFailureTime];
  const self = [RELAY_METRICS.pushes, RELAY_METRICS.pushBytes, RELAY_METRICS.apps, RELAY_METRICS.timestampsStripped, RELAY_METRICS.expired];
  const engine = RELAY_METRIC_LIST.filter((metric) => !perApp.includes(metric) && !self.includes(metric));
  const header = ['| Prometheus name | OpenTelemetry name | Kind | Unit | Labels | Description |', '|---|---|---|---|---|---|'];
  return [
    '# Relay (`relay:`)',
    '',
    'Series that local applications push (exporter-proxy JSON or Cap\'n Proto over TCP or a Unix socket, or the',
    'Pushgateway HTTP API when `relay.pushgateway` is on) and that the relay polls from `other_scrape_endpoints` keep',
    'their own names and labels, plus `app` (the pushed app name, the endpoint\'s `app` or URL, or the Pushgateway',
    'job with its grouping labels). Counters, gauges, histograms and summaries keep their types: a histogram is',
    'one `histogram` family on `/metrics` (`_bucket` with `le`, `+Inf` last, `_sum`, `_count`) and an OTLP histogram',
    '(explicit bounds, cumulative, a new start time when its count goes down); a summary is one `summary` family',
    '(`quantile` lines, `_sum`, `_count`) and, over OTLP, which the OpenTelemetry SDK gives no summary type, a gauge',
    'of its name with a `quantile` attribute plus `_sum` and `_count` cumulative sums not flagged monotonic, the names',
    'an OTLP Summary gets in Prometheus. A counter whose name lacks `_total` gets it on `/metrics`. An app\'s series',
    'go away when it is silent for longer than `receiver.stale_after` (polled endpoints: `poll_external.stale_after`).',
    '',
    '## Per app',
    '',
    ...header,
    ...engine.map((metric) => row(metric, ['`app`', ...attributes(metric)].join(', '))),
    ...perApp.map((metric) => row(metric, '`app`')),
    '',
    'On a polled endpoint, `relay_collection_success{collector="scrape"}` is whether the last poll got a 200 answer that',
    'parsed (the endpoint\'s up), and `relay_collection_duration_seconds{collector="scrape"}` how long it took;',
    '`relay_up` is whether the relay holds data of the app younger than its `stale_after`. The self-metrics target',
    'carries no `app`: its `relay_up` is 1 while the receivers run.',
    '',
    '## Receivers',
    '',
    ...header,
    ...self.map((metric) => row(metric, attributes(metric).join(', ') || '—')),
    '',
    '`transport` is `tcp`, `unix` or `http` (Pushgateway); `format` is `json`, `capnp`, `text`, `protobuf`',
    '(Pushgateway\'s delimited protobuf) or `unknown` (not sniffed yet); `result` is `ok`, `rejected` (parse error,',
    'type conflict, limit), `malformed`, `unauthorized`, `too_large`, `timeout` or `busy` (concurrent_requests reached).',
    '',
    '## /apps for pollers',
    '',
    '`GET /apps` answers a client that accepts `text/plain; version=0.0.4` or OpenMetrics (a Prometheus scrape, the',
    'relay\'s own poller) with the table as exposition text; it is not part of `/metrics` unless polled (the demo does):',
    '',
    '| Prometheus name | Kind | Labels | Description |',
    '|---|---|---|---|',
    '| `app_last_update_timestamp_seconds` | gauge | `app_name`, `source` | Unix time of the last update of each app the relay holds. |',
    '',
  ].join('\n');
}
