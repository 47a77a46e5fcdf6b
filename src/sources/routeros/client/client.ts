/**
 * The production RouterOS API client: one persistent connection, many tagged commands in flight,
 * per-command deadlines and AbortSignals (with `/cancel`), typed errors, and idle-connection probing.
 * Spec: the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API)
 *
 * Guarantees: no 'error' event and no promise rejection escapes on its own — failures only reach
 * the promises callers hold; `closed` never rejects; the password never appears in an error.
 */
import type { Socket } from 'node:net';
import type { CommandOptions, PrintOptions, RouterApi, Row } from './api.js';
import { ConnectionLostError, FatalError, ProtocolError, ReplyTooLargeError, RouterOsError, TimeoutError, TrapError } from './errors.js';
import { login } from './login.js';
import { DEFAULT_MAX_WORD_BYTES, encodeSentence } from '../protocol/codec.js';
import { describeWord, fatalReasonOf, ReplyDecoder, trapErrorOf } from '../protocol/reply.js';
import type { Reply } from '../protocol/reply.js';
import { openTransport, validateTlsOptions } from './transport.js';
import type { RouterOsTlsOptions } from './transport.js';

export type { RouterOsTlsOptions, TlsMode } from './transport.js';
export { TlsVerificationError } from './transport.js';

/** Options of {@link RouterOsClient.connect}. */
export interface RouterOsClientOptions {
  host: string;
  /** 8728 for `api`, 8729 for `api-ssl`. */
  port: number;
  username: string;
  password: string;
  /** TLS (api-ssl) settings; absent = plain TCP. */
  tls?: RouterOsTlsOptions;
  /** Deadline of TCP connect + TLS handshake + login together. @default 10_000 */
  connectTimeoutMillis?: number;
  /** Deadline of each command unless the command overrides it; `Infinity` disables it. @default 10_000 */
  commandTimeoutMillis?: number;
  /** After this long without received bytes, send a cheap probe command; no answer → close. 0 disables. @default 30_000 */
  idleProbeMillis?: number;
  /** Largest accepted reply word. @default 16 MiB */
  maxWordBytes?: number;
  /**
   * Largest reply one command may collect (its rows' keys and values plus a fixed overhead per
   * property). Past it the command is cancelled with ReplyTooLargeError; the connection stays open.
   * @default 64 MiB
   */
  maxReplyBytes?: number;
  /** Aborts connect and login (rejects with TimeoutError). */
  signal?: AbortSignal;
}

/** Result of a low-level command: the `!re` rows and the `!done` attributes (`ret` for count-only and add). */
export interface CommandResult {
  rows: Row[];
  done: Row;
}

/** The probe sent on idle connections: tiny reply, needs only the `read` policy. */
export const IDLE_PROBE_COMMAND: readonly string[] = ['/system/identity/print', '=.proplist=name'];

/** Node turns longer timer delays into 1 ms (with a warning); treat them as "no deadline". */
const MAX_TIMER_MILLIS = 2_147_483_647;

/** Default of {@link RouterOsClientOptions.maxReplyBytes}. */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** What one property costs beyond its characters (strings, object slot), for the reply budget. */
const PROPERTY_OVERHEAD_BYTES = 48;

/** How long close() waits for `/quit` to flush before destroying the socket. */
const CLOSE_GRACE_MILLIS = 1_000;

interface Settings {
  host: string;
  port: number;
  endpoint: string;
  commandTimeoutMillis: number;
  idleProbeMillis: number;
  maxWordBytes: number;
  maxReplyBytes: number;
}

interface PendingCommand {
  command: string;
  rows: Row[];
  /** Approximate memory held by `rows`, against maxReplyBytes. */
  bytes: number;
  resolve(result: CommandResult): void;
  reject(error: Error): void;
  /** Clears the deadline timer and the abort listener. */
  dispose(): void;
}

/** Sentinel for "the connection has not ended yet" (undefined is a valid end cause: close()). */
const OPEN = Symbol('open');

/**
 * A logged-in RouterOS API connection. Create it with {@link RouterOsClient.connect}; it never
 * reconnects by itself (the session layer decides when to open a new one).
 *
 * Unknown reply words (`!xyz`) and replies with an unknown or missing tag are ignored, for
 * forward compatibility (RouterOS 7.18 added `!empty`, which broke strict clients). A sentence
 * that does not start with `!` is a protocol violation and closes the connection.
 */
