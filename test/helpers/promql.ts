/**
 * PromQL and docs/metrics.md, read just enough for the tests of dashboards/ and alerts/: which metric names
 * an expression reads, and which names the metrics reference lists.
 */

const PROMQL_KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset',
  'inf', 'nan',
]);

/**
 * Metric names an expression reads: identifiers that are neither functions, keywords, label names (inside
 * `{}` or a grouping list), durations nor numbers. Strings are dropped first.
 */
export function metricNames(expr: string): string[] {
  let text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  text = text.replace(/\{[^}]*\}/g, ' ');
  text = text.replace(/\[[^\]]*\]/g, ' ');
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  const identifier = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  for (let match = identifier.exec(text); match !== null; match = identifier.exec(text)) {
    const name = match[0];
    const before = text[match.index - 1] ?? ' ';
    // Part of a number such as 1e3 or a duration such as 5m.
    if (/[0-9.]/.test(before)) continue;
    const after = text.slice(match.index + name.length);
    if (/^\s*\(/.test(after)) continue; // a function call
    if (PROMQL_KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}

/**
 * Prometheus names listed in docs/metrics.md: the first column of its tables, and a column whose header says
 * `(Prometheus)` (the Mist tables list mistexporter's names first and the default OpenTelemetry-mode names
 * there). Histogram rows (`x_bucket/_sum/_count`) give all three series names.
 */
export function documentedMetricNames(markdown: string): Set<string> {
  const names = new Set<string>();
  let nameColumns: number[] = [0];
  let previous = '';
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      previous = '';
      continue;
    }
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    // The separator row follows the header: the header says which columns hold Prometheus names.
    if (/^\|[-| ]+\|$/.test(line)) {
      const header = previous.split('|').slice(1, -1);
      nameColumns = [0, ...header.flatMap((cell, index) => (index > 0 && cell.includes('(Prometheus)') ? [index] : []))];
      continue;
    }
    previous = line;
    for (const column of nameColumns) addDocumentedName(names, cells[column] ?? '');
  }
  return names;
}

/** One table cell: a backquoted name, perhaps with histogram suffixes (`x_bucket/_sum/_count`). */
function addDocumentedName(names: Set<string>, cell: string): void {
  const match = /^`([a-z_:][a-z0-9_:]*)((?:\/_[a-z]+)*)`$/.exec(cell);
  if (match === null) return;
  const [, base = '', suffixes = ''] = match;
  names.add(base);
  const stem = base.replace(/_bucket$/, '');
  for (const suffix of suffixes.split('/').filter((part) => part !== '')) names.add(`${stem}${suffix}`);
}
