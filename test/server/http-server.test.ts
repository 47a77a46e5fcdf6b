import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SCHEMA } from '../../src/config/schema.js';
import type { ServerConfig } from '../../src/config/types.js';
import { createHttpServer, WRITE_PIECE_BYTES, type AgentHttpServer, type HttpServerOptions } from '../../src/server/http-server.js';
import { createTelemetry } from '../../src/telemetry/provider.js';
import {
  CPU_LOAD,
  RX_BYTES,
  TestSnapshotSource,
  agentConfig,
  collectorState,
  routerSnapshot,
  sample,
  serverConfig,
} from '../telemetry/fixtures.js';
import { Deferred, FakeTelemetry, rawSocket, readUntilClosed, request } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Started {
  readonly server: AgentHttpServer;
  readonly port: number;
  readonly telemetry: FakeTelemetry;
  readonly source: TestSnapshotSource;
  readonly errors: string[];
}

async function start(
  config: Partial<ServerConfig> = {},
  extra: Partial<HttpServerOptions> & { source?: TestSnapshotSource; telemetry?: FakeTelemetry } = {},
): Promise<Started> {
  const telemetry = extra.telemetry ?? new FakeTelemetry();
  const source = extra.source ?? new TestSnapshotSource();
  const errors: string[] = [];
  const server = createHttpServer({
    version: '1.2.3',
    onError: (message) => errors.push(message),
    ...extra,
    config: serverConfig(config),
    source,
    telemetry,
  });
  cleanups.push(() => server.close());
  const { port } = await server.listen();
  return { server, port, telemetry, source, errors };
}

