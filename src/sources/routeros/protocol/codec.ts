/**
 * RouterOS API framing: word length prefixes (1–5 bytes, big-endian) and sentences
 * (words ended by a zero-length word). Pure functions and a streaming decoder; no I/O.
 * Spec: the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API)
 */
import { isUtf8 } from 'node:buffer';
import { ProtocolError } from '../client/errors.js';

/** Default cap on one word, so a hostile peer cannot make us buffer gigabytes. */
export const DEFAULT_MAX_WORD_BYTES = 16 * 1024 * 1024;

/** Default cap on one sentence (all its words), for the same reason: a peer could otherwise stream words forever. */
export const DEFAULT_MAX_SENTENCE_BYTES = 64 * 1024 * 1024;

/**
 * Default cap on the words of one sentence. A real reply row has tens of words, a few hundred at
 * most; without a count, a peer sending one-byte words makes a string and an array slot per wire byte.
 */
export const DEFAULT_MAX_SENTENCE_WORDS = 65_536;

/**
 * What a decoded word costs beyond its bytes (V8 string header, array slot), charged against the
 * sentence limit so that the limit bounds memory, not only payload: measured about 10 × the wire
 * size for one-byte words without it.
 */
const WORD_OVERHEAD_BYTES = 32;

/** Size of the prefix of a word of `length` bytes; RangeError when no prefix can carry it. */
function encodedPrefixSize(length: number): number {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
    throw new RangeError(`word length out of range: ${length}`);
  }
  if (length < 0x80) return 1;
  if (length < 0x4000) return 2;
  if (length < 0x200000) return 3;
  if (length < 0x10000000) return 4;
  return 5;
}

/** Writes the prefix of `length` (of `size` bytes, from encodedPrefixSize) at `offset`. */
function writePrefix(target: Buffer, offset: number, length: number, size: number): void {
  switch (size) {
    case 1:
      target[offset] = length;
      return;
    case 2:
      target[offset] = (length >> 8) | 0x80;
      target[offset + 1] = length & 0xff;
      return;
    case 3:
      target[offset] = (length >> 16) | 0xc0;
      target[offset + 1] = (length >> 8) & 0xff;
      target[offset + 2] = length & 0xff;
      return;
    case 4:
      target[offset] = (length >>> 24) | 0xe0;
      target[offset + 1] = (length >> 16) & 0xff;
      target[offset + 2] = (length >> 8) & 0xff;
      target[offset + 3] = length & 0xff;
      return;
    default:
      target[offset] = 0xf0;
      target.writeUInt32BE(length, offset + 1);
  }
}

/** Encodes a word length as its 1–5 byte prefix. */
export function encodeLength(length: number): Buffer {
  const size = encodedPrefixSize(length);
  const prefix = Buffer.alloc(size);
  writePrefix(prefix, 0, length, size);
  return prefix;
}

/** The UTF-8 length of `word` when it is all ASCII (one byte per character), else -1. */
function asciiLength(word: string): number {
  for (let index = 0; index < word.length; index++) {
    if (word.charCodeAt(index) >= 0x80) return -1;
  }
  return word.length;
}

/**
 * Encodes one sentence: each word with its length in UTF-8 bytes, then the zero-length word.
 * One buffer for the whole sentence (a command goes out as one write); ASCII words, nearly all of
 * them, are copied by a plain loop instead of the native UTF-8 encoder.
 */
export function encodeSentence(words: readonly string[]): Buffer {
  const lengths: number[] = new Array<number>(words.length);
  let total = 1;
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const ascii = asciiLength(word);
    const length = ascii >= 0 ? ascii : Buffer.byteLength(word, 'utf8');
    // A negative entry marks a word for the UTF-8 encoder.
    lengths[index] = ascii >= 0 ? length : -1 - length;
    total += encodedPrefixSize(length) + length;
  }
  const sentence = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    const entry = lengths[index]!;
    const length = entry >= 0 ? entry : -1 - entry;
    const size = encodedPrefixSize(length);
    writePrefix(sentence, offset, length, size);
    offset += size;
    if (entry >= 0) {
      for (let char = 0; char < length; char++) sentence[offset + char] = word.charCodeAt(char);
      offset += length;
    } else {
      offset += sentence.write(word, offset, length, 'utf8');
    }
  }
  sentence[offset] = 0;
  return sentence;
}

