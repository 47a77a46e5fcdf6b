/**
 * The `otlp` section plus the standard OTEL_* exporter variables. Precedence per setting: the
 * metrics-specific variable, then the generic one, then the file. Headers merge per name
 * (case-insensitive). The variables are only checked when OTLP is enabled: a shared environment
 * may carry them for other programs.
 */
import { parseDuration } from './duration.js';
import { joinPath, Problems } from './errors.js';
import { checkReadable, readTextFile, resolveFile } from './files.js';
import type { OtlpConfig, OtlpProtocol, Temporality } from './types.js';
import type { RawConfig } from './schema.js';

/** What the OTLP normaliser needs from the loader. */
export interface OtlpContext {
  readonly problems: Problems;
  readonly env: NodeJS.ProcessEnv;
  /** Directory relative file paths in the config are resolved against. */
  readonly baseDir: string;
  /** Directory relative paths in environment variables are resolved against. */
  readonly cwd: string;
  /** Paths of values that came from `${…}` substitution. */
  readonly substitutedPaths: ReadonlySet<string>;
  /** Paths of secrets written in plain text in the file (for the world-readable warning). */
  readonly plainSecrets: string[];
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SECRET_HEADER = /auth|token|key|secret|password|cookie/i;

/** Whether a header value is acceptable (no line breaks or NUL that would split the request). */
function isHeaderValue(value: string): boolean {
  return !/[\r\n\0]/.test(value);
}

/** Sets a header, replacing any existing header of the same name in another case. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const existing of Object.keys(headers)) {
    if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  }
  headers[name] = value;
}

/** Parses a headers file: `Key: value` or `Key=value` per line; `#` comments and blank lines skipped. */
export function parseHeaderLines(text: string, path: string, problems: Problems): Record<string, string> {
  const headers: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const colon = trimmed.indexOf(':');
    const equals = trimmed.indexOf('=');
    const split = colon < 0 ? equals : equals < 0 ? colon : Math.min(colon, equals);
    const name = split > 0 ? trimmed.slice(0, split).trim() : '';
    if (!HEADER_NAME.test(name)) {
      problems.add(`${path}:${index + 1}`, 'expected `Key: value` or `Key=value`');
      return;
    }
    setHeader(headers, name, trimmed.slice(split + 1).trim());
  });
  return headers;
}

/**
 * Parses `k=v,k2=v2` as OTEL_EXPORTER_OTLP_HEADERS does: entries split on `,`, text after `;` in
 * an entry dropped, keys and values trimmed and percent-decoded, empty values dropped.
 */
export function parseOtelHeaderList(text: string, variable: string, problems: Problems): Record<string, string> {
  const headers: Record<string, string> = {};
  text.split(',').forEach((rawEntry, index) => {
    const entry = (rawEntry.split(';')[0] ?? '').trim();
    if (entry === '') return;
    const equals = entry.indexOf('=');
    if (equals <= 0) {
      problems.add(`${variable}[${index}]`, 'must be key=value');
      return;
    }
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(entry.slice(0, equals).trim());
      value = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      problems.add(`${variable}[${index}]`, 'bad percent-encoding');
      return;
    }
    if (!HEADER_NAME.test(name) || !isHeaderValue(value)) {
      problems.add(`${variable}[${index}]`, 'not a valid HTTP header name and value');
      return;
    }
    if (value !== '') setHeader(headers, name, value);
  });
  return headers;
}

/** The first non-empty variable of `names`, with its name. */
function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

function envMillis(env: NodeJS.ProcessEnv, names: readonly string[], problems: Problems): number | undefined {
  const found = firstSet(env, names);
  if (found === undefined) return undefined;
  if (!/^\d+$/.test(found.value) || Number(found.value) <= 0) {
    problems.add(found.name, 'must be a whole number of milliseconds greater than 0');
    return undefined;
  }
  return Number(found.value);
}

