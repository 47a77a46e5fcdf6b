/**
 * The RouterOS part of the configuration reference: the router keys of `defaults:` and `routers[]`
 * ({@link ROUTER_KEYS}, {@link TLS_KEYS}) with the docs below, and every collector from its own option
 * specs, for docs/configuration.md and config.schema.json (config/reference.ts writes both).
 */
import { formatDuration } from '../../../config/duration.js';
import { cell, DURATION, orVariable } from '../../../config/reference.js';
import type { JsonSchema } from '../../../config/sections.js';
import type { KnownCollector } from './collectors.js';
import { BUILTIN_ROUTER_DEFAULTS, ROUTER_KEYS, TLS_KEYS } from './routers.js';

/** A collector as the reference describes it. */
export type ReferenceCollector = KnownCollector & {
  readonly summary?: string;
  readonly defaultIntervalMillis?: number;
};

type RouterKey = (typeof ROUTER_KEYS)[number];

/** Meaning and default of every router key (in `defaults:` and each `routers[]` entry). */
const ROUTER_KEY_DOCS: Readonly<Record<RouterKey, { readonly default: string; readonly doc: string }>> = {
  name: { default: '(required)', doc: 'Unique router name, `[A-Za-z0-9_.-]{1,64}`; the `router` label of its series. Not in `defaults`.' },
  address: { default: '(required)', doc: 'Host, host:port or [v6]:port of the RouterOS API. Not in `defaults`.' },
  port: {
    default: `${BUILTIN_ROUTER_DEFAULTS.port} (${BUILTIN_ROUTER_DEFAULTS.tlsPort} with tls)`,
    doc: 'API port, when the address has none.',
  },
  username: { default: BUILTIN_ROUTER_DEFAULTS.username, doc: 'API user (a read-only group; see SECURITY.md).' },
  password: { default: '""', doc: 'API password (secret). Prefer `password_file` or `${VAR}`.' },
  password_file: {
    default: '—',
    doc: 'File holding the password (trailing newline dropped), e.g. `${CREDENTIALS_DIRECTORY}/core1` under systemd. Not with `password`.',
  },
  tls: { default: 'false', doc: 'api-ssl: `true`/`false`, or a mapping of the `tls.*` keys below.' },
  labels: {
    default: '{}',
    doc: 'Extra labels on every series of the router (`defaults.labels` merged under them); names may not be those of collector labels.',
  },
  interval: { default: 'collection.interval', doc: 'Poll interval of this router.' },
  timeout: { default: 'collection.timeout', doc: "Deadline of this router's poll." },
  collectors: {
    default: 'each collector\'s default',
    doc: 'Per collector: `true`/`false`, or a mapping of `enabled`, `interval` and its options (see Collectors).',
  },
};

const TLS_KEY_DOCS: Readonly<Record<string, { readonly default: string; readonly doc: string; readonly type: 'boolean' | 'string' }>> = {
  enabled: { default: 'false', type: 'boolean', doc: 'Use api-ssl (TLS); the port defaults to 8729.' },
  ca_file: { default: '""', type: 'string', doc: "PEM CA bundle that signed the routers' certificates (system CAs when empty)." },
  server_name: { default: 'the address host', type: 'string', doc: 'Name to verify in the certificate (and SNI).' },
  fingerprint: { default: '""', type: 'string', doc: 'Pin the certificate by SHA-256 fingerprint (64 hex digits, colons allowed) instead of a CA.' },
  insecure: { default: 'false', type: 'boolean', doc: 'Skip certificate verification (logged as a warning).' },
  anonymous: { default: 'false', type: 'boolean', doc: 'api-ssl without a certificate (anonymous DH; logged as a warning).' },
};

