/**
 * The relay's HTTP endpoints on the agent's port, behind the server's auth: `/apps` (exporter-proxy's
 * table of app, last update and source; JSON with `Accept: application/json`) and the
 * Pushgateway-compatible receiver `PUT|POST|DELETE /metrics/job/<job>{/<label>/<value>}`
 * (github.com/prometheus/pushgateway README: PUT replaces the group, POST only the families it
 * names, DELETE removes the group; `@base64` label values). Bodies are the text format or, with the
 * Content-Type client_golang's `push` package sends, delimited protobuf.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { SourceRoute } from '../../engine/source.js';
import { ExpositionError, type ParsedFamily, parseExposition } from './exposition.js';
import { decodeMetricFamilies, isDelimitedProtobuf, ProtobufError } from './protobuf.js';
import type { RelaySource } from './source.js';

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

function reply(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  response.end(body);
}

export function appsRoute(source: RelaySource): SourceRoute {
  return {
    path: '/apps',
    methods: ['GET', 'HEAD'],
    name: '/apps',
    handle(request, response) {
      const rows = source.store.rows();
      const now = new Date().toISOString();
      const accept = request.headers.accept ?? '';
      if (/openmetrics-text|version=0\.0\.4/.test(accept)) {
        // Scrapers (and the relay's own poller) get the table as exposition text.
        reply(response, 200, 'text/plain; version=0.0.4; charset=utf-8', renderAppsExposition(source.store.rows()));
        return;
      }
      if (accept.includes('application/json')) {
        const apps = rows.map((row) => ({ app: row.app, last_update: row.lastUpdate, source: row.source, series: row.series }));
        reply(response, 200, JSON_TYPE, `${JSON.stringify({ time: now, apps })}\n`);
        return;
      }
      reply(response, 200, TEXT, renderTable(now, rows.map((row) => [row.app, row.lastUpdate, row.source, String(row.series)])));
    },
  };
}

/** The table as one gauge per app: when it last updated, with its source. */
export function renderAppsExposition(rows: readonly { app: string; lastUpdate: string; source: string }[]): string {
  const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return [
    '# HELP app_last_update_timestamp_seconds Unix time of the last update of each app the relay holds (its /apps table).',
    '# TYPE app_last_update_timestamp_seconds gauge',
    ...rows.map(
      (row) => `app_last_update_timestamp_seconds{app_name="${escape(row.app)}",source="${escape(row.source)}"} ${Date.parse(row.lastUpdate) / 1000}`,
    ),
    '',
  ].join('\n');
}

/** An ASCII table like exporter-proxy's (prettytable), plus a series column. */
export function renderTable(now: string, rows: readonly string[][]): string {
  const header = ['App Name', 'Last Update Time (UTC)', 'Source', 'Series'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const rule = `+${widths.map((width) => '-'.repeat(width + 2)).join('+')}+`;
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [`Current time: ${now}`, rule, line(header), rule, ...rows.map(line), rule, ''].join('\n');
}

/** The app name and grouping labels of `/metrics/job/<job>{/<label>/<value>}`. */
export function parseGroupingPath(path: string): { app: string; labels: Record<string, string> } | string {
  const parts = path.slice('/metrics/'.length).split('/');
  if (parts.length % 2 !== 0 || parts.length === 0) return 'the path must be /metrics/job/<job>{/<label>/<value>}';
  const labels: Record<string, string> = {};
  for (let index = 0; index < parts.length; index += 2) {
    let key = decodeURIComponent(parts[index] ?? '');
    let value = decodeURIComponent(parts[index + 1] ?? '');
    if (key.endsWith('@base64')) {
      key = key.slice(0, -'@base64'.length);
      value = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    }
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key) || key.startsWith('__')) return `invalid label name ${JSON.stringify(key)}`;
    if (key === 'app') return 'the label app is the relay\'s own; use another name';
    if (Object.hasOwn(labels, key)) return `label ${key} twice in the path`;
    labels[key] = value;
  }
  if (labels['job'] === undefined || labels['job'] === '' || parts[0] !== 'job') return 'the path must start with /metrics/job/<job>';
  const app = Object.entries(labels)
    .map(([key, value], index) => (index === 0 ? value : `${key}=${value}`))
    .join('/');
  return { app, labels };
}

export function pushgatewayRoute(source: RelaySource, maxBytes: number): SourceRoute {
  return {
    path: '/metrics/job/',
    methods: ['PUT', 'POST', 'DELETE'],
    name: '/metrics/job',
    maxBodyBytes: maxBytes,
    handle(request: IncomingMessage, response: ServerResponse, body: Buffer) {
      const path = (request.url ?? '').split('?')[0] ?? '';
      let group;
      try {
        group = parseGroupingPath(path);
      } catch {
        group = 'the path is not valid percent-encoding';
      }
      if (typeof group === 'string') {
        reply(response, 400, TEXT, `${group}\n`);
        return;
      }
      if (request.method === 'DELETE') {
        source.store.remove(group.app);
        reply(response, 202, TEXT, '');
        return;
      }
      let raw: Buffer;
      try {
        raw = request.headers['content-encoding'] === 'gzip' ? gunzipSync(body, { maxOutputLength: maxBytes }) : body;
      } catch {
        reply(response, 400, TEXT, 'the body is not valid gzip or larger than max_push_bytes\n');
        return;
      }
      const meta = { source: 'pushgateway', labels: group.labels };
      let decoded: { families: ParsedFamily[]; timestampsStripped: number } | undefined;
      if (isDelimitedProtobuf(request.headers['content-type'])) {
        try {
          decoded = decodeMetricFamilies(raw);
        } catch (error) {
          if (!(error instanceof ProtobufError)) throw error;
          const reason = `app ${group.app}: ${error.message}`;
          source.rejectMalformed('http', 'protobuf', group.app, body.length, reason);
          reply(response, 400, TEXT, `${reason}\n`);
          return;
        }
      }
      const format = decoded === undefined ? 'text' : 'protobuf';
      const text = decoded === undefined ? raw.toString('utf8') : '';
      if (request.method === 'POST') {
        // POST replaces only the families it names; the group's other families stay.
        let parsed = decoded;
        if (parsed === undefined) {
          try {
            parsed = parseExposition(text);
          } catch (error) {
            if (!(error instanceof ExpositionError)) throw error;
            source.apply('http', 'text', [{ app: group.app, text }], meta, body.length);
            reply(response, 400, TEXT, `app ${group.app}: ${error.message}\n`);
            return;
          }
        }
        const named = new Set(parsed.families.map((family) => family.name));
        const kept = source.store.familiesOf(group.app).filter((family) => !named.has(family.name));
        const error = source.applyFamilies('http', { app: group.app, families: [...kept, ...parsed.families], stripped: parsed.timestampsStripped }, meta, body.length, format);
        reply(response, error === undefined ? 200 : 400, TEXT, error === undefined ? '' : `${error}\n`);
        return;
      }
      const error =
        decoded === undefined
          ? source.apply('http', 'text', [{ app: group.app, text }], meta, body.length)
          : source.applyFamilies('http', { app: group.app, families: decoded.families, stripped: decoded.timestampsStripped }, meta, body.length, 'protobuf');
      reply(response, error === undefined ? 200 : 400, TEXT, error === undefined ? '' : `${error}\n`);
    },
  };
}