function validEndpoint(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Builds OtlpConfig from the convict values, the headers file and the OTEL_* variables. */
export function normaliseOtlp(raw: RawConfig['otlp'], context: OtlpContext): OtlpConfig {
  const { env, cwd, baseDir } = context;
  const enabled = raw.enabled;
  // Problems of a disabled exporter are not worth failing the start for.
  const problems = enabled ? context.problems : new Problems({ syntaxOnly: context.problems.syntaxOnly });

  // Endpoint: METRICS_ENDPOINT verbatim, else ENDPOINT + /v1/metrics, else the file.
  let endpoint = raw.endpoint;
  let endpointPath = 'otlp.endpoint';
  const metricsEndpoint = firstSet(env, ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT']);
  const baseEndpoint = firstSet(env, ['OTEL_EXPORTER_OTLP_ENDPOINT']);
  if (metricsEndpoint !== undefined) {
    endpoint = metricsEndpoint.value;
    endpointPath = metricsEndpoint.name;
  } else if (baseEndpoint !== undefined) {
    endpoint = `${baseEndpoint.value.replace(/\/+$/, '')}/v1/metrics`;
    endpointPath = baseEndpoint.name;
  }
  // The URL is not echoed: it may carry credentials.
  if (!validEndpoint(endpoint)) problems.add(endpointPath, 'must be an http:// or https:// URL');

  let protocol: OtlpProtocol = raw.protocol === 'http/json' ? 'http/json' : 'http/protobuf';
  const protocolVar = firstSet(env, ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']);
  if (protocolVar !== undefined) {
    if (protocolVar.value === 'http/protobuf' || protocolVar.value === 'http/json') protocol = protocolVar.value;
    else if (protocolVar.value === 'grpc') problems.add(protocolVar.name, 'grpc is not supported; use http/protobuf or http/json');
    else problems.add(protocolVar.name, 'must be http/protobuf or http/json');
  }

  let compression: 'gzip' | 'none' = raw.compression === 'none' ? 'none' : 'gzip';
  const compressionVar = firstSet(env, ['OTEL_EXPORTER_OTLP_METRICS_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION']);
  if (compressionVar !== undefined) {
    const value = compressionVar.value.toLowerCase();
    if (value === 'gzip' || value === 'none') compression = value;
    else problems.add(compressionVar.name, 'must be gzip or none');
  }

  let temporality: Temporality = raw.temporality === 'delta' ? 'delta' : 'cumulative';
  const temporalityVar = firstSet(env, ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE']);
  if (temporalityVar !== undefined) {
    const value = temporalityVar.value.toLowerCase();
    if (value === 'cumulative' || value === 'delta') temporality = value;
    else problems.add(temporalityVar.name, 'must be cumulative or delta (lowmemory is not supported)');
  }

  let intervalMillis = parseDuration(raw.interval) ?? 60_000;
  let timeoutMillis = parseDuration(raw.timeout) ?? 10_000;
  if (intervalMillis < 1_000) problems.add('otlp.interval', 'must be at least 1s');
  if (timeoutMillis <= 0) problems.add('otlp.timeout', 'must be greater than 0');
  intervalMillis = envMillis(env, ['OTEL_METRIC_EXPORT_INTERVAL'], problems) ?? intervalMillis;
  timeoutMillis =
    envMillis(env, ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'], problems) ?? timeoutMillis;
  if (timeoutMillis > intervalMillis && timeoutMillis > 0) {
    // The periodic reader rejects a timeout above the interval; clamp like the SDK does.
    if (enabled) context.problems.warn('otlp.timeout', 'is longer than otlp.interval; using the interval');
    timeoutMillis = intervalMillis;
  }

  // Headers: headers_file, then `headers` in the file, then OTEL_EXPORTER_OTLP_HEADERS, then …_METRICS_HEADERS.
  const headers: Record<string, string> = {};
  if (enabled && raw.headers_file !== '') {
    const file = resolveFile(baseDir, raw.headers_file);
    const text = readTextFile(file, 'otlp.headers_file', problems);
    if (text !== undefined) {
      for (const [name, value] of Object.entries(parseHeaderLines(text, 'otlp.headers_file', problems))) {
        setHeader(headers, name, value);
      }
    }
  }
  for (const [name, value] of Object.entries(raw.headers)) {
    const path = joinPath('otlp.headers', name);
    const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    if (!HEADER_NAME.test(name)) {
      problems.add(path, 'not a valid HTTP header name');
    } else if (typeof text !== 'string' || !isHeaderValue(text)) {
      problems.add(path, 'must be a single-line string');
    } else {
      setHeader(headers, name, text);
      if (SECRET_HEADER.test(name) && text !== '' && !context.substitutedPaths.has(path)) {
        context.plainSecrets.push(path);
      }
    }
  }
  for (const variable of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS']) {
    const text = env[variable];
    if (text === undefined || text.trim() === '') continue;
    for (const [name, value] of Object.entries(parseOtelHeaderList(text, variable, problems))) {
      setHeader(headers, name, value);
    }
  }

  const tlsFile = (key: 'ca_file' | 'cert_file' | 'key_file', variables: readonly string[]): string => {
    const fromEnv = firstSet(env, variables);
    const file = fromEnv !== undefined ? resolveFile(cwd, fromEnv.value) : raw.tls[key] === '' ? '' : resolveFile(baseDir, raw.tls[key]);
    if (enabled && file !== '') checkReadable(file, fromEnv?.name ?? `otlp.tls.${key}`, problems);
    return file;
  };
  const caFile = tlsFile('ca_file', ['OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CERTIFICATE']);
  const clientCertFile = tlsFile('cert_file', [
    'OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE',
    'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
  ]);
  const clientKeyFile = tlsFile('key_file', ['OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_CLIENT_KEY']);
  if ((clientCertFile === '') !== (clientKeyFile === '')) {
    problems.add('otlp.tls', 'cert_file and key_file must be set together');
  }

  return {
    enabled,
    endpoint,
    protocol,
    headers,
    intervalMillis,
    timeoutMillis,
    compression,
    temporality,
    caFile,
    clientCertFile,
    clientKeyFile,
  };
}
