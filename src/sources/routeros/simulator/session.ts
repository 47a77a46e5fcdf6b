/**
 * One API connection to a simulated router: framing, login, tagged concurrent commands, print
 * with queries, monitors, `/cancel`, `/quit` and the fault modes. Whatever the peer sends, the worst
 * outcome is that this connection closes; nothing escapes to the process.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { encodeSentence, SentenceDecoder } from '../protocol/codec.js';
import type { MenuCatalogue } from './catalogue.js';
import type { Fault } from './faults.js';
import type { RouterModel } from './model.js';
import type { SimRow } from './profile.js';
import { matchesQuery, QuerySyntaxError } from './query.js';
import { parseDurationMillis, type VersionFeatures } from './version.js';
import { challengeResponse } from '../client/login.js';

/** Counters a router keeps across its connections. */
export interface SessionStats {
  logins: number;
  failedLogins: number;
  commands: number;
}

/** What a session needs from its router. */
export interface SessionHost {
  readonly model: RouterModel;
  readonly features: VersionFeatures;
  readonly catalogue: MenuCatalogue;
  readonly username: string;
  readonly password: string;
  readonly stats: SessionStats;
  /** False when the user lacks the policy `command` (`/interface/lte/info`) needs. */
  allows(command: string): boolean;
  /** The fault active right now. */
  fault(): Fault | undefined;
}

/** Largest word and sentence a client may send; RouterOS commands are small. */
const MAX_WORD_BYTES = 64 * 1024;
const MAX_SENTENCE_BYTES = 1024 * 1024;
/** Streams and delayed commands one connection may have at once; a flood beyond closes it. */
const MAX_IN_FLIGHT = 1_024;
/** Non-login sentences accepted before login; the next one is answered with `!fatal`. */
const MAX_SENTENCES_BEFORE_LOGIN = 8;
/** Output a client may leave unread before the simulator drops it (slow or absent reader). */
const MAX_UNREAD_BYTES = 8 * 1024 * 1024;
const DEFAULT_MONITOR_INTERVAL_MILLIS = 1_000;
const MIN_MONITOR_INTERVAL_MILLIS = 100;

/** One reply: sentences in order, each a list of words. */
type Reply = string[][];

/** A command sentence taken apart. */
interface Command {
  path: string;
  /** `=name=value` and API attributes other than `.tag` (`.proplist`). */
  attributes: Map<string, string>;
  /** Query words without their `?`, in order. */
  queries: string[];
  /** `.tag` value; undefined when absent or empty (replies then carry no tag). */
  tag: string | undefined;
}

/** What executing a command amounts to. */
type Plan =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'stream'; emit: () => Reply; intervalMillis: number }
  | { kind: 'fatal'; reason: string };

/** A command still running (stream or delayed reply) that `/cancel` can interrupt. */
interface Running {
  tag: string | undefined;
  stop(): void;
}

function parseCommand(words: readonly string[]): Command {
  const command: Command = { path: words[0] ?? '', attributes: new Map(), queries: [], tag: undefined };
  for (const word of words.slice(1)) {
    if (word.startsWith('=')) {
      const equals = word.indexOf('=', 1);
      if (equals < 0) command.attributes.set(word.slice(1), '');
      else command.attributes.set(word.slice(1, equals), word.slice(equals + 1));
    } else if (word.startsWith('.tag=')) {
      const tag = word.slice('.tag='.length);
      command.tag = tag === '' ? undefined : tag;
    } else if (word.startsWith('.')) {
      const equals = word.indexOf('=');
      if (equals < 0) command.attributes.set(word, '');
      else command.attributes.set(word.slice(0, equals), word.slice(equals + 1));
    } else if (word.startsWith('?')) {
      command.queries.push(word.slice(1));
    }
    // Other words carry no meaning for the API; RouterOS ignores them too.
  }
  return command;
}

function tagWords(tag: string | undefined): string[] {
  return tag === undefined ? [] : [`.tag=${tag}`];
}

function trap(tag: string | undefined, message: string, category?: number): Reply {
  const categoryWords = category === undefined ? [] : [`=category=${category}`];
  return [
    ['!trap', ...categoryWords, `=message=${message}`, ...tagWords(tag)],
    ['!done', ...tagWords(tag)],
  ];
}

function rowWords(row: SimRow, proplist: readonly string[] | undefined): string[] {
  if (!proplist) return Object.entries(row).map(([key, value]) => `=${key}=${value}`);
  const words: string[] = [];
  for (const key of proplist) {
    const value = row[key];
    if (value !== undefined) words.push(`=${key}=${value}`);
  }
  return words;
}

