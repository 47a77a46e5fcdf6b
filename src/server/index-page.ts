/** The small HTML page at `/`: every source's targets, their state and links to the other endpoints. */
import type { SourceHealth } from './health.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The page: one table per source, its targets in config order. */
export function renderIndexPage(status: string, version: string, groups: readonly SourceHealth[]): string {
  const tables = groups.map(renderGroup).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mikrotik-otel-agent</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
tr.down td { background: #fde8e8; }
</style>
</head>
<body>
<h1>mikrotik-otel-agent ${escapeHtml(version)}</h1>
<p>Status: ${escapeHtml(status)} &middot; <a href="/metrics">metrics</a> &middot; <a href="/health">health</a> &middot; <a href="/ready">ready</a> &middot; <a href="/live">live</a></p>
${tables}
</body>
</html>
`;
}

function renderGroup(group: SourceHealth): string {
  const { noun, kind } = group.descriptor;
  const rows = group.targets
    .map((target) => {
      // A source may call an up target degraded (a Mist organisation whose stream is down while REST works).
      const degraded = target.details?.['state'] === 'degraded';
      const state = target.up ? (degraded ? 'up (degraded)' : 'up') : `down${target.down_reason === null ? '' : ` (${target.down_reason})`}`;
      const collectors = Object.entries(target.collectors)
        .map(([name, status]) => `${name}: ${status}`)
        .join(', ');
      const cells = [
        target.name,
        target.address,
        state,
        target.version ?? '',
        target.last_success ?? 'never',
        String(target.consecutive_failures),
        target.last_error ?? '',
        collectors,
      ];
      return `<tr class="${target.up ? 'up' : 'down'}">${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<h2>${escapeHtml(group.descriptor.healthKey)} (${escapeHtml(kind)})</h2>
<table>
<thead><tr><th>${escapeHtml(noun)}</th><th>address</th><th>state</th><th>version</th><th>last success</th><th>failures</th><th>last error</th><th>collectors</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}