export class RouterOsClient implements RouterApi {
  /** Settles (never rejects) when the connection has ended; the value is the cause, undefined after close(). */
  readonly closed: Promise<Error | undefined>;

  private readonly pending = new Map<string, PendingCommand>();
  private readonly decoder: ReplyDecoder;
  private nextTag = 1;
  private endCause: Error | undefined | typeof OPEN = OPEN;
  private resolveClosed!: (cause: Error | undefined) => void;
  private lastReceivedAt = Date.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private ignored = 0;
  private received = 0;
  /** True while sends are held in the socket's cork until the current tick ends. */
  private corked = false;

  private constructor(
    private readonly socket: Socket,
    private readonly settings: Settings,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.decoder = new ReplyDecoder({ maxWordBytes: settings.maxWordBytes });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => {
      this.end(new ConnectionLostError(`connection to ${settings.endpoint} failed: ${errorText(error)}`, { cause: error }));
    });
    socket.on('close', () => {
      this.end(new ConnectionLostError(`connection to ${settings.endpoint} closed by the peer`));
      this.resolveClosed(this.endCause === OPEN ? undefined : this.endCause);
    });
  }

  /**
   * Connects (TCP or TLS), logs in (plaintext, falling back to the MD5 challenge when the router
   * answers with `=ret=`) and starts idle probing. Rejects with AuthenticationError,
   * TimeoutError (deadline or abort), ConnectionLostError / TlsVerificationError, ProtocolError,
   * FatalError, or TypeError for invalid options.
   */
  static async connect(options: RouterOsClientOptions): Promise<RouterOsClient> {
    const settings = resolveSettings(options);
    const connectTimeoutMillis = options.connectTimeoutMillis ?? 10_000;
    const { signal } = options;
    if (signal?.aborted) {
      throw new TimeoutError(`connecting to ${settings.endpoint} was aborted`, { cause: signal.reason });
    }
    const phase = new AbortController();
    const timer = setTimeout(() => {
      phase.abort(new TimeoutError(`connecting to ${settings.endpoint} timed out after ${connectTimeoutMillis} ms`));
    }, connectTimeoutMillis);
    const onAbort = (): void => {
      phase.abort(new TimeoutError(`connecting to ${settings.endpoint} was aborted`, { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const socket = await openTransport({
        host: settings.host,
        port: settings.port,
        tls: options.tls,
        signal: phase.signal,
        keepAliveMillis: settings.idleProbeMillis > 0 ? settings.idleProbeMillis : 30_000,
      });
      const client = new RouterOsClient(socket, settings);
      try {
        await login(client, options, { signal: phase.signal, timeoutMillis: Infinity });
      } catch (error) {
        const failure = phase.signal.aborted && error instanceof TimeoutError ? (phase.signal.reason as Error) : asError(error);
        client.end(failure);
        throw failure;
      }
      client.scheduleIdleCheck(settings.idleProbeMillis);
      return client;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** True until the connection ends (close(), peer close, `!fatal`, protocol error, failed probe). */
  get isOpen(): boolean {
    return this.endCause === OPEN;
  }

  /** `host:port` of the router, for messages and logs. */
  get endpoint(): string {
    return this.settings.endpoint;
  }

  /** Commands sent and not yet answered. */
  get pendingCommands(): number {
    return this.pending.size;
  }

  /** Reply sentences received since login, of every kind: whether the router still answers at all. */
  get repliesReceived(): number {
    return this.received;
  }

  /** Reply sentences dropped because they were untagged, for an unknown tag, or of an unknown kind. */
  get ignoredReplies(): number {
    return this.ignored;
  }

  /**
   * `<path>/print` with `=.proplist=`, the `?query` words in order, and extra `=key=value` attributes.
   * Resolves with the `!re` rows (none for `!empty`).
   */
  async print(path: string, options: PrintOptions = {}): Promise<Row[]> {
    if (options.countOnly === true) {
      const { proplist: _ignored, ...rest } = options;
      return [{ ret: String(await this.count(path, rest)) }];
    }
    const words = [`${menuPath(path)}/print`, ...printWords(options)];
    return (await this.command(words, options)).rows;
  }

  /** `<path>/print =count-only=`: the `ret` of `!done` as a number. ProtocolError when it is not an integer. */
  async count(path: string, options: Omit<PrintOptions, 'proplist'> = {}): Promise<number> {
    const command = `${menuPath(path)}/print`;
    const { done } = await this.command([command, '=count-only=', ...printWords(options)], options);
    const ret = done['ret'];
    if (ret === undefined || !/^\d+$/.test(ret)) {
      throw new ProtocolError(
        `${command} =count-only= on ${this.endpoint} returned ${ret === undefined ? 'no ret' : `ret=${describeWord(ret)}`}, expected an integer`,
      );
    }
    return Number(ret);
  }

  /** Any command with `=key=value` attributes (plus proplist/query/attributes from options): the `!re` rows. */
  async execute(command: string, attributes: Readonly<Record<string, string>> = {}, options: PrintOptions = {}): Promise<Row[]> {
    const words = [menuPath(command), ...attributeWords(attributes), ...printWords(options)];
    return (await this.command(words, options)).rows;
  }

  /**
   * Low level: sends `words` with a fresh `.tag=` and resolves with the `!re` rows and the `!done`
   * attributes. Rejects with TrapError on `!trap` (its `!done` is swallowed), TimeoutError on the
   * deadline or abort (after sending `/cancel =tag=`), FatalError, ProtocolError or ConnectionLostError
   * when the connection ends, and TypeError for invalid words or options.
   */
  command(words: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      validateWords(words);
      const timeoutMillis = options.timeoutMillis ?? this.settings.commandTimeoutMillis;
      checkTimeout('timeoutMillis', timeoutMillis, true);
      const command = words[0]!;
      if (this.endCause !== OPEN) {
        reject(new ConnectionLostError(`cannot send ${command}: connection to ${this.endpoint} is closed`, { cause: this.endCause }));
        return;
      }
      const { signal } = options;
      if (signal?.aborted) {
        reject(new TimeoutError(`${command} on ${this.endpoint} was aborted`, { cause: signal.reason }));
        return;
      }
      const tag = String(this.nextTag++);
      const onAbort = (): void => {
        this.cancel(tag, new TimeoutError(`${command} on ${this.endpoint} was aborted`, { cause: signal?.reason }));
      };
      const timer =
        timeoutMillis <= MAX_TIMER_MILLIS
          ? setTimeout(() => {
              this.cancel(tag, new TimeoutError(`${command} on ${this.endpoint} timed out after ${timeoutMillis} ms`));
            }, timeoutMillis)
          : undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(tag, {
        command,
        rows: [],
        bytes: 0,
        resolve,
        reject,
        dispose: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      });
      this.send([...words, `.tag=${tag}`]);
    });
  }

  /**
   * Ends the connection: rejects in-flight commands with ConnectionLostError, sends `/quit`
   * best-effort and destroys the socket. Idempotent; resolves once the socket is closed.
   */
  async close(): Promise<void> {
    if (this.endCause === OPEN) {
      this.end(undefined, { quit: true });
    }
    await this.closed;
  }

  /**
   * Writes one sentence. Sentences sent in the same tick (a poll cycle starts every collector at
   * once) are corked and leave in one write: a syscall per command was the largest single cost of
   * a cycle. The cork is released at the end of the tick, so nothing waits for a timer.
   */
  private send(words: readonly string[]): void {
    if (this.endCause !== OPEN || this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(encodeSentence(words));
  }

  /** Abandons a command: `/cancel` goes out, late replies for its tag are ignored. */
  private cancel(tag: string, error: Error): void {
    const pending = this.pending.get(tag);
    if (!pending) return;
    this.pending.delete(tag);
    pending.dispose();
    // Untagged on purpose: its `!done` (or a trap if the command just finished) is then ignored.
    this.send(['/cancel', `=tag=${tag}`]);
    pending.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.lastReceivedAt = Date.now();
    if (this.endCause !== OPEN) return;
    let replies: (Reply | ProtocolError)[];
    try {
      replies = this.decoder.push(chunk);
    } catch (error) {
      this.end(this.protocolError(error));
      return;
    }
    for (const reply of replies) {
      if (this.endCause !== OPEN) return;
      try {
        if (reply instanceof ProtocolError) throw reply;
        this.onReply(reply);
      } catch (error) {
        this.end(this.protocolError(error));
      }
    }
  }

  private onReply(reply: Reply): void {
    this.received++;
    if (reply.kind === 'fatal') {
      // `!fatal` is untagged and ends the whole connection.
      this.end(new FatalError(fatalReasonOf(reply)));
      return;
    }
    const pending = reply.tag === undefined ? undefined : this.pending.get(reply.tag);
    if (!pending || reply.tag === undefined) {
      this.ignored++;
      return;
    }
    switch (reply.kind) {
      case 're': {
        pending.bytes += rowBytes(reply.attributes);
        if (pending.bytes > this.settings.maxReplyBytes) {
          this.cancel(
            reply.tag,
            new ReplyTooLargeError(
              `${pending.command} on ${this.endpoint}: reply exceeds ${this.settings.maxReplyBytes} bytes after ${pending.rows.length} rows`,
            ),
          );
          return;
        }
        pending.rows.push(reply.attributes);
        return;
      }
      case 'empty':
        // RouterOS ≥ 7.18: no rows; the `!done` still follows.
        return;
      case 'trap':
        // Reject now; the `!done` that follows finds no pending command and is dropped.
        this.settle(reply.tag, pending);
        pending.reject(trapErrorOf(reply));
        return;
      case 'done':
        this.settle(reply.tag, pending);
        pending.resolve({ rows: pending.rows, done: reply.attributes });
        return;
      case 'unknown':
        this.ignored++;
        return;
    }
  }

  private settle(tag: string, pending: PendingCommand): void {
    this.pending.delete(tag);
    pending.dispose();
  }

  private protocolError(error: unknown): ProtocolError {
    const text = error instanceof Error ? error.message : String(error);
    return new ProtocolError(`protocol error from ${this.endpoint}: ${text}`, { cause: error });
  }

  /**
   * The single place where the connection ends. `cause` undefined means close() by the caller.
   * In-flight commands are rejected with the cause (ConnectionLostError for close()).
   */
  private end(cause: Error | undefined, options: { quit?: boolean } = {}): void {
    if (this.endCause !== OPEN) return;
    const quit = options.quit === true && !this.socket.destroyed && this.socket.writable;
    this.endCause = cause;
    clearTimeout(this.idleTimer);
    const failure = cause ?? new ConnectionLostError(`connection to ${this.endpoint} closed by the client`);
    const commands = [...this.pending.values()];
    this.pending.clear();
    for (const pending of commands) {
      pending.dispose();
      pending.reject(failure);
    }
    if (quit) {
      const grace = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MILLIS);
      grace.unref();
      this.socket.once('close', () => clearTimeout(grace));
      this.socket.end(encodeSentence(['/quit']), () => this.socket.destroy());
    } else {
      this.socket.destroy();
    }
  }

  private scheduleIdleCheck(delayMillis: number): void {
    if (this.settings.idleProbeMillis <= 0 || this.endCause !== OPEN) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.onIdleCheck(), Math.max(1, delayMillis));
    // Probing must not keep an otherwise finished process alive.
    this.idleTimer.unref();
  }

  private onIdleCheck(): void {
    if (this.endCause !== OPEN || this.probing) return;
    const idleMillis = Date.now() - this.lastReceivedAt;
    if (idleMillis < this.settings.idleProbeMillis) {
      this.scheduleIdleCheck(this.settings.idleProbeMillis - idleMillis);
      return;
    }
    this.probing = true;
    const timeoutMillis = Number.isFinite(this.settings.commandTimeoutMillis)
      ? this.settings.commandTimeoutMillis
      : this.settings.idleProbeMillis;
    this.command(IDLE_PROBE_COMMAND, { timeoutMillis })
      .catch((error: unknown) => {
        // A trap is still an answer: the peer is alive (perhaps without the read policy).
        if (error instanceof TrapError || this.endCause !== OPEN) return;
        this.end(
          new ConnectionLostError(`${this.endpoint} did not answer the idle probe within ${timeoutMillis} ms`, { cause: error }),
        );
      })
      .finally(() => {
        this.probing = false;
        this.scheduleIdleCheck(this.settings.idleProbeMillis);
      })
      .catch(() => {});
  }
}

function resolveSettings(options: RouterOsClientOptions): Settings {
  if (typeof options !== 'object' || options === null) throw new TypeError('RouterOS client options are required');
  const { host, port, username, password } = options;
  if (typeof host !== 'string' || host.trim() === '') throw new TypeError('host must be a non-empty string');
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new TypeError(`port must be an integer from 1 to 65535; got ${String(port)}`);
  }
  if (typeof username !== 'string' || username === '') throw new TypeError('username must be a non-empty string');
  // Never echo the value: it is the password.
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  if (options.tls !== undefined) validateTlsOptions(options.tls);
  const connectTimeoutMillis = options.connectTimeoutMillis ?? 10_000;
  checkTimeout('connectTimeoutMillis', connectTimeoutMillis, false);
  const commandTimeoutMillis = options.commandTimeoutMillis ?? 10_000;
  checkTimeout('commandTimeoutMillis', commandTimeoutMillis, true);
  const idleProbeMillis = options.idleProbeMillis ?? 30_000;
  if (!Number.isFinite(idleProbeMillis) || idleProbeMillis < 0) {
    throw new TypeError(`idleProbeMillis must be a finite number ≥ 0 (0 disables probing); got ${String(idleProbeMillis)}`);
  }
  const maxWordBytes = options.maxWordBytes ?? DEFAULT_MAX_WORD_BYTES;
  if (!Number.isInteger(maxWordBytes) || maxWordBytes < 1) {
    throw new TypeError(`maxWordBytes must be a positive integer; got ${String(maxWordBytes)}`);
  }
  const maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  if (!Number.isInteger(maxReplyBytes) || maxReplyBytes < 1) {
    throw new TypeError(`maxReplyBytes must be a positive integer; got ${String(maxReplyBytes)}`);
  }
  const endpoint = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { host, port, endpoint, commandTimeoutMillis, idleProbeMillis, maxWordBytes, maxReplyBytes };
}

