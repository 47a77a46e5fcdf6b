#!/usr/bin/env node
/**
 * The command line: `run` (default), `check-config`, `simulate`, `docs metrics`. `main()` parses
 * the arguments, runs one command and maps typed errors to exit codes (0 success, 1 runtime
 * failure, 2 usage or config error); the guarded block at the bottom is the only place that
 * calls process.exit. Commands load their modules lazily so `--help` stays fast.
 */
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { isValidHost } from './config/address.js';
import { ConfigError, formatProblem } from './config/errors.js';
import type { ConfigOverrides, LoadedConfig } from './config/load.js';
import type { ConfigSection } from './config/sections.js';
import { REDACTED, redactedConfigDocument } from './config/redact.js';
import type { AgentConfig } from './config/types.js';
import { ConfigFileWatch } from './config-watch.js';
import { ordinalFromHostname } from './engine/shard.js';
import { createLogger, type Logger } from './log.js';
import { FAULT_SPEC_SYNTAX, type FleetFault, parseFaultSpec } from './sources/routeros/simulator/faults.js';
import { OTEL_VARIABLES } from './config/otel-variables.js';
import { AGENT_NAME, agentVersion, buildInfo, versionLine } from './version.js';

/** Exit codes. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** How long `run` waits for a graceful shutdown after SIGTERM/SIGINT. */
export const SHUTDOWN_TIMEOUT_MILLIS = 10_000;

/** Where the CLI reads and writes; the real process in production, buffers in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** For --shard-from-hostname. @default os.hostname() */
  readonly hostname?: string;
  /**
   * Subscribes to SIGTERM/SIGINT and returns the unsubscribe function.
   * @default no signals (tests); the process wiring passes the real ones
   */
  readonly onSignal?: (handler: (signal: NodeJS.Signals) => void) => () => void;
  /**
   * Subscribes to SIGHUP (reload) and returns the unsubscribe function. The process wiring handles SIGHUP
   * for its whole life, so a SIGHUP never kills it, whatever the command and whether or not anyone listens.
   * @default no signals (tests)
   */
  readonly onReloadSignal?: (handler: () => void) => () => void;
}

/** A running agent, as `startAgent` returns it. */
export interface AgentHandle {
  shutdown(): Promise<void>;
  readonly done: Promise<void>;
  /** Loads the configuration again and applies it (SIGHUP); never rejects. */
  reload?(): Promise<{ readonly ok: boolean; readonly serverTls?: 'reloaded' | 'unchanged' | 'no-tls' }>;
}

/** The shape of `./agent.js`. */
export interface AgentModule {
  startAgent(config: AgentConfig, logger: Logger, options?: { reloadConfig?: () => Promise<AgentConfig> }): Promise<AgentHandle>;
  readonly StartupCheckError: abstract new (...args: never[]) => Error;
}

/** Options of `simulate`, as `runSimulateCommand` takes them. */
export interface SimulateOptions {
  count: number;
  profile: string;
  host: string;
  portBase: number;
  username: string;
  password: string;
  tls: boolean;
  /** From `--fault`, in the order given; checked against the fleet's routers. */
  faults: readonly FleetFault[];
}

/** The shape of `./simulator/command.js`. */
export interface SimulatorModule {
  runSimulateCommand(options: SimulateOptions, out: (line: string) => void, signal: AbortSignal): Promise<void>;
  /** An unknown profile, and faults for routers the fleet does not have (by entry of `faults`). */
  fleetSelectionProblems(
    profile: string,
    count: number,
    faults: readonly FleetFault[],
  ): { readonly profile?: string; readonly faults: readonly { readonly entry: number; readonly message: string }[] };
}

/** The shape of `./collectors/docs.js`. */
export interface DocsModule {
  renderMetricsDoc(): string;
}

/** The modules commands use, loaded on demand; tests replace them. */
export interface CliDependencies {
  readonly loadAgent?: () => Promise<AgentModule>;
  readonly loadSimulator?: () => Promise<SimulatorModule>;
  readonly loadDocs?: () => Promise<DocsModule>;
  /** The config sections the sources bring. @default those of src/sources/registry.ts */
  readonly loadSections?: () => Promise<readonly ConfigSection[]>;
  /** @default SHUTDOWN_TIMEOUT_MILLIS */
  readonly shutdownTimeoutMillis?: number;
}

