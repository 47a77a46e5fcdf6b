/**
 * One target snapshot rendered to exposition text, once: snapshots are immutable, so the text of a
 * snapshot object never changes and a scrape only concatenates what was rendered when the data came in.
 *
 * Per metric name a target holds one chunk per distinct definition (almost always exactly one): which
 * definition owns a name is decided at scrape time, fleet-wide, by the first target that shows it, as the
 * OpenTelemetry producer decides it (src/telemetry/snapshot-producer.ts).
 */
import { gzipSync } from 'node:zlib';
import { isDistributionKind, unitSuffixedName, type Distribution, type MetricDefinition } from '../engine/metric.js';
import { attributesSignature, forEachTargetSeries, packedAttributes, targetAttributes, type PackedSeriesVisitor } from '../engine/series.js';
import type { ByteRanges } from './byte-ranges.js';
import { SeriesTemplates } from './series-template.js';
import { MAX_PREFIX_BYTES, MAX_VALUE_BYTES, rewrittenLength, writeRewritten, type LineLengths, type RewriteSource } from './value-rewrite.js';
import type { TargetSnapshot } from '../engine/snapshot.js';
import {
  goFloatText,
  labelText,
  openMetricsFloatText,
  openMetricsHeader,
  sampleLine,
  sampleName,
  textHeader,
  valueText,
  type ExpositionFormat,
  type FamilyMeta,
} from './format.js';

/** The header of one metric definition in both formats; gzip members made on first use. */
export interface FamilyHeader {
  readonly meta: FamilyMeta;
  readonly text: Buffer;
  readonly openmetrics: Buffer;
  textGzip?: Buffer;
  openmetricsGzip?: Buffer;
}

/**
 * One target snapshot rendered: per definition it shows, a chunk of sample lines, in the order the target
 * first shows their names (chunks of one name are neighbours). The chunks are ranges of one buffer, kept as
 * offsets: a Buffer view and an object per chunk were most of what the renders of a large fleet held on the
 * heap. A scrape lists the ranges it writes (see {@link pushChunk}).
 */
export interface TargetRender {
  /** The definition of each chunk. */
  readonly definitions: readonly MetricDefinition[];
  /** Every chunk's sample lines, identical in both formats (except where `openmetrics` has the chunk). */
  readonly text: Buffer;
  /**
   * Per chunk, three cells: where its text ends (it starts where the previous one ends), where its gzip
   * member ends in `gzip` (set by {@link gzipRender}), and how many lines it has that a rewrite can use.
   */
  readonly offsets: Uint32Array;
  /** The chunks' gzip members, one after the other, once compressed. */
  gzip?: Buffer;
  /**
   * Histograms and summaries only, by chunk: the OpenMetrics lines, whose `le` and `quantile` labels take
   * the canonical number form (`1.0` where the text format has `1`).
   */
  readonly openmetrics?: ReadonlyMap<number, OpenMetricsChunk>;
  /**
   * Per chunk, set when every line came from this packed column through a template (and the text is
   * ASCII): a render whose run kept the column rewrites the chunk (see value-rewrite.ts).
   */
  readonly columns: readonly (readonly string[] | undefined)[];
  /** What was dropped while rendering (duplicates, counter values that are not finite and ≥ 0). */
  readonly problems: RenderProblems;
  /** What every line's labels depend on besides the sample: the target's attributes and the scope labels. */
  readonly signature?: string;
  /** Line lengths of the chunks that can be rewritten, in chunk order. */
  readonly lines?: LineLengths;
}

export interface OpenMetricsChunk {
  readonly text: Buffer;
  gzip?: Buffer;
}

const TEXT_END = 0;
const GZIP_END = 1;
const LINE_COUNT = 2;
const CELLS = 3;

/** Where chunk `index` starts in the text (`cell` TEXT_END) or in the gzip members (GZIP_END): where the one before ends. */
function startOf(render: TargetRender, index: number, cell: number): number {
  return index === 0 ? 0 : render.offsets[(index - 1) * CELLS + cell]!;
}

function endOf(render: TargetRender, index: number, cell: number): number {
  return render.offsets[index * CELLS + cell]!;
}

