/**
 * The TCP and Unix-socket push receivers, wire-compatible with exporter-proxy: a client writes one
 * JSON object or a stream of Cap'n Proto messages and half-closes; the relay answers one JSON line
 * (`{"ok":true}` or `{"ok":false,"error":"…"}`) and closes. Each listener caps its concurrent
 * connections (exporter-proxy's concurrent_requests), the bytes of a push, and how long a client may
 * take to send it.
 */
import { chmod, chown, lstat, readFile, unlink } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parseHostPort } from '../../config/address.js';
import { formatDuration } from '../../config/duration.js';
import type { RelayConfig } from './config.js';
import { formatBytes } from './config.js';

export type Transport = 'tcp' | 'unix' | 'http';
export type WireFormat = 'json' | 'capnp' | 'text' | 'protobuf';

/** One received push, for the ingester. */
export interface Push {
  readonly transport: Transport;
  readonly format: WireFormat;
  readonly body: Buffer;
  /** `/apps`' Source column. */
  readonly source: string;
  /** Whether an `AUTH <token>` line carried the right token (JSON may carry it instead). */
  readonly authenticated: boolean;
}

/** Applies a push; returns the rejection reason, or undefined when accepted. */
export type Ingest = (push: Push) => string | undefined;
/** Counts a push that never reached the ingester (too big, too slow, too many connections). */
export type CountFailure = (transport: Transport, format: WireFormat | 'unknown', result: string, bytes: number) => void;

type ReceiverConfig = RelayConfig['receiver'];

/** An AUTH line may precede the push; it is not counted against max_push_bytes. */
const MAX_AUTH_LINE = 1024;

export class PushListener {
  private readonly _server: Server;
  private readonly _sockets = new Set<Socket>();
  private _active = 0;
  private _address = '';

  constructor(
    private readonly _transport: 'tcp' | 'unix',
    private readonly _config: ReceiverConfig,
    private readonly _ingest: Ingest,
    private readonly _countFailure: CountFailure,
    private readonly _onError: (error: unknown) => void = () => undefined,
  ) {
    // Half-open: the client's EOF ends the push, and the acknowledgement still goes back.
    this._server = createServer({ allowHalfOpen: true }, (socket) => this._onConnection(socket));
    this._server.on('error', () => {});
  }

  /** Where it listens: `host:port` (the real port when 0 was asked) or the socket path. */
  get address(): string {
    return this._address;
  }

  async listen(): Promise<void> {
    if (this._transport === 'tcp') {
      const parsed = parseHostPort(this._config.receiverTcpSocket, { allowZeroPort: true });
      const host = parsed?.host ?? '127.0.0.1';
      await this._bind({ host, port: parsed?.port ?? 6554 }, `relay.receiver.receiver_tcp_socket ${this._config.receiverTcpSocket}`);
      const address = this._server.address();
      this._address = typeof address === 'object' && address !== null ? `${host.includes(':') ? `[${host}]` : host}:${address.port}` : '';
      return;
    }
    const path = socketPath(this._config.receiverUnixSocket);
    await removeStaleSocket(path);
    await this._bind({ path }, `relay.receiver.receiver_unix_socket ${path}`);
    this._address = path;
    try {
      await chmod(path, this._config.unixSocketMode);
      const uid = await resolveId(this._config.unixSocketUser, 'current_user', '/etc/passwd', process.getuid?.() ?? -1);
      const gid = await resolveId(this._config.unixSocketGroup, 'current_group', '/etc/group', process.getgid?.() ?? -1);
      if (uid !== (process.getuid?.() ?? -1) || gid !== (process.getgid?.() ?? -1)) await chown(path, uid, gid);
    } catch (error) {
      await this.close();
      throw new Error(`relay.receiver: cannot set owner or mode of ${path}: ${(error as Error).message}`);
    }
  }

