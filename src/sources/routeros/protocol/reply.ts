/**
 * RouterOS reply sentences (`!re`, `!done`, `!trap`, `!fatal`, `!empty`) turned into typed values.
 * Pure functions; the client decides what a reply means for its commands.
 * Spec: shared/reference/routeros-api.md §3–§4.
 */
import { ProtocolError, TrapError } from '../client/errors.js';
import type { Row } from '../client/api.js';

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

/** Builds the TrapError of a `!trap` reply (`=message=`, optional numeric `=category=`). */
export function trapErrorOf(reply: Reply): TrapError {
  const message = reply.attributes['message'] ?? 'router returned !trap without a message';
  const rawCategory = reply.attributes['category'];
  const category = rawCategory !== undefined && /^\d+$/.test(rawCategory) ? Number(rawCategory) : undefined;
  return new TrapError(message, category);
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
