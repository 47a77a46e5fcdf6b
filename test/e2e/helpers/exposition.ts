/**
 * A small parser for the Prometheus text exposition the agent serves, so end-to-end tests can compare a
 * scrape with what a backend stored. Strict on purpose: a line it cannot read is an error naming the line.
 */

/** One sample line. */
export interface ExpositionSample {
  /** Sample name as written (`…_bucket`, `…_total`). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One metric family: its metadata lines and the samples that follow them. */
export interface MetricFamily {
  readonly name: string;
  help?: string;
  type?: string;
  unit?: string;
  readonly samples: ExpositionSample[];
}

/** A parsed exposition: families by name, in document order. */
export interface Exposition {
  readonly families: ReadonlyMap<string, MetricFamily>;
}

const METADATA = /^# (HELP|TYPE|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$/;
const SAMPLE_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Parses `text`; throws with the line number on anything it does not understand. */
export function parseExposition(text: string): Exposition {
  const families = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  const familyFor = (name: string): MetricFamily => {
    let family = families.get(name);
    if (family === undefined) {
      family = { name, samples: [] };
      families.set(name, family);
    }
    return family;
  };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = METADATA.exec(line);
      if (match === null) return; // a plain comment
      const [, kind, name = '', rest = ''] = match;
      current = familyFor(name);
      if (kind === 'HELP') current.help = rest;
      else if (kind === 'TYPE') current.type = rest;
      else current.unit = rest;
      return;
    }
    const sample = parseSampleLine(line, index + 1);
    const owner =
      current !== undefined && belongsTo(sample.name, current) ? current : familyFor(sample.name);
    owner.samples.push(sample);
  });
  return { families };
}

function belongsTo(sampleName: string, family: MetricFamily): boolean {
  if (sampleName === family.name) return true;
  if (family.type !== 'histogram' && family.type !== 'summary') return false;
  return HISTOGRAM_SUFFIXES.some((suffix) => sampleName === `${family.name}${suffix}`);
}

function parseSampleLine(line: string, lineNumber: number): ExpositionSample {
  const fail = (why: string): never => {
    throw new Error(`exposition line ${lineNumber}: ${why}: ${line.slice(0, 200)}`);
  };
  const nameMatch = SAMPLE_NAME.exec(line);
  if (nameMatch === null) fail('no metric name');
  const name = nameMatch![0];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.replace(/^[\s,]*/, '');
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const labelMatch = LABEL_NAME.exec(rest);
      if (labelMatch === null) fail('bad label name');
      const labelName = labelMatch![0];
      rest = rest.slice(labelName.length);
      if (!rest.startsWith('="')) fail(`label ${labelName} has no quoted value`);
      rest = rest.slice(2);
      let value = '';
      let closed = false;
      while (rest.length > 0) {
        const char = rest[0]!;
        if (char === '\\') {
          const escaped = rest[1];
          if (escaped === 'n') value += '\n';
          else if (escaped === '\\' || escaped === '"') value += escaped;
          else fail(`bad escape in label ${labelName}`);
          rest = rest.slice(2);
        } else if (char === '"') {
          rest = rest.slice(1);
          closed = true;
          break;
        } else {
          value += char;
          rest = rest.slice(1);
        }
      }
      if (!closed) fail(`unterminated value of label ${labelName}`);
      if (Object.hasOwn(labels, labelName)) fail(`label ${labelName} twice`);
      labels[labelName] = value;
    }
  }
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') fail('expected a value and an optional timestamp');
  const value = parseValue(fields[0]!);
  if (value === undefined) fail(`bad value ${fields[0]}`);
  return { name, labels, value: value! };
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  return text !== '' && !Number.isNaN(value) ? value : undefined;
}

/** Every sample of the family `name`, or an empty list. */
export function samplesOf(exposition: Exposition, name: string): ExpositionSample[] {
  return exposition.families.get(name)?.samples ?? [];
}