function rowBytes(row: Row): number {
  let bytes = 0;
  for (const key in row) bytes += key.length + (row[key]?.length ?? 0) + PROPERTY_OVERHEAD_BYTES;
  return bytes;
}

function checkTimeout(field: string, value: number, infiniteAllowed: boolean): void {
  const ok = typeof value === 'number' && value > 0 && (Number.isFinite(value) || (infiniteAllowed && value === Infinity));
  if (!ok) {
    throw new TypeError(`${field} must be a positive number${infiniteAllowed ? ' or Infinity' : ''}; got ${String(value)}`);
  }
}

/**
 * Empty words would end the sentence early and smuggle the rest in as a second command;
 * a caller's `.tag=` would break reply routing.
 */
function validateWords(words: readonly string[]): void {
  if (!Array.isArray(words) || words.length === 0) throw new TypeError('a command needs at least one word');
  const command = words[0];
  if (typeof command !== 'string' || !command.startsWith('/')) {
    throw new TypeError(`the first word must be a command starting with "/"; got ${describeWord(String(command))}`);
  }
  for (const word of words) {
    if (typeof word !== 'string' || word === '') throw new TypeError(`${command}: words must be non-empty strings`);
    if (word.startsWith('.tag=')) throw new TypeError(`${command}: .tag is set by the client`);
  }
}

