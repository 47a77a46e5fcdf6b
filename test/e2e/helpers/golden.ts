/**
 * Golden-scrape support in the node_exporter manner (end-to-end-test.sh): run-dependent lines of a scrape are
 * dropped or normalised by fixed rules, the rest is compared with a committed file, and a mismatch is shown as
 * a unified diff.
 */

/** One normalisation rule; its description goes into the golden file's header. */
interface Rule {
  readonly description: string;
}

/** Families dropped whole (metadata and samples): counts and timings of this very run. */
const DROPPED_FAMILIES: Rule & { readonly pattern: RegExp } = {
  description: "mikrotik_agent_* (the agent's own counters and timings) are left out",
  pattern: /^mikrotik_agent_/,
};

/** Families whose sample values are wall-clock readings; the series stay, the value becomes 0. */
const ZEROED_FAMILIES: Rule & { readonly names: ReadonlySet<string> } = {
  description:
    'values of routeros_collection_duration_seconds, routeros_last_success_timestamp_seconds, ' +
    'routeros_wireguard_peer_last_handshake_timestamp_seconds, routeros_dhcp_lease_last_seen_timestamp_seconds, ' +
    'routeros_dhcp_lease_expiry_timestamp_seconds and routeros_ipsec_peer_last_seen_timestamp_seconds (measured from ' +
    'the agent clock) are 0',
  names: new Set([
    'routeros_collection_duration_seconds',
    'routeros_last_success_timestamp_seconds',
    'routeros_wireguard_peer_last_handshake_timestamp_seconds',
    'routeros_dhcp_lease_last_seen_timestamp_seconds',
    'routeros_dhcp_lease_expiry_timestamp_seconds',
    'routeros_ipsec_peer_last_seen_timestamp_seconds',
  ]),
};

/** Label values that depend on the release or the machine. */
const LABEL_VALUES: readonly (Rule & { readonly labels: RegExp; readonly replacement: string })[] = [
  {
    description: 'otel_scope_version and service_version are AGENT_VERSION',
    labels: /^(otel_scope_version|service_version)$/,
    replacement: 'AGENT_VERSION',
  },
  {
    description: 'service_instance_id and host_*, os_*, process_* resource labels are MACHINE',
    labels: /^(service_instance_id|host_.*|os_.*|process_.*)$/,
    replacement: 'MACHINE',
  },
];

/** Loopback ports inside label values (addresses of simulated routers or the agent). */
const PORTS: Rule & { readonly pattern: RegExp } = {
  description: 'loopback ports inside label values are PORT',
  pattern: /(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}/g,
};

/** What the golden file's header says about the rules. */
export const NORMALISATION_RULES: readonly string[] = [
  DROPPED_FAMILIES.description,
  ZEROED_FAMILIES.description,
  ...LABEL_VALUES.map((rule) => rule.description),
  PORTS.description,
];

const METADATA = /^# (?:HELP|TYPE|UNIT) (\S+)/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?( \S+)( \S+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

/** Applies the rules to a scrape; keeps line order, ends with a newline. */
export function normaliseScrape(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const metadata = METADATA.exec(line);
    if (metadata !== null) {
      if (!DROPPED_FAMILIES.pattern.test(metadata[1] ?? '')) out.push(line);
      continue;
    }
    if (line.startsWith('#')) {
      out.push(line);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (sample === null) throw new Error(`golden: cannot read scrape line: ${line}`);
    const [, name = '', labels = '', value = ''] = sample;
    const family = name.replace(HISTOGRAM_SUFFIX, '');
    if (DROPPED_FAMILIES.pattern.test(name) || DROPPED_FAMILIES.pattern.test(family)) continue;
    const normalisedLabels = labels.replace(LABEL_PAIR, (_pair, label: string, labelValue: string) => {
      const rule = LABEL_VALUES.find((candidate) => candidate.labels.test(label));
      const replaced = rule === undefined ? labelValue.replace(PORTS.pattern, '$1:PORT') : rule.replacement;
      return `${label}="${replaced}"`;
    });
    // A timestamp (appendTimestamp) would be run-dependent too; the agent does not write one.
    const normalisedValue = ZEROED_FAMILIES.names.has(name) ? ' 0' : value;
    out.push(`${name}${normalisedLabels}${normalisedValue}${sample[4] === undefined ? '' : ' TIMESTAMP'}`);
  }
  return `${out.join('\n')}\n`;
}

