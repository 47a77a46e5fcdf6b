/**
 * One WebSocket per organisation, multiplexing the channels of every selected site (Mist allows
 * several subscriptions per connection: Mist API docs, "WebSocket"). Frames as Mist and mistclient
 * use them: `{"subscribe": ch}` → `{"event":"channel_subscribed","channel":ch}`, then
 * `{"event":"data","channel":ch,"data":"<JSON text>"}` with `data` encoded a second time.
 *
 * Unlike mistclient it notices a dead stream: pings at a fixed period and an idle-read timeout
 * (any frame, pongs included, counts as life), then reconnects with exponential backoff and full
 * jitter, the first retry within a second. After a reconnect every wanted channel is subscribed
 * once on the new connection; the set of channels sent on a connection prevents duplicates.
 */
import WebSocket from 'ws';
import type { Logger } from '../../log.js';
import { isObject } from './decode.js';

export interface StreamOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly timeoutMillis: number;
  /** A connection with no frame this long is dead. @default 30_000 */
  readonly idleTimeoutMillis?: number;
  /** @default a third of idleTimeoutMillis */
  readonly pingIntervalMillis?: number;
  /** First reconnect delay bound. @default 1_000 */
  readonly backoffBaseMillis?: number;
  /** @default 60_000 */
  readonly backoffMaxMillis?: number;
  readonly logger: Logger;
  /** A data frame of a subscribed channel, `data` already decoded once more. */
  onData(channel: string, data: unknown): void;
  /** A frame that could not be decoded (bad JSON, bad `data`). */
  onDecodeError(reason: string): void;
  /** The set of acknowledged channels changed (connect, ack, drop). */
  onStateChange(): void;
}

export type StreamState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

export class MistStream {
  private _socket: WebSocket | undefined;
  private _wanted = new Set<string>();
  /** Channels sent (subscribe) on the current connection. */
  private _sent = new Set<string>();
  /** Channels the server acknowledged on the current connection. */
  private _acked = new Set<string>();
  private _state: StreamState = 'disconnected';
  private _attempt = 0;
  private _connections = 0;
  private _retryTimer: NodeJS.Timeout | undefined;
  private _pingTimer: NodeJS.Timeout | undefined;
  private _idleTimer: NodeJS.Timeout | undefined;
  private _stopped = false;
  private _lastError: string | undefined;
  private _idleFailure: string | undefined;

  constructor(private readonly _options: StreamOptions) {}

  get state(): StreamState {
    return this._state;
  }

  /** Connections opened so far; each one after the first is a reconnect. */
  get connections(): number {
    return this._connections;
  }

  get lastError(): string | undefined {
    return this._lastError;
  }

  isAcked(channel: string): boolean {
    return this._acked.has(channel);
  }

  /** The channels to be subscribed; changes are applied on the open connection right away. */
  setChannels(channels: Iterable<string>): void {
    this._wanted = new Set(channels);
    const socket = this._socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return;
    for (const channel of [...this._sent]) {
      if (!this._wanted.has(channel)) {
        this._sent.delete(channel);
        this._acked.delete(channel);
        this.send(socket, { unsubscribe: channel });
      }
    }
    this.subscribeMissing(socket);
    this._options.onStateChange();
  }

  start(): void {
    if (this._stopped || this._socket !== undefined || this._retryTimer !== undefined) return;
    this.connect();
  }