/** Bad command-line usage (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

const DEFAULT_DEPENDENCIES = {
  loadAgent: async (): Promise<AgentModule> => import('./agent.js'),
  loadSimulator: async (): Promise<SimulatorModule> => import('./sources/routeros/simulator/command.js'),
  loadDocs: async (): Promise<DocsModule> => import('./sources/docs.js'),
  loadSections: async (): Promise<readonly ConfigSection[]> =>
    (await import('./sources/registry.js')).SOURCES.flatMap((source) => source.configSections ?? []),
  loadRelayToml: async () => (await import('./sources/relay/toml.js')).mergeExporterProxyConfig,
} as const;

const HELP = `Usage: ${AGENT_NAME} [command] [options]

OpenTelemetry-native monitoring agent for MikroTik RouterOS.

Commands:
  run                Poll the configured routers and serve /metrics (default)
  check-config       Validate a config file and print it, normalised, with secrets redacted
  simulate           Run simulated RouterOS routers (for demos and tests)
  simulate-mist      Run a simulated Juniper Mist organisation (REST and stream)
  docs metrics       Print the metrics reference (Markdown)
  docs config        Print the configuration reference (Markdown)
  docs schema        Print the JSON Schema of the config file (for editor completion)
  help [command]     Show this help, or a command's

Global options:
  -h, --help         Show help; after a command, that command's help
  -V, --version      Show the version, Node.js version and git commit (also after a command)

Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
`;

/** One `run` flag: its config key (default and environment variable come from the schema). */
interface RunFlag {
  readonly flag: string;
  readonly text: string;
  /** Schema path whose default and env variable the flag shares. */
  readonly key?: readonly string[];
  /** When the flag has no config key. */
  readonly env?: string;
  readonly defaultText?: string;
}

const RUN_FLAGS: readonly RunFlag[] = [
  { flag: '-c, --config FILE', text: 'Config file, YAML or JSON', defaultText: 'none, built-in defaults and the environment', env: 'MIKROTIK_AGENT_CONFIG' },
  { flag: '    --relay-config TOML', text: 'An exporter-proxy config.toml, read as it is, as the relay: section', defaultText: 'none' },
  { flag: '    --listen ADDR', text: 'HTTP listen address, host:port, [v6]:port or :port', key: ['server', 'listen'] },
  { flag: '    --log-level LEVEL', text: 'trace, debug, info, warn, error or fatal', key: ['log', 'level'] },
  { flag: '    --log-format FORMAT', text: 'json (level names), logfmt, pretty, or auto (pretty on a TTY, else json)', key: ['log', 'format'] },
  { flag: '    --shard I/N', text: 'Poll only shard I (from 0) of N: the targets whose name hashes to I', defaultText: 'collection.shard, 0/1 (everything)', env: 'MIKROTIK_AGENT_SHARD_INDEX, MIKROTIK_AGENT_SHARD_COUNT' },
  { flag: '    --shard-from-hostname', text: "Take the shard index from the host name's trailing -<n> (a StatefulSet pod ordinal)", defaultText: 'off' },
  { flag: '    --watch-config', text: "Reload the configuration (as SIGHUP does) whenever the config file's contents change", defaultText: 'off' },
];