/** Size of a length prefix given its first byte; throws ProtocolError for control and reserved bytes. */
function prefixSize(first: number): number {
  if (first < 0x80) return 1;
  if (first < 0xc0) return 2;
  if (first < 0xe0) return 3;
  if (first < 0xf0) return 4;
  if (first === 0xf0) return 5;
  if (first >= 0xf8) throw new ProtocolError(`control byte 0x${first.toString(16)} in length prefix`);
  throw new ProtocolError(`invalid length prefix byte 0x${first.toString(16)}`);
}

/**
 * Reads a length prefix at `offset`. Returns undefined when the buffer ends inside the prefix.
 * Throws ProtocolError on a control byte (≥ 0xF8) or a reserved first byte (0xF1–0xF7).
 */
export function decodeLength(buffer: Buffer, offset: number): { length: number; size: number } | undefined {
  if (offset >= buffer.length) return undefined;
  const first = buffer[offset]!;
  const size = prefixSize(first);
  if (offset + size > buffer.length) return undefined;
  let length: number;
  switch (size) {
    case 1:
      length = first;
      break;
    case 2:
      length = ((first & 0x3f) << 8) | buffer[offset + 1]!;
      break;
    case 3:
      length = ((first & 0x1f) << 16) | (buffer[offset + 1]! << 8) | buffer[offset + 2]!;
      break;
    case 4:
      length = (first & 0x0f) * 0x1000000 + ((buffer[offset + 1]! << 16) | (buffer[offset + 2]! << 8) | buffer[offset + 3]!);
      break;
    default:
      length = buffer.readUInt32BE(offset + 1);
  }
  return { length, size };
}

/**
 * Decodes one word. RouterOS words are byte strings: UTF-8 when valid, otherwise latin1 so that
 * legacy codepage bytes (win1252 comments on old routers) survive instead of turning into U+FFFD.
 */
export function decodeWord(bytes: Buffer): string {
  return decodeWordAt(bytes, 0, bytes.length);
}

/**
 * The encoding that reads `buffer[start, end)` as {@link decodeWord} does: `utf8` for valid UTF-8
 * with non-ASCII bytes, else `latin1` (ASCII reads the same in both, and latin1 is the faster).
 * Nearly every word is ASCII; a JS scan of a short word is cheaper than the native UTF-8 check,
 * so only words with a byte ≥ 0x80 pay for it. Any part of the word cut at an ASCII byte (`=`)
 * reads the same with this encoding as inside the whole word.
 */
export function wordEncoding(buffer: Buffer, start: number, end: number): 'utf8' | 'latin1' {
  for (let index = start; index < end; index++) {
    if (buffer[index]! >= 0x80) return isUtf8(buffer.subarray(start, end)) ? 'utf8' : 'latin1';
  }
  return 'latin1';
}

/** {@link decodeWord} of `buffer[start, end)`, without a view per word. */
export function decodeWordAt(buffer: Buffer, start: number, end: number): string {
  return buffer.toString(wordEncoding(buffer, start, end), start, end);
}

/** Options of {@link SentenceDecoder}. */
export interface SentenceDecoderOptions {
  /** Largest accepted word in bytes. @default 16 MiB */
  maxWordBytes?: number;
  /**
   * Largest accepted sentence in bytes: its words, their prefixes and a fixed overhead per word.
   * @default max(64 MiB, 4 × maxWordBytes)
   */
  maxSentenceBytes?: number;
  /** Most words accepted in one sentence. @default 65,536 */
  maxSentenceWords?: number;
}

/**
 * The framing half of a streaming decoder: feed it TCP chunks split anywhere; it finds the words,
 * enforces the limits and hands each word's bytes to the subclass, which builds what a sentence
 * becomes ({@link SentenceDecoder}: its words as strings; the client's reply decoder: a parsed
 * reply, without a string per whole word). Empty sentences (a lone zero byte) are skipped, as
 * RouterOS specifies. After it throws a ProtocolError the stream is unusable; the caller closes
 * the connection.
 *
 * Cost is linear in the input: while a word is incomplete, chunks are only collected (not
 * concatenated) until enough bytes are buffered to finish it.
 */
