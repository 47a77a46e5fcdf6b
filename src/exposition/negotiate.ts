/**
 * Content negotiation of `/metrics` (RFC 9110 §12.5.1): OpenMetrics 1.0 when the client prefers
 * `application/openmetrics-text` (Prometheus 2.x sends it first by default, see its `scrape_protocols`),
 * the text format 0.0.4 otherwise.
 */
import type { ExpositionFormat } from './format.js';

/** The format to answer an `Accept` header with. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept === '') return 'text';
  let openMetrics = -1;
  let text = -1;
  for (const range of accept.split(',')) {
    const [typePart, ...params] = range.split(';');
    const type = (typePart ?? '').trim().toLowerCase();
    let quality = 1;
    let version: string | undefined;
    for (const param of params) {
      const equals = param.indexOf('=');
      if (equals === -1) continue;
      const key = param.slice(0, equals).trim().toLowerCase();
      const value = param.slice(equals + 1).trim().replace(/^"|"$/g, '');
      if (key === 'q') {
        const parsed = Number(value);
        quality = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 0;
      } else if (key === 'version') {
        version = value;
      }
    }
    if (type === 'application/openmetrics-text') {
      // Only 1.0.0 is served; an unversioned range takes any version.
      if (version === undefined || version === '1.0.0') openMetrics = Math.max(openMetrics, quality);
    } else if (type === 'text/plain' || type === 'text/*' || type === '*/*') {
      text = Math.max(text, type === 'text/plain' ? quality : quality - 1e-6);
    }
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'text';
}