/** Bytes of chunk `index`'s sample lines (0: nothing to show). */
export function chunkLength(render: TargetRender, index: number): number {
  return endOf(render, index, TEXT_END) - startOf(render, index, TEXT_END);
}

/** The sample lines of chunk `index`, in the text format. */
export function chunkText(render: TargetRender, index: number): Buffer {
  return render.text.subarray(startOf(render, index, TEXT_END), endOf(render, index, TEXT_END));
}

/** Chunk `index`'s gzip member, once {@link gzipRender} made them. */
function gzipMemberOf(render: TargetRender, index: number): Buffer {
  return render.gzip!.subarray(startOf(render, index, GZIP_END), endOf(render, index, GZIP_END));
}

export interface RenderProblems {
  duplicates: number;
  firstDuplicate: string;
  nonFinite: number;
  firstNonFinite: string;
}

/** gzip level of the cached members: compressed once per chunk, so the better ratio is cheap. */
export const GZIP_LEVEL = 6;

const headers = new WeakMap<MetricDefinition, FamilyHeader | null>();

/** The (cached) header of a definition; undefined when the SDK would drop the metric. */
export function familyHeader(definition: MetricDefinition): FamilyHeader | undefined {
  const cached = headers.get(definition);
  if (cached !== undefined) return cached ?? undefined;
  const name = sampleName(unitSuffixedName(definition.name, definition.unit, definition.kind), definition.kind === 'counter');
  const header =
    name === undefined
      ? undefined
      : headerOf({ name, type: definition.kind, description: definition.description, unit: definition.unit });
  headers.set(definition, header ?? null);
  return header;
}

export function headerOf(meta: FamilyMeta): FamilyHeader {
  return { meta, text: Buffer.from(textHeader(meta)), openmetrics: Buffer.from(openMetricsHeader(meta)) };
}

/** The header bytes of a family for a format, gzipped on request (cached). */
export function headerBytes(header: FamilyHeader, format: ExpositionFormat, gzip: boolean): Buffer {
  if (format === 'text') {
    if (!gzip) return header.text;
    return (header.textGzip ??= gzipMember(header.text));
  }
  if (!gzip) return header.openmetrics;
  return (header.openmetricsGzip ??= gzipMember(header.openmetrics));
}

/** Appends chunk `index`'s bytes for a format to `body`, gzipped on request (members made by {@link gzipRender}, or now). */
export function pushChunk(body: ByteRanges, render: TargetRender, index: number, gzip: boolean, format: ExpositionFormat = 'text'): void {
  const openmetrics = format === 'openmetrics' ? render.openmetrics?.get(index) : undefined;
  if (openmetrics !== undefined) {
    body.push(gzip ? (openmetrics.gzip ??= gzipMember(openmetrics.text)) : openmetrics.text);
    return;
  }
  if (!gzip) {
    body.push(render.text, startOf(render, index, TEXT_END), endOf(render, index, TEXT_END));
    return;
  }
  if (render.gzip === undefined) gzipRender(render);
  body.push(render.gzip!, startOf(render, index, GZIP_END), endOf(render, index, GZIP_END));
}

/**
 * One gzip member in a buffer of its own size. gzipSync returns a view of its 16 KiB output buffer, so
 * caching that view would keep 16 KiB alive for a member of a few hundred bytes (measured: 1.6 KB per
 * series at 100 routers, more than everything else the agent keeps).
 */
function gzipMember(bytes: Buffer): Buffer {
  return Buffer.from(gzipSync(bytes, gzipOptions(bytes.length)));
}

/**
 * zlib options for one member of `length` bytes: the window (and the hash table with it) no larger than
 * the input needs. A chunk is a few hundred bytes, and setting up zlib's default 32 KiB window and hash
 * (about 256 KiB to allocate and clear) cost more than compressing it; a window that covers the whole
 * input finds every match the default one would (zlib manual, deflateInit2: windowBits, memLevel).
 */
