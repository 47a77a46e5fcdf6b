/**
 * A deliberately dumb RouterOS API client for simulator tests: raw sockets plus the codec, no
 * retries, no interpretation. It records every byte and sentence so tests can assert the wire.
 */
import { createHash } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { encodeSentence, SentenceDecoder } from '../../../../../src/sources/routeros/protocol/codec.js';

export type Sentence = string[];

/** Options of {@link RawClient.connect}. */
export interface RawClientOptions {
  host?: string;
  /** TLS options; plain TCP when absent. */
  tls?: ConnectionOptions;
  /** Default wait for a reply. @default 2000 */
  timeoutMillis?: number;
}

interface Waiter {
  resolve(sentence: Sentence): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Raw connection to a simulated router. */
export class RawClient {
  /** Every byte received. */
  received = Buffer.alloc(0);
  /** The decoder's error, when the peer sent something that is not the API protocol. */
  protocolError: Error | undefined;
  /** True once the socket closed. */
  isClosed = false;
  /** Resolves when the socket closes. */
  readonly closed: Promise<void>;
  private readonly decoder = new SentenceDecoder();
  private readonly queue: Sentence[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly timeoutMillis: number;

  private constructor(readonly socket: Socket, timeoutMillis: number) {
    this.timeoutMillis = timeoutMillis;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.failWaiters(new Error('connection closed'));
        resolve();
      }),
    );
  }

  /** Connects (TCP or TLS) and resolves once connected (TLS: after the handshake). */
  static connect(port: number, options: RawClientOptions = {}): Promise<RawClient> {
    const host = options.host ?? '127.0.0.1';
    const timeoutMillis = options.timeoutMillis ?? 2000;
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? connectTls({ host, port, ...options.tls }, () => done())
        : connectTcp({ host, port }, () => done());
      const fail = (error: Error): void => reject(error);
      const done = (): void => {
        socket.off('error', fail);
        resolve(new RawClient(socket, timeoutMillis));
      };
      socket.once('error', fail);
    });
  }

  /** Sends one sentence. */
  send(...words: string[]): void {
    this.socket.write(encodeSentence(words));
  }

  /** Sends raw bytes. */
  sendBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next sentence; rejects on timeout, close or protocol error. */
  next(timeoutMillis = this.timeoutMillis): Promise<Sentence> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.protocolError) return Promise.reject(this.protocolError);
    if (this.isClosed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`no sentence within ${timeoutMillis} ms`));
        }, timeoutMillis),
      };
      this.waiters.push(waiter);
    });
  }

  /** Sentences up to and including the `!done` carrying `tag` (any `!done` when tag is undefined). */
  async untilDone(tag?: string, timeoutMillis = this.timeoutMillis): Promise<Sentence[]> {
    const sentences: Sentence[] = [];
    for (;;) {
      const sentence = await this.next(timeoutMillis);
      sentences.push(sentence);
      if (sentence[0] === '!done' && (tag === undefined || sentence.includes(`.tag=${tag}`))) return sentences;
      if (sentence[0] === '!fatal') return sentences;
    }
  }

  /** Sends a command and collects its reply up to `!done`. */
  async command(...words: string[]): Promise<Sentence[]> {
    this.send(...words);
    return this.untilDone();
  }

  /** Plaintext login; returns the reply. */
  login(username = 'admin', password = 'admin'): Promise<Sentence[]> {
    return this.command('/login', `=name=${username}`, `=password=${password}`);
  }

  /** Waits until nothing arrives for `quietMillis`; returns what arrived meanwhile. */
  async drain(quietMillis = 150): Promise<Sentence[]> {
    const sentences: Sentence[] = [];
    for (;;) {
      try {
        sentences.push(await this.next(quietMillis));
      } catch {
        return sentences;
      }
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    if (this.protocolError) return;
    let sentences: Sentence[];
    try {
      sentences = this.decoder.push(chunk);
    } catch (error) {
      this.protocolError = error as Error;
      this.failWaiters(this.protocolError);
      return;
    }
    for (const sentence of sentences) {
      const waiter = this.waiters.shift();
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.resolve(sentence);
      } else {
        this.queue.push(sentence);
      }
    }
  }

  private failWaiters(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}

/** Attributes of a `!re`/`!done` sentence as a record (`.tag` included). */
export function attributesOf(sentence: Sentence): Record<string, string> {
  const record: Record<string, string> = {};
  for (const word of sentence.slice(1)) {
    if (word.startsWith('=')) {
      const equals = word.indexOf('=', 1);
      record[word.slice(1, equals)] = word.slice(equals + 1);
    } else if (word.startsWith('.tag=')) {
      record['.tag'] = word.slice(5);
    }
  }
  return record;
}

/** The `!re` rows of a reply. */
export function rowsOf(reply: readonly Sentence[]): Record<string, string>[] {
  return reply.filter((sentence) => sentence[0] === '!re').map(attributesOf);
}

/** Independent MD5 challenge response for tests: `00` + hex(MD5(0x00 ‖ password ‖ challenge)). */
export function md5Response(password: string, challengeHex: string): string {
  const hash = createHash('md5');
  hash.update(Buffer.concat([Buffer.from([0]), Buffer.from(password), Buffer.from(challengeHex, 'hex')]));
  return `00${hash.digest('hex')}`;
}
