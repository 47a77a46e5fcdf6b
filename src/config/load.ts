/**
 * Loads the agent configuration: parse (YAML or JSON) → substitute `${ENV}` → shape of the fixed
 * sections (unknown keys, lists or mappings where a value belongs) → convict (coercion,
 * `MIKROTIK_AGENT_*` variables) → value checks → OTEL_* variables → flags → the sources' sections.
 * Every problem is collected with its key path and reported at once as a {@link ConfigError};
 * warnings are returned for the caller to log.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import convict from 'convict';
import { LineCounter, parseDocument } from 'yaml';
import { parseDuration } from './duration.js';
import { ConfigError, type ConfigProblem, joinPath, Problems } from './errors.js';
import { normaliseOtlp } from './otlp.js';
import {
  isLeaf,
  isSection,
  leafProblem,
  type ConfigSchema,
  type RawConfig,
  registerFormats,
  SCHEMA,
  type SchemaLeaf,
  schemaEnvVars,
  schemaLeaves,
  schemaNode,
} from './schema.js';
import { normaliseServer } from './server.js';
import type { ShardConfig } from '../engine/shard.js';
import { substituteEnv } from './substitute.js';
import type { ConfigSection } from './sections.js';
import type { AgentConfig, LogConfig, StartupCheck } from './types.js';
import { isMapping } from './mapping.js';
import { readStringMap, unknownMessage } from './values.js';

/** Command-line flags; they beat the environment and the file. */
export interface ConfigOverrides {
  /** `--listen host:port`. */
  readonly listen?: string;
  /** `--log-level`. */
  readonly logLevel?: string;
  /** `--log-format`. */
  readonly logFormat?: string;
  /** `--shard i/n` (both) or `--shard-from-hostname` (the index only). */
  readonly shard?: { readonly index: number; readonly count?: number; readonly flag: string };
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Config file, YAML or JSON. Relative paths inside it resolve against its directory. */
  readonly file?: string;
  /** Check the file only: do not read or check the secret, TLS and header files it names. @default false */
  readonly syntaxOnly?: boolean;
  /** Config text instead of a file (YAML or JSON). Relative paths resolve against `cwd`. */
  readonly text?: string;
  /** Environment for `${VAR}`, `MIKROTIK_AGENT_*` and OTEL_*. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly overrides?: ConfigOverrides;
  /** Working directory for relative paths outside a file. @default process.cwd() */
  readonly cwd?: string;
  /** Top-level sections the sources bring (src/sources/registry.ts in the agent). */
  readonly sections?: readonly ConfigSection[];
}

/** A valid configuration and what the caller should log about it. */
export interface LoadedConfig {
  readonly config: AgentConfig;
  readonly warnings: readonly ConfigProblem[];
}

const LOG_LEVELS: readonly LogConfig['level'][] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const LOG_FORMATS: readonly LogConfig['format'][] = ['json', 'logfmt', 'pretty', 'auto'];