function proplistOf(command: Command): string[] | undefined {
  const value = command.attributes.get('.proplist');
  if (value === undefined) return undefined;
  return value.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/** Merges the replies of concurrent tagged commands sentence by sentence, as routers interleave them. */
function interleave(replies: readonly Reply[]): Reply {
  const merged: Reply = [];
  const longest = Math.max(...replies.map((reply) => reply.length));
  for (let index = 0; index < longest; index += 1) {
    for (const reply of replies) {
      const sentence = reply[index];
      if (sentence) merged.push(sentence);
    }
  }
  return merged;
}

/** The legacy (< 6.43) challenge response, computed as the client computes it. */
export { challengeResponse };

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** One client connection. */
export class ApiSession {
  private readonly socket: Socket;
  private readonly host: SessionHost;
  private readonly decoder = new SentenceDecoder({ maxWordBytes: MAX_WORD_BYTES, maxSentenceBytes: MAX_SENTENCE_BYTES });
  private readonly running = new Set<Running>();
  /** Deferred (latency) work not registered as a cancellable command: login, `/cancel`, `/quit`. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private pending: Reply[] = [];
  private loggedIn = false;
  private challenge: string | undefined;
  private sentencesBeforeLogin = 0;
  private closing = false;

  constructor(socket: Socket, host: SessionHost) {
    this.socket = socket;
    this.host = host;
    socket.setNoDelay(true);
    // Resets and aborted handshakes are the peer's business; 'close' follows and cleans up.
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.dispose());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.closing = true;
    this.dispose();
    this.socket.destroy();
  }

  private dispose(): void {
    this.closing = true;
    for (const entry of this.running) entry.stop();
    this.running.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending = [];
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    let sentences: string[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch {
      // Control bytes, oversized words: not the API protocol. Only this connection pays.
      this.destroy();
      return;
    }
    this.batch(() => {
      for (const words of sentences) {
        if (this.closing) return;
        this.handle(parseCommand(words));
      }
    });
  }

  /** Runs `work`, then writes the replies it left for interleaving. */
  private batch(work: () => void): void {
    try {
      work();
    } catch (error) {
      // A simulator bug must not take the process down; the client sees a failed connection.
      this.pending = [];
      this.destroy();
      process.emitWarning(`RouterOS simulator: connection dropped after an internal error: ${String(error)}`);
      return;
    }
    this.flushPending();
  }

  private handle(command: Command): void {
    const fault = this.host.fault();
    if (command.path !== '/login') this.host.stats.commands += 1;
    if (this.running.size + this.timers.size >= MAX_IN_FLIGHT) {
      this.destroy();
      return;
    }
    if (fault?.kind === 'hang-before-login') return;
    if (fault?.kind === 'latency' && fault.millis > 0) {
      this.defer(command, fault.millis);
      return;
    }
    this.dispatch(command);
  }

  /** Delays a command by the latency fault; ordinary commands stay cancellable meanwhile. */
  private defer(command: Command, millis: number): void {
    const special = command.path === '/login' || command.path === '/cancel' || command.path === '/quit';
    let entry: Running | undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (entry) this.running.delete(entry);
      if (!this.closing) this.batch(() => this.dispatch(command));
    }, millis);
    if (special || !this.loggedIn) {
      this.timers.add(timer);
    } else {
      entry = { tag: command.tag, stop: () => clearTimeout(timer) };
      this.running.add(entry);
    }
  }

  private dispatch(command: Command): void {
    if (command.path === '/login') {
      this.login(command);
      return;
    }
    if (command.path === '/quit') {
      this.fatal('session terminated on request');
      return;
    }
    if (!this.loggedIn) {
      this.sentencesBeforeLogin += 1;
      if (this.sentencesBeforeLogin > MAX_SENTENCES_BEFORE_LOGIN) this.fatal('too many commands before login');
      else this.send(trap(command.tag, 'not logged in'));
      return;
    }
    this.execute(command);
  }

  private login(command: Command): void {
    const features = this.host.features;
    const name = command.attributes.get('name');
    const password = command.attributes.get('password');
    const response = command.attributes.get('response');
    if (password !== undefined && features.plaintextLogin) {
      this.finishLogin(command, name === this.host.username && sameText(password, this.host.password));
      return;
    }
    if (response !== undefined && features.challengeLogin && this.challenge !== undefined) {
      const expected = challengeResponse(this.host.password, this.challenge);
      this.challenge = undefined;
      this.finishLogin(command, name === this.host.username && sameText(response.toLowerCase(), expected));
      return;
    }
    if (features.challengeLogin) {
      // Pre-6.43 routers answer any /login, even one with a password, with a fresh challenge.
      this.challenge = randomBytes(16).toString('hex');
      this.send([['!done', `=ret=${this.challenge}`, ...tagWords(command.tag)]]);
      return;
    }
    this.finishLogin(command, name === this.host.username && sameText(password ?? '', this.host.password));
  }

  private finishLogin(command: Command, credentialsMatch: boolean): void {
    const ok = credentialsMatch && this.host.fault()?.kind !== 'auth-failure';
    if (ok) {
      this.loggedIn = true;
      this.host.stats.logins += 1;
      this.send([['!done', ...tagWords(command.tag)]]);
    } else {
      this.host.stats.failedLogins += 1;
      this.send(trap(command.tag, this.host.features.badCredentialsMessage));
    }
  }

  private execute(command: Command): void {
    const fault = this.host.fault();
    switch (fault?.kind) {
      case 'hang-after-login':
        return;
      case 'fatal':
        this.fatal('session terminated by simulated fault');
        return;
      case 'garbage':
        this.writeRaw(Buffer.concat([Buffer.from([0xf8 + Math.floor(Math.random() * 8)]), randomBytes(63)]));
        return;
      case 'oversize-word':
        // The prefix announces 256 MiB; a client must reject it rather than wait for the bytes.
        this.writeRaw(Buffer.concat([Buffer.from([0xf0, 0x10, 0x00, 0x00, 0x00]), Buffer.from('!re'.repeat(20))]));
        return;
      default:
        break;
    }
    const plan = this.plan(command);
    if (fault?.kind === 'drop-mid-reply') {
      const reply = plan.kind === 'reply' ? plan.reply : plan.kind === 'stream' ? plan.emit() : [['!fatal', plan.reason]];
      this.dropMidReply(reply);
      return;
    }
    switch (plan.kind) {
      case 'fatal':
        this.fatal(plan.reason);
        return;
      case 'stream':
        this.startStream(command, plan.emit, plan.intervalMillis);
        return;
      case 'reply':
        if (command.tag !== undefined && command.path !== '/cancel') this.pending.push(plan.reply);
        else this.send(plan.reply);
    }
  }

  private plan(command: Command): Plan {
    const { path, tag } = command;
    if (path === '/cancel') return { kind: 'reply', reply: this.cancel(command) };
    const target = this.resolve(path);
    if (target.kind === 'error') return { kind: 'reply', reply: trap(tag, target.message, target.category) };
    if (!this.host.allows(path)) return { kind: 'reply', reply: trap(tag, 'not enough permissions (9)') };
    if (target.kind === 'print') return { kind: 'reply', reply: this.print(command, target.menu) };
    return this.monitor(command);
  }

  private resolve(
    path: string,
  ): { kind: 'print'; menu: string } | { kind: 'monitor' } | { kind: 'error'; message: string; category?: number } {
    const model = this.host.model;
    const unknown = (word: string) => ({ kind: 'error' as const, message: `no such command or directory (${word})`, category: 0 });
    if (!path.startsWith('/')) return unknown(path);
    const segments = path.split('/').filter((segment) => segment !== '');
    const verb = segments.at(-1);
    if (verb === undefined) return unknown('');
    if (model.hasMonitor(path)) return { kind: 'monitor' };
    const menu = `/${segments.slice(0, -1).join('/')}`;
    if (segments.length > 1 && model.hasMenu(menu)) {
      if (verb === 'print' || verb === 'getall') return { kind: 'print', menu };
      return unknown(verb);
    }
    const catalogue = this.host.catalogue;
    if (catalogue.isMenu(menu)) return { kind: 'error', message: 'no such command prefix' };
    let prefix = '';
    for (const segment of segments) {
      prefix += `/${segment}`;
      if (!catalogue.isPrefix(prefix) && !this.routerHasPrefix(prefix)) return unknown(segment);
    }
    return unknown(verb);
  }

  private routerHasPrefix(prefix: string): boolean {
    const model = this.host.model;
    return [...model.menuPaths(), ...model.monitorCommands()].some(
      (path) => path === prefix || path.startsWith(`${prefix}/`),
    );
  }

  private print(command: Command, menu: string): Reply {
    const { tag } = command;
    let rows: SimRow[];
    try {
      rows = (this.host.model.rows(menu) ?? []).filter((row) => matchesQuery(row, command.queries));
    } catch (error) {
      if (error instanceof QuerySyntaxError) return trap(tag, error.message, 1);
      throw error;
    }
    if (command.attributes.has('count-only')) return [['!done', `=ret=${rows.length}`, ...tagWords(tag)]];
    const proplist = proplistOf(command);
    const reply: Reply = rows.map((row) => ['!re', ...rowWords(row, proplist), ...tagWords(tag)]);
    if (reply.length === 0 && this.host.features.emptyReply) reply.push(['!empty', ...tagWords(tag)]);
    reply.push(['!done', ...tagWords(tag)]);
    return reply;
  }

  private monitor(command: Command): Plan {
    const { path, tag } = command;
    // v6 single-item commands (`/interface/lte/info`) take `number`.
    const numbers = command.attributes.get('numbers') ?? command.attributes.get('number');
    const items = (numbers ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
    if (items.length === 0) return { kind: 'reply', reply: trap(tag, 'missing value(s) of argument(s) numbers', 1) };
    const model = this.host.model;
    if (items.some((item) => model.monitorRow(path, item) === undefined)) {
      const message = path.startsWith('/interface/') ? 'input does not match any value of interface' : 'no such item';
      return { kind: 'reply', reply: trap(tag, message, 1) };
    }
    const proplist = proplistOf(command);
    const emit = (): Reply =>
      items.flatMap((item) => {
        // An item removed while a stream runs simply stops appearing.
        const row = model.monitorRow(path, item);
        return row ? [['!re', ...rowWords(row, proplist), ...tagWords(tag)]] : [];
      });
    if (command.attributes.has('once')) return { kind: 'reply', reply: [...emit(), ['!done', ...tagWords(tag)]] };
    const interval = command.attributes.get('interval');
    const parsed = interval === undefined ? undefined : (parseDurationMillis(interval) ?? parseSeconds(interval));
    const intervalMillis = Math.max(MIN_MONITOR_INTERVAL_MILLIS, parsed ?? DEFAULT_MONITOR_INTERVAL_MILLIS);
    return { kind: 'stream', emit, intervalMillis };
  }

  private startStream(command: Command, emit: () => Reply, intervalMillis: number): void {
    const timer = setInterval(() => {
      if (!this.closing) this.batch(() => this.send(emit()));
    }, intervalMillis);
    this.running.add({ tag: command.tag, stop: () => clearInterval(timer) });
    this.send(emit());
  }

  /** `/cancel [=tag=x]`: interrupted traps, the cancel's own `!done`, then each cancelled `!done` (§5). */
  private cancel(command: Command): Reply {
    const target = command.attributes.get('tag');
    const victims = [...this.running].filter((entry) => target === undefined || entry.tag === target);
    for (const victim of victims) {
      victim.stop();
      this.running.delete(victim);
    }
    return [
      ...victims.map((victim) => ['!trap', '=category=2', '=message=interrupted', ...tagWords(victim.tag)]),
      ['!done', ...tagWords(command.tag)],
      ...victims.map((victim) => ['!done', ...tagWords(victim.tag)]),
    ];
  }

  /** `!fatal <reason>` (untagged, reason as a bare word), then close. */
  private fatal(reason: string): void {
    this.flushPending();
    const bytes = encodeSentence(['!fatal', reason]);
    this.closing = true;
    this.dispose();
    this.socket.end(bytes, () => this.socket.destroy());
  }

  private dropMidReply(reply: Reply): void {
    this.flushPending();
    const sentences = reply.map((words) => encodeSentence(words));
    const first = sentences[0] ?? Buffer.alloc(0);
    const rest = Buffer.concat(sentences.slice(1));
    // Whole first row, then half of what follows (or half of a lone sentence): cut inside a sentence.
    const partial =
      rest.length > 1
        ? Buffer.concat([first, rest.subarray(0, Math.floor(rest.length / 2))])
        : first.subarray(0, Math.max(1, Math.floor(first.length / 2)));
    this.closing = true;
    this.dispose();
    this.socket.write(partial, () => this.socket.destroy());
  }

  private send(reply: Reply): void {
    this.flushPending();
    this.writeSentences(reply);
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    const replies = this.pending;
    this.pending = [];
    this.writeSentences(replies.length === 1 ? replies[0]! : interleave(replies));
  }

  private writeSentences(reply: Reply): void {
    if (reply.length === 0) return;
    this.writeRaw(Buffer.concat(reply.map((words) => encodeSentence(words))));
  }

  private writeRaw(bytes: Buffer): void {
    if (this.closing || this.socket.destroyed) return;
    this.socket.write(bytes);
    if (this.socket.writableLength > MAX_UNREAD_BYTES) this.destroy();
  }
}

function parseSeconds(text: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : undefined;
}
