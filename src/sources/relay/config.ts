/**
 * The `relay:` section. Its groups and keys mirror exporter-proxy's `config.toml` ([receiver],
 * [poll_external], [exporter] concurrent_requests), so its users recognise every line; and
 * {@link fromExporterProxy} maps such a file as it is onto this section (`run --relay-config`).
 */
import { parseHostPort } from '../../config/address.js';
import { joinPath } from '../../config/errors.js';
import { durationProblem, formatDuration, parseDuration } from '../../config/duration.js';
import type { ConfigSection, SectionContext } from '../../config/sections.js';

export type ReceiverFormat = 'auto' | 'json' | 'capnp';

export interface PollEndpoint {
  readonly url: string;
  /** The app name its series carry; default: the URL. */
  readonly app: string;
}

export interface RelayConfig {
  readonly enabled: boolean;
  readonly receiver: {
    readonly format: ReceiverFormat;
    readonly receiveOnTcpSocket: boolean;
    readonly receiverTcpSocket: string;
    readonly receiveOnUnixSocket: boolean;
    readonly receiverUnixSocket: string;
    readonly unixSocketUser: string;
    readonly unixSocketGroup: string;
    readonly unixSocketMode: number;
    readonly concurrentRequests: number;
    readonly token: string;
    readonly maxPushBytes: number;
    readonly maxSeriesPerApp: number;
    readonly readTimeoutMillis: number;
    readonly staleAfterMillis: number;
  };
  readonly pollExternal: {
    readonly pollOtherScrapeEndpoints: boolean;
    readonly otherScrapeEndpoints: readonly PollEndpoint[];
    readonly allowInvalidCerts: boolean;
    readonly pollIntervalMillis: number;
    readonly clientTimeoutMillis: number;
    readonly staleAfterMillis: number;
    /** Largest accepted body of one poll (not in exporter-proxy; fixed here, as Prometheus' body_size_limit). */
    readonly maxBodyBytes: number;
  };
  readonly pushgateway: boolean;
}

export const RELAY_DEFAULTS: RelayConfig = Object.freeze({
  enabled: false,
  receiver: Object.freeze({
    format: 'auto',
    receiveOnTcpSocket: true,
    receiverTcpSocket: '127.0.0.1:6554',
    receiveOnUnixSocket: true,
    receiverUnixSocket: '/var/run/exporter-proxy-receiver.sock',
    unixSocketUser: 'current_user',
    unixSocketGroup: 'current_group',
    unixSocketMode: 0o660,
    concurrentRequests: 2048,
    token: '',
    maxPushBytes: 4 * 1024 * 1024,
    maxSeriesPerApp: 10_000,
    readTimeoutMillis: 10_000,
    staleAfterMillis: 300_000,
  }),
  pollExternal: Object.freeze({
    pollOtherScrapeEndpoints: false,
    otherScrapeEndpoints: [],
    allowInvalidCerts: false,
    pollIntervalMillis: 5_000,
    clientTimeoutMillis: 2_000,
    staleAfterMillis: 60_000,
    maxBodyBytes: 16 * 1024 * 1024,
  }),
  pushgateway: false,
} as const);

const RECEIVER_KEYS = [
  'format',
  'receive_on_tcp_socket',
  'receiver_tcp_socket',
  'receive_on_unix_socket',
  'receiver_unix_socket',
  'unix_socket_user',
  'unix_socket_group',
  'unix_socket_mode',
  'concurrent_requests',
  'token',
  'max_push_bytes',
  'max_series_per_app',
  'read_timeout',
  'stale_after',
] as const;
const POLL_KEYS = [
  'poll_other_scrape_endpoints',
  'other_scrape_endpoints',
  'allow_invalid_certs',
  'poll_interval',
  'client_timeout',
  'stale_after',
] as const;

type Problems = SectionContext['problems'];

function mapping(raw: unknown, path: string, problems: Problems, keys: readonly string[]): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.add(path, 'must be a mapping');
    return {};
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) problems.add(joinPath(path, key), `unknown key (known: ${keys.join(', ')})`);
  }
  return record;
}

function bool(value: unknown, path: string, fallback: boolean, problems: Problems): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  problems.add(path, 'must be true or false');
  return fallback;
}

function text(value: unknown, path: string, fallback: string, problems: Problems): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string') return value;
  problems.add(path, 'must be text');
  return fallback;
}

function integer(value: unknown, path: string, fallback: number, min: number, max: number, problems: Problems): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  problems.add(path, `must be a whole number from ${min} to ${max}`);
  return fallback;
}