function gzipOptions(length: number): { level: number; windowBits: number; memLevel: number; chunkSize: number } {
  // Deflate's matches reach back at most the window size less 262 bytes (zlib's MIN_LOOKAHEAD).
  let windowBits = 9;
  while (windowBits < 15 && 1 << windowBits < length + 262) windowBits += 1;
  return {
    level: GZIP_LEVEL,
    windowBits,
    // zlib's default pairs memLevel 8 with windowBits 15: hash bits = memLevel + 7 = windowBits.
    memLevel: windowBits - 7,
    // The output buffer zlib allocates for each call (16 KiB by default, for a member of a few hundred
    // bytes): sized to the input, which text compresses below; a larger output just takes more buffers.
    chunkSize: Math.min(16 * 1024, Math.max(64, length + 64)),
  };
}

/**
 * Compresses every chunk of a render now, so no scrape has to, into one buffer for the target. `previous`
 * is the same target's last render: a chunk whose text has not changed since (info and configuration
 * families, idle entities) takes its member from there instead of being compressed again.
 */
export function gzipRender(render: TargetRender, previous?: TargetRender): void {
  if (render.gzip !== undefined) return;
  const before = previous?.gzip === undefined ? undefined : chunkIndexes(previous);
  const members: Buffer[] = [];
  let total = 0;
  for (let index = 0; index < render.definitions.length; index += 1) {
    const last = before?.get(render.definitions[index]!);
    let member: Buffer;
    if (last !== undefined && sameBytes(render, index, previous!, last)) {
      member = gzipMemberOf(previous!, last);
    } else {
      const text = chunkText(render, index);
      member = gzipSync(text, gzipOptions(text.length));
    }
    members.push(member);
    total += member.length;
  }
  const packed = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  for (let index = 0; index < members.length; index += 1) {
    offset += members[index]!.copy(packed, offset);
    render.offsets[index * CELLS + GZIP_END] = offset;
  }
  render.gzip = packed;
  // Histograms and summaries render apart in OpenMetrics; they are few, each gets its own member.
  if (render.openmetrics !== undefined) {
    for (const chunk of render.openmetrics.values()) chunk.gzip ??= gzipMember(chunk.text);
  }
}

/** True when chunk `last` of `other` holds exactly the bytes of chunk `index` of `render`. */
function sameBytes(render: TargetRender, index: number, other: TargetRender, last: number): boolean {
  const start = startOf(render, index, TEXT_END);
  const end = endOf(render, index, TEXT_END);
  const otherStart = startOf(other, last, TEXT_END);
  const otherEnd = endOf(other, last, TEXT_END);
  return otherEnd - otherStart === end - start && render.text.compare(other.text, otherStart, otherEnd, start, end) === 0;
}

/** The chunk index of each definition of a render. */
function chunkIndexes(render: TargetRender): Map<MetricDefinition, number> {
  const indexes = new Map<MetricDefinition, number>();
  for (let index = 0; index < render.definitions.length; index += 1) indexes.set(render.definitions[index]!, index);
  return indexes;
}

interface Building {
  readonly definition: MetricDefinition;
  readonly header: FamilyHeader | undefined;
  /** Series keys seen, made on the first line rendered anew. */
  keys: Set<string> | undefined;
  text: string;
  /** Histograms and summaries: the OpenMetrics spelling of `text`. */
  openmetrics?: string;
  /**
   * The packed column every line so far came from, through a template; null once a line came from
   * elsewhere or a sample was dropped: then the chunk cannot be rewritten next time.
   */
  column: readonly string[] | null | undefined;
  /** Per line rendered anew: lengths of `name{labels} ` and of the value, while `column` is not null. */
  prefixes: number[] | undefined;
  valueLengths: number[] | undefined;
  /** Set when the chunk is the last render's with new values: that chunk, and the new numbers. */
  rewrite: Rewrite | undefined;
}

/** A chunk being rewritten: the last render's chunk, and the new numbers (`count` of them so far). */
interface Rewrite {
  readonly source: Reusable;
  readonly numbers: number[];
  count: number;
}

/** A rewrite turned out not to fit (a sample from elsewhere joined the chunk): the target renders anew. */
const REWRITE_ABANDONED = Symbol('rewrite abandoned');

/**
 * Renders a snapshot. `scopeLabels` is appended to every sample's labels (already rendered, or '').
 * `seen` holds `name \0 series key` of series that earlier targets with the same identity already
 * showed; such series are dropped as duplicates (only a fleet with two targets of one identity needs it).
 * `previous` is the same target's last render: its chunks whose series are unchanged (the same packed
 * column) are rewritten with the new values instead of rendered anew (see value-rewrite.ts).
 */