/** `run --help`: every flag with its default and environment variable, and the OTEL_* variables. */
async function runHelp(): Promise<string> {
  const { schemaNode, isLeaf } = await import('./config/schema.js');
  const flagLines = RUN_FLAGS.map((entry) => {
    const node = entry.key === undefined ? undefined : schemaNode(entry.key);
    const leaf = isLeaf(node) ? node : undefined;
    const env = leaf?.env ?? entry.env;
    const details = [
      `default: ${leaf === undefined ? (entry.defaultText ?? 'none') : String(leaf.default)}`,
      ...(env === undefined ? [] : [`env: ${env}`]),
      ...(entry.key === undefined ? [] : [`config: ${entry.key.join('.')}`]),
    ];
    return `  ${entry.flag.padEnd(25)}${entry.text}\n  ${''.padEnd(25)}(${details.join('; ')})`;
  });
  const otelLines = OTEL_VARIABLES.map((entry) => `  ${entry.names.join(', ')}\n      ${entry.sets}`);
  return `Usage: ${AGENT_NAME} run [--config FILE] [--relay-config TOML] [--listen ADDR] [--log-level LEVEL] [--log-format FORMAT] [--shard I/N] [--shard-from-hostname] [--watch-config]

Polls the configured routers in the background and serves /metrics, /health, /live and /ready;
pushes OTLP when otlp.enabled. Flags beat the environment, which beats the file.
SIGTERM or SIGINT: graceful shutdown (a second one exits at once). SIGHUP (and POST /-/reload with
server.enable_lifecycle, and a change of the config file with --watch-config): reload the
configuration; an invalid one keeps the running one.

Options:
${flagLines.join('\n')}

Every config key with its MIKROTIK_AGENT_* variable: docs/configuration.md (or \`${AGENT_NAME} docs config\`).

OpenTelemetry variables honoured (the _METRICS_ form wins over the general one):
${otelLines.join('\n')}
`;
}

const COMMAND_HELP: Readonly<Record<string, string>> = {
  run: '', // rendered by runHelp(), from the config schema
  'check-config': `Usage: ${AGENT_NAME} check-config [--syntax-only] --config FILE

Validates the configuration (file, environment) and prints it normalised, secrets redacted.
Every problem is listed with its key path; exit 2 when there is any.

Options:
  -c, --config FILE      Config file, YAML or JSON (env: MIKROTIK_AGENT_CONFIG)
      --syntax-only      Check the file alone: do not read the secret, TLS and header files it names
                         (password_file, bearer_token_file, headers_file, cert/key/CA files), and
                         warn rather than fail on an unset \${VAR}, so a config can be linted before
                         its secrets exist, e.g. in CI
`,
  simulate: `Usage: ${AGENT_NAME} simulate [options]

Runs simulated RouterOS routers on consecutive ports until interrupted.

Options:
      --count N          Number of routers (default 3)
      --host HOST        Address to listen on (default 127.0.0.1)
      --port-base P      First port (default 8728; 0 picks free ports)
      --profile NAME     mixed, v6, v7 or a profile id (default mixed)
      --user U           Login user (default admin)
      --password W       Login password (default admin)
      --tls              Serve api-ssl (TLS) instead of plain api
      --fault ${FAULT_SPEC_SYNTAX}
                         Start one router with a fault; repeatable. <router>: its number from 1
                         (hex-3 is 3) or its name. <kind>: latency (takes <millis>: 2=latency:3000),
                         hang-before-login, hang-after-login, drop-mid-reply, garbage, fatal,
                         auth-failure, oversize-word or refuse
`,
  'simulate-mist': 'see simulate-mist --help',
  docs: `Usage: ${AGENT_NAME} docs metrics|config|schema

Prints generated documentation to stdout:
  metrics    the metrics reference (Markdown; docs/metrics.md)
  config     the configuration reference (Markdown; docs/configuration.md)
  schema     the JSON Schema of the config file (config.schema.json)
`,
  help: `Usage: ${AGENT_NAME} help [command]

Shows the overview, or the help of one command (run, check-config, simulate, docs).
`,
};

