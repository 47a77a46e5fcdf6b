/**
 * Shared pieces of the reliability suite: agent configs, timed HTTP requests over fresh connections, a
 * capture of everything the production logger writes, a watch on process-level failures (unhandled
 * rejections, uncaught exceptions, warnings) and a cleanup stack.
 */
import { request, type OutgoingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import type { AgentConfig } from '../../../src/config/types.js';
import { createLogger, type Logger } from '../../../src/log.js';
import { routerSectionValues } from '../../../src/sources/routeros/config/sections.js';
import type { RouterConfig } from '../../../src/sources/routeros/config/types.js';

/** A full AgentConfig with loopback, ephemeral-port defaults; sections are replaced, not merged. */
export function agentConfig(overrides: Partial<AgentConfig> & { readonly routers?: readonly RouterConfig[] } = {}): AgentConfig {
  const { routers = [], sections, ...rest } = overrides;
  return {
    server: {
      host: '127.0.0.1',
      port: 0,
      maxConcurrentScrapes: 8,
      requestTimeoutMillis: 5_000,
      maxHeaderBytes: 16_384,
    },
    collection: { intervalMillis: 1_000, timeoutMillis: 400, concurrency: 32, startupCheck: 'off' },
    otlp: {
      enabled: false,
      endpoint: 'http://127.0.0.1:4318/v1/metrics',
      protocol: 'http/protobuf',
      headers: {},
      intervalMillis: 60_000,
      timeoutMillis: 10_000,
      compression: 'none',
      temporality: 'cumulative',
      caFile: '',
      clientCertFile: '',
      clientKeyFile: '',
    },
    sections: { ...routerSectionValues(routers), ...(sections ?? { simulator: { enabled: false, count: 1, profile: 'v7', host: '127.0.0.1', portBase: 0 } }) },
    log: { level: 'debug', format: 'json' },
    resourceAttributes: {},
    ...rest,
  };
}

/** One HTTP exchange as the test saw it. */
export interface TimedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** From sending the request to the end of the body. */
  readonly millis: number;
}

/** GET (or `method`) on a fresh connection, no keep-alive; rejects after `timeoutMillis`. */
export function httpGet(
  address: { host: string; port: number },
  path: string,
  options: { headers?: OutgoingHttpHeaders; method?: string; timeoutMillis?: number } = {},
): Promise<TimedResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address.host,
        port: address.port,
        path,
        method: options.method ?? 'GET',
        agent: false,
        headers: { connection: 'close', ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, millis: performance.now() - started }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMillis ?? 5_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Everything a logger wrote, as raw text, plus the parsed JSON lines. */
export class LogCapture {
  private readonly _chunks: string[] = [];
  readonly stream: Writable;

  constructor() {
    this.stream = new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        this._chunks.push(chunk.toString());
        callback();
      },
    });
  }

  /** The production logger (src/log.ts, with its redaction) writing into this capture. */
  logger(level: AgentConfig['log']['level'] = 'debug'): Logger {
    return createLogger({ level, format: 'json' }, this.stream);
  }

  get text(): string {
    return this._chunks.join('');
  }

  lines(): { level: string; msg: string; [key: string]: unknown }[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { level: string; msg: string });
  }
}

/**
 * Records process-level failures while installed: unhandled rejections, uncaught exceptions and
 * process warnings (the simulator emits one when a session hits an internal error).
 */
export class ProcessWatch {
  readonly unhandled: unknown[] = [];
  readonly uncaught: unknown[] = [];
  readonly warnings: string[] = [];
  private readonly _onRejection = (reason: unknown): void => {
    this.unhandled.push(reason);
  };
  private readonly _onException = (error: unknown): void => {
    this.uncaught.push(error);
  };
  private readonly _onWarning = (warning: Error): void => {
    this.warnings.push(`${warning.name}: ${warning.message}`);
  };

  install(): this {
    process.on('unhandledRejection', this._onRejection);
    process.on('uncaughtException', this._onException);
    process.on('warning', this._onWarning);
    return this;
  }

  uninstall(): void {
    process.off('unhandledRejection', this._onRejection);
    process.off('uncaughtException', this._onException);
    process.off('warning', this._onWarning);
  }

  /** Human-readable list of everything recorded, for assertion messages. */
  summary(): string[] {
    return [
      ...this.unhandled.map((reason) => `unhandled rejection: ${describe(reason)}`),
      ...this.uncaught.map((error) => `uncaught exception: ${describe(error)}`),
      ...this.warnings.map((warning) => `process warning: ${warning}`),
    ];
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}

/** Cleanups run last-registered first; call `run()` from afterEach/afterAll. */
export class CleanupStack {
  private readonly _steps: (() => Promise<void> | void)[] = [];

  add(step: () => Promise<void> | void): void {
    this._steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this._steps.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // One failed cleanup must not keep the others from running.
      }
    }
  }
}

export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** Polls `check` every 20 ms until true; fails naming `what` after `timeoutMillis`. */
export async function waitFor(what: string, check: () => boolean, timeoutMillis = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** `FUZZ_RUNS` from the environment (the long-run script sets it), else `fallback`. */
export function fuzzRuns(fallback: number): number {
  const value = Number(process.env['FUZZ_RUNS']);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

/** A test timeout that grows with the number of runs when FUZZ_RUNS asks for a long run. */
export function fuzzTimeout(runs: number, fallback: number, perRunMillis: number): number {
  return Math.max(fallback, Math.ceil(runs * perRunMillis));
}