export function renderTarget(snapshot: TargetSnapshot, scopeLabels: string, seen?: ReadonlySet<string>, previous?: TargetRender): TargetRender {
  const base = targetAttributes(snapshot);
  const signature = `${attributesSignature(base, snapshot.identity)}\u0000${scopeLabels}`;
  const reusable = seen === undefined && previous?.signature === signature ? rewriteSources(previous) : undefined;
  const render = renderWith(snapshot, base, signature, scopeLabels, seen, reusable);
  return render === REWRITE_ABANDONED ? (renderWith(snapshot, base, signature, scopeLabels, seen, undefined) as TargetRender) : render;
}

/** A chunk that can be rewritten: its lines, and the column they came from. */
interface Reusable extends RewriteSource {
  readonly column: readonly string[];
  readonly lineCount: number;
}

/** The chunks of a render that can be rewritten, by definition. */
function rewriteSources(render: TargetRender): Map<MetricDefinition, Reusable> | undefined {
  const lines = render.lines;
  if (lines === undefined) return undefined;
  const sources = new Map<MetricDefinition, Reusable>();
  let firstLine = 0;
  for (let index = 0; index < render.definitions.length; index += 1) {
    const column = render.columns[index];
    if (column === undefined) continue;
    const lineCount = render.offsets[index * CELLS + LINE_COUNT]!;
    sources.set(render.definitions[index]!, { text: chunkText(render, index), lines, firstLine, column, lineCount });
    firstLine += lineCount;
  }
  return sources;
}