/** A command's help text. */
async function commandHelpText(command: string): Promise<string> {
  if (command === 'simulate-mist') return (await import('./sources/mist/simulator/command.js')).MIST_SIMULATE_HELP;
  return command === 'run' ? runHelp() : (COMMAND_HELP[command] ?? HELP);
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo, dependencies: CliDependencies = {}): Promise<number> {
  const deps = { ...DEFAULT_DEPENDENCIES, ...dependencies };
  const write = (stream: NodeJS.WritableStream, text: string): void => {
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  try {
    const first = argv[0];
    if (first === '--version' || first === '-V') {
      write(io.stdout, versionLine());
      return EXIT_OK;
    }
    if (first === '--help' || first === '-h') {
      write(io.stdout, HELP);
      return EXIT_OK;
    }
    if (first === 'help') {
      const topic = argv[1];
      if (topic === undefined) {
        write(io.stdout, HELP);
        return EXIT_OK;
      }
      if (COMMAND_HELP[topic] === undefined || argv.length > 2) {
        throw new UsageError(`help: unknown command "${argv.slice(1).join(' ')}" (commands: run, check-config, simulate, docs)`);
      }
      write(io.stdout, await commandHelpText(topic));
      return EXIT_OK;
    }
    const hasCommand = first !== undefined && !first.startsWith('-');
    const command = hasCommand ? first : 'run';
    const rest = hasCommand ? argv.slice(1) : argv;
    if (COMMAND_HELP[command] === undefined || command === 'help') throw new UsageError(`unknown command "${command}"`);
    // The global flags work after a command too (`run --help`, `run --version`), before its own options are parsed.
    if (rest.includes('--help') || rest.includes('-h')) {
      write(io.stdout, await commandHelpText(command));
      return EXIT_OK;
    }
    if (rest.includes('--version') || rest.includes('-V')) {
      write(io.stdout, versionLine());
      return EXIT_OK;
    }
    switch (command) {
      case 'run':
        return await runCommand(rest, io, deps);
      case 'check-config':
        return await checkConfigCommand(rest, io, deps);
      case 'simulate':
        return await simulateCommand(rest, io, deps);
      case 'simulate-mist':
        return await simulateMistCommand(rest, io);
      default:
        return await docsCommand(rest, io, deps);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      write(io.stderr, `error: ${error.message}\nRun "${AGENT_NAME} --help" for usage.`);
      return EXIT_USAGE;
    }
    if (error instanceof ConfigError) {
      writeConfigError(error, io);
      return EXIT_USAGE;
    }
    write(io.stderr, `error: ${describe(error)}`);
    return EXIT_FAILURE;
  }
}

type Dependencies = typeof DEFAULT_DEPENDENCIES & CliDependencies;

/** node:util parseArgs, with its errors turned into UsageError. */
function parse<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(lowerFirst((error as Error).message));
  }
}