/** A duration; a bare number means seconds, as in exporter-proxy's config.toml. */
function duration(value: unknown, path: string, fallback: number, problems: Problems): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.round(value * 1000);
  const millis = parseDuration(value);
  if (millis !== undefined && millis > 0) return millis;
  problems.add(path, millis === 0 ? 'must be longer than 0s' : durationProblem(value));
  return fallback;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `4MiB`, `512KB`, `1000000`. */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = BYTE_UNITS[(match?.[2] ?? '').toLowerCase()];
  if (match === null || unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

function endpoints(value: unknown, path: string, problems: Problems): PollEndpoint[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(path, 'must be a list of URLs or { url, app } mappings');
    return [];
  }
  const out: PollEndpoint[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const at = joinPath(path, index);
    let url: unknown = entry;
    let app: unknown;
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
      const record = mapping(entry, at, problems, ['url', 'app']);
      url = record['url'];
      app = record['app'];
    }
    if (typeof url !== 'string') {
      problems.add(at, 'must be a URL or a { url, app } mapping');
      return;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      problems.add(at, `${JSON.stringify(url)} is not a URL`);
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      problems.add(at, `${JSON.stringify(url)} must be http or https`);
      return;
    }
    if (parsed.username !== '' || parsed.password !== '') {
      problems.add(at, 'credentials in the URL are not supported');
      return;
    }
    if (app !== undefined && (typeof app !== 'string' || app === '')) {
      problems.add(joinPath(at, 'app'), 'must be non-empty text');
      return;
    }
    const name = typeof app === 'string' ? app : url;
    if (name === 'relay') {
      problems.add(joinPath(at, 'app'), 'relay is the name of the relay\'s own target; choose another');
      return;
    }
    if (seen.has(name)) {
      problems.add(at, `app ${JSON.stringify(name)} is polled twice`);
      return;
    }
    seen.add(name);
    out.push({ url, app: name });
  });
  return out;
}

export function parseRelay(raw: unknown, context: SectionContext): RelayConfig {
  const problems = context.problems;
  const top = mapping(raw, 'relay', problems, ['enabled', 'receiver', 'poll_external', 'pushgateway']);
  const r = mapping(top['receiver'], 'relay.receiver', problems, RECEIVER_KEYS);
  const p = mapping(top['poll_external'], 'relay.poll_external', problems, POLL_KEYS);
  const d = RELAY_DEFAULTS;
  const at = (key: string): string => `relay.receiver.${key}`;
  const pat = (key: string): string => `relay.poll_external.${key}`;

  const format = text(r['format'], at('format'), d.receiver.format, problems);
  if (!['auto', 'json', 'capnp'].includes(format)) problems.add(at('format'), 'must be auto, json or capnp');
  const tcp = text(r['receiver_tcp_socket'], at('receiver_tcp_socket'), d.receiver.receiverTcpSocket, problems);
  const hostPort = parseHostPort(tcp, { allowZeroPort: true });
  if (hostPort?.port === undefined) problems.add(at('receiver_tcp_socket'), `${JSON.stringify(tcp)} must be host:port`);
  const modeText = r['unix_socket_mode'] === undefined ? '0660' : r['unix_socket_mode'];
  let mode = d.receiver.unixSocketMode;
  if (typeof modeText === 'string' && /^0?[0-7]{3}$/.test(modeText)) mode = Number.parseInt(modeText, 8);
  else problems.add(at('unix_socket_mode'), 'must be an octal mode in quotes, such as "0660"');
  const maxPushBytes = r['max_push_bytes'] === undefined ? d.receiver.maxPushBytes : parseBytes(r['max_push_bytes']);
  if (maxPushBytes === undefined) problems.add(at('max_push_bytes'), 'must be a size such as 4MiB');
  const token = text(r['token'], at('token'), '', problems);
  if (token !== '' && !context.substitutedPaths.has(at('token'))) context.plainSecrets.push(at('token'));
  if (/[\s]/.test(token)) problems.add(at('token'), 'must not contain white space');

  return {
    enabled: bool(top['enabled'], 'relay.enabled', d.enabled, problems),
    receiver: {
      format: format as ReceiverFormat,
      receiveOnTcpSocket: bool(r['receive_on_tcp_socket'], at('receive_on_tcp_socket'), true, problems),
      receiverTcpSocket: tcp,
      receiveOnUnixSocket: bool(r['receive_on_unix_socket'], at('receive_on_unix_socket'), true, problems),
      receiverUnixSocket: text(r['receiver_unix_socket'], at('receiver_unix_socket'), d.receiver.receiverUnixSocket, problems),
      unixSocketUser: text(r['unix_socket_user'], at('unix_socket_user'), d.receiver.unixSocketUser, problems),
      unixSocketGroup: text(r['unix_socket_group'], at('unix_socket_group'), d.receiver.unixSocketGroup, problems),
      unixSocketMode: mode,
      concurrentRequests: integer(r['concurrent_requests'], at('concurrent_requests'), d.receiver.concurrentRequests, 1, 65_534, problems),
      token,
      maxPushBytes: maxPushBytes ?? d.receiver.maxPushBytes,
      maxSeriesPerApp: integer(r['max_series_per_app'], at('max_series_per_app'), d.receiver.maxSeriesPerApp, 1, 10_000_000, problems),
      readTimeoutMillis: duration(r['read_timeout'], at('read_timeout'), d.receiver.readTimeoutMillis, problems),
      staleAfterMillis: duration(r['stale_after'], at('stale_after'), d.receiver.staleAfterMillis, problems),
    },
    pollExternal: {
      pollOtherScrapeEndpoints: bool(p['poll_other_scrape_endpoints'], pat('poll_other_scrape_endpoints'), false, problems),
      otherScrapeEndpoints: endpoints(p['other_scrape_endpoints'], pat('other_scrape_endpoints'), problems),
      allowInvalidCerts: bool(p['allow_invalid_certs'], pat('allow_invalid_certs'), false, problems),
      pollIntervalMillis: duration(p['poll_interval'], pat('poll_interval'), d.pollExternal.pollIntervalMillis, problems),
      clientTimeoutMillis: duration(p['client_timeout'], pat('client_timeout'), d.pollExternal.clientTimeoutMillis, problems),
      staleAfterMillis: duration(p['stale_after'], pat('stale_after'), d.pollExternal.staleAfterMillis, problems),
      maxBodyBytes: d.pollExternal.maxBodyBytes,
    },
    pushgateway: bool(top['pushgateway'], 'relay.pushgateway', false, problems),
  };
}