function renderWith(
  snapshot: TargetSnapshot,
  base: Record<string, string>,
  signature: string,
  scopeLabels: string,
  seen: ReadonlySet<string> | undefined,
  reusable: Map<MetricDefinition, Reusable> | undefined,
): TargetRender | typeof REWRITE_ABANDONED {
  const byName = new Map<string, Building[]>();
  const problems: RenderProblems = { duplicates: 0, firstDuplicate: '', nonFinite: 0, firstNonFinite: '' };
  let abandoned = false;
  const buildingOf = (definition: MetricDefinition): Building => {
    let list = byName.get(definition.name);
    if (list === undefined) {
      list = [];
      byName.set(definition.name, list);
    }
    const first = list[0];
    let building =
      first !== undefined && first.definition === definition
        ? first
        : list.find((entry) => entry.definition === definition || sameDefinition(entry.definition, definition));
    if (building === undefined) {
      building = {
        definition,
        header: familyHeader(definition),
        keys: undefined,
        text: '',
        column: undefined,
        prefixes: undefined,
        valueLengths: undefined,
        rewrite: undefined,
      };
      list.push(building);
    }
    return building;
  };
  /** True when the series is new to the building (and now recorded), false for a duplicate. */
  const firstOfKey = (building: Building, key: string): boolean => {
    building.keys ??= new Set();
    if (building.keys.has(key) || (seen !== undefined && seen.has(`${building.definition.name}\u0000${key}`))) return false;
    building.keys.add(key);
    return true;
  };
  const add = (definition: MetricDefinition, attributes: Record<string, string>, value: number, distribution?: Distribution): void => {
    const building = buildingOf(definition);
    if (building.header === undefined) return;
    if (building.rewrite !== undefined) {
      abandoned = true;
      return;
    }
    building.column = null;
    const key = seriesKey(attributes);
    if (!firstOfKey(building, key)) {
      // Two identical series would make Prometheus reject the whole scrape; keep the first.
      if (problems.duplicates++ === 0) problems.firstDuplicate = seriesName(definition.name, attributes);
      return;
    }
    if (isDistributionKind(definition.kind)) {
      const problem = distributionProblem(definition, distribution);
      if (problem !== undefined) {
        if (problems.nonFinite++ === 0) problems.firstNonFinite = `${seriesName(definition.name, attributes)}: ${problem}`;
        return;
      }
      const name = building.header.meta.name;
      building.text += distributionLines(name, attributes, distribution!, scopeLabels, goFloatText);
      building.openmetrics =
        (building.openmetrics ?? '') + distributionLines(name, attributes, openMetricsView(distribution!), scopeLabels, openMetricsFloatText);
      return;
    }
    if (definition.kind === 'counter' && !(Number.isFinite(value) && value >= 0)) {
      if (problems.nonFinite++ === 0) problems.firstNonFinite = `${seriesName(definition.name, attributes)} = ${value}`;
      return;
    }
    building.text += sampleLine(building.header.meta.name, attributes, value, scopeLabels);
  };
  // Packed samples skip the attributes object, the sorted key and the label escaping of the target's own
  // labels: the same steps as `add`, on a template per shape. Targets of a shared identity (`seen`) and
  // shapes a template cannot stand for take `add`.
  const templates = seen === undefined ? new SeriesTemplates(base, snapshot.identity) : undefined;
  const addPacked: PackedSeriesVisitor | undefined =
    templates === undefined
      ? undefined
      : (definition, keys, values, offset, value) => {
          const building = buildingOf(definition);
          if (building.header === undefined) return;
          const rewrite = building.rewrite;
          if (rewrite !== undefined) {
            // The same column gives the same lines: as many as last time, or the rewrite does not fit.
            if (values === building.column && rewrite.count < rewrite.numbers.length) rewrite.numbers[rewrite.count++] = value;
            else abandoned = true;
            return;
          }
          if (building.column === undefined && reusable !== undefined) {
            const source = reusable.get(definition);
            if (source !== undefined && source.column === values) {
              building.column = values;
              // Of the exact size: grown by push, an array makes several copies of itself on the way.
              const numbers = new Array<number>(source.lineCount);
              numbers[0] = value;
              building.rewrite = { source, numbers, count: 1 };
              return;
            }
          }
          const template = templates.get(keys);
          if (template === undefined || isDistributionKind(definition.kind)) {
            add(definition, packedAttributes(base, snapshot.identity, keys, values, offset), value);
            return;
          }
          const key = template.key(values, offset);
          if (!firstOfKey(building, key)) {
            building.column = null;
            if (problems.duplicates++ === 0) {
              problems.firstDuplicate = seriesName(definition.name, packedAttributes(base, snapshot.identity, keys, values, offset));
            }
            return;
          }
          if (definition.kind === 'counter' && !(Number.isFinite(value) && value >= 0)) {
            building.column = null;
            if (problems.nonFinite++ === 0) {
              problems.firstNonFinite = `${seriesName(definition.name, packedAttributes(base, snapshot.identity, keys, values, offset))} = ${value}`;
            }
            return;
          }
          const text = valueText(value);
          const line = template.line(building.header.meta.name, values, offset, scopeLabels, text);
          building.text += line;
          if (building.column === undefined) building.column = values;
          else if (building.column !== values) building.column = null;
          if (building.column !== null) {
            (building.prefixes ??= []).push(line.length - text.length - 1);
            (building.valueLengths ??= []).push(text.length);
          }
        };
  forEachTargetSeries(snapshot, (definition, attributes, value, _collector, distribution) => add(definition, attributes, value, distribution), addPacked);
  if (abandoned) return REWRITE_ABANDONED;
  return assemble(byName, problems, signature);
}

/**
 * The render of the buildings: one buffer for the whole target, each chunk a range of it (small
 * Buffer.from() copies come from a shared pool slab, and one live chunk would keep a whole slab of replaced
 * renders alive), with the line lengths of every chunk that can be rewritten next time.
 */