function configFile(value: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (value !== undefined) return value;
  const fromEnv = env['MIKROTIK_AGENT_CONFIG'];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

async function load(
  file: string | undefined,
  overrides: ConfigOverrides,
  io: CliIo,
  deps: Dependencies,
  extra: { readonly syntaxOnly?: boolean; readonly relayToml?: string | undefined } = {},
): Promise<LoadedConfig> {
  const { syntaxOnly = false, relayToml } = extra;
  const sections = await deps.loadSections();
  // Lazily like the commands' modules: the loader checks simulator settings against the simulator's profiles.
  const { loadConfig } = await import('./config/load.js');
  if (relayToml !== undefined) {
    const { readFileSync } = await import('node:fs');
    const { dirname, resolve } = await import('node:path');
    const cwd = io.cwd ?? process.cwd();
    const read = (path: string, what: string): string => {
      try {
        return readFileSync(resolve(cwd, path), 'utf8');
      } catch (error) {
        throw new ConfigError([{ path, message: `cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? 'read error'})` }]);
      }
    };
    const merge = await deps.loadRelayToml();
    let merged;
    try {
      merged = merge(file === undefined ? undefined : read(file, 'config file'), read(relayToml, 'relay config'), relayToml);
    } catch (error) {
      throw new ConfigError([{ path: '--relay-config', message: (error as Error).message }]);
    }
    const loaded = loadConfig({
      text: merged.text,
      env: io.env,
      overrides,
      sections,
      cwd: file === undefined ? cwd : dirname(resolve(cwd, file)),
    });
    return { ...loaded, warnings: [...loaded.warnings, ...merged.notices.map((message) => ({ path: relayToml, message }))] };
  }
  return loadConfig({
    ...(file === undefined ? {} : { file }),
    env: io.env,
    overrides,
    sections,
    syntaxOnly,
    ...(io.cwd === undefined ? {} : { cwd: io.cwd }),
  });
}

/** Leads the `check-config` output, which is itself a config file once the secrets are put back. */
const CHECK_CONFIG_HEADER =
  `# ${AGENT_NAME} check-config: the effective configuration, every default and substitution written out.\n` +
  `# Secrets read ${JSON.stringify(REDACTED)}: put them back (or \${VAR}, password_file) to use it as a config file.\n`;

const SYNTAX_ONLY_HEADER =
  '# --syntax-only: the secret, TLS and header files it names were not read or checked.\n';

async function checkConfigCommand(args: readonly string[], io: CliIo, deps: Dependencies): Promise<number> {
  const { values } = parse({
    args: [...args],
    options: { config: { type: 'string', short: 'c' }, 'syntax-only': { type: 'boolean' } },
    allowPositionals: false,
    strict: true,
  });
  const syntaxOnly = values['syntax-only'] ?? false;
  const { config, warnings } = await load(configFile(values.config, io.env), {}, io, deps, { syntaxOnly });
  for (const warning of warnings) io.stderr.write(`warning: ${formatProblem(warning)}\n`);
  io.stdout.write(CHECK_CONFIG_HEADER);
  if (syntaxOnly) io.stdout.write(SYNTAX_ONLY_HEADER);
  io.stdout.write(stringify(redactedConfigDocument(config, await deps.loadSections()), { lineWidth: 0, aliasDuplicateObjects: false }));
  return EXIT_OK;
}

async function runCommand(args: readonly string[], io: CliIo, deps: Dependencies): Promise<number> {
  const { values } = parse({
    args: [...args],
    options: {
      config: { type: 'string', short: 'c' },
      'relay-config': { type: 'string' },
      listen: { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      shard: { type: 'string' },
      'shard-from-hostname': { type: 'boolean' },
      'watch-config': { type: 'boolean' },
    },
    allowPositionals: false,
    strict: true,
  });
  const shard = shardOverride(values.shard, values['shard-from-hostname'] === true, io.hostname ?? hostname());
  const overrides: ConfigOverrides = {
    ...(values.listen === undefined ? {} : { listen: values.listen }),
    ...(values['log-level'] === undefined ? {} : { logLevel: values['log-level'] }),
    ...(values['log-format'] === undefined ? {} : { logFormat: values['log-format'] }),
    ...(shard === undefined ? {} : { shard }),
  };
  const file = configFile(values.config, io.env);
  const watchConfig = values['watch-config'] === true;
  if (watchConfig && file === undefined) throw new UsageError('--watch-config needs a config file (--config FILE or MIKROTIK_AGENT_CONFIG)');

  // Signals that arrive while starting are honoured once the agent is up.
  const signals = new SignalLatch(io);
  let logger: Logger | undefined;
  let agent: AgentHandle | undefined;
  const reloads = new ReloadSignals(io);
  try {
    const { config, warnings } = await load(file, overrides, io, deps, { relayToml: values['relay-config'] });
    logger = createLogger(config.log, io.stdout);
    for (const warning of warnings) logger.warn({ key: warning.path }, warning.message);
    const agentModule = await deps.loadAgent();
    logger.info(
      {
        version: agentVersion(),
        node_version: process.version,
        commit: buildInfo().commit,
        config: file ?? null,
        ...targetCounts(config, await deps.loadSections()),
      },
      'starting mikrotik-otel-agent',
    );
    try {
      // A reload reads the same file, environment and flags again.
      const reloadConfig = async (): Promise<AgentConfig> =>
        (await load(file, overrides, io, deps, { relayToml: values['relay-config'] })).config;
      agent = await agentModule.startAgent(config, logger, { reloadConfig });
    } catch (error) {
      if (error instanceof agentModule.StartupCheckError) {
        logger.error({ err: error }, 'startup check failed');
        return EXIT_USAGE;
      }
      logger.error({ err: error }, 'agent failed to start');
      return EXIT_FAILURE;
    }
    reloads.attach(agent, logger);
    if (watchConfig && file !== undefined) await reloads.watchFile(file);
    return await superviseAgent(agent, signals, logger, deps.shutdownTimeoutMillis ?? SHUTDOWN_TIMEOUT_MILLIS);
  } finally {
    reloads.close();
    signals.close();
  }
}

/**
 * SIGHUP (and, with --watch-config, a change of the config file's contents) → a full configuration
 * reload (the agent folds a storm of them into one after another). Subscribed from the first moment,
 * so a SIGHUP while starting (whose default action ends the process) becomes one reload once the
 * agent is up.
 */
class ReloadSignals {
  private _pending = false;
  private _agent: AgentHandle | undefined;
  private _logger: Logger | undefined;
  private readonly _unsubscribe: () => void;
  private _watch: ConfigFileWatch | undefined;

  constructor(io: CliIo) {
    this._unsubscribe = io.onReloadSignal?.(() => this._signal()) ?? (() => undefined);
  }

  attach(agent: AgentHandle, logger: Logger): void {
    this._agent = agent;
    this._logger = logger;
    if (this._pending) this._signal();
  }

  /** Reloads whenever `file`'s contents change (after attach). */
  async watchFile(file: string): Promise<void> {
    const logger = this._logger;
    const watch = new ConfigFileWatch({
      file,
      onChange: () => this._reload({ trigger: 'config file changed', file }, 'config file changed'),
      onError: (message) => logger?.warn({ file }, `--watch-config: ${message}`),
    });
    this._watch = watch;
    await watch.start();
    logger?.info({ file }, 'watching the config file: a change reloads the configuration');
  }

  close(): void {
    this._unsubscribe();
    this._watch?.close();
  }

  private _signal(): void {
    if (this._agent === undefined || this._logger === undefined) {
      this._pending = true;
      return;
    }
    this._pending = false;
    this._reload({ signal: 'SIGHUP' }, 'SIGHUP');
  }

  /** Runs the agent's reload and logs its outcome with `fields`, each message starting with `what`. */
  private _reload(fields: Readonly<Record<string, string>>, what: string): void {
    const agent = this._agent;
    const logger = this._logger;
    const reload = agent?.reload;
    if (agent === undefined || logger === undefined || reload === undefined) return;
    reload.call(agent).then(
      (outcome) =>
        logger.info(
          { ...fields, ok: outcome.ok, server_tls: outcome.serverTls ?? null },
          outcome.ok
            ? `${what}: configuration reloaded`
            : `${what}: the new configuration was rejected (problems above); the running one stays`,
        ),
      (error: unknown) => logger.error({ ...fields, err: error }, `${what}: reload failed; the agent keeps running as it was`),
    );
  }
}

/** `--shard i/n` and `--shard-from-hostname` as config overrides; bad values are usage errors. */
function shardOverride(text: string | undefined, fromHostname: boolean, host: string): ConfigOverrides['shard'] {
  let parsed: { index: number; count: number } | undefined;
  if (text !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(text);
    const index = Number(match?.[1]);
    const count = Number(match?.[2]);
    if (match === null || count < 1 || index >= count || !Number.isSafeInteger(count)) {
      throw new UsageError('--shard must be I/N with 0 <= I < N (0/3, 1/3, 2/3)');
    }
    parsed = { index, count };
  }
  if (!fromHostname) return parsed === undefined ? undefined : { ...parsed, flag: '--shard' };
  const ordinal = ordinalFromHostname(host);
  if (ordinal === undefined) {
    throw new UsageError(`--shard-from-hostname: the host name ${JSON.stringify(host)} does not end in -<number>`);
  }
  return { index: ordinal, ...(parsed === undefined ? {} : { count: parsed.count }), flag: '--shard-from-hostname' };
}

/** Waits for a signal or the agent's end, then shuts down within the deadline. */
async function superviseAgent(
  agent: AgentHandle,
  signals: SignalLatch,
  logger: Logger,
  timeoutMillis: number,
): Promise<number> {
  // `done` may reject while we wait for a signal; observe it once so it never goes unhandled.
  const ended = agent.done.then(
    () => ({ kind: 'done' as const }),
    (error: unknown) => ({ kind: 'failed' as const, error }),
  );
  const first = await Promise.race([ended, signals.next().then((signal) => ({ kind: 'signal' as const, signal }))]);
  if (first.kind === 'done') {
    logger.info('agent stopped');
    return EXIT_OK;
  }
  if (first.kind === 'failed') {
    logger.error({ err: first.error }, 'agent failed');
    await shutdownQuietly(agent, logger, timeoutMillis);
    return EXIT_FAILURE;
  }
  logger.info({ signal: first.signal }, 'shutting down');
  return shutdownQuietly(agent, logger, timeoutMillis, signals);
}

async function shutdownQuietly(
  agent: AgentHandle,
  logger: Logger,
  timeoutMillis: number,
  signals?: SignalLatch,
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMillis);
  });
  const forced = signals?.next().then(() => 'forced' as const) ?? new Promise<never>(() => undefined);
  try {
    const outcome = await Promise.race([
      agent.shutdown().then(
        () => 'ok' as const,
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          return 'failed' as const;
        },
      ),
      deadline,
      forced,
    ]);
    if (outcome === 'ok') {
      logger.info('shutdown complete');
      return EXIT_OK;
    }
    if (outcome === 'timeout') logger.error({ timeoutMillis }, 'shutdown took too long; exiting');
    if (outcome === 'forced') logger.warn('second signal; exiting without waiting');
    return EXIT_FAILURE;
  } finally {
    clearTimeout(timer);
  }
}

