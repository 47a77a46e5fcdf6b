/**
 * Runs the real agent in-process against a simulated fleet, configured the way a user would (YAML
 * through loadConfig), with a logger that counts instead of printing, and scrapes it over HTTP.
 */
import { SECTIONS } from '../../test/helpers/sections.js';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { startAgent, type Agent } from '../../src/agent.js';
import type { PollerTuning } from '../../src/engine/target-poller.js';
import { loadConfig } from '../../src/config/load.js';
import type { AgentConfig } from '../../src/config/types.js';
import { createLogger } from '../../src/log.js';
import type { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';

/** Options of {@link benchAgentConfig}. */
export interface BenchAgentConfigOptions {
  /** Where the routers listen (a simulator in this process or another). */
  readonly routers: readonly Pick<SimulatedRouter, 'name' | 'port'>[];
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  readonly concurrency: number;
  /** Collector settings merged into `defaults.collectors` (`{ dhcp_leases: true }`). */
  readonly collectors?: Readonly<Record<string, unknown>>;
  /** OTLP push to this metrics URL, no compression, every `intervalMillis`. Protocol default http/protobuf. */
  readonly otlp?: {
    readonly url: string;
    readonly intervalMillis: number;
    readonly timeoutMillis: number;
    readonly protocol?: 'http/protobuf' | 'http/json';
  };
  /** @default 4 */
  readonly maxConcurrentScrapes?: number;
}

/** The agent config for a fleet, built from YAML text like a user's file. */
export function benchAgentConfig(options: BenchAgentConfigOptions): AgentConfig {
  const document = {
    server: {
      listen: '127.0.0.1:0',
      max_concurrent_scrapes: options.maxConcurrentScrapes ?? 4,
      request_timeout: '30s',
    },
    collection: {
      interval: `${options.intervalMillis}ms`,
      timeout: `${options.timeoutMillis}ms`,
      concurrency: options.concurrency,
      startup_check: 'off',
    },
    otlp: options.otlp
      ? {
          enabled: true,
          endpoint: options.otlp.url,
          protocol: options.otlp.protocol ?? 'http/protobuf',
          interval: `${options.otlp.intervalMillis}ms`,
          timeout: `${options.otlp.timeoutMillis}ms`,
          compression: 'none',
          temporality: 'cumulative',
        }
      : { enabled: false },
    defaults: {
      username: 'admin',
      password: 'admin',
      collectors: options.collectors ?? {},
    },
    routers: options.routers.map((router) => ({ name: router.name, address: `127.0.0.1:${router.port}` })),
    log: { level: 'warn', format: 'json' },
  };
  // JSON is YAML; an empty env keeps the caller's OTEL_* variables out of the benchmark.
  return loadConfig({ text: JSON.stringify(document), env: {}, sections: SECTIONS }).config;
}

/** Log lines of the agent by level name and by warning message, plus the last few error lines. */
export class LogCounter {
  readonly byLevel = new Map<string, number>();
  /** Warning and error lines by `msg` (at most 50 distinct messages). */
  readonly byMessage = new Map<string, number>();
  readonly lastErrors: string[] = [];

  get stream(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        for (const line of chunk.toString().split('\n')) this._count(line);
        callback();
      },
    });
  }

  count(level: string): number {
    return this.byLevel.get(level) ?? 0;
  }

  private _count(line: string): void {
    if (line.trim() === '') return;
    // JSON logs name the level ("level":"warn"); numbers are what older builds wrote.
    const level = /"level":(?:"([a-z]+)"|(\d+))/.exec(line);
    const name = level === null ? 'unknown' : (level[1] ?? LEVEL_NAMES[level[2] ?? ''] ?? level[2] ?? 'unknown');
    this.byLevel.set(name, (this.byLevel.get(name) ?? 0) + 1);
    if (name === 'warn' || name === 'error' || name === 'fatal') {
      const text = /"msg":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? '(no msg)';
      // Down reasons and collector errors tell overload (timeouts) from flaps (connection refused).
      const reason = /"reason":"([^"]*)"/.exec(line)?.[1];
      const error = /"error":"([^"]{0,60})/.exec(line)?.[1];
      const collector = /"collector":"([^"]*)"/.exec(line)?.[1];
      const detail = [collector, reason ?? error].filter((part) => part !== undefined).join(': ');
      const message = text.startsWith('{') ? 'OpenTelemetry error' : `${text}${detail === '' ? '' : ` (${detail})`}`;
      if (this.byMessage.has(message) || this.byMessage.size < 50) {
        this.byMessage.set(message, (this.byMessage.get(message) ?? 0) + 1);
      }
    }
    if (name === 'error' || name === 'fatal') {
      this.lastErrors.push(line.slice(0, 500));
      if (this.lastErrors.length > 10) this.lastErrors.shift();
    }
  }
}

const LEVEL_NAMES: Readonly<Record<string, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Reconnect quickly after a flap (the default backoff starts at 1 s, decorrelated, up to 5 min). */
export const BENCH_TUNING: Partial<PollerTuning> = {
  connectBackoff: { initialMillis: 500, maxMillis: 2_000, jitter: 'decorrelated' },
  closeTimeoutMillis: 1_000,
};

/** Starts the agent with a counting logger. */
export async function startBenchAgent(config: AgentConfig, logs: LogCounter): Promise<Agent> {
  const logger = createLogger(config.log, logs.stream);
  return startAgent(config, logger, { tuning: BENCH_TUNING });
}

/** One scrape of `/metrics`. */
export interface Scrape {
  readonly status: number;
  /** When the request was sent, ms since the epoch. */
  readonly startedAtMillis: number;
  /** Request sent → last body byte received. */
  readonly durationMillis: number;
  /** Bytes on the wire (compressed when gzip). */
  readonly wireBytes: number;
  /** The exposition text (decompressed). */
  readonly text: string;
  readonly gzip: boolean;
}

/** GET `path` over a fresh connection; resolves with the body (decompressed when gzip). */
export function scrape(
  address: { host: string; port: number },
  options: { path?: string; gzip?: boolean; timeoutMillis?: number } = {},
): Promise<Scrape> {
  const startedAtMillis = Date.now();
  const started = performance.now();
  return new Promise<Scrape>((resolve, reject) => {
    const req = request(
      {
        host: address.host,
        port: address.port,
        path: options.path ?? '/metrics',
        agent: false,
        headers: { connection: 'close', ...(options.gzip ? { 'accept-encoding': 'gzip' } : {}) },
        timeout: options.timeoutMillis ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const durationMillis = performance.now() - started;
          const raw = Buffer.concat(chunks);
          const gzip = res.headers['content-encoding'] === 'gzip';
          try {
            const text = (gzip ? gunzipSync(raw) : raw).toString('utf8');
            resolve({ status: res.statusCode ?? 0, startedAtMillis, durationMillis, wireBytes: raw.length, text, gzip });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`scrape of ${options.path ?? '/metrics'} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