/** Lines common to both ends are trimmed before the quadratic part, so big unchanged files stay cheap. */
const MAX_DIFF_CELLS = 25_000_000;

/**
 * A unified diff of two texts (`-` expected, `+` actual) with `context` lines around each change, cut
 * after `maxLines` lines. Empty when equal.
 */
export function unifiedDiff(expected: string, actual: string, options: { context?: number; maxLines?: number } = {}): string {
  if (expected === actual) return '';
  const context = options.context ?? 3;
  const maxLines = options.maxLines ?? 200;
  const a = expected.split('\n');
  const b = actual.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const ops = diffOps(a.slice(start, endA), b.slice(start, endB));
  // Full edit script over the whole text, with line numbers, then cut into hunks.
  type Op = { kind: ' ' | '-' | '+'; text: string; lineA: number; lineB: number };
  const script: Op[] = [];
  for (let i = 0; i < start; i += 1) script.push({ kind: ' ', text: a[i]!, lineA: i, lineB: i });
  let lineA = start;
  let lineB = start;
  for (const op of ops) {
    script.push({ kind: op.kind, text: op.text, lineA, lineB });
    if (op.kind !== '+') lineA += 1;
    if (op.kind !== '-') lineB += 1;
  }
  for (let i = 0; i < a.length - endA; i += 1) {
    script.push({ kind: ' ', text: a[endA + i]!, lineA: endA + i, lineB: endB + i });
  }
  const changed = script.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  const lines: string[] = [];
  let hunkStart = 0;
  while (hunkStart < changed.length) {
    let hunkEnd = hunkStart;
    while (hunkEnd + 1 < changed.length && changed[hunkEnd + 1]! - changed[hunkEnd]! <= 2 * context + 1) hunkEnd += 1;
    const from = Math.max(0, changed[hunkStart]! - context);
    const to = Math.min(script.length - 1, changed[hunkEnd]! + context);
    const slice = script.slice(from, to + 1);
    const countA = slice.filter((op) => op.kind !== '+').length;
    const countB = slice.filter((op) => op.kind !== '-').length;
    lines.push(`@@ -${slice[0]!.lineA + 1},${countA} +${slice[0]!.lineB + 1},${countB} @@`);
    for (const op of slice) lines.push(`${op.kind}${op.text}`);
    hunkStart = hunkEnd + 1;
  }
  if (lines.length > maxLines) {
    return `${lines.slice(0, maxLines).join('\n')}\n… ${lines.length - maxLines} more diff lines`;
  }
  return lines.join('\n');
}

/** Longest-common-subsequence edit script; falls back to "all removed, all added" when too large. */
function diffOps(a: readonly string[], b: readonly string[]): { kind: ' ' | '-' | '+'; text: string }[] {
  if (a.length * b.length > MAX_DIFF_CELLS) {
    return [...a.map((text) => ({ kind: '-' as const, text })), ...b.map((text) => ({ kind: '+' as const, text }))];
  }
  const width = b.length + 1;
  // lengths[i * width + j]: LCS length of a[i..] and b[j..].
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const ops: { kind: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i]! });
      i += 1;
      j += 1;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      ops.push({ kind: '-', text: a[i]! });
      i += 1;
    } else {
      ops.push({ kind: '+', text: b[j]! });
      j += 1;
    }
  }
  while (i < a.length) ops.push({ kind: '-', text: a[i++]! });
  while (j < b.length) ops.push({ kind: '+', text: b[j++]! });
  return ops;
}