/** Loads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems = new Problems({ syntaxOnly: options.syntaxOnly ?? false });
  const file = options.file === undefined ? undefined : resolve(cwd, options.file);
  const baseDir = file === undefined ? cwd : dirname(file);

  // Parse.
  let text = options.text ?? '';
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'read error';
      throw new ConfigError([{ path: file, message: `cannot read the config file (${code})` }]);
    }
  }
  const parsed = parseText(text, file ?? '<config>', problems);
  problems.throwIfAny();

  // Drop keys without a value (`key:` in YAML means "use the default"), then substitute.
  const substitution = substituteEnv(cleanTree(parsed, '', 0, problems), env, problems);
  const tree = substitution.value as Record<string, unknown>;
  const plainSecrets: string[] = [];

  // The fixed sections through convict. Convict trusts the shape of what it loads (a mapping where a
  // setting belongs makes it throw, a dotted key becomes nesting), so it only gets known keys with
  // values of the right shape; everything else becomes a problem with its key path here.
  const rest = { ...tree };
  const sections = options.sections ?? [];
  // A source may own a key inside another source's section (`simulator.mist`): it is taken out first,
  // so the owner's checks do not see it as an unknown key.
  const nestedRaw = new Map<string, unknown>();
  for (const section of sections) {
    const [parentKey, childKey] = section.key.split('.', 2);
    if (parentKey === undefined || childKey === undefined) continue;
    const parent = rest[parentKey];
    if (!isMapping(parent) || !Object.hasOwn(parent, childKey)) continue;
    nestedRaw.set(section.key, parent[childKey]);
    rest[parentKey] = Object.fromEntries(Object.entries(parent).filter(([key]) => key !== childKey));
  }
  // Sections with a schema go through convict with the core ones; the others get their raw value.
  const freeKeys = new Set(sections.filter((section) => section.schema === undefined).map((section) => section.key));
  const fullSchema: ConfigSchema = {
    ...SCHEMA,
    ...Object.fromEntries(sections.flatMap((section) => (section.schema === undefined ? [] : [[section.key, section.schema]]))),
  };
  const fixed = Object.fromEntries(Object.entries(rest).filter(([key]) => !freeKeys.has(key)));
  checkSections(fixed, [], problems, fullSchema);
  const maps = takeMaps(fixed, problems);
  const pruned = pruneToSchema(fixed, fullSchema);
  registerFormats();
  const schema = convict<RawConfig>(fullSchema as unknown as convict.Schema<RawConfig>, {
    env: agentEnv(env, fullSchema),
    args: [],
  });
  schema.load(pruned.clean);
  for (const problem of validateLeaves(schema, pruned.leafProblems, env, fullSchema)) problems.add(problem.path, problem.message);
  for (const problem of pruned.unknownKeys) problems.add(problem.path, problem.message);
  const raw = schema.getProperties();
  raw.server.auth.basic_users = maps.basicUsers ?? raw.server.auth.basic_users;
  raw.otlp.headers = maps.headers ?? raw.otlp.headers;
  raw.resource_attributes = maps.resourceAttributes ?? raw.resource_attributes;

  const intervalMillis = parseDuration(raw.collection.interval) ?? 30_000;
  let timeoutMillis = parseDuration(raw.collection.timeout) ?? 10_000;
  if (intervalMillis < 1_000) problems.add('collection.interval', 'must be at least 1s');
  if (timeoutMillis <= 0) problems.add('collection.timeout', 'must be greater than 0');
  if (timeoutMillis > intervalMillis) {
    problems.warn('collection.timeout', 'is longer than collection.interval; using the interval');
    timeoutMillis = intervalMillis;
  }

  let level = raw.log.level as LogConfig['level'];
  if (options.overrides?.logLevel !== undefined) {
    const wanted = options.overrides.logLevel as LogConfig['level'];
    if (LOG_LEVELS.includes(wanted)) level = wanted;
    else problems.add('--log-level', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  let logFormat = raw.log.format as LogConfig['format'];
  if (options.overrides?.logFormat !== undefined) {
    const wanted = options.overrides.logFormat as LogConfig['format'];
    if (LOG_FORMATS.includes(wanted)) logFormat = wanted;
    else problems.add('--log-format', `must be one of ${LOG_FORMATS.join(', ')}`);
  }

  const shard = normaliseShard(raw.collection.shard, options.overrides?.shard, problems);
  const server = normaliseServer(raw.server, {
    problems,
    baseDir,
    substitutedPaths: substitution.substitutedPaths,
    plainSecrets,
    ...(options.overrides?.listen === undefined ? {} : { listenOverride: options.overrides.listen }),
  });
  const otlp = normaliseOtlp(raw.otlp, {
    problems,
    env,
    baseDir,
    cwd,
    substitutedPaths: substitution.substitutedPaths,
    plainSecrets,
  });
  const sectionValues: Record<string, unknown> = {};
  const checked = raw as unknown as Record<string, unknown>;
  const parseSection = (section: ConfigSection): void => {
    const value = section.key.includes('.') ? nestedRaw.get(section.key) : section.schema === undefined ? rest[section.key] : checked[section.key];
    sectionValues[section.key] = section.parse(value, {
      problems,
      baseDir,
      env,
      substitutedPaths: substitution.substitutedPaths,
      plainSecrets,
      collection: { intervalMillis, timeoutMillis },
      syntaxOnly: options.syntaxOnly ?? false,
      parsed: { ...sectionValues },
    });
  };
  // Sections written among the core keys (`after`) are checked there too, so problems keep the file's order.
  for (const section of sections) if (section.after !== undefined) parseSection(section);
  const resourceAttributes = readStringMap(raw.resource_attributes, 'resource_attributes', problems);
  for (const key of Object.keys(raw.resource_attributes)) {
    if (key.trim() === '') problems.add(joinPath('resource_attributes', key), 'must not be empty');
  }
  for (const section of sections) if (section.after === undefined) parseSection(section);

  if (!sections.some((section) => section.hasTargets?.(sectionValues[section.key]) === true)) {
    const first = sections.find((section) => section.nothingToCollect !== undefined);
    problems.warn(first?.key ?? '', first?.nothingToCollect ?? 'no source has anything to collect: nothing will be polled');
  }
  if (file !== undefined && plainSecrets.length > 0 && isWorldReadable(file)) {
    problems.warn(
      file,
      `is readable by every user and holds plain-text secrets (${plainSecrets.join(', ')}); ` +
        'use password_file or ${ENV}, or chmod o-r',
    );
  }
  problems.throwIfAny();

  const config: AgentConfig = {
    server,
    collection: {
      intervalMillis,
      timeoutMillis,
      concurrency: raw.collection.concurrency,
      startupCheck: raw.collection.startup_check as StartupCheck,
      shard,
    },
    otlp,
    log: { level, format: logFormat },
    resourceAttributes,
    sections: sectionValues,
  };
  return { config: deepFreeze(config), warnings: problems.warnings };
}

/** `collection.shard` with the command line's say over it; the index must fall within the count. */
function normaliseShard(
  raw: RawConfig['collection']['shard'],
  override: ConfigOverrides['shard'],
  problems: Problems,
): ShardConfig {
  const count = override?.count ?? raw.count;
  const index = override?.index ?? raw.index;
  if (index >= count) {
    problems.add(override === undefined ? 'collection.shard.index' : override.flag, `must be below the shard count (${count})`);
  }
  return { index, count };
}

