/**
 * The agent's one HTTP(S) server: `/metrics`, `/health`, `/live`, `/ready` and `/`. Every route only reads
 * in-memory snapshots, so no request ever waits on a router. Hostile clients are bounded by header size,
 * header/request timeouts, a cap on concurrent scrapes and optional auth.
 */
import { createServer as createHttp, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServerConfig } from '../config/types.js';
import type { SnapshotSource } from '../engine/snapshot.js';
import type { SourceRoute } from '../engine/source.js';
import { negotiateFormat } from '../exposition/negotiate.js';
import type { ScrapeBody, Telemetry } from '../telemetry/provider.js';
import { Authenticator } from './auth.js';
import { healthReport, sourceHealth, type ShardHealth } from './health.js';
import { renderIndexPage } from './index-page.js';
import {
  HTML_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
  acceptsGzip,
  requestPath,
  send,
} from './responses.js';
import { TlsReloader, readKeyPair } from './tls-reloader.js';

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  readonly config: ServerConfig;
  readonly source: SnapshotSource;
  readonly telemetry: Pick<Telemetry, 'scrapePrometheus' | 'agentMetrics'>;
  /** Agent version for `/health` and `/`. */
  readonly version: string;
  /**
   * Deadline of one `/metrics` collection; past it the scrape gets 503.
   * @default 10000
   */
  readonly scrapeTimeoutMillis?: number;
  /**
   * Idle time before a keep-alive connection is closed.
   * @default 5000
   */
  readonly keepAliveTimeoutMillis?: number;
  /**
   * Time allowed for a client to send its request headers (capped by `requestTimeoutMillis`).
   * @default config.requestTimeoutMillis
   */
  readonly headersTimeoutMillis?: number;
  /**
   * How often the TLS cert and key files are checked for changes.
   * @default 10000
   */
  readonly tlsReloadIntervalMillis?: number;
  /**
   * On close, how long in-flight requests may take before their connections are cut.
   * @default 10000
   */
  readonly closeTimeoutMillis?: number;
  /** Secret-free messages about failures worth logging (collection, TLS reload, server errors). */
  readonly onError?: (message: string) => void;
  /** Called after the TLS certificate was reloaded. */
  readonly onTlsReload?: () => void;
  /**
   * Endpoints the running sources serve (`/apps`, `/metrics/job/…`), behind the same auth and error
   * handling as the built-in ones; a built-in path always wins.
   */
  readonly routes?: readonly SourceRoute[];
  /** Serves `POST /-/reload` when `config.enableLifecycle` is on: the answer is its outcome as JSON. */
  readonly lifecycle?: { reload(): Promise<ReloadAnswer> };
  /** This replica's shard, shown in `/health` when the fleet is sharded (count > 1). */
  readonly shard?: () => ShardHealth;
}

/** What `POST /-/reload` answers (secret-free: key paths and messages). */
export interface ReloadAnswer {
  readonly ok: boolean;
  readonly problems: readonly { readonly path: string; readonly message: string }[];
  readonly restartNeeded: readonly string[];
}

/** The running server. */
export interface AgentHttpServer {
  /** Binds `config.host:config.port`; resolves the bound address (the real port when 0 was asked). */
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish, then closes. Idempotent. */
  close(): Promise<void>;
  /** Re-reads the TLS files now if they changed (e.g. on SIGHUP); false without TLS or without change. */
  reloadTls(): Promise<boolean>;
}

export function createHttpServer(options: HttpServerOptions): AgentHttpServer {
  return new AgentHttpServerImpl(options);
}

type RouteName = '/metrics' | '/health' | '/live' | '/ready' | '/' | '/-/reload';

const RELOAD_PATH = '/-/reload';
type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Status recorded for requests whose client went away before the response was complete (as nginx). */
const CLIENT_CLOSED_REQUEST = 499;

class AgentHttpServerImpl implements AgentHttpServer {
  private readonly _options: HttpServerOptions;
  private readonly _config: ServerConfig;
  private readonly _server: HttpServer | HttpsServer;
  private readonly _tlsReloader: TlsReloader | undefined;
  private readonly _auth: Authenticator;
  private readonly _routes: ReadonlyMap<string, RouteHandler>;
  private readonly _scrapeTimeoutMillis: number;
  private readonly _onError: (message: string) => void;
  private _activeScrapes = 0;
  private _bound = false;
  private _listening: Promise<{ host: string; port: number }> | undefined;
  private _closing: Promise<void> | undefined;

