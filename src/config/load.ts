/**
 * Loads the agent configuration: parse (YAML or JSON) → substitute `${ENV}` → convict (fixed
 * sections, `MIKROTIK_AGENT_*` variables, unknown keys) → OTEL_* variables → flags → router rules.
 * Every problem is collected with its key path and reported at once as a {@link ConfigError};
 * warnings are returned for the caller to log.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import convict from 'convict';
import { LineCounter, parseDocument } from 'yaml';
import { isValidHost } from './address.js';
import { type KnownCollector, unknownMessage } from './collectors.js';
import { parseDuration } from './duration.js';
import { ConfigError, type ConfigProblem, joinPath, Problems } from './errors.js';
import { normaliseOtlp } from './otlp.js';
import { normaliseRouters, readStringMap } from './routers.js';
import { isSection, type RawConfig, registerFormats, SCHEMA, schemaEnvVars, schemaNode } from './schema.js';
import { normaliseServer } from './server.js';
import { substituteEnv } from './substitute.js';
import type { AgentConfig, LogConfig, StartupCheck } from './types.js';

export type { KnownCollector } from './collectors.js';

/** Command-line flags; they beat the environment and the file. */
export interface ConfigOverrides {
  /** `--listen host:port`. */
  readonly listen?: string;
  /** `--log-level`. */
  readonly logLevel?: string;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Config file, YAML or JSON. Relative paths inside it resolve against its directory. */
  readonly file?: string;
  /** Config text instead of a file (YAML or JSON). Relative paths resolve against `cwd`. */
  readonly text?: string;
  /** Environment for `${VAR}`, `MIKROTIK_AGENT_*` and OTEL_*. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly overrides?: ConfigOverrides;
  /** The known collectors (src/collectors/registry.ts COLLECTORS in the agent). */
  readonly collectors: readonly KnownCollector[];
  /** Working directory for relative paths outside a file. @default process.cwd() */
  readonly cwd?: string;
}

/** A valid configuration and what the caller should log about it. */
export interface LoadedConfig {
  readonly config: AgentConfig;
  readonly warnings: readonly ConfigProblem[];
}

const LOG_LEVELS: readonly LogConfig['level'][] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Loads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems = new Problems();
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

  // Substitute, then drop keys without a value (`key:` in YAML means "use the default").
  const substitution = substituteEnv(dropNulls(parsed), env, problems);
  const tree = substitution.value as Record<string, unknown>;
  const plainSecrets: string[] = [];

  // The fixed sections through convict. Sections must be mappings for convict to make sense of them.
  const { defaults: rawDefaults, routers: rawRouters, ...fixed } = tree;
  checkSections(fixed, [], problems);
  const maps = takeMaps(fixed, problems);
  registerFormats();
  const schema = convict<RawConfig>(SCHEMA as unknown as convict.Schema<RawConfig>, {
    env: agentEnv(env),
    args: [],
  });
  schema.load(fixed);
  for (const problem of validateSchema(schema, env)) {
    problems.add(problem.path, problem.message);
    // Later rules read defaults instead of values known to be bad.
    const node = schemaNode(problem.path.split('.'));
    if (node !== undefined && !isSection(node)) schema.reset(problem.path as never);
  }
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
  const { routers, defaults } = normaliseRouters(rawDefaults, rawRouters, {
    problems,
    baseDir,
    known: options.collectors,
    substitutedPaths: substitution.substitutedPaths,
    plainSecrets,
    intervalMillis,
    timeoutMillis,
  });
  const resourceAttributes = readStringMap(raw.resource_attributes, 'resource_attributes', problems);
  for (const key of Object.keys(raw.resource_attributes)) {
    if (key.trim() === '') problems.add(joinPath('resource_attributes', key), 'must not be empty');
  }

  if (!isValidHost(raw.simulator.host)) problems.add('simulator.host', 'must be an IP address or a host name');
  if (raw.simulator.profile.trim() === '') problems.add('simulator.profile', 'must not be empty');
  if (routers.length === 0 && !raw.simulator.enabled) {
    problems.warn('routers', 'no routers are configured and the simulator is off: nothing will be polled');
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
    },
    otlp,
    routers,
    simulator: {
      enabled: raw.simulator.enabled,
      count: raw.simulator.count,
      profile: raw.simulator.profile,
      host: raw.simulator.host,
      portBase: raw.simulator.port_base,
    },
    log: { level, format: raw.log.format as LogConfig['format'] },
    resourceAttributes,
    routerDefaults: defaults,
  };
  return { config: deepFreeze(config), warnings: problems.warnings };
}

