/**
 * `netwatch`: host up/down from `/tool/netwatch` (enabled entries only), keyed by `.id` with host,
 * name, type and comment in an info series; on v7 also the probe results RouterOS keeps per entry
 * (test counters, ICMP loss and round-trip times, TCP connect time, HTTP status and response time)
 * where the probe type reports them. Times are seconds: mktxp's `timedelta.microseconds` parsing
 * drops whole seconds (1 s 5 ms → 5 ms), so the full duration is kept here.
 */
import type { Row } from '../client/api.js';
import { parseDuration, parsePercent } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, MetricDefinition, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { counter, gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readCounter, readNumber, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { readCount } from './support/options.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';

const BY_ID = ['id'] as const;

export const NETWATCH_INFO = info(
  'routeros.netwatch.info',
  'Netwatch entry facts: host, name, probe type and comment; always 1.',
  ['id', 'host', 'name', 'type', 'comment'],
);
export const NETWATCH_UP = gauge('routeros.netwatch.up', '', 'Whether netwatch sees the host up (1) or down (0); absent while unknown.', BY_ID);
export const NETWATCH_DONE_TESTS = counter('routeros.netwatch.done.tests', '{test}', 'Probes netwatch ran against the host.', BY_ID);
export const NETWATCH_FAILED_TESTS = counter('routeros.netwatch.failed.tests', '{test}', 'Probes against the host that failed.', BY_ID);
export const NETWATCH_ICMP_LOSS = gauge(
  'routeros.netwatch.icmp.loss.ratio',
  '1',
  'Share of ICMP packets lost in the last probe, from 0 to 1.',
  BY_ID,
);
export const NETWATCH_ICMP_LOST_PACKETS = gauge(
  'routeros.netwatch.icmp.lost.packets',
  '{packet}',
  'ICMP packets lost in the last probe.',
  BY_ID,
);
export const NETWATCH_ICMP_RTT_AVG = gauge('routeros.netwatch.icmp.rtt.avg.seconds', 's', 'Average ICMP round-trip time of the last probe.', BY_ID);
export const NETWATCH_ICMP_RTT_MIN = gauge('routeros.netwatch.icmp.rtt.min.seconds', 's', 'Shortest ICMP round-trip time of the last probe.', BY_ID);
export const NETWATCH_ICMP_RTT_MAX = gauge('routeros.netwatch.icmp.rtt.max.seconds', 's', 'Longest ICMP round-trip time of the last probe.', BY_ID);
export const NETWATCH_ICMP_RTT_JITTER = gauge(
  'routeros.netwatch.icmp.rtt.jitter.seconds',
  's',
  'ICMP round-trip jitter of the last probe.',
  BY_ID,
);
export const NETWATCH_ICMP_RTT_STDEV = gauge(
  'routeros.netwatch.icmp.rtt.stdev.seconds',
  's',
  'Standard deviation of the ICMP round-trip times of the last probe.',
  BY_ID,
);
export const NETWATCH_TCP_CONNECT_TIME = gauge(
  'routeros.netwatch.tcp.connect.time.seconds',
  's',
  'TCP connect time of the last tcp-conn or http(s)-get probe.',
  BY_ID,
);
export const NETWATCH_HTTP_STATUS_CODE = gauge(
  'routeros.netwatch.http.status.code',
  '',
  'HTTP status code of the last http(s)-get probe.',
  BY_ID,
);
export const NETWATCH_HTTP_RESPONSE_TIME = gauge(
  'routeros.netwatch.http.response.time.seconds',
  's',
  'HTTP response time of the last http(s)-get probe.',
  BY_ID,
);

/** Duration metric → RouterOS property. */
const TIMES: readonly (readonly [MetricDefinition, string])[] = [
  [NETWATCH_ICMP_RTT_AVG, 'rtt-avg'],
  [NETWATCH_ICMP_RTT_MIN, 'rtt-min'],
  [NETWATCH_ICMP_RTT_MAX, 'rtt-max'],
  [NETWATCH_ICMP_RTT_JITTER, 'rtt-jitter'],
  [NETWATCH_ICMP_RTT_STDEV, 'rtt-stdev'],
  [NETWATCH_TCP_CONNECT_TIME, 'tcp-connect-time'],
  [NETWATCH_HTTP_RESPONSE_TIME, 'http-resp-time'],
];

export const NETWATCH_PATH = '/tool/netwatch';
export const NETWATCH_PROPLIST: readonly string[] = [
  '.id',
  'host',
  'name',
  'type',
  'comment',
  'status',
  'done-tests',
  'failed-tests',
  'loss-count',
  'loss-percent',
  'http-status-code',
  ...TIMES.map(([, property]) => property),
];

/** Netwatch entries per router before the cap drops the rest (up to 14 series each). */
export const NETWATCH_DEFAULT_MAX = 1000;

/** Settings from `collectors.netwatch.*`. */
export interface NetwatchSettings {
  /** `include` / `exclude`: regular expressions over the entry name (the host when it has none). */
  readonly names: NameFilter;
  /** `max_series`: entries kept per router (default {@link NETWATCH_DEFAULT_MAX}). */
  readonly maxEntries: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function netwatchSettings(options: CollectorOptions): NetwatchSettings {
  return { names: createNameFilter(options), maxEntries: readCount(options, 'max_series', NETWATCH_DEFAULT_MAX) };
}

const DECIMAL_DURATION = /^(\d+(?:\.\d+)?)(us|ms|s)$/;
const DECIMAL_UNITS_PER_SECOND: Readonly<Record<string, number>> = { us: 1e6, ms: 1e3, s: 1 };

/** A probe time in seconds: `12ms`, `1ms519us`, `1s5ms`, and the decimal forms `12.5ms` / `0.3s`. */
export function parseProbeTime(text: string | undefined): number | undefined {
  const exact = parseDuration(text);
  if (exact !== undefined) return exact;
  const match = DECIMAL_DURATION.exec(text?.trim() ?? '');
  if (!match) return undefined;
  // Divide rather than multiply by 1e-3: `12.5ms` is then exactly 0.0125.
  return Number(match[1]) / (DECIMAL_UNITS_PER_SECOND[match[2] ?? ''] ?? Number.NaN);
}

function up(status: string | undefined): number | undefined {
  if (status === 'up') return 1;
  if (status === 'down') return 0;
  return undefined;
}

/** Maps netwatch rows to samples, the entries beyond `max_series` dropped and counted. Pure. */
export function mapNetwatch(rows: readonly Row[], settings: NetwatchSettings): CollectOutput {
  const entries: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = readText(row, '.id');
    const host = readText(row, 'host');
    if (id === undefined || seen.has(id) || !settings.names.matches(readText(row, 'name') ?? host ?? '')) continue;
    seen.add(id);
    entries.push(mapEntry(id, host, row));
  }
  return capSeriesGroups(entries, settings.maxEntries);
}

function mapEntry(id: string, host: string | undefined, row: Row): Sample[] {
  const list = new SampleList();
  const key = { id };
  list.addInfo(NETWATCH_INFO, { id, host, name: readText(row, 'name'), type: readText(row, 'type'), comment: readText(row, 'comment') });
  list.add(NETWATCH_UP, key, up(readText(row, 'status')?.toLowerCase()));
  list.add(NETWATCH_DONE_TESTS, key, readCounter(row, 'done-tests'));
  list.add(NETWATCH_FAILED_TESTS, key, readCounter(row, 'failed-tests'));
  const lossPercent = parsePercent(row['loss-percent']);
  list.add(NETWATCH_ICMP_LOSS, key, lossPercent === undefined ? undefined : lossPercent / 100);
  list.add(NETWATCH_ICMP_LOST_PACKETS, key, readNumber(row, 'loss-count'));
  for (const [metric, property] of TIMES) list.add(metric, key, parseProbeTime(row[property]));
  list.add(NETWATCH_HTTP_STATUS_CODE, key, readNumber(row, 'http-status-code'));
  return list.samples;
}

export const netwatchCollector: Collector = {
  name: 'netwatch',
  defaultEnabled: true,
  summary:
    `Netwatch host up/down per entry (keyed by id, with an info series) plus v7 probe results: test counters, ICMP loss and RTT, TCP connect time, HTTP status and response time; options include/exclude (entry name or host regexes), max_series (entries, default ${NETWATCH_DEFAULT_MAX}).`,
  paths: [NETWATCH_PATH],
  metrics: [
    NETWATCH_INFO,
    NETWATCH_UP,
    NETWATCH_DONE_TESTS,
    NETWATCH_FAILED_TESTS,
    NETWATCH_ICMP_LOSS,
    NETWATCH_ICMP_LOST_PACKETS,
    ...TIMES.map(([metric]) => metric),
    NETWATCH_HTTP_STATUS_CODE,
  ],
  options: [...filterOptions('the netwatch entry name or host'), maxSeriesOption('netwatch entries', NETWATCH_DEFAULT_MAX)],
  checkOptions: netwatchSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = netwatchSettings(context.options);
    // Disabled entries keep a stale status; the router leaves them out.
    return mapNetwatch(await printRows(context, NETWATCH_PATH, NETWATCH_PROPLIST, { query: ['disabled=false'] }), settings);
  },
};
