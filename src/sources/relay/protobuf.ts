/**
 * Pushgateway's protobuf push format: length-delimited `io.prometheus.client.MetricFamily` messages
 * (Content-Type `application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
 * encoding=delimited`), which client_golang's `push` package sends by default. Each message becomes
 * the family the text parser would have made of the same data, so the store, its type checks and
 * Pushgateway's POST merge treat both formats alike.
 *
 * Native (sparse) histogram buckets have no place in a classic histogram and are left out: a
 * histogram with only native buckets keeps its count, as the `+Inf` bucket, and its sum, which is
 * what client_golang itself writes for it in the text format.
 */
import protobuf from 'protobufjs';
import { goFloatText } from '../../exposition/format.js';
import type { FamilyType, ParsedFamily, ParsedSeries } from './exposition.js';
import { formatLabels } from './exposition.js';
import { METRICS_PROTO } from './metrics-proto.js';

/** Bad protobuf bytes or a family that breaks the data model's rules; the message names the problem. */
export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

/**
 * True for the delimited protobuf media type (parameters in any order, quoted or not), as
 * prometheus/common's `expfmt.ResponseFormat` recognises it.
 */
export function isDelimitedProtobuf(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [media = '', ...parameters] = contentType.split(';').map((part) => part.trim());
  if (media.toLowerCase() !== 'application/vnd.google.protobuf') return false;
  const values = new Map(
    parameters.map((parameter) => {
      const equals = parameter.indexOf('=');
      return [parameter.slice(0, equals).trim().toLowerCase(), parameter.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1')];
    }),
  );
  return values.get('proto') === 'io.prometheus.client.MetricFamily' && values.get('encoding') === 'delimited';
}

interface LabelPair {
  name?: string;
  value?: string;
}
interface Bucket {
  cumulative_count?: number;
  cumulative_count_float?: number;
  upper_bound?: number;
}
interface HistogramMessage {
  sample_count?: number;
  sample_count_float?: number;
  sample_sum?: number;
  bucket?: Bucket[];
}
interface SummaryMessage {
  sample_count?: number;
  sample_sum?: number;
  quantile?: { quantile?: number; value?: number }[];
}
interface MetricMessage {
  label?: LabelPair[];
  gauge?: { value?: number };
  counter?: { value?: number };
  untyped?: { value?: number };
  summary?: SummaryMessage;
  histogram?: HistogramMessage;
  timestamp_ms?: number;
}
interface FamilyMessage {
  name?: string;
  help?: string;
  type?: number;
  metric?: MetricMessage[];
}

let familyType: protobuf.Type | undefined;

function metricFamilyType(): protobuf.Type {
  if (familyType === undefined) {
    const root = new protobuf.Root();
    protobuf.parse(METRICS_PROTO, root, { keepCase: true });
    const timestamp = protobuf.common.get('google/protobuf/timestamp.proto');
    if (timestamp?.nested !== undefined) root.addJSON(timestamp.nested);
    root.resolveAll();
    familyType = root.lookupType('io.prometheus.client.MetricFamily');
  }
  return familyType;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** MetricType numbers of metrics.proto; GAUGE_HISTOGRAM becomes a gauge, as the text parser makes it. */
const TYPES: readonly (FamilyType | undefined)[] = ['counter', 'gauge', 'summary', 'untyped', 'histogram', 'gauge'];
const GAUGE_HISTOGRAM = 5;

/** Decodes a delimited protobuf body into families; throws {@link ProtobufError} naming the message and the problem. */
export function decodeMetricFamilies(body: Buffer): { families: ParsedFamily[]; timestampsStripped: number } {
  const type = metricFamilyType();
  const reader = protobuf.Reader.create(body);
  const families: ParsedFamily[] = [];
  const names = new Set<string>();
  let stripped = 0;
  for (let index = 1; reader.pos < reader.len; index += 1) {
    const start = reader.pos;
    let message: FamilyMessage;
    try {
      message = type.toObject(type.decodeDelimited(reader), { longs: Number, defaults: false }) as FamilyMessage;
    } catch (error) {
      throw new ProtobufError(
        `MetricFamily message ${index} at byte ${start} is not valid protobuf: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const family = toFamily(message, `MetricFamily message ${index}`);
    if (names.has(family.name)) throw new ProtobufError(`metric family ${family.name} appears twice`);
    names.add(family.name);
    stripped += (message.metric ?? []).filter((metric) => metric.timestamp_ms !== undefined).length;
    if (family.series.length > 0) families.push(family);
  }
  return { families, timestampsStripped: stripped };
}

function toFamily(message: FamilyMessage, where: string): ParsedFamily {
  const name = message.name ?? '';
  if (!NAME.test(name)) throw new ProtobufError(`${where}: invalid metric name ${JSON.stringify(name)}`);
  const typeNumber = message.type ?? 0;
  const type = TYPES[typeNumber];
  if (type === undefined) throw new ProtobufError(`${name}: unknown metric type ${typeNumber}`);
  const series: ParsedSeries[] = [];
  const seen = new Set<string>();
  const add = (sampleName: string, labels: Record<string, string>, value: number | undefined): void => {
    const sample = value ?? 0;
    const key = `${sampleName}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    if (seen.has(key)) throw new ProtobufError(`${name}: duplicate series ${sampleName}${formatLabels(labels)}`);
    seen.add(key);
    const component = sampleName !== name || type === 'counter';
    if (type !== 'gauge' && type !== 'untyped' && component && !(sample >= 0)) {
      throw new ProtobufError(`${sampleName}${formatLabels(labels)} is a ${type} component and cannot be ${sample}`);
    }
    series.push({ name: sampleName, labels, value: sample });
  };
  for (const metric of message.metric ?? []) {
    const labels = labelsOf(name, metric.label ?? []);
    const field = typeNumber === GAUGE_HISTOGRAM ? 'histogram' : type;
    const missing = (): ProtobufError => new ProtobufError(`${name}${formatLabels(labels)}: a ${TYPE_NAMES[typeNumber]} metric without its ${field} field`);
    if (type === 'counter' || type === 'untyped' || (type === 'gauge' && typeNumber !== GAUGE_HISTOGRAM)) {
      const holder = type === 'counter' ? metric.counter : type === 'gauge' ? metric.gauge : metric.untyped;
      if (holder === undefined) throw missing();
      add(name, labels, holder.value);
    } else if (type === 'summary') {
      const summary = metric.summary;
      if (summary === undefined) throw missing();
      for (const quantile of summary.quantile ?? []) add(name, { ...labels, quantile: goFloatText(quantile.quantile ?? 0) }, quantile.value);
      add(`${name}_sum`, labels, summary.sample_sum);
      add(`${name}_count`, labels, summary.sample_count);
    } else {
      const histogram = metric.histogram;
      if (histogram === undefined) throw missing();
      const gauge = typeNumber === GAUGE_HISTOGRAM;
      const count = (histogram.sample_count_float ?? 0) > 0 ? histogram.sample_count_float : histogram.sample_count;
      const buckets = histogram.bucket ?? [];
      for (const bucket of buckets) {
        const cumulative = (bucket.cumulative_count_float ?? 0) > 0 ? bucket.cumulative_count_float : bucket.cumulative_count;
        add(`${name}_bucket`, { ...labels, le: goFloatText(bucket.upper_bound ?? 0) }, cumulative);
      }
      // The +Inf bucket is optional in the protobuf format (metrics.proto); the text format needs it.
      if (!buckets.some((bucket) => bucket.upper_bound === Infinity)) add(`${name}_bucket`, { ...labels, le: '+Inf' }, count);
      add(`${name}${gauge ? '_gsum' : '_sum'}`, labels, histogram.sample_sum);
      add(`${name}${gauge ? '_gcount' : '_count'}`, labels, count);
    }
  }
  return { name, type, help: message.help ?? '', series };
}

const TYPE_NAMES = ['COUNTER', 'GAUGE', 'SUMMARY', 'UNTYPED', 'HISTOGRAM', 'GAUGE_HISTOGRAM'];

function labelsOf(family: string, pairs: readonly LabelPair[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const label = pair.name ?? '';
    if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new ProtobufError(`${family}: invalid label name ${JSON.stringify(label)}`);
    if (Object.hasOwn(labels, label)) throw new ProtobufError(`${family}: label ${label} twice`);
    labels[label] = pair.value ?? '';
  }
  return labels;
}