  private _bind(options: { host: string; port: number } | { path: string }, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => reject(new Error(`cannot listen on ${what} (${error.code ?? error.message})`));
      this._server.once('error', onError);
      this._server.listen(options, () => {
        this._server.off('error', onError);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this._server.close(() => resolve()));
    for (const socket of this._sockets) socket.destroy();
    await closed;
    if (this._transport === 'unix' && this._address !== '') await removeStaleSocket(this._address).catch(() => undefined);
  }

  private _onConnection(socket: Socket): void {
    socket.on('error', () => {});
    if (this._active >= this._config.concurrentRequests) {
      this._countFailure(this._transport, 'unknown', 'busy', 0);
      finish(socket, `too many concurrent connections (concurrent_requests ${this._config.concurrentRequests})`);
      return;
    }
    this._active += 1;
    this._sockets.add(socket);
    socket.once('close', () => {
      this._active -= 1;
      this._sockets.delete(socket);
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const limit = this._config.maxPushBytes + MAX_AUTH_LINE;
    socket.setTimeout(this._config.readTimeoutMillis, () => {
      if (done) return;
      done = true;
      this._countFailure(this._transport, 'unknown', 'timeout', size);
      finish(socket, `no end of push within read_timeout (${formatDuration(this._config.readTimeoutMillis)}); half-close the connection after writing`);
    });
    socket.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        this._countFailure(this._transport, 'unknown', 'too_large', size);
        finish(socket, `push larger than max_push_bytes (${formatBytes(this._config.maxPushBytes)})`);
        return;
      }
      chunks.push(chunk);
    });
    socket.on('end', () => {
      if (done) return;
      done = true;
      socket.setTimeout(0);
      let outcome: string | undefined;
      try {
        outcome = this._receive(Buffer.concat(chunks, size));
      } catch (error) {
        // A bug must cost one push, not the process: the pusher learns it failed.
        this._onError(error);
        outcome = 'internal error; the push was not applied';
      }
      finish(socket, outcome);
    });
  }

  private _receive(data: Buffer): string | undefined {
    let body = data;
    let authenticated = false;
    if (body.subarray(0, 5).toString('latin1') === 'AUTH ') {
      const newline = body.indexOf(0x0a);
      if (newline < 0 || newline > MAX_AUTH_LINE) {
        this._countFailure(this._transport, 'unknown', 'malformed', data.length);
        return 'AUTH line without its end';
      }
      const token = body.subarray(5, newline).toString('utf8').replace(/\r$/, '');
      authenticated = this._config.token !== '' && sameToken(token, this._config.token);
      if (this._transport === 'tcp' && this._config.token !== '' && !authenticated) {
        this._countFailure(this._transport, 'unknown', 'unauthorized', data.length);
        return 'wrong token';
      }
      body = body.subarray(newline + 1);
    }
    if (body.length > this._config.maxPushBytes) {
      this._countFailure(this._transport, 'unknown', 'too_large', data.length);
      return `push larger than max_push_bytes (${formatBytes(this._config.maxPushBytes)})`;
    }
    const format = sniff(body, this._config.format);
    if (typeof format !== 'string') {
      this._countFailure(this._transport, 'unknown', 'malformed', data.length);
      return format.error;
    }
    // The Unix socket relies on its mode and group; only TCP checks the token.
    const trusted = this._transport === 'unix' || this._config.token === '' || authenticated;
    return this._ingest({ transport: this._transport, format, body, source: this._address, authenticated: trusted });
  }
}

/**
 * The socket path, with a trailing run of `XXXXXX` in its file name replaced by random characters
 * (mktemp's template), so a demo or test gets its own socket and never deletes another's.
 */
export function socketPath(configured: string): string {
  return configured.replace(/X{6,}(?=[^/]*$)/, (run) => randomBytes(run.length).toString('base64url').slice(0, run.length).replace(/[-_]/g, '0'));
}

/** The format of a push: JSON starts with `{` (after white space), anything else is Cap'n Proto framing. */
function sniff(body: Buffer, configured: RelayConfig['receiver']['format']): WireFormat | { error: string } {
  let first = 0;
  while (first < body.length && (body[first] === 0x20 || body[first] === 0x0a || body[first] === 0x0d || body[first] === 0x09)) first += 1;
  if (first >= body.length) return { error: 'empty push' };
  const json = body[first] === 0x7b;
  if (configured === 'json') return json ? 'json' : { error: 'expected a JSON object (receiver.format is json)' };
  if (configured === 'capnp') return 'capnp';
  return json ? 'json' : 'capnp';
}

export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function finish(socket: Socket, error: string | undefined): void {
  const ack = error === undefined ? { ok: true } : { ok: false, error };
  socket.end(`${JSON.stringify(ack)}\n`);
  // A client that keeps sending after a rejection is cut once the ack is out.
  socket.once('finish', () => socket.destroySoon());
}

/** Deletes an old socket file, as exporter-proxy does, but never a file that is not a socket. */
async function removeStaleSocket(path: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch {
    return;
  }
  if (!stats.isSocket()) throw new Error(`relay.receiver.receiver_unix_socket: ${path} exists and is not a socket`);
  await unlink(path);
}

/** A user or group: `current_user`/`current_group`, a number, or a name from /etc/passwd or /etc/group. */
async function resolveId(name: string, current: string, file: string, own: number): Promise<number> {
  if (name === current) return own;
  if (/^\d+$/.test(name)) return Number(name);
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  throw new Error(`no such ${file === '/etc/passwd' ? 'user' : 'group'} ${JSON.stringify(name)}`);
}