function assemble(byName: ReadonlyMap<string, readonly Building[]>, problems: RenderProblems, signature: string): TargetRender | typeof REWRITE_ABANDONED {
  let total = 0;
  let lineCount = 0;
  const buildings: Building[] = [];
  const byteLengths: number[] = [];
  const valueTexts: (string[] | undefined)[] = [];
  for (const list of byName.values()) {
    for (const building of list) {
      buildings.push(building);
      const rewrite = building.rewrite;
      if (rewrite !== undefined) {
        if (rewrite.count !== rewrite.source.lineCount) return REWRITE_ABANDONED;
        if (building.definition.kind === 'counter' && !rewrite.numbers.every((value) => Number.isFinite(value) && value >= 0)) return REWRITE_ABANDONED;
        const texts: string[] = [];
        const length = rewrittenLength(rewrite.source, rewrite.numbers, texts);
        total += length;
        byteLengths.push(length);
        valueTexts.push(texts);
        lineCount += texts.length;
        continue;
      }
      const length = Buffer.byteLength(building.text);
      total += length;
      byteLengths.push(length);
      valueTexts.push(undefined);
      // Rewritable next time: lines of one column only, all ASCII (so a character is a byte), lengths that fit.
      if (
        Array.isArray(building.column) &&
        length === building.text.length &&
        building.prefixes !== undefined &&
        building.valueLengths !== undefined &&
        building.prefixes.every((prefix) => prefix <= MAX_PREFIX_BYTES) &&
        building.valueLengths.every((value) => value <= MAX_VALUE_BYTES)
      ) {
        lineCount += building.prefixes.length;
      } else {
        building.column = null;
      }
    }
  }
  const text = Buffer.allocUnsafeSlow(total);
  const offsets = new Uint32Array(buildings.length * CELLS);
  const lines: LineLengths = { prefixes: new Uint16Array(lineCount), values: new Uint8Array(lineCount) };
  const columns: (readonly string[] | undefined)[] = new Array<readonly string[] | undefined>(buildings.length);
  let openmetrics: Map<number, OpenMetricsChunk> | undefined;
  let offset = 0;
  let line = 0;
  for (let index = 0; index < buildings.length; index += 1) {
    const building = buildings[index]!;
    const texts = valueTexts[index];
    let count = 0;
    if (texts !== undefined) {
      offset = writeRewritten(building.rewrite!.source, texts, text, offset, lines, line);
      count = texts.length;
    } else {
      offset += text.write(building.text, offset, byteLengths[index]!);
      if (Array.isArray(building.column)) {
        const prefixes = building.prefixes!;
        const valueLengths = building.valueLengths!;
        count = prefixes.length;
        for (let at = 0; at < count; at += 1) {
          lines.prefixes[line + at] = prefixes[at]!;
          lines.values[line + at] = valueLengths[at]!;
        }
      }
    }
    line += count;
    offsets[index * CELLS + TEXT_END] = offset;
    offsets[index * CELLS + LINE_COUNT] = count;
    columns[index] = Array.isArray(building.column) ? (building.column as readonly string[]) : undefined;
    if (building.openmetrics !== undefined) (openmetrics ??= new Map()).set(index, { text: Buffer.from(building.openmetrics) });
  }
  return {
    definitions: buildings.map((building) => building.definition),
    text,
    offsets,
    columns,
    ...(openmetrics === undefined ? {} : { openmetrics }),
    problems,
    signature,
    ...(lineCount > 0 ? { lines } : {}),
  };
}

/**
 * Why a histogram or summary sample cannot be shown, or undefined when it can: a distribution of the
 * definition's kind whose counts are finite, non-negative and (histogram) cumulative, ending in `count`.
 */
export function distributionProblem(definition: MetricDefinition, distribution: Distribution | undefined): string | undefined {
  if (distribution === undefined || distribution.type !== definition.kind) return `no ${definition.kind} distribution`;
  const count = distribution.count;
  if (!(Number.isFinite(count) && count >= 0)) return `count ${count}`;
  if (distribution.sum !== undefined && Number.isNaN(distribution.sum)) return 'sum NaN';
  if (distribution.type === 'summary') return undefined;
  const { bounds, counts } = distribution;
  if (counts.length !== bounds.length + 1) return `${counts.length} counts for ${bounds.length} bounds`;
  for (let index = 0; index < counts.length; index += 1) {
    const bucket = counts[index]!;
    if (!(Number.isFinite(bucket) && bucket >= 0) || (index > 0 && bucket < counts[index - 1]!)) return `bucket count ${bucket} not cumulative`;
    if (index < bounds.length && !(Number.isFinite(bounds[index]!) && (index === 0 || bounds[index]! > bounds[index - 1]!))) {
      return `bound ${bounds[index]} not finite and ascending`;
    }
  }
  return counts[counts.length - 1] === count ? undefined : `+Inf bucket ${counts[counts.length - 1]} differs from count ${count}`;
}

