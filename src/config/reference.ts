/**
 * The configuration reference, generated from the schema the loader uses: `docs/configuration.md` (every key
 * with its default, environment variable and meaning) and `config.schema.json` (JSON Schema 2020-12, for
 * editor completion, e.g. the YAML language server's `# yaml-language-server: $schema=` comment).
 * The fixed sections come from {@link SCHEMA}, router keys from {@link ROUTER_KEYS} and {@link TLS_KEYS} with
 * the docs below, collectors from their own option specs. `npm run docs:config` writes both files; a test
 * fails when either is stale.
 */
import type { KnownCollector } from './collectors.js';
import { formatDuration } from './duration.js';
import { OTEL_VARIABLES } from './otel-variables.js';
import { BUILTIN_ROUTER_DEFAULTS, ROUTER_KEYS, TLS_KEYS } from './routers.js';
import { isLeaf, SCHEMA, type SchemaLeaf } from './schema.js';
import type { ConfigSection } from './sections.js';

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

/** Depth-first leaves of the fixed sections, in schema order, with their dotted key. */
/** The core schema plus the schemas of the sections sources bring, in that order. */
function fullSchema(sections: readonly ConfigSection[]): Record<string, unknown> {
  return {
    ...SCHEMA,
    ...Object.fromEntries(sections.flatMap((section) => (section.schema === undefined ? [] : [[section.key, section.schema]]))),
  };
}

