/**
 * A parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text
 * (prometheus.io/docs/instrumenting/exposition_formats, openmetrics.io spec). It turns pushed or
 * polled text into typed families, so the relay can merge apps, reject conflicts and re-encode
 * everything with one HELP/TYPE per family instead of concatenating text.
 *
 * Client timestamps are stripped and counted (Pushgateway rejects them for the same reason: a pushed
 * sample is "now" when scraped). Exemplars and `_created` series are dropped.
 */

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** One sample line. `name` is the sample's own name (`foo_bucket`), `labels` in line order. */
export interface ParsedSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedFamily {
  readonly name: string;
  readonly type: FamilyType;
  readonly help: string;
  readonly series: ParsedSeries[];
}

export interface ParsedExposition {
  readonly families: ParsedFamily[];
  /** Samples that carried a client timestamp (removed). */
  readonly timestampsStripped: number;
  readonly openMetrics: boolean;
}

/** Bad exposition text: `line` is 1-based. */
export class ExpositionError extends Error {
  override name = 'ExpositionError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** OpenMetrics types and what they become here; gaugehistogram, stateset, info and unknown are gauges. */
const TYPES: Readonly<Record<string, FamilyType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'untyped',
  unknown: 'untyped',
  gaugehistogram: 'gauge',
  stateset: 'gauge',
  info: 'gauge',
};

/** Sample-name suffixes each type allows, besides the family name itself. */
const SUFFIXES: Readonly<Record<FamilyType, readonly string[]>> = {
  counter: ['_total', '_created'],
  gauge: ['_bucket', '_gcount', '_gsum', '_info'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['_sum', '_count', '_created'],
  untyped: [],
};

interface FamilyBuilder {
  name: string;
  type: FamilyType;
  typed: boolean;
  help: string;
  series: ParsedSeries[];
  /** Whether samples were seen, after which TYPE and HELP may not come. */
  sampled: boolean;
  closed: boolean;
}

/** Parses exposition text; throws {@link ExpositionError} on the first bad line. */
export function parseExposition(text: string): ParsedExposition {
  const lines = text.split('\n');
  const openMetrics = lines.some((line) => line === '# EOF');
  const families = new Map<string, FamilyBuilder>();
  const seen = new Set<string>();
  let current: FamilyBuilder | undefined;
  let stripped = 0;
  let eof = false;

  const family = (name: string, lineNumber: number): FamilyBuilder => {
    let entry = families.get(name);
    if (entry === undefined) {
      entry = { name, type: 'untyped', typed: false, help: '', series: [], sampled: false, closed: false };
      families.set(name, entry);
    } else if (entry.closed) {
      throw new ExpositionError(lineNumber, `family ${name} appears again after other families (its lines must be one group)`);
    }
    if (current !== undefined && current !== entry) current.closed = true;
    current = entry;
    return entry;
  };

  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = index + 1;
    const raw = lines[index]!;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (eof) {
      if (line.trim() !== '') throw new ExpositionError(lineNumber, 'text after # EOF');
      continue;
    }
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      if (line === '# EOF') {
        eof = true;
        continue;
      }
      const match = /^#\s*(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (match === null) continue; // a comment
      const [, keyword = '', name = '', rest = ''] = match;
      if (!NAME.test(name)) throw new ExpositionError(lineNumber, `invalid metric name ${JSON.stringify(name)}`);
      const entry = family(name, lineNumber);
      if (keyword === 'UNIT') continue;
      if (entry.sampled) throw new ExpositionError(lineNumber, `# ${keyword} for ${name} after its samples`);
      if (keyword === 'HELP') {
        entry.help = unescapeHelp(rest.trim(), lineNumber);
      } else {
        if (entry.typed) throw new ExpositionError(lineNumber, `second # TYPE for ${name}`);
        const type = TYPES[rest.trim()];
        if (type === undefined) throw new ExpositionError(lineNumber, `unknown type ${JSON.stringify(rest.trim())} for ${name}`);
        entry.type = type;
        entry.typed = true;
      }
      continue;
    }
    const sample = parseSampleLine(line, lineNumber, openMetrics);
    if (sample.timestamped) stripped += 1;
    const owner = ownerOf(sample.name, families, current);
    const entry = family(owner, lineNumber);
    entry.sampled = true;
    checkSample(entry, sample, lineNumber);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    if (seen.has(key)) throw new ExpositionError(lineNumber, `duplicate series ${sample.name}${formatLabels(sample.labels)}`);
    seen.add(key);
    if (sample.name.endsWith('_created') && entry.type !== 'untyped' && sample.name !== entry.name) continue;
    entry.series.push({ name: sample.name, labels: sample.labels, value: sample.value });
  }
  return {
    families: [...families.values()]
      .filter((entry) => entry.series.length > 0)
      .map(({ name, type, help, series }) => ({ name, type, help, series })),
    timestampsStripped: stripped,
    openMetrics,
  };
}

/** The family a sample belongs to: the declared family its name extends, else its own name. */
function ownerOf(name: string, families: ReadonlyMap<string, FamilyBuilder>, current: FamilyBuilder | undefined): string {
  if (current !== undefined && belongs(name, current)) return current.name;
  const own = families.get(name);
  if (own !== undefined && own.typed) return name;
  for (const [familyName, entry] of families) {
    if (entry.typed && !entry.closed && belongs(name, entry)) return familyName;
  }
  return name;
}