/** docs/configuration.md: the router keys, then the collectors. */
export function routersReference(collectors: readonly ReferenceCollector[]): string {
  const lines: string[] = [
    '## `defaults` and `routers[]`',
    '',
    '`routers` is the list of routers to poll; `defaults` holds router keys applied to every router (and to the',
    'simulated ones), each overridable per router. No environment variables: use `${VAR}` in the values.',
    '',
    '| Key | Default | Meaning |',
    '|---|---|---|',
  ];
  for (const key of ROUTER_KEYS) {
    const doc = ROUTER_KEY_DOCS[key];
    lines.push(`| \`${key}\` | ${cell(doc.default)} | ${cell(doc.doc)} |`);
  }
  for (const key of Object.keys(TLS_KEYS)) {
    const doc = TLS_KEY_DOCS[key];
    if (doc !== undefined) lines.push(`| \`tls.${key}\` | ${cell(doc.default)} | ${cell(doc.doc)} |`);
  }
  lines.push('');

  lines.push(
    '## Collectors',
    '',
    'Under `collectors:` (in `defaults` or a router), each collector takes `true`/`false` or a mapping with',
    '`enabled` (a mapping alone enables it), `interval` (its own poll interval; default: the router\'s, or the',
    'collector\'s slower one below) and the options listed. What each collects: [`docs/metrics.md`](metrics.md).',
    '',
    '| Collector | Enabled by default | Interval | Options |',
    '|---|---|---|---|',
  );
  for (const collector of collectors) {
    const options = (collector.options ?? []).map((option) => `\`${option.name}\`: ${option.description}`).join('<br>');
    const interval = collector.defaultIntervalMillis === undefined ? "the router's" : `\`${formatDuration(collector.defaultIntervalMillis)}\``;
    lines.push(`| \`${collector.name}\` | ${collector.defaultEnabled ? 'yes' : 'no'} | ${interval} | ${cell(options === '' ? '—' : options)} |`);
  }
  return lines.join('\n');
}

/** The JSON Schema of `defaults` (isDefaults) or of one `routers[]` entry. */
export function routerSchema(isDefaults: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const types: Record<RouterKey, JsonSchema> = {
    name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    address: { type: 'string' },
    port: orVariable({ type: 'integer', minimum: 1, maximum: 65_535 }),
    username: { type: 'string' },
    password: { type: 'string' },
    password_file: { type: 'string' },
    tls: {
      anyOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(
            Object.keys(TLS_KEYS).map((key) => {
              const doc = TLS_KEY_DOCS[key];
              return [key, { description: doc?.doc ?? '', ...(doc?.type === 'boolean' ? orVariable({ type: 'boolean' }) : { type: 'string' }) }];
            }),
          ),
        },
      ],
    },
    labels: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    interval: DURATION,
    timeout: DURATION,
    // Shared by `defaults` and every router entry.
    collectors: { $ref: '#/$defs/collectors' },
  };
  for (const key of ROUTER_KEYS) {
    if (isDefaults && (key === 'name' || key === 'address')) continue;
    properties[key] = { description: ROUTER_KEY_DOCS[key].doc, ...types[key] };
  }
  return {
    type: 'object',
    additionalProperties: false,
    ...(isDefaults ? {} : { required: ['name', 'address'] }),
    properties,
  };
}

function collectorSchema(collector: ReferenceCollector): JsonSchema {
  const options: Record<string, JsonSchema> = {
    enabled: orVariable({ type: 'boolean' }),
    interval: DURATION,
  };
  for (const option of collector.options ?? []) {
    const typed: JsonSchema = /^(include|exclude)/.test(option.name)
      ? { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }
      : option.name.startsWith('max_')
        ? orVariable({ type: 'integer', minimum: 0 })
        : {};
    options[option.name] = { description: option.description, ...typed };
  }
  return {
    description: `${collector.summary ?? collector.name} (default: ${collector.defaultEnabled ? 'enabled' : 'disabled'})`,
    anyOf: [
      { type: 'boolean' },
      // Without declared options the loader passes keys through, so the schema does too.
      { type: 'object', additionalProperties: collector.options !== undefined ? false : true, properties: options },
    ],
  };
}

/** `#/$defs/collectors`: the `collectors:` block of `defaults` and of every router. */
export function collectorsSchema(collectors: readonly ReferenceCollector[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(collectors.map((collector) => [collector.name, collectorSchema(collector)])),
  };
}