/** Collects SIGTERM/SIGINT; `next()` resolves on the next signal (or one already received). */
class SignalLatch {
  private readonly _pending: NodeJS.Signals[] = [];
  private readonly _waiters: ((signal: NodeJS.Signals) => void)[] = [];
  private readonly _unsubscribe: () => void;

  constructor(io: CliIo) {
    this._unsubscribe =
      io.onSignal?.((signal) => {
        const waiter = this._waiters.shift();
        if (waiter === undefined) this._pending.push(signal);
        else waiter(signal);
      }) ?? (() => undefined);
  }

  next(): Promise<NodeJS.Signals> {
    const pending = this._pending.shift();
    if (pending !== undefined) return Promise.resolve(pending);
    return new Promise((resolve) => this._waiters.push(resolve));
  }

  close(): void {
    this._unsubscribe();
  }
}

function integerOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

async function simulateCommand(args: readonly string[], io: CliIo, deps: Dependencies): Promise<number> {
  const { values } = parse({
    args: [...args],
    options: {
      count: { type: 'string' },
      host: { type: 'string' },
      'port-base': { type: 'string' },
      profile: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      tls: { type: 'boolean' },
      fault: { type: 'string', multiple: true },
    },
    allowPositionals: false,
    strict: true,
  });
  const host = values.host ?? '127.0.0.1';
  if (!isValidHost(host)) throw new UsageError('--host must be an IP address or a host name');
  const options: SimulateOptions = {
    count: integerOption(values.count, 'count', 3, 1, 1_000),
    profile: values.profile ?? 'mixed',
    host,
    portBase: integerOption(values['port-base'], 'port-base', 8728, 0, 65_535),
    username: values.user ?? 'admin',
    password: values.password ?? 'admin',
    tls: values.tls ?? false,
    faults: faultOptions(values.fault ?? []),
  };
  if (options.portBase !== 0 && options.portBase + options.count - 1 > 65_535) {
    throw new UsageError('--port-base + --count must stay below 65536');
  }
  const simulator = await deps.loadSimulator();
  checkFleetSelection(options, values.fault ?? [], simulator);
  const controller = new AbortController();
  const signals = new SignalLatch(io);
  void signals.next().then(() => controller.abort());
  try {
    await simulator.runSimulateCommand(options, (line) => io.stdout.write(`${line}\n`), controller.signal);
    return EXIT_OK;
  } finally {
    signals.close();
  }
}

