/** The small HTML page at `/`: routers, their state and links to the other endpoints. */
import type { HealthReport } from './health.js';

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

export function renderIndexPage(report: HealthReport): string {
  const rows = report.routers
    .map((router) => {
      const state = router.up ? 'up' : `down${router.down_reason === null ? '' : ` (${router.down_reason})`}`;
      const collectors = Object.entries(router.collectors)
        .map(([name, status]) => `${name}: ${status}`)
        .join(', ');
      const cells = [
        router.name,
        router.address,
        state,
        router.version ?? '',
        router.last_success ?? 'never',
        String(router.consecutive_failures),
        router.last_error ?? '',
        collectors,
      ];
      return `<tr class="${router.up ? 'up' : 'down'}">${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mikrotik-otel-agent</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
tr.down td { background: #fde8e8; }
</style>
</head>
<body>
<h1>mikrotik-otel-agent ${escapeHtml(report.version)}</h1>
<p>Status: ${escapeHtml(report.status)} &middot; <a href="/metrics">metrics</a> &middot; <a href="/health">health</a> &middot; <a href="/ready">ready</a> &middot; <a href="/live">live</a></p>
<table>
<thead><tr><th>router</th><th>address</th><th>state</th><th>RouterOS</th><th>last success</th><th>failures</th><th>last error</th><th>collectors</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
