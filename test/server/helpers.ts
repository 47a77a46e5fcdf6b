/** Helpers for HTTP server tests: one-shot requests over fresh connections and raw sockets. */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createNoopMeter } from '@opentelemetry/api';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_TEXT_CONTENT_TYPE } from '../../src/exposition/format.js';
import { AgentMetrics } from '../../src/telemetry/agent-metrics.js';
import { ByteRanges } from '../../src/exposition/byte-ranges.js';
import type { ScrapeBody, ScrapeRequest, Telemetry } from '../../src/telemetry/provider.js';

export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  /** HTTPS with this CA (PEM). */
  readonly ca?: Buffer;
}

/** One request on its own connection (no keep-alive), so nothing lingers after the test. */
export function request(port: number, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const common = {
      host: '127.0.0.1',
      port,
      path,
      method: options.method ?? 'GET',
      headers: options.headers ?? {},
      agent: false as const,
    };
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    };
    const req =
      options.ca === undefined
        ? httpRequest(common, onResponse)
        : httpsRequest({ ...common, ca: options.ca, servername: 'localhost' }, onResponse);
    req.on('error', reject);
    req.end();
  });
}

/** Opens a raw TCP connection; resolves once connected. */
export function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection, and how long that took. */
export function readUntilClosed(socket: Socket): Promise<{ data: string; millis: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ data, millis: Date.now() - started }));
  });
}

/** A deferred promise the test settles by hand. */
export class Deferred<T> {
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}

/**
 * Telemetry stand-in: a scripted body and real (no-op) AgentMetrics the test can spy on. The body is
 * answered in `parts` chunks (gzip members when gzip is asked), as the real exposition does.
 */
export class FakeTelemetry implements Pick<Telemetry, 'scrapePrometheus' | 'agentMetrics'> {
  readonly agentMetrics = new AgentMetrics(createNoopMeter());
  readonly collectCalls: number[] = [];
  readonly requests: ScrapeRequest[] = [];
  collect: () => Promise<string> = async () => '# HELP up x\n# TYPE up gauge\nup 1\n';
  parts = 2;

  async scrapePrometheus(request: ScrapeRequest): Promise<ScrapeBody> {
    this.collectCalls.push(request.timeoutMillis);
    this.requests.push(request);
    const text = await this.collect();
    const size = Math.ceil(text.length / this.parts);
    const parts = Array.from({ length: this.parts }, (_, index) => Buffer.from(text.slice(index * size, (index + 1) * size)));
    const chunks = request.gzip ? parts.map((part) => gzipSync(part)) : parts;
    // Ranges of one buffer, as the exposition's chunks are ranges of a target's buffer.
    const all = Buffer.concat(chunks);
    const ranges = new ByteRanges();
    let offset = 0;
    for (const chunk of chunks) {
      ranges.push(all, offset, offset + chunk.length);
      offset += chunk.length;
    }
    return {
      contentType: request.format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_TEXT_CONTENT_TYPE,
      ranges,
      byteLength: ranges.byteLength,
    };
  }
}