/** `simulate-mist`: the Mist source's simulator; its options are its own (src/sources/mist/simulator/command.ts). */
async function simulateMistCommand(args: readonly string[], io: CliIo): Promise<number> {
  const command = await import('./sources/mist/simulator/command.js');
  const options = command.parseMistSimulateArgs(args, io.env);
  if (typeof options === 'string') throw new UsageError(options);
  const controller = new AbortController();
  const signals = new SignalLatch(io);
  void signals.next().then(() => controller.abort());
  try {
    await command.runMistSimulator(options, (line) => io.stdout.write(`${line}\n`), controller.signal);
    return EXIT_OK;
  } finally {
    signals.close();
  }
}

/** The `--fault` values; the first bad one is a usage error naming it. */
function faultOptions(texts: readonly string[]): FleetFault[] {
  return texts.map((text) => {
    const parsed = parseFaultSpec(text);
    if ('problem' in parsed) throw new UsageError(`--fault ${JSON.stringify(text)}: ${parsed.problem}`);
    return parsed.fleetFault;
  });
}

/** Unknown profiles and fault targets outside the fleet are usage errors, reported before anything starts. */
function checkFleetSelection(options: SimulateOptions, texts: readonly string[], simulator: SimulatorModule): void {
  const selection = simulator.fleetSelectionProblems(options.profile, options.count, options.faults);
  if (selection.profile !== undefined) throw new UsageError(`--profile: ${selection.profile}`);
  if (selection.faults.length > 0) {
    throw new UsageError(selection.faults.map((problem) => `--fault ${JSON.stringify(texts[problem.entry])}: ${problem.message}`).join('; '));
  }
}