  constructor(options: HttpServerOptions) {
    this._options = options;
    this._config = options.config;
    this._scrapeTimeoutMillis = options.scrapeTimeoutMillis ?? 10_000;
    this._onError = safe(options.onError);
    this._auth = new Authenticator({
      config: this._config.auth ?? { basicUsers: {}, bearerToken: '', openPaths: ['/live', '/ready'] },
    });
    this._routes = new Map<RouteName, RouteHandler>([
      ['/metrics', (req, res) => this._metrics(req, res)],
      ['/health', (_req, res) => this._health(res)],
      ['/live', (_req, res) => send(res, 200, TEXT_CONTENT_TYPE, 'ok\n')],
      ['/ready', (_req, res) => this._ready(res)],
      ['/', (_req, res) => this._index(res)],
    ]);
    if (this._config.enableLifecycle === true && options.lifecycle !== undefined) {
      const lifecycle = options.lifecycle;
      (this._routes as Map<string, RouteHandler>).set(RELOAD_PATH, (_req, res) => this._reload(lifecycle, res));
    }

    const requestTimeout = this._config.requestTimeoutMillis;
    const serverOptions = {
      maxHeaderSize: this._config.maxHeaderBytes,
      requestTimeout,
      headersTimeout: Math.min(options.headersTimeoutMillis ?? requestTimeout, requestTimeout),
      keepAliveTimeout: options.keepAliveTimeoutMillis ?? 5_000,
      // Node checks request/header deadlines on this period (default 30 s): keep it well under the deadline.
      connectionsCheckingInterval: requestTimeout > 0 ? Math.min(1_000, Math.max(10, Math.floor(requestTimeout / 4))) : 30_000,
    };
    const handler = (req: IncomingMessage, res: ServerResponse): void => this._onRequest(req, res);
    const tls = this._config.tls;
    if (tls === undefined) {
      this._server = createHttp(serverOptions, handler);
    } else {
      const server = createHttps({ ...serverOptions, ...readKeyPair(tls), minVersion: 'TLSv1.2' }, handler);
      this._server = server;
      this._tlsReloader = new TlsReloader({
        tls,
        intervalMillis: options.tlsReloadIntervalMillis ?? 10_000,
        onError: this._onError,
        ...(options.onTlsReload === undefined ? {} : { onReload: options.onTlsReload }),
      });
      // Failed handshakes (scanners, wrong CA) are the client's problem; the socket is already destroyed.
      server.on('tlsClientError', () => {});
    }
    // Slow readers of a response: a socket idle longer than any legitimate exchange is destroyed.
    this._server.setTimeout(requestTimeout + this._scrapeTimeoutMillis);
    this._server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => this._onClientError(err, socket));
    this._server.on('error', (err: NodeJS.ErrnoException) => {
      // Errors before binding reject listen() instead.
      if (this._bound) this._onError(`server: ${err.code ?? err.message}`);
    });
  }

  listen(): Promise<{ host: string; port: number }> {
    if (this._closing !== undefined) return Promise.reject(new Error('server: already closed'));
    this._listening ??= new Promise((resolve, reject) => {
      const { host, port } = this._config;
      const onListenError = (err: NodeJS.ErrnoException): void => {
        reject(new Error(`server: cannot listen on ${host}:${port} (${err.code ?? err.message})`));
      };
      this._server.once('error', onListenError);
      this._server.listen({ host, port }, () => {
        this._server.off('error', onListenError);
        this._bound = true;
        const address = this._server.address() as AddressInfo;
        const started = this._tlsReloader?.start(this._server as HttpsServer) ?? Promise.resolve();
        void started.then(() => resolve({ host: address.address, port: address.port }));
      });
    });
    return this._listening;
  }

  close(): Promise<void> {
    this._closing ??= this._close();
    return this._closing;
  }

  reloadTls(): Promise<boolean> {
    return this._tlsReloader?.check() ?? Promise.resolve(false);
  }

  private async _close(): Promise<void> {
    this._tlsReloader?.stop();
    if (!this._server.listening) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => this._server.closeAllConnections(), this._options.closeTimeoutMillis ?? 10_000);
      force.unref();
      this._server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this._server.closeIdleConnections();
    });
  }

  private _onRequest(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = process.hrtime.bigint();
    const path = requestPath(req.url);
    const route = this._routes.has(path) ? path : (this._sourceRoute(path)?.name ?? 'other');
    // Streams report aborted clients as errors; nothing to do about them beyond not crashing.
    req.on('error', () => {});
    res.on('error', () => {});
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST;
      this._options.telemetry.agentMetrics.recordHttpRequest(route, status, seconds);
      // While closing, each finished exchange frees its connection so close() can complete.
      if (this._closing !== undefined) this._server.closeIdleConnections();
    });
    if (this._closing !== undefined) res.setHeader('Connection', 'close');
    this._handle(req, res, path).catch((err: unknown) => {
      this._onError(`server: ${route}: ${err instanceof Error ? err.message : String(err)}`);
      if (res.headersSent) res.destroy();
      else send(res, 500, TEXT_CONTENT_TYPE, 'internal error\n');
    });
  }

  private async _handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!this._auth.isOpenPath(path)) {
      const result = await this._auth.check(req.headers.authorization);
      if (result === 'busy') {
        send(res, 429, TEXT_CONTENT_TYPE, 'too many authentication attempts\n', { 'Retry-After': '1' });
        return;
      }
      if (result === 'denied') {
        send(res, 401, TEXT_CONTENT_TYPE, 'unauthorized\n', { 'WWW-Authenticate': this._auth.challenges() });
        return;
      }
    }
    const handler = this._routes.get(path);
    if (handler === undefined) {
      const sourceRoute = this._sourceRoute(path);
      if (sourceRoute === undefined) {
        send(res, 404, TEXT_CONTENT_TYPE, 'not found\n');
        return;
      }
      await this._handleSourceRoute(sourceRoute, req, res);
      return;
    }
    // A reload changes state: POST only, as Prometheus's own /-/reload, so a crawler cannot trigger it.
    const allowed = path === RELOAD_PATH ? ['POST'] : ['GET', 'HEAD'];
    if (!allowed.includes(req.method ?? '')) {
      send(res, 405, TEXT_CONTENT_TYPE, 'method not allowed\n', { Allow: allowed.join(', ') });
      return;
    }
    await handler(req, res);
  }

  /** The source route for a path: an exact match, else the longest prefix route (path ending in `/`). */
  private _sourceRoute(path: string): SourceRoute | undefined {
    let best: SourceRoute | undefined;
    for (const route of this._options.routes ?? []) {
      if (route.path === path) return route;
      if (route.path.endsWith('/') && path.startsWith(route.path) && (best === undefined || route.path.length > best.path.length)) best = route;
    }
    return best;
  }

  /** Checks the method, reads the body within the route's limit, then hands over. */
  private async _handleSourceRoute(route: SourceRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!route.methods.includes(req.method ?? '')) {
      send(res, 405, TEXT_CONTENT_TYPE, 'method not allowed\n', { Allow: route.methods.join(', ') });
      return;
    }
    const limit = route.maxBodyBytes ?? 0;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > limit) {
      send(res, 413, TEXT_CONTENT_TYPE, `request body larger than ${limit} bytes\n`, { Connection: 'close' });
      return;
    }
    const body = await readBody(req, limit);
    if (body === undefined) {
      send(res, 413, TEXT_CONTENT_TYPE, `request body larger than ${limit} bytes\n`, { Connection: 'close' });
      return;
    }
    await route.handle(req, res, body);
  }

  private async _metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this._activeScrapes >= Math.max(1, this._config.maxConcurrentScrapes)) {
      send(res, 429, TEXT_CONTENT_TYPE, 'too many concurrent scrapes\n', { 'Retry-After': '1' });
      return;
    }
    this._activeScrapes += 1;
    try {
      const gzip = acceptsGzip(req.headers);
      let body: ScrapeBody;
      try {
        body = await this._options.telemetry.scrapePrometheus({
          format: negotiateFormat(req.headers.accept),
          gzip,
          timeoutMillis: this._scrapeTimeoutMillis,
        });
      } catch (err) {
        this._onError(`metrics: collection failed: ${err instanceof Error ? err.message : String(err)}`);
        send(res, 503, TEXT_CONTENT_TYPE, 'metrics collection failed\n');
        return;
      }
      await writeChunks(req, res, body, {
        // The chunks are gzip members: concatenated they are one valid gzip stream (RFC 1952 §2.2).
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        Vary: 'Accept, Accept-Encoding',
      });
    } finally {
      this._activeScrapes -= 1;
    }
  }

  private async _reload(lifecycle: { reload(): Promise<ReloadAnswer> }, res: ServerResponse): Promise<void> {
    const outcome = await lifecycle.reload();
    const body = { status: outcome.ok ? 'ok' : 'failed', problems: outcome.problems, restart_needed: outcome.restartNeeded };
    // 400 as Prometheus answers an invalid configuration: the request was fine, the file is not.
    send(res, outcome.ok ? 200 : 400, JSON_CONTENT_TYPE, `${JSON.stringify(body)}\n`);
  }

  private _health(res: ServerResponse): void {
    const report = healthReport(sourceHealth(this._options.source), this._options.version, this._shard());
    send(res, report.status === 'ok' ? 200 : 503, JSON_CONTENT_TYPE, `${JSON.stringify(report)}\n`);
  }

  private _ready(res: ServerResponse): void {
    if (this._options.source.firstRoundDone) send(res, 200, TEXT_CONTENT_TYPE, 'ready\n');
    else send(res, 503, TEXT_CONTENT_TYPE, 'not ready: first poll round still running\n');
  }

  private _index(res: ServerResponse): void {
    const groups = sourceHealth(this._options.source);
    const report = healthReport(groups, this._options.version, this._shard());
    send(res, 200, HTML_CONTENT_TYPE, renderIndexPage(report.status, this._options.version, groups), {
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
  }

  private _shard(): ShardHealth | undefined {
    const shard = this._options.shard?.();
    return shard !== undefined && shard.count > 1 ? shard : undefined;
  }

  /** Malformed requests, oversize headers and timeouts: answer like node:http would, never emit 'error'. */
  private _onClientError(err: NodeJS.ErrnoException, duplex: Duplex): void {
    const socket = duplex as Socket;
    if (err.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const [status, text] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    this._options.telemetry.agentMetrics.recordHttpRequest('other', status, 0);
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
  }
}

/** The request body, or undefined once it exceeds `limit` bytes (reading stops there). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    // After 'end' this settles nothing; before it, the client went away mid-body.
    req.once('close', () => reject(new Error('client closed the request before its body ended')));
  });
}

/**
 * Size of one write of the body. The cached chunks are small (a family of one target) and a write costs
 * microseconds of its own, so runs of them go out copied into pieces about this big. 256 KiB pieces took a
 * 76 MB scrape at 1,000 routers from 269 to 206 ms (median) against 64 KiB ones (docs/benchmarks.md).
 */
export const WRITE_PIECE_BYTES = 256 * 1024;
/**
 * Pieces a scrape has in flight at most: a bound on what it copies at any time (never the whole body),
 * large enough that a fast client is rarely waited for. The pieces are reused once the socket has taken
 * them: a fresh buffer per piece made a plain scrape of a large fleet allocate its whole size (80 MB at
 * 1,000 routers) outside the heap, and such growth makes V8 collect the whole heap (external memory is
 * one of its triggers), in the middle of the scrape.
 */
const PIECES_IN_FLIGHT = 8;

/** Writes the body's cached buffers in order; resolves when the response is finished or gone. */
function writeChunks(
  req: IncomingMessage,
  res: ServerResponse,
  body: ScrapeBody,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  if (res.headersSent || res.destroyed) return Promise.resolve();
  res.statusCode = 200;
  res.setHeader('Content-Type', body.contentType);
  res.setHeader('Content-Length', body.byteLength);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  if (req.method === 'HEAD') {
    res.end();
    return closed;
  }
  return (async () => {
    const pieces = new PiecePool(closed);
    let piece = await pieces.take();
    let used = 0;
    const flush = async (): Promise<void> => {
      const full = piece!;
      res.write(used === full.length ? full : full.subarray(0, used), () => pieces.give(full));
      used = 0;
      piece = await pieces.take();
    };
    const { ranges } = body;
    for (let index = 0; index < ranges.length; index += 1) {
      if (res.destroyed || piece === undefined) return closed;
      const source = ranges.buffer(index);
      const start = ranges.start(index);
      const end = ranges.end(index);
      if (used + end - start > WRITE_PIECE_BYTES) {
        if (used > 0) await flush();
        if (res.destroyed || piece === undefined) return closed;
        if (end - start > WRITE_PIECE_BYTES) {
          // Larger than a piece: the cached bytes themselves go out (they never change, so no copy is needed).
          res.write(source.subarray(start, end));
          continue;
        }
      }
      used += source.copy(piece, used, start, end);
    }
    if (used > 0 && !res.destroyed && piece !== undefined) {
      const last = piece;
      res.write(last.subarray(0, used), () => pieces.give(last));
    }
    res.end();
    return closed;
  })();
}

/** The write pieces of one scrape: at most PIECES_IN_FLIGHT, each handed back once the socket took it. */
class PiecePool {
  private readonly _free: Buffer[] = [];
  private _made = 0;
  private _wake: (() => void) | undefined;
  private _closed = false;

  constructor(closed: Promise<void>) {
    void closed.then(() => {
      this._closed = true;
      this._wake?.();
    });
  }

  /** A free piece, waiting for one when all are in flight; undefined once the response closed. */
  async take(): Promise<Buffer | undefined> {
    for (;;) {
      if (this._closed) return undefined;
      const free = this._free.pop();
      if (free !== undefined) return free;
      if (this._made < PIECES_IN_FLIGHT) {
        this._made += 1;
        return Buffer.allocUnsafeSlow(WRITE_PIECE_BYTES);
      }
      await new Promise<void>((resolve) => {
        this._wake = resolve;
      });
    }
  }

  give(piece: Buffer): void {
    this._free.push(piece);
    const wake = this._wake;
    this._wake = undefined;
    wake?.();
  }
}

function safe(callback: ((message: string) => void) | undefined): (message: string) => void {
  return (message) => {
    try {
      callback?.(message);
    } catch {
      // A failing logger must not take a request down with it.
    }
  };
}
