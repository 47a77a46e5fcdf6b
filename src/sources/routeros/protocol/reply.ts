/**
 * RouterOS reply sentences (`!re`, `!done`, `!trap`, `!fatal`, `!empty`) turned into typed values.
 * Pure functions; the client decides what a reply means for its commands.
 * Spec: the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API)
 */
import { ProtocolError, TrapError } from '../client/errors.js';
import type { Row } from '../client/api.js';
import { wordEncoding, WordStreamDecoder } from './codec.js';

/** Reply words this client understands; anything else starting with `!` is `unknown`. */
export type ReplyKind = 're' | 'done' | 'trap' | 'fatal' | 'empty' | 'unknown';

/** One parsed reply sentence. */
export interface Reply {
  kind: ReplyKind;
  /** The reply word as sent (`!re`, `!done`, `!xyz` for unknown kinds). */
  word: string;
  /** Value of the `.tag=` API attribute; undefined when the reply is untagged. */
  tag: string | undefined;
  /** `=key=value` attributes, keys verbatim (`.id`, `remote.as`); `.tag` is not included. */
  attributes: Row;
  /** Words that are neither attributes nor API attributes (the bare reason of `!fatal`). */
  bareWords: readonly string[];
}

const KINDS: Readonly<Record<string, ReplyKind>> = {
  '!re': 're',
  '!done': 'done',
  '!trap': 'trap',
  '!fatal': 'fatal',
  '!empty': 'empty',
};

/**
 * Splits `=key=value` on the second `=` (values may contain `=`). Returns undefined for words
 * that are not attributes. The key may be empty only in theory; it is kept as sent.
 */
export function parseAttributeWord(word: string): [key: string, value: string] | undefined {
  if (!word.startsWith('=')) return undefined;
  const separator = word.indexOf('=', 1);
  if (separator < 0) return [word.slice(1), ''];
  return [word.slice(1, separator), word.slice(separator + 1)];
}

/** Sets a key without letting a peer-chosen `__proto__` key touch the prototype. */
function setOwn(target: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Parses one sentence received from the router. Throws ProtocolError when the sentence does
 * not start with a reply word (`!…`): that is not the RouterOS API, and the stream cannot be trusted.
 */
export function parseReply(words: readonly string[]): Reply {
  const word = words[0];
  if (word === undefined || !word.startsWith('!')) {
    throw new ProtocolError(`reply does not start with a reply word: ${describeWord(word)}`);
  }
  const attributes: Record<string, string> = {};
  const bareWords: string[] = [];
  let tag: string | undefined;
  for (let index = 1; index < words.length; index++) {
    const item = words[index]!;
    if (item.startsWith('.tag=')) {
      tag = item.slice('.tag='.length);
      continue;
    }
    const attribute = parseAttributeWord(item);
    if (attribute) setOwn(attributes, attribute[0], attribute[1]);
    else bareWords.push(item);
  }
  return { kind: KINDS[word] ?? 'unknown', word, tag, attributes, bareWords };
}

const EQUALS = 0x3d;

/**
 * Attribute keys a ReplyDecoder keeps per connection, and the longest it keeps. The collectors read
 * about 150 distinct properties; the bounds hold what a hostile peer can make it keep to a few KB.
 */
const MAX_CACHED_KEYS = 256;
const MAX_CACHED_KEY_BYTES = 48;

/** True when the latin1 string `text` is exactly the bytes `buffer[start, end)`. */
function sameLatin1(text: string, buffer: Buffer, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) !== buffer[start + index]) return false;
  }
  return true;
}

/** True when `buffer[start, end)` starts with the bytes of `.tag=`. */
function isTagWord(buffer: Buffer, start: number, end: number): boolean {
  return (
    end - start >= 5 &&
    buffer[start] === 0x2e &&
    buffer[start + 1] === 0x74 &&
    buffer[start + 2] === 0x61 &&
    buffer[start + 3] === 0x67 &&
    buffer[start + 4] === EQUALS
  );
}