async function docsCommand(args: readonly string[], io: CliIo, deps: Dependencies): Promise<number> {
  const { positionals } = parse({ args: [...args], options: {}, allowPositionals: true, strict: true });
  const topic = positionals[0];
  if (positionals.length !== 1 || (topic !== 'metrics' && topic !== 'config' && topic !== 'schema')) {
    throw new UsageError('usage: docs metrics|config|schema');
  }
  let text: string;
  if (topic === 'metrics') {
    text = (await deps.loadDocs()).renderMetricsDoc();
  } else {
    const reference = await import('./config/reference.js');
    const sections = await deps.loadSections();
    text =
      topic === 'config'
        ? reference.renderConfigDoc(sections)
        : `${JSON.stringify(reference.configJsonSchema(sections), null, 2)}\n`;
  }
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT_OK;
}

/** How many targets each section lists (`routers: 3`), for the start log. */
function targetCounts(config: AgentConfig, sections: readonly ConfigSection[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const section of sections) {
    if (section.count !== undefined && config.sections !== undefined && Object.hasOwn(config.sections, section.key)) {
      counts[section.key] = section.count(config.sections[section.key]);
    }
  }
  return counts;
}

function writeConfigError(error: ConfigError, io: CliIo): void {
  const count = error.problems.length;
  io.stderr.write(`error: invalid configuration (${count} problem${count === 1 ? '' : 's'}):\n`);
  for (const problem of error.problems) io.stderr.write(`  ${formatProblem(problem)}\n`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Whether this file is the program being run (also through the npm bin symlink). */
function isMainModule(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`internal error: unhandled rejection: ${describe(reason)}\n`);
    process.exit(EXIT_FAILURE);
  });
  // Installed for the process's whole life: Node's default for SIGHUP is to exit, and an operator's reload
  // (systemd ExecReload=kill -HUP $MAINPID) must never stop the agent, nor `simulate` or `check-config`.
  const reloadHandlers = new Set<() => void>();
  process.on('SIGHUP', () => {
    for (const handler of reloadHandlers) handler();
  });
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onSignal(handler) {
      process.on('SIGTERM', handler);
      process.on('SIGINT', handler);
      return () => {
        process.off('SIGTERM', handler);
        process.off('SIGINT', handler);
      };
    },
    onReloadSignal(handler) {
      reloadHandlers.add(handler);
      return () => reloadHandlers.delete(handler);
    },
  };
  main(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`internal error: ${describe(error)}\n`);
      process.exit(EXIT_FAILURE);
    },
  );
}
