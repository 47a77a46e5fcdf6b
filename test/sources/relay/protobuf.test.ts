/**
 * Pushgateway's delimited protobuf format, decoded from bytes written by real Go implementations
 * (test/fixtures/relay/README.md), and what the store makes of histogram and summary families.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type HistogramDistribution, type SummaryDistribution } from '../../../src/engine/metric.js';
import { parseExposition } from '../../../src/sources/relay/exposition.js';
import protobuf from 'protobufjs';
import { METRICS_PROTO } from '../../../src/sources/relay/metrics-proto.js';
import { decodeMetricFamilies, isDelimitedProtobuf, ProtobufError } from '../../../src/sources/relay/protobuf.js';
import { PushRejected, RelayStore } from '../../../src/sources/relay/store.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/relay/${name}`, import.meta.url));

function samplesOf(families: ReturnType<typeof decodeMetricFamilies>['families']) {
  const store = new RelayStore({ maxSeriesPerApp: 10_000, now: () => 1_000 });
  store.commit([store.prepareFamilies('app', families, 0)], { source: 'test' });
  return store.snapshots('push')[0]!.collectors.get('push')!.samples.slice(2);
}

describe('delimited protobuf', () => {
  it('decodes prometheus/common testdata/protobuf into exactly the families of its text twin', () => {
    const decoded = decodeMetricFamilies(fixture('expfmt-protobuf.pb'));
    const text = parseExposition(fixture('expfmt-text.txt').toString('utf8'));
    expect(decoded.families).toHaveLength(37);
    const sorted = (families: readonly unknown[]) => families.map((family) => JSON.stringify(family)).sort();
    expect(sorted(decoded.families)).toEqual(sorted(text.families));
    expect(decoded.timestampsStripped).toBe(0);
  });

  it('keeps Prometheus 2.53.3 histograms and summaries whole, with Go-spelled le values', () => {
    const decoded = decodeMetricFamilies(fixture('prometheus-2.53.3-metrics.pb'));
    expect(decoded.families.map((family) => [family.name, family.type])).toEqual([
      ['go_gc_duration_seconds', 'summary'],
      ['go_gc_pauses_seconds', 'histogram'],
      ['go_goroutines', 'gauge'],
      ['prometheus_engine_query_duration_seconds', 'summary'],
      ['prometheus_http_requests_total', 'counter'],
      ['prometheus_tsdb_compaction_chunk_range_seconds', 'histogram'],
      ['prometheus_tsdb_head_gc_duration_seconds', 'summary'],
      ['prometheus_tsdb_tombstone_cleanup_seconds', 'histogram'],
    ]);
    const pauses = decoded.families[1]!.series.filter((series) => series.name.endsWith('_bucket')).map((series) => series.labels['le']);
    // client_golang's text format spells these bounds the same way (strconv 'g', shortest).
    expect(pauses.slice(0, 3)).toEqual(['6.399999999999999e-08', '6.399999999999999e-07', '7.167999999999999e-06']);
    expect(pauses.at(-1)).toBe('+Inf');

    const samples = samplesOf(decoded.families);
    const byName = (name: string) => samples.filter((sample) => sample.metric.name === name);
    const gc = byName('go_gc_duration_seconds')[0]!;
    expect(gc.metric.kind).toBe('summary');
    expect(gc.distribution).toEqual({
      type: 'summary',
      quantiles: [
        { quantile: 0, value: 0.000072937 },
        { quantile: 0.25, value: 0.000097635 },
        { quantile: 0.5, value: 0.000920505 },
        { quantile: 0.75, value: 0.006854863 },
        { quantile: 1, value: 0.006854863 },
      ],
      sum: 0.00794594,
      count: 4,
    } satisfies SummaryDistribution);
    const pausesSample = byName('go_gc_pauses_seconds')[0]!;
    const histogram = pausesSample.distribution as HistogramDistribution;
    expect(pausesSample.metric.kind).toBe('histogram');
    expect(histogram.bounds[0]).toBe(6.399999999999999e-8);
    expect(histogram.counts).toHaveLength(histogram.bounds.length + 1);
    expect(histogram.counts.at(-1)).toBe(histogram.count);
    expect(histogram.count).toBe(8);
    // A native-only histogram keeps its count as the +Inf bucket.
    expect(byName('prometheus_tsdb_tombstone_cleanup_seconds')[0]!.distribution).toEqual({ type: 'histogram', bounds: [], counts: [0], sum: 0, count: 0 });
    // Summaries with NaN quantiles (no observations yet) keep them; labels stay, one sample per label set.
    const engine = byName('prometheus_engine_query_duration_seconds');
    expect(engine.map((sample) => sample.attributes['slice'])).toEqual(['inner_eval', 'prepare_time', 'queue_time', 'result_sort']);
    expect((engine[0]!.distribution as SummaryDistribution).quantiles.every((entry) => Number.isNaN(entry.value))).toBe(true);
    expect(byName('prometheus_http_requests_total').every((sample) => sample.metric.kind === 'counter')).toBe(true);
  });

  it('maps UNTYPED to an untyped family and GAUGE_HISTOGRAM to gauges, as the text parser does', () => {
    // Neither type occurs in the fixtures, so protobufjs writes these messages from the same schema.
    const root = protobuf.parse(METRICS_PROTO, { keepCase: true }).root;
    root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
    const type = root.lookupType('io.prometheus.client.MetricFamily');
    const bytes = Buffer.concat([
      type.encodeDelimited({ name: 'loose', type: 3, metric: [{ label: [{ name: 'k', value: 'v' }], untyped: { value: -2 }, timestamp_ms: 1700000000000 }] }).finish(),
      type
        .encodeDelimited({
          name: 'queue',
          type: 5,
          metric: [{ histogram: { sample_count: 3, sample_sum: 4, bucket: [{ upper_bound: 1, cumulative_count: 2 }] } }],
        })
        .finish(),
    ]);
    const decoded = decodeMetricFamilies(Buffer.from(bytes));
    expect(decoded.timestampsStripped).toBe(1);
    expect(decoded.families).toEqual([
      { name: 'loose', type: 'untyped', help: '', series: [{ name: 'loose', labels: { k: 'v' }, value: -2 }] },
      {
        name: 'queue',
        type: 'gauge',
        help: '',
        series: [
          { name: 'queue_bucket', labels: { le: '1' }, value: 2 },
          { name: 'queue_bucket', labels: { le: '+Inf' }, value: 3 },
          { name: 'queue_gsum', labels: {}, value: 4 },
          { name: 'queue_gcount', labels: {}, value: 3 },
        ],
      },
    ]);
    const wrong = type.encodeDelimited({ name: 'c', type: 0, metric: [{ gauge: { value: 1 } }] }).finish();
    expect(() => decodeMetricFamilies(Buffer.from(wrong))).toThrow('c: a COUNTER metric without its counter field');
  });

  it.each([
    ['truncated', (bytes: Buffer) => bytes.subarray(0, 200), /MetricFamily message 2 at byte \d+ is not valid protobuf/],
    ['garbage', () => Buffer.from([0x05, 0xff, 0xff, 0xff, 0xff, 0xff]), /MetricFamily message 1 at byte 0 is not valid protobuf/],
    ['a family twice', (bytes: Buffer) => Buffer.concat([bytes.subarray(0, 0x4d), bytes.subarray(0, 0x4d)]), /process_virtual_memory_bytes appears twice/],
  ])('rejects %s with a reason', (_name, mangle, reason) => {
    expect(() => decodeMetricFamilies(mangle(fixture('expfmt-protobuf.pb')))).toThrow(ProtobufError);
    expect(() => decodeMetricFamilies(mangle(fixture('expfmt-protobuf.pb')))).toThrow(reason);
  });

  it('recognises the media type as prometheus/common does', () => {
    expect(isDelimitedProtobuf('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited')).toBe(true);
    expect(isDelimitedProtobuf('application/vnd.google.protobuf;encoding="delimited";proto="io.prometheus.client.MetricFamily"')).toBe(true);
    expect(isDelimitedProtobuf('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=text')).toBe(false);
    expect(isDelimitedProtobuf('text/plain; version=0.0.4')).toBe(false);
    expect(isDelimitedProtobuf(undefined)).toBe(false);
  });
});

describe('histogram and summary families in the store', () => {
  const prepare = (text: string) => {
    const store = new RelayStore({ maxSeriesPerApp: 100 });
    return store.prepareFamilies('a', parseExposition(text).families, 0);
  };

  it('groups buckets by labels, sorts bounds, and fills +Inf from _count', () => {
    const prepared = prepare(
      ['# TYPE h histogram', 'h_bucket{p="x",le="2.5"} 3', 'h_bucket{p="x",le="1"} 1', 'h_count{p="x"} 4', 'h_sum{p="x"} 7', 'h_bucket{p="y",le="+Inf"} 0', 'h_count{p="y"} 0'].join('\n'),
    );
    expect([...prepared.distributions.values()][0]).toEqual([
      { labels: { p: 'x' }, distribution: { type: 'histogram', bounds: [1, 2.5], counts: [1, 3, 4], sum: 7, count: 4 } },
      { labels: { p: 'y' }, distribution: { type: 'histogram', bounds: [], counts: [0], count: 0 } },
    ]);
  });

  it('a histogram or summary name is held against other types of other apps, and given back with its app', () => {
    const store = new RelayStore({ maxSeriesPerApp: 100 });
    const commit = (app: string, text: string) => store.commit([store.prepareFamilies(app, parseExposition(text).families, 0)], { source: 'test' });
    commit('a', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n# TYPE s summary\ns_count 1');
    expect(() => commit('b', '# TYPE h_count gauge\nh_count 1')).toThrow('app b: h_count is a gauge here but a histogram in app a');
    expect(() => commit('b', '# TYPE h counter\nh_total 1')).toThrow('app b: h_total is a counter here but a histogram in app a');
    expect(() => commit('b', '# TYPE s_sum gauge\ns_sum 1')).toThrow('app b: s_sum is a gauge here but a summary in app a');
    expect(() => commit('b', '# TYPE h summary\nh_count 1')).toThrow('app b: h is a summary here but a histogram in app a');
    commit('b', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 2');
    store.remove('a');
    store.remove('b');
    commit('c', '# TYPE h_count gauge\nh_count 1');
  });

  it("a counter's OpenMetrics family name is held against a gauge of that name in another app, and given back with its app", () => {
    const store = new RelayStore({ maxSeriesPerApp: 100 });
    const commit = (app: string, text: string) => store.commit([store.prepareFamilies(app, parseExposition(text).families, 0)], { source: 'test' });
    commit('a', '# TYPE jobs counter\njobs_total 3');
    // Both would be the OpenMetrics family `jobs`: one counter (jobs_total), one gauge (jobs).
    expect(() => commit('b', '# TYPE jobs gauge\njobs 1')).toThrow('app b: jobs is a gauge here but a counter in app a');
    store.remove('a');
    commit('b', '# TYPE jobs gauge\njobs 1');
    expect(() => commit('c', '# TYPE jobs counter\njobs 1')).toThrow('app c: jobs is a counter here but a gauge in app b');
  });

  it.each([
    ['# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="2"} 3\nh_count 5', 'app a: histogram h: bucket le="2" counts 3, fewer than the 5 of a lower bucket (buckets are cumulative)'],
    ['# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_count 3', 'app a: histogram h: the +Inf bucket counts 2 but h_count is 3'],
    ['# TYPE h histogram\nh_sum 1', 'app a: histogram h has neither a +Inf bucket nor h_count'],
    ['# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="1.0"} 1\nh_count 1', 'app a: histogram h has bucket le="1" twice'],
    ['# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 2', 'app a: summary s has no s_count'],
    ['# TYPE s summary\ns{quantile="1.5"} 1\ns_count 2', 'app a: summary s has quantile 1.5, outside [0, 1]'],
  ])('rejects a broken distribution: %s', (text, reason) => {
    expect(() => prepare(text)).toThrow(PushRejected);
    expect(() => prepare(text)).toThrow(reason);
  });
});