export abstract class WordStreamDecoder<T> {
  private readonly maxWordBytes: number;
  private readonly maxSentenceBytes: number;
  private readonly maxSentenceWords: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Buffered bytes needed before parsing can make progress again. */
  private needed = 1;
  /** Words of the sentence being read. */
  private wordCount = 0;
  private sentenceBytes = 0;
  private failed: ProtocolError | undefined;

  constructor(options: SentenceDecoderOptions = {}) {
    this.maxWordBytes = options.maxWordBytes ?? DEFAULT_MAX_WORD_BYTES;
    this.maxSentenceBytes = options.maxSentenceBytes ?? Math.max(DEFAULT_MAX_SENTENCE_BYTES, 4 * this.maxWordBytes);
    this.maxSentenceWords = options.maxSentenceWords ?? DEFAULT_MAX_SENTENCE_WORDS;
  }

  /** Word number `index` (from 0) of the current sentence is `buffer[start, end)`, never empty. */
  protected abstract addWord(buffer: Buffer, start: number, end: number, index: number): void;

  /** The current sentence (at least one word) ended: what it becomes. The next word starts a new one. */
  protected abstract endSentence(): T;

  /** Forgets the words of the current sentence (the stream failed). */
  protected abstract discardSentence(): void;

  /** Bytes held for an incomplete word or prefix. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk; returns every sentence it completes, in order. */
  push(chunk: Buffer): T[] {
    if (this.failed) throw this.failed;
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return [];
    const buffer = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const sentences: T[] = [];
    let offset = 0;
    try {
      for (;;) {
        // decodeLength, inlined for the one-byte prefix: this loop runs once per word of every reply.
        if (offset >= buffer.length) {
          this.needed = 1;
          break;
        }
        const first = buffer[offset]!;
        let size: number;
        let length: number;
        if (first < 0x80) {
          size = 1;
          length = first;
        } else {
          const prefix = decodeLength(buffer, offset);
          if (!prefix) {
            this.needed = buffer.length - offset + 1;
            break;
          }
          size = prefix.size;
          length = prefix.length;
        }
        if (length > this.maxWordBytes) {
          throw new ProtocolError(`word of ${length} bytes exceeds the limit of ${this.maxWordBytes}`);
        }
        const cost = length === 0 ? 0 : size + length + WORD_OVERHEAD_BYTES;
        if (this.sentenceBytes + cost > this.maxSentenceBytes) {
          throw new ProtocolError(`sentence exceeds the limit of ${this.maxSentenceBytes} bytes`);
        }
        if (length > 0 && this.wordCount >= this.maxSentenceWords) {
          throw new ProtocolError(`sentence exceeds the limit of ${this.maxSentenceWords} words`);
        }
        const end = offset + size + length;
        if (end > buffer.length) {
          this.needed = end - offset;
          break;
        }
        if (length === 0) {
          if (this.wordCount > 0) sentences.push(this.endSentence());
          this.wordCount = 0;
          this.sentenceBytes = 0;
        } else {
          this.addWord(buffer, offset + size, end, this.wordCount);
          this.wordCount += 1;
          this.sentenceBytes += cost;
        }
        offset = end;
      }
    } catch (error) {
      this.failed = error instanceof ProtocolError ? error : new ProtocolError(String(error));
      this.chunks = [];
      this.buffered = 0;
      this.wordCount = 0;
      this.discardSentence();
      throw this.failed;
    }
    const rest = buffer.subarray(offset);
    // Copy the tail so a huge chunk is not retained for a few pending bytes.
    this.chunks = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.buffered = rest.length;
    return sentences;
  }
}

/** Streaming sentence decoder: each sentence as its words, decoded by {@link decodeWord}. */
export class SentenceDecoder extends WordStreamDecoder<string[]> {
  private words: string[] = [];

  protected addWord(buffer: Buffer, start: number, end: number): void {
    this.words.push(decodeWordAt(buffer, start, end));
  }

  protected endSentence(): string[] {
    const words = this.words;
    this.words = [];
    return words;
  }

  protected discardSentence(): void {
    this.words = [];
  }
}