/**
 * The distribution as OpenMetrics may show it: a sum is a counter there, so it goes where it is negative
 * or NaN, or where a histogram has a negative bound (OpenMetrics 1.0, Histogram and Summary).
 */
function openMetricsView(distribution: Distribution): Distribution {
  const sum = distribution.sum;
  if (sum === undefined) return distribution;
  const negativeBound = distribution.type === 'histogram' && distribution.bounds.length > 0 && distribution.bounds[0]! < 0;
  if (sum >= 0 && !negativeBound) return distribution;
  return distribution.type === 'histogram'
    ? { type: 'histogram', bounds: distribution.bounds, counts: distribution.counts, count: distribution.count }
    : { type: 'summary', quantiles: distribution.quantiles, count: distribution.count };
}

/**
 * The sample lines of one histogram (`_bucket` per bound, `+Inf` last, `_sum`, `_count`) or summary
 * (one line per quantile, `_sum`, `_count`); `bound` spells the `le`/`quantile` label values.
 */
export function distributionLines(
  name: string,
  attributes: Readonly<Record<string, string>>,
  distribution: Distribution,
  extra: string,
  bound: (value: number) => string,
): string {
  let text = '';
  if (distribution.type === 'histogram') {
    const { bounds, counts } = distribution;
    for (let index = 0; index < counts.length; index += 1) {
      const le = index < bounds.length ? bound(bounds[index]!) : '+Inf';
      text += `${name}_bucket${labelText({ ...attributes, le }, extra)} ${valueText(counts[index]!)}\n`;
    }
  } else {
    for (const { quantile, value } of distribution.quantiles) {
      text += `${name}${labelText({ ...attributes, quantile: bound(quantile) }, extra)} ${valueText(value)}\n`;
    }
  }
  if (distribution.sum !== undefined) text += sampleLine(`${name}_sum`, attributes, distribution.sum, extra);
  return text + sampleLine(`${name}_count`, attributes, distribution.count, extra);
}

/** Every `name \0 series key` a snapshot shows, to seed {@link renderTarget}'s `seen`. */
export function seriesKeysOf(snapshot: TargetSnapshot, into: Set<string>): void {
  forEachTargetSeries(snapshot, (definition, attributes) => {
    into.add(`${definition.name}\u0000${seriesKey(attributes)}`);
  });
}

/** A series as messages name it (and the producer keys it): metric name plus attributes in key order. */
export function seriesName(name: string, attributes: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(attributes).sort();
  return `${name}${JSON.stringify(keys.map((key) => [key, attributes[key]]))}`;
}

/** Identity of a series within its metric name: attributes in key order. */
export function seriesKey(attributes: Readonly<Record<string, string>>): string {
  const keys = Object.keys(attributes);
  // An insertion sort in place, in the order sort() gives (UTF-16 code units): the engine's own series (a
  // hundred per target and render) take this path, and Array.prototype.sort allocates its working state on
  // every call, several hundred bytes for a handful of keys.
  for (let at = 1; at < keys.length; at += 1) {
    const name = keys[at]!;
    let before = at - 1;
    for (; before >= 0 && keys[before]! > name; before -= 1) keys[before + 1] = keys[before]!;
    keys[before + 1] = name;
  }
  let key = '';
  for (let at = 0; at < keys.length; at += 1) key += `${keys[at]!}\u0001${attributes[keys[at]!]}\u0002`;
  return key;
}

/** The producer's rule: two definitions of one name are the same metric when these all agree. */
export function sameDefinition(a: MetricDefinition, b: MetricDefinition): boolean {
  return (
    a.kind === b.kind &&
    a.unit === b.unit &&
    a.description === b.description &&
    a.attributes.length === b.attributes.length &&
    a.attributes.every((key, index) => b.attributes[index] === key)
  );
}

/** A definition in conflict messages. */
export function describeDefinition(definition: MetricDefinition | undefined): string {
  if (definition === undefined) return '(none)';
  return `{kind: ${definition.kind}, unit: '${definition.unit}', attributes: [${definition.attributes.join(', ')}]}`;
}