/**
 * Streaming reply decoder: TCP chunks in, parsed replies out, exactly what {@link parseReply} makes
 * of each sentence of a SentenceDecoder, but built from the bytes: an `=key=value` word becomes its
 * key and value strings without a string for the whole word first (the decoder and the parser
 * were a third of the client's allocations). Each word is still read as one unit (UTF-8 when the
 * whole word is valid UTF-8, else latin1), and `=` is ASCII, so a key or value reads the same as
 * when cut from the decoded word. A sentence that is not a reply comes out as the ProtocolError
 * that parseReply would throw, in its place, so the replies before it in the stream still count.
 */
export class ReplyDecoder extends WordStreamDecoder<Reply | ProtocolError> {
  private word = '';
  private tag: string | undefined;
  private attributes: Record<string, string> = {};
  private bareWords: string[] = [];
  /** Attribute keys by a hash of their bytes: every row of every poll repeats the same keys. */
  private readonly keys = new Map<number, string>();

  /** The key `buffer[start, end)` read with `encoding`; a string already seen when there is one. */
  private key(buffer: Buffer, start: number, end: number, encoding: 'utf8' | 'latin1'): string {
    if (encoding !== 'latin1' || end - start > MAX_CACHED_KEY_BYTES) return buffer.toString(encoding, start, end);
    let hash = 0x811c9dc5; // FNV-1a
    for (let index = start; index < end; index++) hash = Math.imul(hash ^ buffer[index]!, 0x01000193);
    const cached = this.keys.get(hash);
    if (cached !== undefined && sameLatin1(cached, buffer, start, end)) return cached;
    const key = buffer.toString('latin1', start, end);
    if (cached === undefined && this.keys.size < MAX_CACHED_KEYS) this.keys.set(hash, key);
    return key;
  }

  protected addWord(buffer: Buffer, start: number, end: number, index: number): void {
    const encoding = wordEncoding(buffer, start, end);
    if (index === 0) {
      this.word = buffer.toString(encoding, start, end);
    } else if (isTagWord(buffer, start, end)) {
      this.tag = buffer.toString(encoding, start + 5, end);
    } else if (buffer[start] === EQUALS) {
      // parseAttributeWord on bytes: the key ends at the second `=`, the value may contain more.
      let separator = start + 1;
      while (separator < end && buffer[separator] !== EQUALS) separator++;
      const key = this.key(buffer, start + 1, separator, encoding);
      setOwn(this.attributes, key, separator < end ? buffer.toString(encoding, separator + 1, end) : '');
    } else {
      this.bareWords.push(buffer.toString(encoding, start, end));
    }
  }

  protected endSentence(): Reply | ProtocolError {
    const { word, tag, attributes, bareWords } = this;
    this.discardSentence();
    if (!word.startsWith('!')) return new ProtocolError(`reply does not start with a reply word: ${describeWord(word)}`);
    return { kind: KINDS[word] ?? 'unknown', word, tag, attributes, bareWords };
  }

  protected discardSentence(): void {
    this.word = '';
    this.tag = undefined;
    this.attributes = {};
    this.bareWords = [];
  }
}

/** Builds the TrapError of a `!trap` reply (`=message=`, optional numeric `=category=`). */
export function trapErrorOf(reply: Reply): TrapError {
  const message = reply.attributes['message'] ?? 'router returned !trap without a message';
  const rawCategory = reply.attributes['category'];
  const category = rawCategory !== undefined && /^\d+$/.test(rawCategory) ? Number(rawCategory) : undefined;
  // Built in the socket's data handler, so a stack trace would only ever show the decoder, never
  // the command's caller; capturing it was a visible share of a poll on routers where optional
  // menus trap on every cycle (wireless on a router without radios).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new TrapError(message, category);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The reason of a `!fatal` reply: the bare word after `!fatal` (documented form), else
 * `=message=` (seen in other clients' tests), else a placeholder.
 */
export function fatalReasonOf(reply: Reply): string {
  return reply.bareWords[0] ?? reply.attributes['message'] ?? 'no reason given';
}

/** Shortens a peer-controlled word for an error message. */
export function describeWord(word: string | undefined): string {
  if (word === undefined) return '(empty sentence)';
  const printable = JSON.stringify(word.length > 40 ? `${word.slice(0, 40)}…` : word);
  return printable;
}