describe('createHttpServer', () => {
  describe('/metrics', () => {
    it('serves the exposition with the Prometheus content type', async () => {
      const { port, telemetry } = await start({}, { scrapeTimeoutMillis: 1234 });
      const res = await request(port, '/metrics?extra=1');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toBe('# HELP up x\n# TYPE up gauge\nup 1\n');
      expect(telemetry.collectCalls).toEqual([1234]);
    });

    it('gzips when Accept-Encoding allows it and not when gzip has q=0', async () => {
      const { port } = await start();
      const gz = await request(port, '/metrics', { headers: { 'accept-encoding': 'br;q=1.0, gzip;q=0.8' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.headers['vary']).toBe('Accept, Accept-Encoding');
      expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
      // The body is two gzip members back to back: one stream to any gzip reader.
      expect(gunzipSync(gz.body).toString('utf8')).toBe('# HELP up x\n# TYPE up gauge\nup 1\n');

      const wildcard = await request(port, '/metrics', { headers: { 'accept-encoding': '*' } });
      expect(wildcard.headers['content-encoding']).toBe('gzip');

      const refused = await request(port, '/metrics', { headers: { 'accept-encoding': 'gzip;q=0, *' } });
      expect(refused.headers['content-encoding']).toBeUndefined();
      expect(refused.text).toContain('up 1');
    });

    it('sends a body of thousands of chunks, several megabytes long, intact, plain and gzipped', async () => {
      const telemetry = new FakeTelemetry();
      const text = Array.from({ length: 60_000 }, (_, index) => `series_${index % 97}{i="${index}"} ${index}\n`).join('');
      telemetry.collect = async () => text;
      telemetry.parts = 5_000;
      const { port } = await start({}, { telemetry });
      const plain = await request(port, '/metrics');
      expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
      expect(plain.text).toBe(text);
      const gz = await request(port, '/metrics', { headers: { 'accept-encoding': 'gzip' } });
      expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
      expect(gunzipSync(gz.body).toString('utf8')).toBe(text);
    });

    it('sends parts larger than a write piece, and many pieces to a client that reads slowly, intact; a client gone mid-body stops nothing', async () => {
      const telemetry = new FakeTelemetry();
      // About 4 MB: its pieces are reused many times over; in parts of twice a piece each is larger than one.
      const text = Array.from({ length: 150_000 }, (_, index) => `series_${index % 89}{i="${index}"} ${index}\n`).join('');
      telemetry.collect = async () => text;
      telemetry.parts = Math.floor(text.length / (2 * WRITE_PIECE_BYTES));
      expect(telemetry.parts).toBeGreaterThanOrEqual(4);
      const { port } = await start({}, { telemetry });
      expect((await request(port, '/metrics')).text).toBe(text);
      telemetry.parts = 30_000;
      const slow = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            // Reads a little, then stops for a moment: the server waits with its pieces in flight.
            if (chunks.length % 20 === 0) {
              res.pause();
              setTimeout(() => res.resume(), 20);
            }
          });
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
      expect(slow).toBe(text);
      // A client that leaves after the first bytes.
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve() : reject(error)));
        req.end();
      });
      expect((await request(port, '/metrics')).text).toBe(text);
    });

    it('negotiates OpenMetrics from Accept and asks the telemetry for the chosen format', async () => {
      const telemetry = new FakeTelemetry();
      const { port } = await start({}, { telemetry });
      const prometheusDefault =
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.25';
      const om = await request(port, '/metrics', { headers: { accept: prometheusDefault } });
      expect(om.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      const text = await request(port, '/metrics', { headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' } });
      expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const plain = await request(port, '/metrics');
      expect(plain.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(telemetry.requests.map((entry) => entry.format)).toEqual(['openmetrics', 'text', 'text']);
    });

    it('answers 503 with a short text when the collection fails, and reports the error', async () => {
      const telemetry = new FakeTelemetry();
      telemetry.collect = () => Promise.reject(new Error('metrics collection timed out after 10 ms'));
      const { port, errors } = await start({}, { telemetry });
      const res = await request(port, '/metrics');
      expect(res.status).toBe(503);
      expect(res.text).toBe('metrics collection failed\n');
      expect(errors).toEqual(['metrics: collection failed: metrics collection timed out after 10 ms']);
    });

    it('answers 429 beyond maxConcurrentScrapes and serves again once scrapes finish', async () => {
      const telemetry = new FakeTelemetry();
      const gate = new Deferred<string>();
      telemetry.collect = () => gate.promise;
      const { port } = await start({ maxConcurrentScrapes: 2 }, { telemetry });

      const first = request(port, '/metrics');
      const second = request(port, '/metrics');
      await vi.waitFor(() => expect(telemetry.collectCalls).toHaveLength(2));
      const third = await request(port, '/metrics');
      expect(third.status).toBe(429);
      expect(third.headers['retry-after']).toBe('1');
      // What the config help and the README promise is what a client gets.
      const promise = `HTTP ${third.status} (Too Many Requests) with Retry-After: ${third.headers['retry-after']}`;
      expect(SCHEMA.server.max_concurrent_scrapes.doc).toContain(promise);
      expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(`\`server.max_concurrent_scrapes\`, default 4): ${promise}`);
      // Other routes are not affected by the scrape cap.
      expect((await request(port, '/live')).status).toBe(200);

      gate.resolve('up 1\n');
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      telemetry.collect = async () => 'up 2\n';
      expect((await request(port, '/metrics')).text).toBe('up 2\n');
    });

    it('answers HEAD with headers only', async () => {
      const { port } = await start();
      const res = await request(port, '/metrics', { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(0);
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength('# HELP up x\n# TYPE up gauge\nup 1\n'));
    });

    it('stays fast with thousands of series from a real pipeline', async () => {
      const source = new TestSnapshotSource(
        Array.from({ length: 20 }, (_, r) =>
          routerSnapshot(`r${r}`, {
            interface: collectorState(Array.from({ length: 250 }, (_, i) => sample(RX_BYTES, i * 1000, { interface: `ether${i}` }))),
            system: collectorState([sample(CPU_LOAD, 0.1)]),
          }),
        ),
      );
      const telemetry = createTelemetry({ config: agentConfig(), source, version: '1', hostName: 'h' });
      cleanups.push(() => telemetry.shutdown());
      const server = createHttpServer({ config: serverConfig(), source, telemetry, version: '1' });
      cleanups.push(() => server.close());
      const { port } = await server.listen();

      const timings: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const res = await request(port, '/metrics', { headers: { 'accept-encoding': 'gzip' } });
        timings.push(performance.now() - started);
        expect(res.status).toBe(200);
        expect(gunzipSync(res.body).toString('utf8').match(/^routeros_interface_receive_bytes_total\{/gm)).toHaveLength(5000);
      }
      expect(Math.max(...timings)).toBeLessThan(2000);
      expect(timings.sort((a, b) => a - b)[2]).toBeLessThan(1000);
    });
  });

  describe('/health', () => {
    const downRouter = routerSnapshot(
      'edge',
      { interface: collectorState([], { status: 'error' }), wireless: collectorState([], { status: 'unsupported' }) },
      {
        address: '198.51.100.7:8729',
        up: false,
        downReason: 'authentication_failed',
        lastSuccessMillis: undefined,
        lastError: 'login failed: invalid user name or password',
        consecutiveFailures: 4,
      },
    );
    const upRouter = routerSnapshot(
      'core',
      { interface: collectorState([]) },
      { version: '7.16.1', lastSuccessMillis: Date.UTC(2024, 0, 2, 3, 4, 5) },
    );

    it('answers 200 ok when every router is up', async () => {
      const { port } = await start({}, { source: new TestSnapshotSource([upRouter]) });
      const res = await request(port, '/health');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.text)).toEqual({
        status: 'ok',
        version: '1.2.3',
        routers: [
          {
            name: 'core',
            address: '192.0.2.1:8728',
            up: true,
            down_reason: null,
            version: '7.16.1',
            last_success: '2024-01-02T03:04:05.000Z',
            last_error: null,
            consecutive_failures: 0,
            collectors: { interface: 'ok' },
          },
        ],
      });
    });

    it('answers 503 degraded when a router is down, with its reason and collectors', async () => {
      const { port } = await start({}, { source: new TestSnapshotSource([upRouter, downRouter]) });
      const res = await request(port, '/health');
      expect(res.status).toBe(503);
      const body = JSON.parse(res.text) as { status: string; routers: Record<string, unknown>[] };
      expect(body.status).toBe('degraded');
      expect(body.routers[1]).toMatchObject({
        name: 'edge',
        up: false,
        down_reason: 'authentication_failed',
        last_success: null,
        last_error: 'login failed: invalid user name or password',
        consecutive_failures: 4,
        collectors: { interface: 'error', wireless: 'unsupported' },
      });
    });
  });

  describe('/live, /ready and /', () => {
    it('answers /live 200 and /ready 503 until the first round is done', async () => {
      const source = new TestSnapshotSource([], false);
      const { port } = await start({}, { source });
      expect((await request(port, '/live')).status).toBe(200);
      const notReady = await request(port, '/ready');
      expect(notReady.status).toBe(503);
      expect(notReady.text).toContain('not ready');
      source.firstRoundDone = true;
      expect((await request(port, '/ready')).status).toBe(200);
    });

    it('renders routers on / with every text escaped', async () => {
      const source = new TestSnapshotSource([
        routerSnapshot('<script>alert(1)</script>', {}, { up: false, downReason: 'timeout', lastError: 'a "quoted" & <b>bold</b>' }),
      ]);
      const { port } = await start({}, { source });
      const res = await request(port, '/');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text).toContain('a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
      expect(res.text).toContain('down (timeout)');
      expect(res.text).toContain('<a href="/metrics">');
    });
  });

  describe('routing', () => {
    it('answers 404 for unknown paths and 405 for other methods', async () => {
      const { port } = await start();
      expect((await request(port, '/nope')).status).toBe(404);
      expect((await request(port, '/metrics/')).status).toBe(404);
      const post = await request(port, '/metrics', { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers['allow']).toBe('GET, HEAD');
      expect((await request(port, '/health', { method: 'DELETE' })).status).toBe(405);
    });

    it('records every request with its route or other, never the raw path', async () => {
      const { port, telemetry } = await start();
      const record = vi.spyOn(telemetry.agentMetrics, 'recordHttpRequest');
      await request(port, '/metrics');
      await request(port, '/secret-path?token=abc');
      await request(port, '/live', { method: 'POST' });
      await vi.waitFor(() => expect(record).toHaveBeenCalledTimes(3));
      expect(record.mock.calls.map(([route, status]) => [route, status])).toEqual([
        ['/metrics', 200],
        ['other', 404],
        ['/live', 405],
      ]);
      for (const [, , seconds] of record.mock.calls) expect(seconds).toBeGreaterThanOrEqual(0);
    });
  });

  describe('limits against hostile clients', () => {
    it('answers 431 to oversize headers and keeps serving', async () => {
      const { port } = await start({ maxHeaderBytes: 1024 });
      const res = await request(port, '/live', { headers: { 'x-big': 'a'.repeat(4096) } });
      expect(res.status).toBe(431);
      expect((await request(port, '/live', { headers: { 'x-small': 'a'.repeat(100) } })).status).toBe(200);
    });

    it('cuts a client that sends its headers too slowly with 408', async () => {
      const { port } = await start({ requestTimeoutMillis: 300 });
      const socket = await rawSocket(port);
      cleanups.push(() => void socket.destroy());
      const closed = readUntilClosed(socket);
      socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
      const { data, millis } = await closed;
      expect(data.startsWith('HTTP/1.1 408 Request Timeout')).toBe(true);
      expect(millis).toBeGreaterThanOrEqual(250);
      expect(millis).toBeLessThan(3000);
    });

    it('closes a connection that never sends anything', async () => {
      const { port } = await start({ requestTimeoutMillis: 300 });
      const socket = await rawSocket(port);
      cleanups.push(() => void socket.destroy());
      const { millis } = await readUntilClosed(socket);
      expect(millis).toBeLessThan(3000);
    });

    it('answers garbage with 400 and no error escapes', async () => {
      const { port, errors } = await start();
      const socket = await rawSocket(port);
      cleanups.push(() => void socket.destroy());
      const closed = readUntilClosed(socket);
      socket.write('\x00\x01 NOT HTTP AT ALL\r\n\r\n');
      expect((await closed).data.startsWith('HTTP/1.1 400 Bad Request')).toBe(true);

      const reset = await rawSocket(port);
      reset.write('GET /metrics HTTP/1.1\r\nHo');
      reset.resetAndDestroy();
      expect((await request(port, '/live')).status).toBe(200);
      expect(errors).toEqual([]);
    });
  });

  describe('lifecycle', () => {
    it('finishes an in-flight scrape on close, then stops accepting; close is idempotent', async () => {
      const telemetry = new FakeTelemetry();
      const gate = new Deferred<string>();
      telemetry.collect = () => gate.promise;
      const { server, port } = await start({}, { telemetry });

      const inFlight = request(port, '/metrics');
      await vi.waitFor(() => expect(telemetry.collectCalls).toHaveLength(1));
      let closed = false;
      const closing = server.close().then(() => {
        closed = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(closed).toBe(false);

      gate.resolve('up 1\n');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(res.text).toBe('up 1\n');
      expect(res.headers['connection']).toBe('close');
      await closing;
      await server.close();
      await expect(request(port, '/live')).rejects.toThrow(/ECONNREFUSED/);
      await expect(server.listen()).rejects.toThrow('server: already closed');
    });

    it('closes idle keep-alive connections', async () => {
      const { server, port } = await start();
      const socket = await rawSocket(port);
      cleanups.push(() => void socket.destroy());
      const closed = readUntilClosed(socket);
      socket.write('GET /live HTTP/1.1\r\nHost: x\r\n\r\n');
      await vi.waitFor(() => expect(socket.bytesRead).toBeGreaterThan(0));
      await server.close();
      expect((await closed).data).toContain('HTTP/1.1 200 OK');
    });

    it('rejects listen on a busy port with the address, without an error event escaping', async () => {
      const { port } = await start();
      const second = createHttpServer({
        config: serverConfig({ port }),
        source: new TestSnapshotSource(),
        telemetry: new FakeTelemetry(),
        version: '1',
      });
      cleanups.push(() => second.close());
      await expect(second.listen()).rejects.toThrow(`server: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    });
  });
});