/** Parses YAML (JSON is YAML too); problems carry `file:line:column`, never the source text. */
function parseText(text: string, name: string, problems: Problems): Record<string, unknown> {
  const lineCounter = new LineCounter();
  let value: unknown;
  try {
    const document = parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: true });
    for (const error of document.errors) {
      const position = lineCounter.linePos(error.pos[0]);
      problems.add(`${name}:${position.line}:${position.col}`, parserMessage(error));
    }
    if (document.errors.length > 0) return {};
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.add(name, parserMessage(error));
    return {};
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.add(name, 'the top level must be a mapping of sections (server, collection, routers …)');
    return {};
  }
  return value as Record<string, unknown>;
}

/** The parser's message for a person: one line, lower-case first; a stack overflow says what it means. */
function parserMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError || /call stack/i.test(text)) return 'the document is nested too deeply';
  const line = (text.split('\n')[0] ?? '').trim();
  if (line === '') return 'cannot parse the document';
  return line.charAt(0).toLowerCase() + line.slice(1);
}

/** Deeper than any sensible config; the limit keeps every later walk of the tree far from the stack limit. */
const MAX_DEPTH = 32;

/**
 * Removes mapping entries whose value is null, recursively. A `__proto__` key is a problem and is
 * dropped (assigning it would replace an object's prototype); so is anything nested deeper than
 * {@link MAX_DEPTH}.
 */
function cleanTree(node: unknown, path: string, depth: number, problems: Problems): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (depth >= MAX_DEPTH) {
    problems.add(path, `is nested too deeply (more than ${MAX_DEPTH} levels)`);
    return Array.isArray(node) ? [] : {};
  }
  if (Array.isArray(node)) return node.map((item: unknown, index) => cleanTree(item, joinPath(path, index), depth + 1, problems));
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '__proto__') {
      problems.add(joinPath(path, key), 'is not allowed as a key');
      continue;
    }
    if (value !== null) entries.push([key, cleanTree(value, joinPath(path, key), depth + 1, problems)]);
  }
  return Object.fromEntries(entries);
}

/** A section given as a scalar or list is a problem; it is removed so convict keeps its defaults. */
function checkSections(node: Record<string, unknown>, path: readonly string[], problems: Problems, schema: ConfigSchema): void {
  for (const [key, value] of Object.entries(node)) {
    const childPath = [...path, key];
    const schemaChild = schemaNode(childPath, schema);
    if (!isSection(schemaChild)) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.add(childPath.join('.'), 'must be a mapping');
      delete node[key];
    } else {
      checkSections(value as Record<string, unknown>, childPath, problems, schema);
    }
  }
}

/**
 * Takes the free-form maps out of the tree before convict sees them: their keys may contain dots
 * (`service.namespace`), which convict reads as nesting.
 */
function takeMaps(
  fixed: Record<string, unknown>,
  problems: Problems,
): { basicUsers?: Record<string, unknown>; headers?: Record<string, unknown>; resourceAttributes?: Record<string, unknown> } {
  const take = (parent: unknown, key: string, path: string): Record<string, unknown> | undefined => {
    if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, key)) return undefined;
    const holder = parent as Record<string, unknown>;
    const value = holder[key];
    delete holder[key];
    if (isMapping(value)) return value;
    problems.add(path, 'must be a mapping of names to values');
    return undefined;
  };
  const server = fixed['server'] as Record<string, unknown> | undefined;
  const basicUsers = take(server?.['auth'], 'basic_users', 'server.auth.basic_users');
  const headers = take(fixed['otlp'], 'headers', 'otlp.headers');
  const resourceAttributes = take(fixed, 'resource_attributes', 'resource_attributes');
  return {
    ...(basicUsers === undefined ? {} : { basicUsers }),
    ...(headers === undefined ? {} : { headers }),
    ...(resourceAttributes === undefined ? {} : { resourceAttributes }),
  };
}

