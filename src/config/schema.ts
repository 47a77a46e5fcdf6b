/**
 * The convict schema of the fixed sections: every key with its doc, format, default and, where it
 * makes sense, a `MIKROTIK_AGENT_*` environment variable. Convict loads and coerces; the loader
 * checks shapes and values itself ({@link leafProblem}) so every problem is data with a key path.
 * Sources add their own sections (config/sections.ts), with a convict schema or checked by themselves.
 */
import convict from 'convict';
import { LISTEN_PROBLEM, parseListen } from './address.js';
import { durationProblem, parseDuration } from './duration.js';
import { isMapping } from './mapping.js';

/** The shape convict produces (file keys, values before normalisation). */
export interface RawConfig {
  server: {
    listen: string;
    tls: { cert_file: string; key_file: string };
    auth: {
      basic_users: Record<string, unknown>;
      bearer_token: string;
      bearer_token_file: string;
      open_paths: unknown[];
    };
    max_concurrent_scrapes: number;
    request_timeout: string;
    max_header_bytes: number;
    scope_labels: boolean;
    enable_lifecycle: boolean;
  };
  collection: {
    interval: string;
    timeout: string;
    concurrency: number;
    startup_check: string;
    shard: { index: number; count: number };
  };
  otlp: {
    enabled: boolean;
    endpoint: string;
    protocol: string;
    headers: Record<string, unknown>;
    headers_file: string;
    interval: string;
    timeout: string;
    compression: string;
    temporality: string;
    tls: { ca_file: string; cert_file: string; key_file: string };
  };
  log: { level: string; format: string };
  resource_attributes: Record<string, unknown>;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** One of the agent's value formats: a check that returns the problem (or undefined), and an optional coercion. */
interface AgentFormat {
  /** The problem with `value`, or undefined when it is valid. Never shows a value that could be secret. */
  check(value: unknown): string | undefined;
  /** Turns text (environment variables, file strings) into the value type; convict applies it. */
  coerce?(text: string): unknown;
}


/** The agent's formats by name; the schema refers to them, convict runs their coercions. */
const FORMATS: Readonly<Record<string, AgentFormat>> = {
  'agent-duration': {
    check: (value) => (typeof value === 'string' && parseDuration(value) !== undefined ? undefined : durationProblem(value)),
  },
  'agent-boolean': {
    check: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
    // Environment values arrive as strings; convict's own boolean coercion turns any typo into true.
    coerce(text: string): unknown {
      const word = text.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return text;
    },
  },
  'agent-positive-int': {
    check: (value) =>
      typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? undefined : 'must be a whole number of at least 1',
    coerce: coerceInteger,
  },
  'agent-nat': {
    check: (value) =>
      typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 65_535
        ? undefined
        : 'must be a whole number from 0 to 65535',
    coerce: coerceInteger,
  },
  'agent-listen': {
    check: (value) => (typeof value === 'string' && parseListen(value) !== undefined ? undefined : LISTEN_PROBLEM),
  },
  'agent-string': {
    check: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
  },
  'agent-map': {
    check: (value) => (isMapping(value) ? undefined : 'must be a mapping of names to values'),
  },
  'agent-list': {
    check: (value) => (Array.isArray(value) ? undefined : 'must be a list'),
  },
};

let formatsRegistered = false;

/**
 * Registers the agent's convict formats (convict keeps formats in a global registry). Convict only
 * uses them to coerce; the loader validates with {@link leafProblem}, which returns problems as data.
 */
export function registerFormats(): void {
  if (formatsRegistered) return;
  formatsRegistered = true;
  for (const [name, format] of Object.entries(FORMATS)) {
    const validate = (value: unknown): void => {
      const problem = format.check(value);
      if (problem !== undefined) throw new Error(problem);
    };
    convict.addFormat(format.coerce === undefined ? { name, validate } : { name, validate, coerce: format.coerce });
  }
}

function coerceInteger(value: string): unknown {
  return /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

/** The schema definition (file keys in snake_case, as users write them). */
export const SCHEMA = {
  server: {
    listen: {
      doc: 'Address of the HTTP server for /metrics and the health endpoints: host:port, [v6]:port or :port.',
      format: 'agent-listen',
      default: '0.0.0.0:9436',
      env: 'MIKROTIK_AGENT_LISTEN',
    },
    tls: {
      cert_file: {
        doc: 'PEM certificate (chain) for HTTPS; HTTPS is on when cert_file and key_file are set.',
        format: 'agent-string',
        default: '',
        env: 'MIKROTIK_AGENT_TLS_CERT_FILE',
      },
      key_file: {
        doc: 'PEM private key for HTTPS.',
        format: 'agent-string',
        default: '',
        env: 'MIKROTIK_AGENT_TLS_KEY_FILE',
      },
    },
    auth: {
      basic_users: {
        doc: 'HTTP basic auth users: user name → bcrypt hash (htpasswd -nbB user password).',
        format: 'agent-map',
        default: {},
      },
      bearer_token: {
        doc: 'Accepted bearer token (secret). Prefer bearer_token_file or ${ENV}.',
        format: 'agent-string',
        default: '',
        env: 'MIKROTIK_AGENT_BEARER_TOKEN',
        sensitive: true,
      },
      bearer_token_file: {
        doc: 'File holding the accepted bearer token.',
        format: 'agent-string',
        default: '',
        env: 'MIKROTIK_AGENT_BEARER_TOKEN_FILE',
      },
      open_paths: {
        doc: 'Paths that stay open when authentication is on.',
        format: 'agent-list',
        default: ['/live', '/ready'],
      },
    },
    max_concurrent_scrapes: {
      doc: 'Scrapes served at once; more get HTTP 429 (Too Many Requests) with Retry-After: 1.',
      format: 'agent-positive-int',
      default: 4,
      env: 'MIKROTIK_AGENT_MAX_CONCURRENT_SCRAPES',
    },
    request_timeout: {
      doc: 'Deadline for one HTTP request.',
      format: 'agent-duration',
      default: '30s',
    },
    max_header_bytes: {
      doc: 'Largest accepted HTTP request header block, in bytes.',
      format: 'agent-positive-int',
      default: 16_384,
    },
    scope_labels: {
      doc: 'Put otel_scope_name and otel_scope_version on every target series of /metrics (off: the version would change every series identity at each upgrade).',
      format: 'agent-boolean',
      default: false,
      env: 'MIKROTIK_AGENT_SCOPE_LABELS',
    },
    enable_lifecycle: {
      doc: 'Serve POST /-/reload (behind the same auth as /metrics) to reload the configuration, as SIGHUP does.',
      format: 'agent-boolean',
      default: false,
      env: 'MIKROTIK_AGENT_ENABLE_LIFECYCLE',
    },
  },
  collection: {
    interval: {
      doc: 'Default poll interval of each router.',
      format: 'agent-duration',
      default: '30s',
      env: 'MIKROTIK_AGENT_COLLECTION_INTERVAL',
    },
    timeout: {
      doc: "Deadline of one router's poll.",
      format: 'agent-duration',
      default: '10s',
      env: 'MIKROTIK_AGENT_COLLECTION_TIMEOUT',
    },
    concurrency: {
      doc: 'Routers polled at once.',
      format: 'agent-positive-int',
      default: 64,
      env: 'MIKROTIK_AGENT_COLLECTION_CONCURRENCY',
    },
    startup_check: {
      doc: 'Poll every router once at start: off, warn (log failures) or strict (exit on failure).',
      format: ['off', 'warn', 'strict'],
      default: 'off',
      env: 'MIKROTIK_AGENT_STARTUP_CHECK',
    },
    shard: {
      index: {
        doc: "This replica's shard, from 0 (--shard i/n, --shard-from-hostname).",
        format: 'agent-nat',
        default: 0,
        env: 'MIKROTIK_AGENT_SHARD_INDEX',
      },
      count: {
        doc: 'Replicas sharing the fleet; each keeps the targets whose name hashes to its index.',
        format: 'agent-positive-int',
        default: 1,
        env: 'MIKROTIK_AGENT_SHARD_COUNT',
      },
    },
  },
  otlp: {
    enabled: {
      doc: 'Push metrics over OTLP/HTTP as well.',
      format: 'agent-boolean',
      default: false,
      env: 'MIKROTIK_AGENT_OTLP_ENABLED',
    },
    endpoint: {
      doc: 'Full OTLP metrics URL (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT override it).',
      format: 'agent-string',
      default: 'http://localhost:4318/v1/metrics',
    },
    protocol: {
      doc: 'OTLP encoding: http/protobuf or http/json.',
      format: ['http/protobuf', 'http/json'],
      default: 'http/protobuf',
    },
    headers: {
      doc: 'Extra HTTP headers (Authorization …); values may use ${ENV}.',
      format: 'agent-map',
      default: {},
    },
    headers_file: {
      doc: 'File of extra headers, one `Key: value` or `Key=value` per line.',
      format: 'agent-string',
      default: '',
    },
    interval: {
      doc: 'Export interval.',
      format: 'agent-duration',
      default: '60s',
    },
    timeout: {
      doc: 'Deadline of one export, retries included.',
      format: 'agent-duration',
      default: '10s',
    },
    compression: {
      doc: 'Request compression: gzip or none.',
      format: ['gzip', 'none'],
      default: 'gzip',
    },
    temporality: {
      doc: 'Aggregation temporality preference: cumulative or delta.',
      format: ['cumulative', 'delta'],
      default: 'cumulative',
    },
    tls: {
      ca_file: { doc: 'PEM CA bundle to verify the OTLP endpoint.', format: 'agent-string', default: '' },
      cert_file: { doc: 'PEM client certificate (mTLS).', format: 'agent-string', default: '' },
      key_file: { doc: 'PEM client key (mTLS).', format: 'agent-string', default: '' },
    },
  },
  log: {
    level: {
      doc: 'Log level: trace, debug, info, warn, error or fatal.',
      format: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
      default: 'info',
      env: 'MIKROTIK_AGENT_LOG_LEVEL',
    },
    format: {
      doc: 'Log format: json (JSON lines, level names), logfmt, pretty (readable) or auto (pretty on a TTY, else json).',
      format: ['json', 'logfmt', 'pretty', 'auto'],
      default: 'auto',
      env: 'MIKROTIK_AGENT_LOG_FORMAT',
    },
  },
  resource_attributes: {
    doc: 'Extra OpenTelemetry resource attributes (besides OTEL_RESOURCE_ATTRIBUTES).',
    format: 'agent-map',
    default: {},
  },
} as const;

/**
 * A convict schema in the agent's formats: the core sections' {@link SCHEMA}, or that plus the
 * sections sources bring (config/sections.ts).
 */
export type ConfigSchema = Readonly<Record<string, unknown>>;

/** A schema node that is a leaf (has a default) rather than a section. */
export interface SchemaLeaf {
  readonly default: unknown;
  /** An agent format name or the list of allowed values. */
  readonly format: string | readonly string[];
  readonly env?: string;
  /** The JSON Schema of a list's items (config.schema.json); strings when absent. */
  readonly items?: Readonly<Record<string, unknown>>;
}

/** Whether a schema node is a leaf (a setting) rather than a section. */
export function isLeaf(node: unknown): node is SchemaLeaf {
  return node !== null && typeof node === 'object' && 'default' in node;
}

/** The problem with `value` for the setting `leaf`, or undefined when it is valid. */
export function leafProblem(leaf: SchemaLeaf, value: unknown): string | undefined {
  const { format } = leaf;
  if (typeof format !== 'string') {
    return typeof value === 'string' && format.includes(value) ? undefined : `must be one of ${format.join(', ')}`;
  }
  const rule = FORMATS[format];
  return rule === undefined ? `has an unknown format ${format}` : rule.check(value);
}

/** Every leaf of the schema with its key path, breadth first in schema order (the order problems are listed in). */
export function schemaLeaves(schema: ConfigSchema = SCHEMA): readonly { readonly path: readonly string[]; readonly leaf: SchemaLeaf }[] {
  const leaves: { path: readonly string[]; leaf: SchemaLeaf }[] = [];
  const queue: { path: readonly string[]; node: unknown }[] = [{ path: [], node: schema }];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const [key, child] of Object.entries(next.node as Record<string, unknown>)) {
      const path = [...next.path, key];
      if (isLeaf(child)) leaves.push({ path, leaf: child });
      else if (child !== null && typeof child === 'object') queue.push({ path, node: child });
    }
  }
  return leaves;
}

/** A section or leaf of the schema by dotted path, or undefined. */
export function schemaNode(path: readonly string[], schema: ConfigSchema = SCHEMA): unknown {
  let node: unknown = schema;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || isLeaf(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Whether the schema node at `path` is a section (a mapping of keys) rather than a leaf. */
export function isSection(node: unknown): node is Record<string, unknown> {
  return node !== null && typeof node === 'object' && !isLeaf(node);
}

/** Every `MIKROTIK_AGENT_*` variable with the key path it sets. */
export function schemaEnvVars(schema: ConfigSchema = SCHEMA): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  const walk = (node: unknown, path: string): void => {
    if (isLeaf(node)) {
      if (node.env !== undefined) found.set(node.env, path);
      return;
    }
    if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) walk(child, path === '' ? key : `${path}.${key}`);
    }
  };
  walk(schema, '');
  return found;
}