  async stop(): Promise<void> {
    this._stopped = true;
    this._state = 'stopped';
    clearTimeout(this._retryTimer);
    this.clearTimers();
    const socket = this._socket;
    this._socket = undefined;
    if (socket === undefined) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 500);
      socket.once('close', () => {
        clearTimeout(done);
        resolve();
      });
      try {
        if (socket.readyState === WebSocket.OPEN) {
          for (const channel of this._sent) this.send(socket, { unsubscribe: channel });
          socket.close(1000, 'agent stopping');
        } else socket.terminate();
      } catch {
        socket.terminate();
      }
    });
  }

  private connect(): void {
    this._retryTimer = undefined;
    if (this._stopped) return;
    this._state = 'connecting';
    this._sent = new Set();
    this._acked = new Set();
    const socket = new WebSocket(this._options.url, {
      headers: { Authorization: `Token ${this._options.apiKey}` },
      handshakeTimeout: this._options.timeoutMillis,
      perMessageDeflate: false,
      maxPayload: 16 * 1024 * 1024,
    });
    this._socket = socket;
    this._connections += 1;
    // Why this attempt failed; it replaces the last error when the attempt closes.
    let failure: string | undefined;
    socket.on('open', () => {
      if (this._socket !== socket) return;
      this._state = 'connected';
      this._lastError = undefined;
      this.alive(socket);
      this._pingTimer = setInterval(() => {
        try {
          socket.ping();
        } catch {
          // The close handler reconnects.
        }
      }, this.pingInterval());
      this.subscribeMissing(socket);
      this._options.onStateChange();
    });
    socket.on('message', (data, isBinary) => {
      if (this._socket !== socket) return;
      this.alive(socket);
      this.handleFrame(isBinary ? undefined : rawText(data));
    });
    socket.on('pong', () => {
      if (this._socket === socket) this.alive(socket);
    });
    socket.on('ping', () => {
      if (this._socket === socket) this.alive(socket);
    });
    socket.on('unexpected-response', (_request, response) => {
      failure = `the stream endpoint answered HTTP ${response.statusCode ?? 0}`;
      response.resume();
      socket.terminate();
    });
    socket.on('error', (error: Error) => {
      // 'close' follows every 'error'; only remember why.
      failure ??= safeMessage(error);
    });
    socket.on('close', (code: number) => {
      if (this._socket !== socket) return;
      this._socket = undefined;
      this.clearTimers();
      const wasConnected = this._state === 'connected';
      this._acked = new Set();
      this._sent = new Set();
      if (this._stopped) return;
      this._state = 'disconnected';
      this._lastError = this._idleFailure ?? failure ?? `the stream closed (code ${code})`;
      this._idleFailure = undefined;
      this._options.onStateChange();
      const delay = this.backoff();
      this._options.logger.warn(
        { error: this._lastError, retryInMillis: Math.round(delay), wasConnected },
        'Mist stream lost; reconnecting',
      );
      this._retryTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private pingInterval(): number {
    return this._options.pingIntervalMillis ?? Math.max(100, Math.floor((this._options.idleTimeoutMillis ?? 30_000) / 3));
  }

  /** Full jitter over an exponential bound: the first retry within backoffBaseMillis (1 s). */
  private backoff(): number {
    const base = this._options.backoffBaseMillis ?? 1_000;
    const max = this._options.backoffMaxMillis ?? 60_000;
    const bound = Math.min(max, base * 2 ** this._attempt);
    this._attempt = Math.min(this._attempt + 1, 20);
    return Math.random() * bound;
  }

  /** A frame arrived: the connection lives; its idle timer starts again. */
  private alive(socket: WebSocket): void {
    clearTimeout(this._idleTimer);
    const idle = this._options.idleTimeoutMillis ?? 30_000;
    this._idleTimer = setTimeout(() => {
      if (this._socket !== socket) return;
      this._idleFailure = `no frame for ${idle} ms (half-open stream)`;
      socket.terminate();
    }, idle);
  }

  private clearTimers(): void {
    clearInterval(this._pingTimer);
    clearTimeout(this._idleTimer);
    this._pingTimer = undefined;
    this._idleTimer = undefined;
  }

  private subscribeMissing(socket: WebSocket): void {
    for (const channel of this._wanted) {
      if (this._sent.has(channel)) continue;
      this._sent.add(channel);
      this.send(socket, { subscribe: channel });
    }
  }

  private send(socket: WebSocket, frame: Record<string, string>): void {
    try {
      socket.send(JSON.stringify(frame));
    } catch (error) {
      this._lastError = safeMessage(error);
    }
  }

  private handleFrame(text: string | undefined): void {
    if (text === undefined) {
      this._options.onDecodeError('binary frame');
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this._options.onDecodeError('frame is not JSON');
      return;
    }
    if (!isObject(frame)) {
      this._options.onDecodeError('frame is not a JSON object');
      return;
    }
    const event = frame['event'];
    const channel = frame['channel'];
    if (typeof channel !== 'string') {
      this._options.onDecodeError('frame has no channel');
      return;
    }
    if (event === 'channel_subscribed') {
      if (this._sent.has(channel)) {
        this._acked.add(channel);
        // The stream is healthy: the next loss starts again from the shortest delay.
        this._attempt = 0;
        this._options.onStateChange();
      }
      return;
    }
    if (event !== 'data') {
      this._options.logger.warn({ channel, event: String(event) }, 'Mist stream: subscription not accepted');
      return;
    }
    if (!this._sent.has(channel)) return;
    const data = frame['data'];
    let decoded: unknown = data;
    if (typeof data === 'string') {
      try {
        decoded = JSON.parse(data);
      } catch {
        this._options.onDecodeError('data is not JSON text');
        return;
      }
    }
    this._options.onData(channel, decoded);
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** An error's message without anything that could be a header value. */
function safeMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
