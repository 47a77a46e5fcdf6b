/**
 * Runs a short-lived child process (a third-party client) to completion and parses the one JSON
 * line it prints. The child is killed when it overruns, so a hanging client fails the test instead
 * of hanging it.
 */
import { spawn } from 'node:child_process';

/** Options of {@link runJsonChild}. */
export interface RunJsonChildOptions {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Kill (SIGKILL) and reject after this long. @default 10_000 */
  timeoutMillis?: number;
}

/** What the child printed and how it ended. */
export interface JsonChildResult<T> {
  exitCode: number | null;
  /** The last non-empty stdout line, parsed. */
  json: T;
  stderr: string;
}

export function runJsonChild<T>(options: RunJsonChildOptions): Promise<JsonChildResult<T>> {
  const timeoutMillis = options.timeoutMillis ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, [...options.args], {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const describeRun = (): string =>
      `${options.command} ${options.args.join(' ')}\nstdout: ${Buffer.concat(stdout).toString('utf8').slice(-2_000)}\n` +
      `stderr: ${Buffer.concat(stderr).toString('utf8').slice(-2_000)}`;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not finish within ${timeoutMillis} ms: ${describeRun()}`));
    }, timeoutMillis);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${options.command}: ${error.message}`, { cause: error }));
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      const lines = Buffer.concat(stdout).toString('utf8').split('\n').filter((line) => line.trim() !== '');
      const last = lines.at(-1);
      if (last === undefined) {
        reject(new Error(`child printed no JSON (exit ${String(exitCode)}): ${describeRun()}`));
        return;
      }
      try {
        resolve({ exitCode, json: JSON.parse(last) as T, stderr: Buffer.concat(stderr).toString('utf8') });
      } catch {
        reject(new Error(`child's last line is not JSON (exit ${String(exitCode)}): ${describeRun()}`));
      }
    });
  });
}