function fixedLeaves(sections: readonly ConfigSection[]): { key: string; leaf: SchemaLeaf & { doc?: string; sensitive?: boolean } }[] {
  const found: { key: string; leaf: SchemaLeaf & { doc?: string } }[] = [];
  const walk = (node: unknown, path: string): void => {
    if (isLeaf(node)) {
      found.push({ key: path, leaf: node as SchemaLeaf & { doc?: string } });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) walk(child, path === '' ? key : `${path}.${key}`);
  };
  walk(fullSchema(sections), '');
  return found;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function formatDefault(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '`""`' : `\`${value}\``;
  return `\`${JSON.stringify(value)}\``;
}

function allowed(leaf: SchemaLeaf): string {
  return typeof leaf.format === 'string' ? '' : ` One of: ${leaf.format.map((value) => `\`${value}\``).join(', ')}.`;
}

/** docs/configuration.md. */
export function renderConfigDoc(collectors: readonly ReferenceCollector[], sourceSections: readonly ConfigSection[] = []): string {
  const lines: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs:config` (`mikrotik-otel-agent docs config`) from the config schema; do not edit. -->',
    '',
    'The agent reads a YAML or JSON file (`--config FILE` or `MIKROTIK_AGENT_CONFIG`), then the environment, then',
    'the command-line flags (`--listen`, `--log-level`, `--log-format`), each beating the one before. Values may use',
    '`${VAR}` and `${VAR:-default}`; durations are written `500ms`, `30s`, `5m`, `1h`. Relative file paths resolve',
    "against the config file's directory. The JSON Schema of the file is [`config.schema.json`](../config.schema.json):",
    'with the YAML language server, put `# yaml-language-server: $schema=<path or URL of config.schema.json>` on the',
    "file's first line for completion and checks in the editor.",
    '',
  ];
  const sections = new Map<string, ReturnType<typeof fixedLeaves>>();
  for (const entry of fixedLeaves(sourceSections)) {
    const section = entry.key.split('.')[0] ?? entry.key;
    sections.set(section, [...(sections.get(section) ?? []), entry]);
  }
  for (const [section, entries] of sections) {
    if (section === 'defaults' || section === 'routers') continue;
    lines.push(`## \`${section}\``, '', '| Key | Default | Environment | Meaning |', '|---|---|---|---|');
    for (const { key, leaf } of entries) {
      const secret = leaf.sensitive === true ? ' Secret: shown redacted by check-config.' : '';
      lines.push(
        `| \`${key}\` | ${cell(formatDefault(leaf.default))} | ${leaf.env === undefined ? '—' : `\`${leaf.env}\``} | ${cell(`${leaf.doc ?? ''}${allowed(leaf)}${secret}`)} |`,
      );
    }
    lines.push('');
  }

  lines.push(
    '## `defaults` and `routers[]`',
    '',
    '`routers` is the list of routers to poll; `defaults` holds router keys applied to every router (and to the',
    'simulated ones), each overridable per router. No environment variables: use `${VAR}` in the values.',
    '',
    '| Key | Default | Meaning |',
    '|---|---|---|',
  );
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
  lines.push('');

  lines.push(
    '## OpenTelemetry variables',
    '',
    'The standard variables of the OpenTelemetry SDK specification are honoured; a `_METRICS_` variable wins over',
    'the general one, and both beat the file.',
    '',
    '| Variable | Sets |',
    '|---|---|',
  );
  for (const entry of OTEL_VARIABLES) lines.push(`| ${entry.names.map((name) => `\`${name}\``).join(', ')} | ${cell(entry.sets)} |`);
  lines.push('', '## Other variables', '', '| Variable | Meaning |', '|---|---|');
  lines.push('| `MIKROTIK_AGENT_CONFIG` | The config file when `--config` is not given. |');
  lines.push('| `CREDENTIALS_DIRECTORY` | Set by systemd `LoadCredential=`; use it in `password_file: ${CREDENTIALS_DIRECTORY}/<name>`. |');
  lines.push('');
  return lines.join('\n');
}

type JsonSchema = Record<string, unknown>;

/** A value that may also be written as a `${VAR}` reference (substituted before the value is checked). */
function orVariable(schema: JsonSchema): JsonSchema {
  return { anyOf: [schema, { type: 'string', pattern: '\\$\\{' }] };
}

const DURATION: JsonSchema = { type: 'string', pattern: '^\\s*(\\d+(\\.\\d+)?(ms|s|m|h|d))+\\s*$|\\$\\{' };

function leafSchema(key: string, leaf: SchemaLeaf & { doc?: string }): JsonSchema {
  const base: JsonSchema = { description: leaf.doc ?? '', default: leaf.default };
  if (typeof leaf.format !== 'string') return { ...base, enum: [...leaf.format] };
  switch (leaf.format) {
    case 'agent-duration':
      return { ...base, ...DURATION };
    case 'agent-boolean':
      return { ...base, ...orVariable({ type: 'boolean' }) };
    case 'agent-positive-int':
      return { ...base, ...orVariable({ type: 'integer', minimum: 1 }) };
    case 'agent-nat':
      return { ...base, ...orVariable({ type: 'integer', minimum: 0, maximum: 65_535 }) };
    case 'agent-map':
      return { ...base, type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
    case 'agent-list':
      if (key === 'simulator.faults') {
        return {
          ...base,
          type: 'array',
          items: {
            type: 'object',
            required: ['router', 'kind'],
            additionalProperties: false,
            properties: {
              router: { type: ['integer', 'string'], description: 'Router number from 1, or its name.' },
              kind: { type: 'string', description: 'Fault kind (see `simulate --help`).' },
              millis: { type: 'integer', minimum: 0, description: 'Delay of a latency fault.' },
            },
          },
        };
      }
      return { ...base, type: 'array', items: { type: 'string' } };
    default:
      return { ...base, type: 'string' };
  }
}

function routerSchema(isDefaults: boolean): JsonSchema {
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

/** Sections that check their own keys (no schema) take any value here; the loader reports their problems. */
function withFreeSections(schema: JsonSchema, sections: readonly ConfigSection[]): JsonSchema {
  const properties = { ...(schema['properties'] as Record<string, JsonSchema>) };
  for (const section of sections) {
    if (section.schema !== undefined) continue;
    const entry = { description: `The ${section.key} section (checked by its source).` };
    const [parentKey, childKey] = section.key.split('.', 2);
    if (parentKey === undefined || childKey === undefined) {
      properties[section.key] = entry;
      continue;
    }
    const parent = properties[parentKey] ?? { type: 'object', properties: {} };
    const inner = (parent['properties'] as Record<string, JsonSchema> | undefined) ?? {};
    properties[parentKey] = { ...parent, properties: { ...inner, [childKey]: entry } };
  }
  return { ...schema, properties };
}

/** config.schema.json. */
export function configJsonSchema(collectors: readonly ReferenceCollector[], sections: readonly ConfigSection[] = []): JsonSchema {
  const section = (node: unknown, path: string): JsonSchema => {
    const properties: Record<string, JsonSchema> = {};
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (childPath === 'defaults') properties[key] = { description: 'Router keys applied to every router.', ...routerSchema(true) };
      else if (childPath === 'routers') {
        properties[key] = { description: 'The routers to poll.', type: 'array', items: routerSchema(false) };
      } else if (isLeaf(child)) properties[key] = leafSchema(childPath, child as SchemaLeaf & { doc?: string });
      else properties[key] = section(child, childPath);
    }
    return { type: 'object', additionalProperties: false, properties };
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/mikrotik-otel-agent/mikrotik-otel-agent/blob/main/config.schema.json',
    title: 'mikrotik-otel-agent configuration',
    description: 'Generated by `npm run docs:config` from the config schema; see docs/configuration.md.',
    ...withFreeSections(section(fullSchema(sections), ''), sections),
    $defs: {
      collectors: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(collectors.map((collector) => [collector.name, collectorSchema(collector)])),
      },
    },
  };
}
