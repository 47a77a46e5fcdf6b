/**
 * Just enough of the Prometheus text format for the benchmarks: count the series of a scrape and
 * read the labels of the few lines a check cares about, without parsing the whole body (the
 * benchmarks share the agent's event loop, so a full parse of every scrape would skew them).
 */

/** Series lines (not comments, not blank) in a text exposition. */
export function countSeries(text: string): number {
  let count = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start && text.charCodeAt(start) !== 35 /* # */) count += 1;
    start = end + 1;
  }
  return count;
}

/** One series line: metric name, labels and value. */
export interface ExpositionSeries {
  readonly name: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly value: number;
}

/** Which lines a check wants: any line starting with one of `prefixes`, or containing `marker`. */
export interface LineSelector {
  readonly prefixes: readonly string[];
  readonly marker?: string;
}

/**
 * Calls `visit` for every series line the selector picks, with its name and labels parsed. Other
 * lines are skipped without being copied. Malformed picked lines throw: the agent must never serve
 * one, and a silent skip could hide a stale series.
 */
export function forEachSeries(text: string, selector: LineSelector, visit: (series: ExpositionSeries) => void): void {
  const marker = selector.marker;
  // Next occurrence of the marker, found once per occurrence so the whole scan stays linear.
  let nextMarker = marker === undefined ? -1 : text.indexOf(marker);
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (marker !== undefined && nextMarker >= 0 && nextMarker < start) nextMarker = text.indexOf(marker, start);
    if (end > start && text.charCodeAt(start) !== 35) {
      const picked =
        selector.prefixes.some((prefix) => text.startsWith(prefix, start)) || (nextMarker >= start && nextMarker < end);
      if (picked) visit(parseSeriesLine(text.slice(start, end)));
    }
    start = end + 1;
  }
}

/** `name{a="1",b="x\"y"} 3 [timestamp]` → name, labels and value. */
export function parseSeriesLine(line: string): ExpositionSeries {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  if (brace < 0 || (space >= 0 && space < brace)) {
    if (space <= 0) throw new Error(`exposition: malformed series line: ${line.slice(0, 200)}`);
    return { name: line.slice(0, space), labels: new Map(), value: parseValue(line, space) };
  }
  const name = line.slice(0, brace);
  const labels = new Map<string, string>();
  let index = brace + 1;
  while (index < line.length && line[index] !== '}') {
    const equals = line.indexOf('=', index);
    if (equals < 0 || line[equals + 1] !== '"') throw new Error(`exposition: malformed labels: ${line.slice(0, 200)}`);
    const key = line.slice(index, equals);
    let value = '';
    let cursor = equals + 2;
    for (; cursor < line.length; cursor += 1) {
      const char = line[cursor];
      if (char === '\\') {
        const next = line[cursor + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        cursor += 1;
      } else if (char === '"') {
        break;
      } else {
        value += char;
      }
    }
    if (cursor >= line.length) throw new Error(`exposition: unterminated label value: ${line.slice(0, 200)}`);
    labels.set(key, value);
    index = cursor + 1;
    if (line[index] === ',') index += 1;
  }
  if (line[index] !== '}') throw new Error(`exposition: unterminated label set: ${line.slice(0, 200)}`);
  return { name, labels, value: parseValue(line, index + 1) };
}

/** The sample value after `position` (`NaN`, `+Inf` included). */
function parseValue(line: string, position: number): number {
  const text = line.slice(position).trim().split(' ')[0] ?? '';
  const value = text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
  if (text === '' || (Number.isNaN(value) && text !== 'NaN')) {
    throw new Error(`exposition: malformed sample value: ${line.slice(0, 200)}`);
  }
  return value;
}
