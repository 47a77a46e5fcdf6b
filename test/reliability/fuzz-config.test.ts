/**
 * Fuzzing the config loader: random YAML text, random JSON/YAML trees, and mutations of a valid
 * config (wrong types, missing keys, random strings in duration, address and regex fields, unknown keys).
 * The loader must return a valid config or throw a ConfigError whose every problem has a key path and a
 * message — never another exception, never a stack trace, never a secret of the document in the text.
 *
 * FUZZ_RUNS (scripts/fuzz-long.sh) raises the number of runs.
 */
import { SECTIONS } from '../helpers/sections.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { fuzzRuns, fuzzTimeout } from './helpers/harness.js';
import { configuredRouters } from '../../src/sources/routeros/config/sections.js';

const RUNS = fuzzRuns(250);
const TIMEOUT = fuzzTimeout(RUNS, 20_000, 20);

const SECRET_PASSWORD = 'S3cret-Router-Pass-fuzz-71c2';
const SECRET_TOKEN = 'Bearer-Token-fuzz-5e0d93';
const SECRET_HEADER = 'Basic ZnV6ei1vdGxwLXNlY3JldA==';
const SECRETS = [SECRET_PASSWORD, SECRET_TOKEN, SECRET_HEADER];
const HASH = `$2b$04$${'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0'.slice(0, 53)}`;

/** Something that looks like a stack trace or a source location. */
const STACK = /\n\s*at |\bat (?:async )?[\w$.<>]+ \(|node:internal|\.[cm]?[jt]s:\d+(?::\d+)?\b/;

/** Relative file names in the config resolve here: an empty directory. */
const cwd = mkdtempSync(join(tmpdir(), 'fuzz-config-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const VALID = {
  server: {
    listen: '127.0.0.1:9436',
    auth: { bearer_token: SECRET_TOKEN, basic_users: { prom: HASH }, open_paths: ['/live', '/ready'] },
    max_concurrent_scrapes: 4,
    request_timeout: '30s',
    max_header_bytes: 16_384,
  },
  collection: { interval: '30s', timeout: '10s', concurrency: 8, startup_check: 'warn' },
  otlp: {
    enabled: true,
    endpoint: 'http://127.0.0.1:4318/v1/metrics',
    protocol: 'http/protobuf',
    headers: { Authorization: SECRET_HEADER },
    interval: '60s',
    timeout: '10s',
    compression: 'gzip',
    temporality: 'cumulative',
  },
  defaults: {
    username: 'monitor',
    labels: { env: 'prod' },
    collectors: { system: true, interface: { include: ['ether.*', 'sfp.*'], exclude: ['<pppoe-.*'], exclude_types: ['pppoe-in'] } },
  },
  routers: [
    { name: 'core1', address: '10.0.0.1', password: SECRET_PASSWORD, labels: { site: 'ams' }, interval: '15s', timeout: '5s' },
    {
      name: 'edge-fra',
      address: '[2001:db8:10::1]:8729',
      username: 'otel',
      password: SECRET_PASSWORD,
      tls: { enabled: true, insecure: true },
      collectors: { health: false, interface: { include: 'ether1' } },
    },
  ],
  simulator: { enabled: false, count: 2, profile: 'mixed', host: '127.0.0.1', port_base: 0 },
  log: { level: 'info', format: 'json' },
  resource_attributes: { 'deployment.environment': 'production' },
};

type Outcome = 'valid' | 'config-error';

/** Loads `text`; fails the property on anything but a config or a well-formed ConfigError. */
function loadChecked(text: string): Outcome {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig({ text, env: {}, cwd, sections: SECTIONS });
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      const name = error instanceof Error ? error.name : typeof error;
      throw new Error(`loadConfig threw ${name} instead of ConfigError: ${String((error as Error)?.message ?? error)}\n--- input ---\n${text}`);
    }
    expect(error.problems.length, text).toBeGreaterThan(0);
    for (const problem of error.problems) {
      expect(typeof problem.path === 'string' && problem.path.trim() !== '', `problem without a key path: ${JSON.stringify(problem)}\n${text}`).toBe(true);
      expect(typeof problem.message === 'string' && problem.message.trim() !== '', `problem without a message: ${JSON.stringify(problem)}`).toBe(true);
      expect(STACK.test(problem.message), `stack trace in a problem: ${problem.message}`).toBe(false);
    }
    expect(STACK.test(error.message), `stack trace in the message: ${error.message}`).toBe(false);
    for (const secret of SECRETS) expect(error.message, 'a secret in the ConfigError').not.toContain(secret);
    return 'config-error';
  }
  expect(Array.isArray(configuredRouters(loaded.config))).toBe(true);
  expect(Object.isFrozen(loaded.config)).toBe(true);
  for (const warning of loaded.warnings) {
    expect(typeof warning.message === 'string' && warning.message !== '').toBe(true);
    expect(STACK.test(warning.message)).toBe(false);
    for (const secret of SECRETS) expect(warning.message, 'a secret in a warning').not.toContain(secret);
  }
  return 'valid';
}

