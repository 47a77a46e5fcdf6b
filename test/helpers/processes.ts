/**
 * Child processes and loopback HTTP for tests that run real external programs.
 *
 * Every process is started in its own process group and killed as a group; processes still alive when the
 * test worker exits are killed there too, so a failed test never leaves a server behind.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

/** Resolves with a TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: the server reported no TCP address'));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpRequestOptions {
  /** Default GET. */
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Whole request, including the body. Default 10 000. */
  timeoutMillis?: number;
}

/**
 * One HTTP request without connection pooling (`agent: false`), so no keep-alive socket outlives the test.
 * Rejects only for transport failures and timeouts; any HTTP status resolves.
 */
export async function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const timeoutMillis = options.timeoutMillis ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(timeoutMillis, () => req.destroy(new Error(`${req.method} ${url}: no response within ${timeoutMillis} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Keeps only the last `limitBytes` of a stream, for error messages. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limitBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limitBytes && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limitBytes)).toString('utf8');
  }
}

export interface ManagedProcessOptions {
  /** Shown in error messages, e.g. "prometheus". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Removed (recursively) once the process has stopped, and at worker exit. */
  tempDirs?: string[];
  /** Time between SIGTERM and SIGKILL in stop(). Default 5 000. */
  stopGraceMillis?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for tests that failed before stop(): only synchronous work is possible here.
  process.on('exit', () => {
    for (const proc of live) proc.killNow();
  });
}

/** A long-running child process in its own process group, with its combined output kept for diagnostics. */
export class ManagedProcess {
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private readonly output = new OutputTail(64 * 1024);
  private exit: ProcessExit | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ManagedProcessOptions) {
    installExitHook();
    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk));
    this.exited = new Promise((resolve) => {
      // 'error' (e.g. ENOENT) may come without 'close'; either ends the process's life.
      this.child.once('error', (err) => {
        this.output.push(Buffer.from(`\n[spawn error] ${err.message}\n`));
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
      this.child.once('close', (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    });
    void this.exited.then(() => live.delete(this));
    live.add(this);
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Undefined while running. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /** The last 64 KiB of stdout and stderr, interleaved. */
  outputTail(): string {
    return this.output.text();
  }

  /** SIGTERM to the group, SIGKILL after the grace period, then remove the temp dirs. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  /** Synchronous SIGKILL and temp dir removal, for process exit. */
  killNow(): void {
    this.signalGroup('SIGKILL');
    this.removeTempDirs();
  }

  private async doStop(): Promise<void> {
    if (this.exit === undefined) {
      this.signalGroup('SIGTERM');
      const grace = this.options.stopGraceMillis ?? 5_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), grace);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        this.signalGroup('SIGKILL');
        await this.exited;
      }
    }
    live.delete(this);
    this.removeTempDirs();
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exit !== undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  private removeTempDirs(): void {
    for (const dir of this.options.tempDirs ?? []) rmSync(dir, { recursive: true, force: true });
  }
}

export interface WaitForHttpOkOptions {
  /** Default 15 000. */
  timeoutMillis?: number;
  /** Default 50. */
  pollMillis?: number;
}

/**
 * Polls `url` until it answers 200. Fails early, with the process's output, when `proc` exits first.
 */
export async function waitForHttpOk(url: string, proc: ManagedProcess, options: WaitForHttpOkOptions = {}): Promise<void> {
  const timeoutMillis = options.timeoutMillis ?? 15_000;
  const pollMillis = options.pollMillis ?? 50;
  const deadline = Date.now() + timeoutMillis;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (proc.exitStatus !== undefined) {
      throw new StartupError(proc, `exited (${describeExit(proc.exitStatus)}) before ${url} was ready`);
    }
    try {
      const res = await httpRequest(url, { timeoutMillis: 1_000 });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMillis));
  }
  throw new StartupError(proc, `not ready at ${url} within ${timeoutMillis} ms (last: ${last})`);
}

/** A process that did not come up; carries its output so the test failure shows why. */
export class StartupError extends Error {
  readonly output: string;

  constructor(proc: ManagedProcess, what: string) {
    const output = proc.outputTail();
    super(`${proc.name} ${what}\n--- ${proc.name} output (tail) ---\n${output.slice(-4_000)}`);
    this.name = 'StartupError';
    this.output = output;
  }

  /** The port chosen by freePort() was taken by someone else before the process bound it. */
  get isPortTaken(): boolean {
    return /address already in use/i.test(this.output);
  }
}

function describeExit(exit: ProcessExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}