export function documentRelay(value: RelayConfig, secret: (value: string) => string): unknown {
  const r = value.receiver;
  const p = value.pollExternal;
  return {
    enabled: value.enabled,
    receiver: {
      format: r.format,
      receive_on_tcp_socket: r.receiveOnTcpSocket,
      receiver_tcp_socket: r.receiverTcpSocket,
      receive_on_unix_socket: r.receiveOnUnixSocket,
      receiver_unix_socket: r.receiverUnixSocket,
      unix_socket_user: r.unixSocketUser,
      unix_socket_group: r.unixSocketGroup,
      unix_socket_mode: `0${r.unixSocketMode.toString(8)}`,
      concurrent_requests: r.concurrentRequests,
      token: r.token === '' ? '' : secret(r.token),
      max_push_bytes: formatBytes(r.maxPushBytes),
      max_series_per_app: r.maxSeriesPerApp,
      read_timeout: formatDuration(r.readTimeoutMillis),
      stale_after: formatDuration(r.staleAfterMillis),
    },
    poll_external: {
      poll_other_scrape_endpoints: p.pollOtherScrapeEndpoints,
      other_scrape_endpoints: p.otherScrapeEndpoints.map((endpoint) => (endpoint.app === endpoint.url ? endpoint.url : { ...endpoint })),
      allow_invalid_certs: p.allowInvalidCerts,
      poll_interval: formatDuration(p.pollIntervalMillis),
      client_timeout: formatDuration(p.clientTimeoutMillis),
      stale_after: formatDuration(p.staleAfterMillis),
    },
    pushgateway: value.pushgateway,
  };
}

export const RELAY_SECTION: ConfigSection<RelayConfig> = {
  key: 'relay',
  parse: parseRelay,
  hasTargets: (value) => value.enabled,
  document: documentRelay,
  secrets: (value) => (value.receiver.token === '' ? [] : [value.receiver.token]),
};

/** What an exporter-proxy `config.toml` becomes. */
export interface ExporterProxyMapping {
  /** The `relay:` section, in this section's keys. */
  readonly relay: Record<string, unknown>;
  /** `[exporter] scrape_expose_endpoint`, for `server.listen` unless the agent's config sets it. */
  readonly listen?: string;
  /** Keys accepted and ignored, each with why. */
  readonly notices: readonly string[];
}

/**
 * Maps an exporter-proxy `config.toml` (already parsed) onto `relay:`. Its sections and keys carry
 * over one to one; exporter-proxy ignores unknown keys, so this does too, with a notice.
 */
export function fromExporterProxy(toml: Readonly<Record<string, unknown>>): ExporterProxyMapping {
  const notices: string[] = [];
  const table = (name: string): Record<string, unknown> => {
    const value = toml[name];
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  };
  const exporter = table('exporter');
  const receiver: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table('receiver'))) {
    if ((RECEIVER_KEYS as readonly string[]).includes(key)) receiver[key] = value;
    else notices.push(`[receiver] ${key} is not an exporter-proxy key; ignored`);
  }
  const poll: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table('poll_external'))) {
    if ((POLL_KEYS as readonly string[]).includes(key)) poll[key] = value;
    else notices.push(`[poll_external] ${key} is not an exporter-proxy key; ignored`);
  }
  if (exporter['concurrent_requests'] !== undefined) receiver['concurrent_requests'] = exporter['concurrent_requests'];
  if (exporter['worker_threads'] !== undefined) {
    notices.push('[exporter] worker_threads is accepted and ignored: the agent runs on one event loop');
  }
  for (const key of Object.keys(toml)) {
    if (!['exporter', 'receiver', 'poll_external'].includes(key)) notices.push(`[${key}] is not an exporter-proxy section; ignored`);
  }
  const listen = exporter['scrape_expose_endpoint'];
  return {
    relay: { enabled: true, receiver, poll_external: poll },
    ...(typeof listen === 'string' ? { listen } : {}),
    notices,
  };
}
