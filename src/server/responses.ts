/** Small response helpers shared by the routes. */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

/** Writes a complete response; HEAD bodies are dropped by node:http while Content-Length stays. */
export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', payload.length);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(payload);
}

/** True when Accept-Encoding admits gzip (explicitly or via `*`) with a non-zero quality. */
export function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const header = headers['accept-encoding'];
  if (header === undefined) return false;
  let wildcard = false;
  for (const entry of header.split(',')) {
    const [coding = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((param) => param.startsWith('q='));
    const quality = qParam === undefined ? 1 : Number(qParam.slice(2));
    const acceptable = Number.isFinite(quality) && quality > 0;
    if (coding === 'gzip' || coding === 'x-gzip') return acceptable;
    if (coding === '*') wildcard = acceptable;
  }
  return wildcard;
}

/** The path of a request target without query or fragment; '' when it has none (`*`, garbage). */
export function requestPath(url: string | undefined): string {
  if (url === undefined || url === '') return '';
  if (url.startsWith('/')) {
    const end = url.search(/[?#]/);
    return end === -1 ? url : url.slice(0, end);
  }
  try {
    // Absolute-form targets (`GET http://host/metrics`), as proxies send them.
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
