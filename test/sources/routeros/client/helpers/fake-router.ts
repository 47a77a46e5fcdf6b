/**
 * A scripted fake RouterOS API server for client tests (go-routeros `proto_test.go` style):
 * the test reads the exact sentences the client sent and writes the exact replies it wants,
 * over a real loopback socket (TCP or TLS).
 */
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TlsOptions } from 'node:tls';
import { encodeSentence, SentenceDecoder } from '../../../../../src/sources/routeros/protocol/codec.js';
import { RouterOsClient } from '../../../../../src/sources/routeros/client/client.js';
import type { RouterOsClientOptions } from '../../../../../src/sources/routeros/client/client.js';

/** Options of {@link FakeRouter.start}. */
export interface FakeRouterOptions {
  /** Serve TLS with these options instead of plain TCP. */
  tls?: TlsOptions;
}

/** Resolves with the next value pushed, or rejects after a timeout (so a broken test fails, never hangs). */
class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(what: string, timeoutMillis: number): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const waiter = (value: T): void => {
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`fake router: no ${what} within ${timeoutMillis} ms`));
      }, timeoutMillis);
      this.waiters.push(waiter);
    });
  }

  get size(): number {
    return this.items.length;
  }
}

/** The `.tag=` value of a sentence, if any. */
export function tagOf(sentence: readonly string[]): string | undefined {
  const word = sentence.find((item) => item.startsWith('.tag='));
  return word?.slice('.tag='.length);
}

/** One accepted client connection, seen from the router side. */
export class FakeConnection {
  /** Every sentence the client sent, in order. */
  readonly received: string[][] = [];
  /** Settles when the socket closed. */
  readonly closed: Promise<void>;
  private readonly inbox = new Inbox<string[]>();
  private readonly decoder = new SentenceDecoder();

  constructor(readonly socket: Socket) {
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      let sentences: string[][];
      try {
        sentences = this.decoder.push(chunk);
      } catch {
        // Not the API: a TLS ClientHello sent to this plain-TCP fake decodes as random length
        // prefixes, now and then a control byte. Stay silent, like a router that never answers;
        // throwing here escaped as an uncaught exception and failed unrelated tests at random.
        return;
      }
      for (const sentence of sentences) {
        this.received.push(sentence);
        this.inbox.push(sentence);
      }
    });
  }

  /** The next sentence from the client. */
  read(timeoutMillis = 5_000): Promise<string[]> {
    return this.inbox.next('sentence from the client', timeoutMillis);
  }

  /** Sentences received and not yet read. */
  get unread(): number {
    return this.inbox.size;
  }

  /** Reads the next sentence and checks its command word. */
  async expect(command: string, timeoutMillis = 5_000): Promise<string[]> {
    const sentence = await this.read(timeoutMillis);
    if (sentence[0] !== command) {
      throw new Error(`fake router: expected ${command}, got ${JSON.stringify(sentence)}`);
    }
    return sentence;
  }

  /** Writes sentences verbatim. */
  send(...sentences: readonly (readonly string[])[]): void {
    if (this.socket.destroyed) return;
    for (const sentence of sentences) this.socket.write(encodeSentence(sentence));
  }

  /** Writes replies to `request`, each with the request's `.tag=` appended (when it had one). */
  reply(request: readonly string[], ...replies: readonly (readonly string[])[]): void {
    const tag = tagOf(request);
    this.send(...replies.map((words) => (tag === undefined ? words : [...words, `.tag=${tag}`])));
  }

  /** Writes raw bytes (garbage, half sentences). */
  writeRaw(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Reads a `/login` and accepts it. */
  async acceptLogin(): Promise<string[]> {
    const request = await this.expect('/login');
    this.reply(request, ['!done']);
    return request;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A loopback server on an ephemeral port that hands each connection to the test. */
export class FakeRouter {
  readonly connections: FakeConnection[] = [];
  private readonly rawSockets = new Set<Socket>();
  private readonly accepted = new Inbox<FakeConnection>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(options: FakeRouterOptions = {}): Promise<FakeRouter> {
    const server: Server = options.tls ? createTlsServer(options.tls) : createTcpServer();
    server.on('error', () => {});
    // Handshake failures are the point of some tests; without a listener they would only be noise.
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const router = new FakeRouter(server, (server.address() as AddressInfo).port);
    server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      const connection = new FakeConnection(socket);
      router.connections.push(connection);
      router.accepted.push(connection);
    });
    // Raw TCP sockets of a TLS server that never finish a handshake must be closable too.
    server.on('connection', (socket: Socket) => {
      router.rawSockets.add(socket);
      socket.once('close', () => router.rawSockets.delete(socket));
    });
    return router;
  }

  /** The next accepted connection (after the TLS handshake for TLS servers). */
  nextConnection(timeoutMillis = 5_000): Promise<FakeConnection> {
    return this.accepted.next('connection', timeoutMillis);
  }

  /** Client options pointing at this server; override anything. */
  clientOptions(overrides: Partial<RouterOsClientOptions> = {}): RouterOsClientOptions {
    return { host: '127.0.0.1', port: this.port, username: 'admin', password: 'secret', ...overrides };
  }

  /** Connects a client and accepts its plaintext login. */
  async connectClient(overrides: Partial<RouterOsClientOptions> = {}): Promise<{ client: RouterOsClient; connection: FakeConnection }> {
    const pending = RouterOsClient.connect(this.clientOptions(overrides));
    const connection = await this.nextConnection();
    await connection.acceptLogin();
    return { client: await pending, connection };
  }

  /** Destroys every connection and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.rawSockets) socket.destroy();
    for (const connection of this.connections) connection.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Collects things to close after each test, in reverse order. */
export class Cleanup {
  private readonly tasks: (() => Promise<unknown> | unknown)[] = [];

  add<T extends { close(): Promise<unknown> | unknown }>(item: T): T {
    this.tasks.push(() => item.close());
    return item;
  }

  async run(): Promise<void> {
    for (const task of this.tasks.splice(0).reverse()) await task();
  }
}