/** Only the non-empty MIKROTIK_AGENT_* variables reach convict (`FOO=` means unset). */
function agentEnv(env: NodeJS.ProcessEnv, schema: ConfigSchema): NodeJS.ProcessEnv {
  const selected: NodeJS.ProcessEnv = {};
  for (const name of schemaEnvVars(schema).keys()) {
    const value = env[name];
    if (value !== undefined && value !== '') selected[name] = value;
  }
  return selected;
}

/** The part of the fixed sections that is safe to give convict, and what was left out. */
interface PrunedTree {
  /** Known keys only, each setting with a value of the right shape (a scalar, or a list where one is expected). */
  readonly clean: Record<string, unknown>;
  /** Settings given a mapping or list where they take something else, by key path. */
  readonly leafProblems: ReadonlyMap<string, string>;
  /** Keys the schema does not know, breadth first like the settings (shallowest unknown key only). */
  readonly unknownKeys: readonly ConfigProblem[];
}

/** Copies the known, well-shaped part of the fixed sections; non-mapping sections were removed by checkSections. */
function pruneToSchema(fixed: Record<string, unknown>, schema: ConfigSchema): PrunedTree {
  const clean: Record<string, unknown> = {};
  const leafProblems = new Map<string, string>();
  const unknownKeys: ConfigProblem[] = [];
  interface Pending {
    readonly node: Record<string, unknown>;
    readonly section: Record<string, unknown>;
    readonly path: string;
    readonly target: Record<string, unknown>;
  }
  const queue: Pending[] = [{ node: fixed, section: schema as Record<string, unknown>, path: '', target: clean }];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { node, section, path, target } = next;
    for (const key of Object.keys(section)) {
      if (!Object.hasOwn(node, key)) continue;
      const value = node[key];
      const childPath = joinPath(path, key);
      const child = section[key];
      if (isLeaf(child)) {
        // Free-form maps (basic_users, headers, resource_attributes) were taken out by takeMaps.
        if (child.format === 'agent-map') continue;
        if (hasLeafShape(child, value)) target[key] = value;
        else leafProblems.set(childPath, leafProblem(child, value) ?? 'has the wrong type');
      } else if (isMapping(value) && isSection(child)) {
        const nested: Record<string, unknown> = {};
        target[key] = nested;
        queue.push({ node: value, section: child, path: childPath, target: nested });
      }
    }
    for (const key of Object.keys(node)) {
      if (!Object.hasOwn(section, key)) {
        unknownKeys.push({ path: joinPath(path, key), message: unknownKeyMessage(key, Object.keys(section)) });
      }
    }
  }
  return { clean, leafProblems, unknownKeys };
}


/** A scalar, or a list for a list setting: what convict can load without surprises. */
function hasLeafShape(leaf: SchemaLeaf, value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  return Array.isArray(value) && leaf.format === 'agent-list';
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  if (key.trim() === '') return 'unknown key: keys must not be empty';
  if (key.includes('.')) return 'unknown key (a key cannot contain dots: write nested keys as mappings)';
  return unknownMessage('key', key, known);
}

/**
 * Checks every setting convict holds (file, `MIKROTIK_AGENT_*` or default) in schema order; a bad
 * value is reported and reset to its default so later rules read something sane. Problems with the
 * shape of a file value come first at their path.
 */
function validateLeaves(
  schema: convict.Config<RawConfig>,
  shapeProblems: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
  fullSchema: ConfigSchema,
): ConfigProblem[] {
  const found: ConfigProblem[] = [];
  const values: unknown = schema.getProperties();
  for (const { path, leaf } of schemaLeaves(fullSchema)) {
    const key = path.join('.');
    const shapeProblem = shapeProblems.get(key);
    if (shapeProblem !== undefined) found.push({ path: key, message: shapeProblem });
    const message = leafProblem(leaf, valueAt(values, path));
    if (message === undefined) continue;
    const variable = leaf.env;
    const fromEnv = variable !== undefined && env[variable] !== undefined && env[variable] !== '';
    found.push({ path: key, message: fromEnv ? `${message} (from ${variable})` : message });
    schema.reset(key as never);
  }
  return found;
}

function valueAt(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const key of path) {
    if (!isMapping(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function isWorldReadable(file: string): boolean {
  try {
    return (statSync(file).mode & 0o004) !== 0;
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
