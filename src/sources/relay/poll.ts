/**
 * Polling of other scrape endpoints (exporter-proxy's [poll_external]), keyed by URL: the first poll
 * starts at once (after a small jitter so several endpoints do not fire together), then one every
 * poll_interval. Only a 200 answer within client_timeout and under the body size limit counts.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { formatDuration } from '../../config/duration.js';
import type { PollEndpoint } from './config.js';
import { formatBytes } from './config.js';

export interface PollResult {
  readonly ok: boolean;
  readonly body?: string;
  readonly error?: string;
  readonly durationSeconds: number;
}

export interface FetchOptions {
  readonly timeoutMillis: number;
  readonly maxBodyBytes: number;
  readonly allowInvalidCerts: boolean;
}

const ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1';

/** One GET; never rejects. */
export function fetchExposition(url: string, options: FetchOptions): Promise<PollResult> {
  const started = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Omit<PollResult, 'durationSeconds'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ ...result, durationSeconds: seconds() });
    };
    const target = new URL(url);
    const make = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = make(
      target,
      {
        method: 'GET',
        headers: { Accept: ACCEPT, 'User-Agent': 'mikrotik-otel-agent relay' },
        ...(target.protocol === 'https:' ? { rejectUnauthorized: !options.allowInvalidCerts } : {}),
      },
      (response: IncomingMessage) => {
        if (response.statusCode !== 200) {
          response.resume();
          settle({ ok: false, error: `HTTP ${response.statusCode ?? 0} (only 200 counts)` });
          return;
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > options.maxBodyBytes) {
          settle({ ok: false, error: `body of ${declared} bytes exceeds the limit (${formatBytes(options.maxBodyBytes)})` });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBodyBytes) settle({ ok: false, error: `body exceeds the limit (${formatBytes(options.maxBodyBytes)})` });
          else chunks.push(chunk);
        });
        response.on('error', (error) => settle({ ok: false, error: error.message }));
        response.on('end', () => settle({ ok: true, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    const timer = setTimeout(
      () => settle({ ok: false, error: `no complete answer within client_timeout (${formatDuration(options.timeoutMillis)})` }),
      options.timeoutMillis,
    );
    request.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, error: error.code ?? error.message }));
    request.end();
  });
}

/** Runs the poll loop of one endpoint until stopped. */
export class EndpointPoller {
  private _timer: NodeJS.Timeout | undefined;
  private _stopped = false;
  private _running: Promise<void> | undefined;
  private _polls = 0;

  constructor(
    readonly endpoint: PollEndpoint,
    private readonly _intervalMillis: number,
    private readonly _options: FetchOptions,
    private readonly _onResult: (endpoint: PollEndpoint, result: PollResult) => void,
    private readonly _jitterMillis = Math.random() * Math.min(1_000, _intervalMillis / 10),
  ) {}

  get polls(): number {
    return this._polls;
  }

  start(): void {
    if (this._stopped || this._timer !== undefined) return;
    this._schedule(this._jitterMillis);
  }

  private _schedule(delay: number): void {
    if (this._stopped) return;
    this._timer = setTimeout(() => {
      this._running = this._poll().finally(() => {
        this._running = undefined;
        this._schedule(this._intervalMillis);
      });
    }, delay);
  }

  private async _poll(): Promise<void> {
    const result = await fetchExposition(this.endpoint.url, this._options);
    this._polls += 1;
    if (!this._stopped) this._onResult(this.endpoint, result);
  }

  async stop(): Promise<void> {
    this._stopped = true;
    clearTimeout(this._timer);
    await this._running;
  }
}