const NORMAL_MENU_PATH = /^\/\S*[^\s/]$/;

/** `/ip address/` or `/ip/address` → `/ip/address`. */
function menuPath(path: string): string {
  if (typeof path !== 'string') throw new TypeError('path must be a string');
  // Already normal (what collectors send): starts with `/`, no whitespace, no trailing `/`.
  if (NORMAL_MENU_PATH.test(path)) return path;
  const normalized = path.trim().replace(/\s+/g, '/').replace(/\/+$/, '');
  if (!normalized.startsWith('/') || normalized.length < 2) {
    throw new TypeError(`path must be a menu or command starting with "/"; got ${describeWord(path)}`);
  }
  return normalized;
}

function attributeWords(attributes: Readonly<Record<string, string>> | undefined): string[] {
  if (!attributes) return [];
  return Object.entries(attributes).map(([key, value]) => {
    if (key === '' || key.includes('=')) throw new TypeError(`attribute name ${describeWord(key)} must be non-empty and contain no "="`);
    if (typeof value !== 'string') throw new TypeError(`attribute ${key} must be a string value`);
    return `=${key}=${value}`;
  });
}

function printWords(options: PrintOptions): string[] {
  const words: string[] = [];
  if (options.proplist !== undefined) {
    if (options.proplist.some((name) => name === '' || name.includes(','))) {
      throw new TypeError('proplist entries must be non-empty and contain no ","');
    }
    if (options.proplist.length > 0) words.push(`=.proplist=${options.proplist.join(',')}`);
  }
  for (const query of options.query ?? []) {
    if (typeof query !== 'string' || query === '') throw new TypeError('query words must be non-empty strings');
    words.push(`?${query}`);
  }
  words.push(...attributeWords(options.attributes));
  return words;
}

function errorText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new RouterOsError(String(error));
}
