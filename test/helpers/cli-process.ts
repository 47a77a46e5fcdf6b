/**
 * The agent's CLI as a real process (`node dist/cli.js …`), for tests that drive it as an operator
 * would: its JSON log lines, real signals, its exit.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManagedProcess } from './processes.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** The bound for a graceful shutdown after SIGTERM. */
export const SHUTDOWN_BOUND_MILLIS = 10_000;

/** Every CLI process started by {@link startCli}; tests stop them in afterEach ({@link stopCliProcesses}). */
export const processes: ManagedProcess[] = [];

export async function stopCliProcesses(): Promise<void> {
  for (const proc of processes.splice(0)) await proc.stop();
}

/** The test runner's environment without the agent's and OpenTelemetry's own variables. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('MIKROTIK_AGENT_') && !name.startsWith('OTEL_')),
  );
}

export function startCli(name: string, args: string[], tempDirs: string[] = [], env: NodeJS.ProcessEnv = {}): ManagedProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`);
  const proc = new ManagedProcess({ name, command: process.execPath, args: [CLI, ...args], env: { ...cleanEnv(), ...env }, tempDirs });
  processes.push(proc);
  return proc;
}

/** Polls the process's output until `find` returns a value; fails with the output when it exits or time runs out. */
export async function waitForOutput<T>(proc: ManagedProcess, what: string, find: (output: string) => T | undefined, timeoutMillis = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const found = find(proc.outputTail());
    if (found !== undefined) return found;
    if (proc.exitStatus !== undefined || Date.now() > deadline) {
      const why = proc.exitStatus === undefined ? `not within ${timeoutMillis} ms` : `exited ${JSON.stringify(proc.exitStatus)}`;
      throw new Error(`${proc.name}: ${what}: ${why}\n--- output ---\n${proc.outputTail().slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface LogLine {
  readonly msg: string;
  readonly [key: string]: unknown;
}

export function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Sends a real SIGTERM to the process (not its group) and measures how long it takes to exit. */
export async function terminate(proc: ManagedProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; millis: number }> {
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`${proc.name} has no pid`);
  const sentAt = Date.now();
  process.kill(pid, 'SIGTERM');
  const exit = await proc.exited;
  return { ...exit, millis: Date.now() - sentAt };
}