/** Parses YAML (JSON is YAML too); problems carry `file:line:column`, never the source text. */
function parseText(text: string, name: string, problems: Problems): Record<string, unknown> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: true });
  for (const error of document.errors) {
    const position = lineCounter.linePos(error.pos[0]);
    problems.add(`${name}:${position.line}:${position.col}`, lowerFirst(error.message));
  }
  if (document.errors.length > 0) return {};
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.add(name, lowerFirst((error as Error).message));
    return {};
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.add(name, 'the top level must be a mapping of sections (server, collection, routers …)');
    return {};
  }
  return value as Record<string, unknown>;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Removes mapping entries whose value is null, recursively. */
function dropNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropNulls);
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node as Record<string, unknown>)
        .filter(([, value]) => value !== null)
        .map(([key, value]) => [key, dropNulls(value)]),
    );
  }
  return node;
}

/** A section given as a scalar or list is a problem; it is removed so convict keeps its defaults. */
function checkSections(node: Record<string, unknown>, path: readonly string[], problems: Problems): void {
  for (const [key, value] of Object.entries(node)) {
    const childPath = [...path, key];
    const schemaChild = schemaNode(childPath);
    if (!isSection(schemaChild)) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.add(childPath.join('.'), 'must be a mapping');
      delete node[key];
    } else {
      checkSections(value as Record<string, unknown>, childPath, problems);
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
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
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
function agentEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const selected: NodeJS.ProcessEnv = {};
  for (const name of schemaEnvVars().keys()) {
    const value = env[name];
    if (value !== undefined && value !== '') selected[name] = value;
  }
  return selected;
}

const VALUE_WAS = ': value was ';

/** Runs convict's strict validation and turns its one combined message into problems. */
function validateSchema(schema: convict.Config<RawConfig>, env: NodeJS.ProcessEnv): ConfigProblem[] {
  try {
    schema.validate({ allowed: 'strict' });
    return [];
  } catch (error) {
    const envByPath = new Map([...schemaEnvVars()].map(([name, path]) => [path, name]));
    const found: ConfigProblem[] = [];
    for (const line of (error as Error).message.split('\n')) {
      const undeclared = /^configuration param '(.+)' not declared in the schema$/.exec(line);
      if (undeclared !== null) {
        found.push(unknownKeyProblem(undeclared[1] ?? ''));
        continue;
      }
      const missing = /^configuration param '(.+)' missing from config/.exec(line);
      if (missing !== null) {
        found.push({ path: missing[1] ?? '', message: 'is missing' });
        continue;
      }
      const separator = line.indexOf(': ');
      if (separator < 0) {
        found.push({ path: '', message: line });
        continue;
      }
      const path = line.slice(0, separator);
      let message = line.slice(separator + 2);
      // Convict appends the offending value; values may be secrets, and our messages show what is safe.
      const valueAt = message.indexOf(VALUE_WAS);
      if (valueAt >= 0) message = message.slice(0, valueAt);
      if (message.startsWith('must be one of the possible values: ')) {
        const allowed = JSON.parse(message.slice('must be one of the possible values: '.length)) as string[];
        message = `must be one of ${allowed.join(', ')}`;
      }
      const variable = envByPath.get(path);
      if (variable !== undefined && env[variable] !== undefined && env[variable] !== '') {
        message += ` (from ${variable})`;
      }
      found.push({ path, message });
    }
    return found;
  }
}

/** Reports an unknown key at its shallowest unknown segment, with a hint. */
function unknownKeyProblem(dotted: string): ConfigProblem {
  const parts = dotted.split('.');
  for (let index = 0; index < parts.length; index += 1) {
    const parent = parts.slice(0, index);
    const parentNode = index === 0 ? SCHEMA : schemaNode(parent);
    if (schemaNode(parts.slice(0, index + 1)) !== undefined) continue;
    const siblings = isSection(parentNode) ? Object.keys(parentNode) : [];
    return { path: parts.slice(0, index + 1).join('.'), message: unknownMessage('key', parts[index] ?? '', siblings) };
  }
  return { path: dotted, message: 'unknown key' };
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
