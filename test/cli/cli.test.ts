import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type AgentHandle,
  type AgentModule,
  type CliDependencies,
  type CliIo,
  main,
  type SimulateOptions,
} from '../../src/cli.js';
import type { AgentConfig } from '../../src/config/types.js';
import { FAULT_KINDS } from '../../src/sources/routeros/simulator/faults.js';
import { fleetSelectionProblems } from '../../src/sources/routeros/simulator/fleet.js';
import { TEST_COLLECTORS, testDir } from '../config/helpers.js';
import { sectionsWith } from '../helpers/sections.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function output(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** An io with captured output and a signal the test can raise. */
function testIo(env: NodeJS.ProcessEnv = {}) {
  const stdout = output();
  const stderr = output();
  const handlers = new Set<(signal: NodeJS.Signals) => void>();
  const io: CliIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env,
    onSignal(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
  return {
    io,
    stdout: stdout.text,
    stderr: stderr.text,
    raise: (signal: NodeJS.Signals) => {
      for (const handler of [...handlers]) handler(signal);
    },
    listeners: () => handlers.size,
  };
}

const baseDeps: CliDependencies = { loadSections: async () => sectionsWith(TEST_COLLECTORS) };

class TestStartupCheckError extends Error {}

/** A fake agent module recording what happened. */
function fakeAgent(behaviour: { start?: 'ok' | 'startup-check' | 'crash'; shutdown?: 'ok' | 'hang'; done?: () => Promise<void> } = {}) {
  const calls: string[] = [];
  let started: AgentConfig | undefined;
  const module: AgentModule = {
    StartupCheckError: TestStartupCheckError,
    async startAgent(config): Promise<AgentHandle> {
      started = config;
      calls.push('start');
      if (behaviour.start === 'startup-check') throw new TestStartupCheckError('router core1 unreachable');
      if (behaviour.start === 'crash') throw new Error('port in use');
      return {
        done: behaviour.done?.() ?? new Promise<void>(() => undefined),
        shutdown: async () => {
          calls.push('shutdown');
          if (behaviour.shutdown === 'hang') await new Promise<void>(() => undefined);
        },
      };
    },
  };
  return { module, calls, config: () => started };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(condition()).toBe(true);
}

describe('main: usage', () => {
  it('prints help and exits 0', async () => {
    const t = testIo();
    expect(await main(['--help'], t.io, baseDeps)).toBe(0);
    expect(t.stdout()).toMatch(/^Usage: mikrotik-otel-agent \[command\]/);
    expect(t.stdout()).toContain('check-config');
    const c = testIo();
    expect(await main(['check-config', '--help'], c.io, baseDeps)).toBe(0);
    expect(c.stdout()).toMatch(/^Usage: mikrotik-otel-agent check-config \[--syntax-only\] --config FILE/);
  });

  it('prints the version from package.json, the Node version and the git commit', async () => {
    const t = testIo();
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
    expect(await main(['--version'], t.io, baseDeps)).toBe(0);
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(t.stdout()).toBe(`mikrotik-otel-agent ${version} (node ${process.version}, commit ${commit})\n`);
  });

  it('run --help lists every flag with its default and environment variable, and the OTEL_* variables', async () => {
    const t = testIo();
    expect(await main(['run', '--help'], t.io, baseDeps)).toBe(0);
    const help = t.stdout();
    for (const [flag, defaultValue, env] of [
      ['--config FILE', 'none, built-in defaults and the environment', 'MIKROTIK_AGENT_CONFIG'],
      ['--listen ADDR', '0.0.0.0:9436', 'MIKROTIK_AGENT_LISTEN'],
      ['--log-level LEVEL', 'info', 'MIKROTIK_AGENT_LOG_LEVEL'],
      ['--log-format FORMAT', 'auto', 'MIKROTIK_AGENT_LOG_FORMAT'],
    ] as const) {
      const entry = new RegExp(`${flag}[^\\n]*\\n[^\\n]*\\(default: ${defaultValue.replace(/\./g, '\\.')}[;:][^\\n]*env: ${env}`);
      expect(help, flag).toMatch(entry);
    }
    // Every OTEL_* name the config and telemetry code reads is listed.
    const sources = ['src/config/otlp.ts', 'src/telemetry/provider.ts']
      .map((file) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'))
      .join('\n');
    const read = new Set(sources.match(/\bOTEL_[A-Z_]+[A-Z]\b/g));
    expect(read.size).toBeGreaterThan(10);
    for (const name of read) expect(help, name).toContain(name);
    // Every flag the help shows is accepted by run (an unknown one is a usage error, exit 2).
    const flags = [...help.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((match) => match[1]);
    expect(flags).toEqual(['--config', '--relay-config', '--listen', '--log-level', '--log-format', '--shard', '--shard-from-hostname', '--watch-config']);
  });

  it('help <command> prints that command\'s help; an unknown one exits 2', async () => {
    for (const [command, first] of [
      ['run', 'Usage: mikrotik-otel-agent run '],
      ['check-config', 'Usage: mikrotik-otel-agent check-config '],
      ['simulate', 'Usage: mikrotik-otel-agent simulate '],
      ['docs', 'Usage: mikrotik-otel-agent docs '],
    ] as const) {
      const t = testIo();
      expect(await main(['help', command], t.io, baseDeps)).toBe(0);
      expect(t.stdout().split('\n')[0]).toContain(first);
      const direct = testIo();
      expect(await main([command, '--help'], direct.io, baseDeps)).toBe(0);
      expect(t.stdout()).toBe(direct.stdout());
    }
    const bare = testIo();
    expect(await main(['help'], bare.io, baseDeps)).toBe(0);
    expect(bare.stdout()).toMatch(/^Usage: mikrotik-otel-agent \[command\]/);
    const unknown = testIo();
    expect(await main(['help', 'frobnicate'], unknown.io, baseDeps)).toBe(2);
    expect(unknown.stderr()).toContain('unknown command "frobnicate"');
  });

  it('takes --help and --version after a command too', async () => {
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
    for (const argv of [['run', '--version'], ['run', '-V'], ['check-config', '--config', 'agent.yaml', '--version'], ['simulate', '-V'], ['--config', 'x.yaml', '--version']]) {
      const t = testIo();
      expect(await main(argv, t.io, baseDeps), argv.join(' ')).toBe(0);
      expect(t.stdout()).toMatch(new RegExp(`^mikrotik-otel-agent ${version.replace(/\./g, '\\.')} \\(node v[\\d.]+, commit [0-9a-f]{12}\\)\\n$`));
      expect(t.stderr()).toBe('');
    }
    for (const [argv, usage] of [
      [['run', '--help'], 'run '],
      [['run', '--config', 'agent.yaml', '-h'], 'run '],
      [['simulate', '--count', '2', '--help'], 'simulate '],
      [['docs', '--help'], 'docs metrics'],
      [['--config', 'agent.yaml', '--help'], 'run '],
    ] as const) {
      const t = testIo();
      expect(await main(argv, t.io, baseDeps), argv.join(' ')).toBe(0);
      expect(t.stdout().split('\n')[0]).toMatch(`Usage: mikrotik-otel-agent ${usage}`);
    }
    // Nothing was started or loaded along the way: an unknown command still fails first.
    const unknown = testIo();
    expect(await main(['frobnicate', '--version'], unknown.io, baseDeps)).toBe(2);
    expect(unknown.stderr()).toContain('unknown command "frobnicate"');
  });

  it('exits 2 for an unknown command, option or missing value', async () => {
    for (const argv of [['frobnicate'], ['run', '--bogus'], ['check-config', '--config'], ['docs', 'alerts'], ['simulate', '--count', 'lots']]) {
      const t = testIo();
      expect(await main(argv, t.io, baseDeps)).toBe(2);
      expect(t.stderr()).toMatch(/^error: /);
      expect(t.stdout()).toBe('');
    }
  });
});

describe('main: check-config', () => {
  it('prints the normalised, redacted config as YAML and exits 0', async () => {
    const files = testDir({
      'agent.yaml': 'routers:\n  - name: core1\n    address: "10.0.0.1:8729"\n    password: ${CORE1_PASSWORD}\n',
    });
    cleanups.push(files.cleanup);
    const t = testIo({ CORE1_PASSWORD: 'Very-Secret-9999' });
    expect(await main(['check-config', '--config', files.path('agent.yaml')], t.io, baseDeps)).toBe(0);
    const printed = parse(t.stdout()) as { routers: { name: string; address: string; password: string }[] };
    expect(printed.routers[0]).toMatchObject({ name: 'core1', address: '10.0.0.1:8729', password: '<redacted>' });
    expect(t.stdout()).not.toContain('Very-Secret-9999');
    expect(t.stderr()).toBe('');
  });

  it('--syntax-only checks the file without reading the files it names or needing its variables', async () => {
    const text = [
      'server: { tls: { cert_file: missing/agent.crt, key_file: missing/agent.key }, auth: { bearer_token_file: missing/token } }',
      'otlp: { enabled: true, headers_file: missing/headers }',
      'defaults: { password_file: missing/routeros-password, tls: { enabled: true, ca_file: missing/ca.pem } }',
      'routers:',
      '  - { name: core1, address: 10.0.0.1 }',
      '  - { name: edge1, address: 10.0.0.2, password: "${EDGE1_PASSWORD}" }',
      '',
    ].join('\n');
    const files = testDir({ 'agent.yaml': text });
    cleanups.push(files.cleanup);
    const full = testIo();
    expect(await main(['check-config', '--config', files.path('agent.yaml')], full.io, baseDeps)).toBe(2);
    for (const key of ['server.tls.cert_file', 'server.auth.bearer_token_file', 'otlp.headers_file', 'routers[1].password']) {
      expect(full.stderr(), key).toContain(key);
    }
    const syntax = testIo();
    expect(await main(['check-config', '--syntax-only', '--config', files.path('agent.yaml')], syntax.io, baseDeps)).toBe(0);
    expect(syntax.stdout()).toContain('# --syntax-only: the secret, TLS and header files it names were not read or checked.');
    expect(syntax.stderr()).toBe(
      'warning: routers[1].password: environment variable EDGE1_PASSWORD is not set (--syntax-only: checked as empty)\n',
    );
    const printed = parse(syntax.stdout()) as { routers: { name: string; password?: string; password_file?: string }[] };
    expect(printed.routers.map((router) => router.name)).toEqual(['core1', 'edge1']);
    expect(syntax.stdout()).not.toContain('<not read');
    // Still a real check of the file itself.
    const bad = testDir({ 'agent.yaml': `${text}collection: { interval: soon }\n` });
    cleanups.push(bad.cleanup);
    const failing = testIo();
    expect(await main(['check-config', '--syntax-only', '--config', bad.path('agent.yaml')], failing.io, baseDeps)).toBe(2);
    expect(failing.stderr()).toContain('collection.interval');
  });

  it('the README\'s check-config example succeeds as written', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const examples = [...readme.matchAll(/^npx mikrotik-otel-agent (check-config [^#\n]*?)\s*(?:#.*)?$/gm)].map((match) => match[1] ?? '');
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const t = testIo();
      const argv = example.split(/\s+/);
      const cwd = fileURLToPath(new URL('../..', import.meta.url));
      expect(await main(argv, { ...t.io, cwd }, baseDeps), `${example}\n${t.stderr()}`).toBe(0);
    }
  });

  it('takes the file from MIKROTIK_AGENT_CONFIG and prints warnings on stderr', async () => {
    const files = testDir({ 'agent.yaml': 'collection: { interval: 5s, timeout: 10s }\n' });
    cleanups.push(files.cleanup);
    const t = testIo({ MIKROTIK_AGENT_CONFIG: files.path('agent.yaml') });
    expect(await main(['check-config'], t.io, baseDeps)).toBe(0);
    expect(t.stderr()).toContain('warning: collection.timeout: is longer than collection.interval; using the interval');
    expect(t.stderr()).toContain('warning: routers: no routers are configured');
  });

  it('prints every problem and exits 2, without a stack trace', async () => {
    const files = testDir({
      'bad.yaml': 'server: { listen: nowhere }\ncollection: { interval: 30x }\nrouters:\n  - { name: a, address: 10.0.0.1 }\n  - { name: a, address: "bad address" }\n',
    });
    cleanups.push(files.cleanup);
    const t = testIo();
    expect(await main(['check-config', '-c', files.path('bad.yaml')], t.io, baseDeps)).toBe(2);
    expect(t.stdout()).toBe('');
    expect(t.stderr()).toBe(
      [
        'error: invalid configuration (4 problems):',
        '  server.listen: must be host:port, [v6]:port or :port (port 0-65535)',
        '  collection.interval: "30x" is not a duration (use a number with a unit: 500ms, 30s, 1m, 1h30m)',
        '  routers[1].address: must be host, host:port or [v6]:port',
        '  routers[1].name: duplicate router name "a" (also routers[0].name)',
        '',
      ].join('\n'),
    );
    expect(t.stderr()).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when the file does not exist', async () => {
    const t = testIo();
    expect(await main(['check-config', '--config', '/nonexistent/agent.yaml'], t.io, baseDeps)).toBe(2);
    expect(t.stderr()).toContain('/nonexistent/agent.yaml: cannot read the config file (ENOENT)');
  });
});

describe('main: run', () => {
  const config = 'routers:\n  - { name: core1, address: 10.0.0.1 }\nlog: { format: json }\n';

  function setup() {
    const files = testDir({ 'agent.yaml': config });
    cleanups.push(files.cleanup);
    return files.path('agent.yaml');
  }

  it('starts the agent with flags applied, shuts down on SIGTERM and exits 0', async () => {
    const file = setup();
    const agent = fakeAgent();
    const t = testIo();
    const exit = main(['run', '--config', file, '--listen', '127.0.0.1:0', '--log-level', 'debug'], t.io, {
      ...baseDeps,
      loadAgent: async () => agent.module,
    });
    await waitFor(() => agent.calls.includes('start'));
    expect(agent.config()?.server).toMatchObject({ host: '127.0.0.1', port: 0 });
    expect(agent.config()?.log.level).toBe('debug');
    t.raise('SIGTERM');
    expect(await exit).toBe(0);
    expect(agent.calls).toEqual(['start', 'shutdown']);
    expect(t.listeners()).toBe(0);
    const lines = t.stdout().trim().split('\n').map((line) => JSON.parse(line) as { msg: string; routers?: number });
    expect(lines.map((line) => line.msg)).toEqual(['starting mikrotik-otel-agent', 'shutting down', 'shutdown complete']);
    // The start line counts the configured routers, as the RouterOS section reports them.
    expect(lines[0]?.routers).toBe(1);
  });

  it('--shard i/n and --shard-from-hostname set collection.shard; bad values are usage errors', async () => {
    const file = setup();
    const runWith = async (args: string[], hostname = 'laptop') => {
      const agent = fakeAgent();
      const t = testIo();
      const exit = main(['run', '-c', file, ...args], { ...t.io, hostname }, { ...baseDeps, loadAgent: async () => agent.module });
      await waitFor(() => agent.calls.includes('start') || t.stderr() !== '');
      if (agent.calls.includes('start')) t.raise('SIGTERM');
      return { code: await exit, shard: agent.config()?.collection.shard, stderr: t.stderr() };
    };
    expect(await runWith(['--shard', '1/3'])).toMatchObject({ code: 0, shard: { index: 1, count: 3 } });
    expect(await runWith(['--shard', '0/3', '--shard-from-hostname'], 'mikrotik-agent-2')).toMatchObject({ code: 0, shard: { index: 2, count: 3 } });
    expect(await runWith(['--shard', '3/3'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--shard must be I/N') });
    expect(await runWith(['--shard-from-hostname'])).toMatchObject({ code: 2, stderr: expect.stringContaining('"laptop" does not end in -<number>') });
    // The ordinal beyond the configured count (1 replica): a config error naming the flag.
    expect(await runWith(['--shard-from-hostname'], 'mikrotik-agent-4')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--shard-from-hostname: must be below the shard count (1)'),
    });
  });

  it('--watch-config without a config file is a usage error', async () => {
    const t = testIo();
    expect(await main(['run', '--watch-config'], t.io, baseDeps)).toBe(2);
    expect(t.stderr()).toContain('--watch-config needs a config file (--config FILE or MIKROTIK_AGENT_CONFIG)');
  });

  it('is the default command', async () => {
    const file = setup();
    const agent = fakeAgent();
    const t = testIo();
    const exit = main(['--config', file], t.io, { ...baseDeps, loadAgent: async () => agent.module });
    await waitFor(() => agent.calls.includes('start'));
    t.raise('SIGINT');
    expect(await exit).toBe(0);
  });

  it('exits 1 when shutdown takes too long, or at once on a second signal', async () => {
    const file = setup();
    const slow = fakeAgent({ shutdown: 'hang' });
    const t = testIo();
    const exit = main(['run', '-c', file], t.io, { ...baseDeps, loadAgent: async () => slow.module, shutdownTimeoutMillis: 50 });
    await waitFor(() => slow.calls.includes('start'));
    t.raise('SIGTERM');
    expect(await exit).toBe(1);
    expect(t.stdout()).toContain('shutdown took too long');

    const again = fakeAgent({ shutdown: 'hang' });
    const u = testIo();
    const second = main(['run', '-c', file], u.io, { ...baseDeps, loadAgent: async () => again.module });
    await waitFor(() => again.calls.includes('start'));
    u.raise('SIGTERM');
    await waitFor(() => again.calls.includes('shutdown'));
    u.raise('SIGINT');
    expect(await second).toBe(1);
    expect(u.stdout()).toContain('second signal');
  });

  it('maps a failed strict startup check to 2 and other start failures to 1', async () => {
    const file = setup();
    const strict = testIo();
    expect(
      await main(['run', '-c', file], strict.io, { ...baseDeps, loadAgent: async () => fakeAgent({ start: 'startup-check' }).module }),
    ).toBe(2);
    expect(strict.stdout()).toContain('startup check failed');
    const crash = testIo();
    expect(await main(['run', '-c', file], crash.io, { ...baseDeps, loadAgent: async () => fakeAgent({ start: 'crash' }).module })).toBe(1);
    expect(crash.stdout()).toContain('port in use');
    expect(crash.listeners()).toBe(0);
  });

  it('exits 1 when the agent fails while running', async () => {
    const file = setup();
    const failing = fakeAgent({ done: () => Promise.reject(new Error('engine died')) });
    const t = testIo();
    expect(await main(['run', '-c', file], t.io, { ...baseDeps, loadAgent: async () => failing.module })).toBe(1);
    expect(t.stdout()).toContain('engine died');
    expect(failing.calls).toEqual(['start', 'shutdown']);
  });

  it('exits 2 on a config error before starting anything', async () => {
    const agent = fakeAgent();
    const t = testIo();
    expect(await main(['run', '--listen', 'nowhere'], t.io, { ...baseDeps, loadAgent: async () => agent.module })).toBe(2);
    expect(t.stderr()).toContain('--listen: must be host:port');
    expect(agent.calls).toEqual([]);
  });
});

describe('main: simulate and docs', () => {
  it('passes simulate options with defaults and stops on a signal', async () => {
    const seen: SimulateOptions[] = [];
    const t = testIo();
    const exit = main(['simulate', '--count', '2', '--port-base', '0', '--tls'], t.io, {
      ...baseDeps,
      loadSimulator: async () => ({
        fleetSelectionProblems,
        async runSimulateCommand(options, out, signal) {
          seen.push(options);
          out('router sim-1 listening on 127.0.0.1:40001');
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        },
      }),
    });
    await waitFor(() => seen.length === 1);
    t.raise('SIGINT');
    expect(await exit).toBe(0);
    expect(seen[0]).toEqual({
      count: 2,
      profile: 'mixed',
      host: '127.0.0.1',
      portBase: 0,
      username: 'admin',
      password: 'admin',
      tls: true,
      faults: [],
    });
    expect(t.stdout()).toBe('router sim-1 listening on 127.0.0.1:40001\n');
    expect(t.listeners()).toBe(0);
  });

  it('reports a simulator failure with exit 1', async () => {
    const t = testIo();
    const code = await main(['simulate', '--port-base', '8728'], t.io, {
      ...baseDeps,
      loadSimulator: async () => ({
        fleetSelectionProblems,
        runSimulateCommand: async () => {
          throw new Error('router hap-ac2-1: cannot listen on 127.0.0.1:8728: listen EADDRINUSE');
        },
      }),
    });
    expect(code).toBe(1);
    expect(t.stderr()).toBe('error: router hap-ac2-1: cannot listen on 127.0.0.1:8728: listen EADDRINUSE\n');
  });

  /** Runs `simulate` with a simulator that records its options and returns at once. */
  async function simulate(args: string[]): Promise<{ code: number; seen: SimulateOptions[]; stderr: string; stdout: string }> {
    const seen: SimulateOptions[] = [];
    const t = testIo();
    const code = await main(['simulate', ...args], t.io, {
      ...baseDeps,
      loadSimulator: async () => ({
        fleetSelectionProblems,
        runSimulateCommand: async (options) => {
          seen.push(options);
        },
      }),
    });
    return { code, seen, stderr: t.stderr(), stdout: t.stdout() };
  }

  it('--fault: repeatable, the router by number from 1 or by name (its own or the agent\'s sim- name), latency with its millis', async () => {
    const result = await simulate([
      '--fault', '1=hang-after-login',
      '--fault', 'rb750-2=latency:1500',
      '--fault', 'sim-hex-3=auth-failure',
      '--count', '4',
      '--fault', '4=refuse',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.seen[0]?.faults).toEqual([
      { router: 1, fault: { kind: 'hang-after-login' } },
      { router: 'rb750-2', fault: { kind: 'latency', millis: 1500 } },
      { router: 'sim-hex-3', fault: { kind: 'auth-failure' } },
      { router: 4, fault: { kind: 'refuse' } },
    ]);
    for (const kind of FAULT_KINDS.filter((known) => known !== 'latency')) {
      expect((await simulate(['--fault', `2=${kind}`])).seen[0]?.faults).toEqual([{ router: 2, fault: { kind } }]);
    }
  });

  it('--fault: a bad value is a usage error naming the flag and the value, before anything starts', async () => {
    const known = `(known: ${FAULT_KINDS.join(', ')})`;
    const cases: [string[], string][] = [
      [['--fault', '2=explode'], `--fault "2=explode": unknown fault "explode" ${known}`],
      [['--fault', '2=LATENCY:5'], `--fault "2=LATENCY:5": unknown fault "LATENCY" ${known}`],
      [['--fault', '2'], `--fault "2": expected <router>=<kind>[:<millis>], e.g. 2=hang-after-login or hex-3=latency:2000 (kinds: ${FAULT_KINDS.join(', ')})`],
      [['--fault', '=garbage'], '--fault "=garbage": expected <router>=<kind>[:<millis>]'],
      [['--fault', '2=latency'], '--fault "2=latency": latency needs millis: a whole number of milliseconds from 0 to 2147483647'],
      [['--fault', '2=latency:1.5'], '--fault "2=latency:1.5": must be a whole number of milliseconds from 0 to 2147483647'],
      [['--fault', '2=latency:2147483648'], '--fault "2=latency:2147483648": must be a whole number'],
      [['--fault', '2=garbage:100'], '--fault "2=garbage:100": only latency takes millis, not garbage'],
      [['--fault', '0=garbage'], '--fault "0=garbage": no router number 0: the fleet has routers 1 to 3'],
      [['--count', '1', '--fault', '2=garbage'], '--fault "2=garbage": no router number 2: the fleet has router 1 only'],
      [['--fault', 'hex-9=fatal'], '--fault "hex-9=fatal": no router named "hex-9" (the fleet has routers 1 to 3: hap-ac2-1, rb750-2, hex-3)'],
      [
        ['--fault', '1=garbage', '--fault', 'hap-ac2-1=fatal'],
        '--fault "hap-ac2-1=fatal": router hap-ac2-1 already has the fault garbage; a router has one at most',
      ],
      [['--profile', 'nope'], '--profile: unknown profile "nope" (known: mixed, v6, v7, '],
      [['--fault'], "option '--fault <value>' argument missing"],
    ];
    for (const [args, message] of cases) {
      const result = await simulate(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.startsWith(`error: ${message}`), `${args.join(' ')}\n${result.stderr}`).toBe(true);
      expect(result.seen).toEqual([]);
    }
  });

  it('simulate --help documents --fault and every kind', async () => {
    const t = testIo();
    expect(await main(['simulate', '--help'], t.io, baseDeps)).toBe(0);
    expect(t.stdout()).toContain('--fault <router>=<kind>[:<millis>]');
    for (const kind of FAULT_KINDS) expect(t.stdout()).toContain(kind);
  });

  it('prints the metrics reference', async () => {
    const t = testIo();
    expect(await main(['docs', 'metrics'], t.io, { ...baseDeps, loadDocs: async () => ({ renderMetricsDoc: () => '# Metrics\n' }) })).toBe(0);
    expect(t.stdout()).toBe('# Metrics\n');
  });
});