function belongs(name: string, entry: FamilyBuilder): boolean {
  if (name === entry.name) return true;
  return SUFFIXES[entry.type].some((suffix) => name === `${entry.name}${suffix}`);
}

function checkSample(entry: FamilyBuilder, sample: SampleLine, lineNumber: number): void {
  const name = sample.name;
  if (entry.type === 'histogram') {
    if (name === entry.name) throw new ExpositionError(lineNumber, `histogram ${entry.name} has a bare sample; expected _bucket, _sum or _count`);
    if (name.endsWith('_bucket')) {
      const le = sample.labels['le'];
      if (le === undefined || Number.isNaN(parseValue(le))) {
        throw new ExpositionError(lineNumber, `histogram bucket ${name} needs a numeric le label`);
      }
    }
  } else if (entry.type === 'summary' && name === entry.name) {
    const quantile = sample.labels['quantile'];
    if (quantile === undefined || Number.isNaN(parseValue(quantile))) {
      throw new ExpositionError(lineNumber, `summary quantile ${name} needs a numeric quantile label`);
    }
  }
  if (entry.type === 'counter' || (entry.type !== 'gauge' && entry.type !== 'untyped' && name !== entry.name)) {
    if (sample.value < 0 || Number.isNaN(sample.value)) {
      throw new ExpositionError(lineNumber, `${name} is a ${entry.type} component and cannot be ${sample.value}`);
    }
  }
}

interface SampleLine {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
  readonly timestamped: boolean;
}

function parseSampleLine(line: string, lineNumber: number, openMetrics: boolean): SampleLine {
  let position = 0;
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new ExpositionError(lineNumber, `expected a metric name, got ${JSON.stringify(line.slice(0, 40))}`);
  const name = nameMatch[0];
  position = name.length;
  const labels: Record<string, string> = {};
  if (line[position] === '{') {
    position += 1;
    for (;;) {
      position = skipSpaces(line, position);
      if (line[position] === '}') {
        position += 1;
        break;
      }
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(position));
      if (labelMatch === null) throw new ExpositionError(lineNumber, `invalid label name in ${name}`);
      const label = labelMatch[0];
      position = skipSpaces(line, position + label.length);
      if (line[position] !== '=') throw new ExpositionError(lineNumber, `expected = after label ${label}`);
      position = skipSpaces(line, position + 1);
      if (line[position] !== '"') throw new ExpositionError(lineNumber, `label ${label} needs a quoted value`);
      const [value, end] = readQuoted(line, position + 1, lineNumber);
      if (Object.hasOwn(labels, label)) throw new ExpositionError(lineNumber, `label ${label} twice in ${name}`);
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new ExpositionError(lineNumber, `reserved label name ${label}`);
      labels[label] = value;
      position = skipSpaces(line, end);
      if (line[position] === ',') position += 1;
      else if (line[position] !== '}') throw new ExpositionError(lineNumber, `expected , or } in the labels of ${name}`);
    }
  }
  // The exemplar of OpenMetrics follows ` # `.
  let rest = line.slice(position);
  if (openMetrics) {
    const exemplar = rest.indexOf(' # ');
    if (exemplar >= 0) rest = rest.slice(0, exemplar);
  }
  if (!/^[ \t]/.test(rest)) throw new ExpositionError(lineNumber, `expected a space and a value after ${name}`);
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2 || fields[0] === undefined || fields[0] === '') {
    throw new ExpositionError(lineNumber, `expected "value [timestamp]" after ${name}`);
  }
  const value = parseValue(fields[0]);
  if (Number.isNaN(value) && fields[0] !== 'NaN') throw new ExpositionError(lineNumber, `invalid value ${JSON.stringify(fields[0])} for ${name}`);
  if (fields[1] !== undefined && !/^-?\d+(\.\d+)?$/.test(fields[1])) {
    throw new ExpositionError(lineNumber, `invalid timestamp ${JSON.stringify(fields[1])} for ${name}`);
  }
  return { name, labels, value, timestamped: fields[1] !== undefined };
}

function skipSpaces(line: string, position: number): number {
  let at = position;
  while (line[at] === ' ' || line[at] === '\t') at += 1;
  return at;
}

function readQuoted(line: string, start: number, lineNumber: number): [string, number] {
  let out = '';
  for (let at = start; at < line.length; at += 1) {
    const char = line[at]!;
    if (char === '"') return [out, at + 1];
    if (char === '\\') {
      const next = line[at + 1];
      if (next === 'n') out += '\n';
      else if (next === '\\' || next === '"') out += next;
      else throw new ExpositionError(lineNumber, `invalid escape \\${next ?? ''} in a label value`);
      at += 1;
    } else {
      out += char;
    }
  }
  throw new ExpositionError(lineNumber, 'unterminated label value');
}

function unescapeHelp(text: string, lineNumber: number): string {
  return text.replace(/\\(.?)/g, (_all, next: string) => {
    if (next === 'n') return '\n';
    if (next === '\\' || next === '"') return next;
    throw new ExpositionError(lineNumber, `invalid escape \\${next} in HELP`);
  });
}

/** A Go-style float: decimal, exponent, ±Inf, NaN. NaN for anything else. */
export function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return NaN;
  return Number(text);
}

export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(',')}}`;
}
