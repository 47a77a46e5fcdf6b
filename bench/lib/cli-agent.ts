/**
 * The agent as its own process (`node dist/cli.js run`), for benches that must not share an event
 * loop with the simulated fleet they poll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** A spawned agent and the address it reported in its "agent started" line. */
export interface CliAgent {
  readonly child: ChildProcess;
  readonly address: Promise<string>;
  /** SIGTERM, then resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Spawns `node dist/cli.js run --config <config> --log-level info …args` (run `npm run build` first).
 * `BENCH_AGENT_NODE_ARGS` adds flags for the agent's node, to profile it alone:
 * `BENCH_AGENT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` (NODE_OPTIONS refuses --cpu-prof).
 */
export function spawnCliAgent(config: string, args: readonly string[] = []): CliAgent {
  const nodeArgs = (process.env['BENCH_AGENT_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg !== '');
  const child = spawn(process.execPath, [...nodeArgs, resolve('dist/cli.js'), 'run', '--config', config, '--log-level', 'info', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const address = new Promise<string>((done, fail) => {
    let buffer = '';
    child.once('exit', (code) => fail(new Error(`agent exited (${String(code)}) before it started`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const match = /"address":"([^"]+)"[^\n]*"msg":"agent started"/.exec(buffer);
      if (match?.[1] !== undefined) done(match[1]);
      if (buffer.length > 1_000_000) buffer = buffer.slice(-100_000);
    });
  });
  address.catch(() => undefined);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    address,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