// --- generators -------------------------------------------------------------------------------------

const durationish = fc.oneof(
  fc.stringMatching(/^-?[0-9]{0,25}(?:\.[0-9]{0,3})?(?:ns|us|ms|s|m|h|d|w|y|S|M|)?$/),
  fc.constantFrom('', ' ', '0s', '-1s', '1e400s', 'NaN', 'Infinity', '1h30', '30 s', '1m1m', '999999999999999999999h', '0.0001ms'),
);
const addressish = fc.oneof(
  fc.stringMatching(/^[0-9a-fA-F.:[\]%a-z-]{0,45}$/),
  fc.constantFrom('', ':', '[::1', '::1]:80', '[::1]:99999', '256.1.1.1', 'a..b', '-host', 'host:', 'host:-1', '[fe80::1%eth0]:8729', 'x'.repeat(300)),
);
const regexish = fc.oneof(
  fc.stringMatching(/^[()[\]{}*+?.^$|\\a-z0-9]{0,20}$/),
  fc.constantFrom('(', '[', '*', 'a{2,1}', '(?<n>a)(?<n>b)', '\\', '(?<=a', 'x**'),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('${UNSET_VAR}', '${UNSET:-fallback}', '${', '$${ESCAPED}', '${A:?required}', '~', 'yes', 'off', '0x1F', '1e999'),
  durationish,
  addressish,
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), scalar, { maxKeys: 4 }) },
);

type Tree = Record<string, unknown> | unknown[];

/** Every path to a node of the tree (mappings and lists included). */
function pathsOf(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [];
  if (Array.isArray(node)) {
    node.forEach((child, index) => paths.push([...prefix, index], ...pathsOf(child, [...prefix, index])));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) paths.push([...prefix, key], ...pathsOf(child, [...prefix, key]));
  }
  return paths;
}

type MutationKind = 'delete' | 'replace' | 'duration' | 'address' | 'regex' | 'unknown-key' | 'wrap-list' | 'null';
interface Mutation {
  readonly at: number;
  readonly kind: MutationKind;
  readonly value: unknown;
  readonly duration: string;
  readonly address: string;
  readonly regex: string;
  readonly key: string;
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
function put(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(tree: Tree, mutation: Mutation): void {
  const paths = pathsOf(tree);
  if (paths.length === 0) return;
  const path = paths[mutation.at % paths.length]!;
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], tree) as Record<
    string | number,
    unknown
  >;
  const key = path.at(-1)!;
  switch (mutation.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return;
    case 'replace':
      put(parent, key, mutation.value);
      return;
    case 'duration':
      put(parent, key, mutation.duration);
      return;
    case 'address':
      put(parent, key, mutation.address);
      return;
    case 'regex':
      put(parent, key, [mutation.regex]);
      return;
    case 'unknown-key': {
      const target = parent[key];
      const holder = target !== null && typeof target === 'object' && !Array.isArray(target) ? target : parent;
      if (!Array.isArray(holder)) put(holder as Record<string, unknown>, mutation.key, mutation.value);
      return;
    }
    case 'wrap-list':
      put(parent, key, [parent[key]]);
      return;
    case 'null':
      put(parent, key, null);
      return;
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<MutationKind>('delete', 'replace', 'duration', 'address', 'regex', 'unknown-key', 'wrap-list', 'null'),
  value,
  duration: durationish,
  address: addressish,
  regex: regexish,
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('enabled', 'interval', 'password_file', 'tls', 'port', '__proto__', 'constructor')),
});

const asText = fc.constantFrom('yaml', 'json');

function serialise(tree: unknown, format: 'yaml' | 'json'): string {
  return format === 'json' ? JSON.stringify(tree, null, 2) : stringify(tree);
}

const YAML_TOKENS = [
  'server:', 'collection:', 'routers:', 'defaults:', 'otlp:', 'simulator:', '  listen: ', '  interval: ', '  - name: r',
  '    address: ', '    password: ', '    tls: {enabled: true}', '- ', '{', '}', '[', ']', ': ', ', ', '&a ', '*a', '<<: *a',
  '!!binary ', '!!int ', '!!str ', '"', "'", '|', '>', '#', '%YAML 1.2', '---', '...', '${X}', '\t', '  ', '\n', '\n', '\n',
  '5s', '1m', '10.0.0.1', '[::1]:8728', 'true', 'null', '~', '0x10', '.inf', '.nan', '? ', '@', '`',
];
const yamlText = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...YAML_TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), {
    maxLength: 60,
  })
  .map((tokens) => tokens.join(''));

// --- properties -------------------------------------------------------------------------------------

describe('loadConfig on shapes fuzzing found', () => {
  // Minimal documents from earlier fuzz runs, kept so each stays visible on its own.
  it.each([
    ['a duration given a mapping with a dotted key', 'collection:\n  interval: {".": 1}\n'],
    ['an OTLP duration given a mapping with a dotted key', 'otlp:\n  interval: {".": false}\n'],
    ['a leaf key given a nested mapping', 'otlp:\n  interval: {server: {}}\n'],
    ['a dotted key at the top level', 'x.y: 1\n'],
    ['a dotted key inside a section', 'log:\n  "a.b": 1\n'],
    ['an unknown nested mapping with odd keys', 'server:\n  server: {".": false, "": 0}\n'],
  ])('%s: ConfigError with key paths', (_name, text) => {
    expect(loadChecked(text)).toBe('config-error');
  });
});

describe('loadConfig under fuzzing', () => {
  it('loads the unmutated document used for mutations', () => {
    expect(loadChecked(serialise(VALID, 'yaml'))).toBe('valid');
    expect(loadChecked(serialise(VALID, 'json'))).toBe('valid');
  });

  it('mutations of a valid config: a config or a ConfigError with key paths, no stack, no secrets', () => {
    const outcomes = { valid: 0, 'config-error': 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), asText, (mutations, format) => {
        const tree = structuredClone(VALID) as Tree;
        for (const step of mutations) mutate(tree, step);
        outcomes[loadChecked(serialise(tree, format))] += 1;
      }),
      { numRuns: RUNS },
    );
    console.log(`config fuzz, mutations: ${RUNS} documents, ${outcomes.valid} valid, ${outcomes['config-error']} ConfigError`);
    // The generator must reach both outcomes, or the property proves little.
    expect(outcomes['config-error']).toBeGreaterThan(0);
  }, TIMEOUT);

  it('random JSON and YAML trees', () => {
    const outcomes = { valid: 0, 'config-error': 0 };
    const key = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('server', 'collection', 'otlp', 'routers', 'defaults', 'listen', 'tls', 'auth', 'headers', 'interval', 'a.b', '.', ''),
    );
    const nested = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(key, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    const tree = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.dictionary(fc.constantFrom(...Object.keys(VALID), 'x.y'), nested, { maxKeys: 5 }),
      fc.dictionary(fc.constantFrom(...Object.keys(VALID), 'unknown'), value, { maxKeys: 6 }),
      fc.record({ routers: fc.array(fc.dictionary(fc.constantFrom('name', 'address', 'password', 'port', 'tls', 'interval', 'timeout', 'collectors', 'labels'), value, { maxKeys: 6 }), { maxLength: 3 }) }),
    );
    fc.assert(
      fc.property(tree, asText, (document, format) => {
        outcomes[loadChecked(serialise(document, format))] += 1;
      }),
      { numRuns: RUNS },
    );
    console.log(`config fuzz, random trees: ${RUNS} documents, ${outcomes.valid} valid, ${outcomes['config-error']} ConfigError`);
  }, TIMEOUT);

  it('random YAML text', () => {
    const outcomes = { valid: 0, 'config-error': 0 };
    fc.assert(
      fc.property(yamlText, (text) => {
        outcomes[loadChecked(text)] += 1;
      }),
      { numRuns: RUNS },
    );
    console.log(`config fuzz, random YAML text: ${RUNS} documents, ${outcomes.valid} valid, ${outcomes['config-error']} ConfigError`);
  }, TIMEOUT);
});
