/**
 * RouterOS API framing: word length prefixes (1–5 bytes, big-endian) and sentences
 * (words ended by a zero-length word). Pure functions and a streaming decoder; no I/O.
 * Spec and test vectors: shared/reference/routeros-api.md §2.
 */
import { ProtocolError } from '../errors.js';

/** Default cap on one word, so a hostile peer cannot make us buffer gigabytes. */
export const DEFAULT_MAX_WORD_BYTES = 16 * 1024 * 1024;

/** Encodes a word length as its 1–5 byte prefix. */
export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
    throw new RangeError(`word length out of range: ${length}`);
  }
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x4000) return Buffer.from([(length >> 8) | 0x80, length & 0xff]);
  if (length < 0x200000) {
    return Buffer.from([(length >> 16) | 0xc0, (length >> 8) & 0xff, length & 0xff]);
  }
  if (length < 0x10000000) {
    return Buffer.from([(length >>> 24) | 0xe0, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
  }
  return Buffer.from([0xf0, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
}

/** Encodes one sentence: each word with its length in UTF-8 bytes, then the zero-length word. */
export function encodeSentence(words: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const word of words) {
    const bytes = Buffer.from(word, 'utf8');
    parts.push(encodeLength(bytes.length), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * Reads a length prefix at `offset`. Returns undefined when the buffer ends inside the prefix.
 * Throws ProtocolError on a control byte (≥ 0xF8) or a reserved first byte (0xF1–0xF7).
 */
export function decodeLength(buffer: Buffer, offset: number): { length: number; size: number } | undefined {
  if (offset >= buffer.length) return undefined;
  const first = buffer[offset]!;
  let size: number;
  if (first < 0x80) size = 1;
  else if (first < 0xc0) size = 2;
  else if (first < 0xe0) size = 3;
  else if (first < 0xf0) size = 4;
  else if (first === 0xf0) size = 5;
  else if (first >= 0xf8) throw new ProtocolError(`control byte 0x${first.toString(16)} in length prefix`);
  else throw new ProtocolError(`invalid length prefix byte 0x${first.toString(16)}`);
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

/** Options of {@link SentenceDecoder}. */
export interface SentenceDecoderOptions {
  /** Largest accepted word in bytes. @default 16 MiB */
  maxWordBytes?: number;
}

/**
 * Streaming sentence decoder: feed it TCP chunks split anywhere, get whole sentences back.
 * Empty sentences (a lone zero byte) are skipped, as RouterOS specifies.
 * After it throws a ProtocolError the stream is unusable; the caller closes the connection.
 */
export class SentenceDecoder {
  private readonly maxWordBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private words: string[] = [];
  private failed: ProtocolError | undefined;

  constructor(options: SentenceDecoderOptions = {}) {
    this.maxWordBytes = options.maxWordBytes ?? DEFAULT_MAX_WORD_BYTES;
  }

  /** Bytes held for an incomplete word or prefix. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk; returns every sentence it completes, in order. */
  push(chunk: Buffer): string[][] {
    if (this.failed) throw this.failed;
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const buffer = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const sentences: string[][] = [];
    let offset = 0;
    try {
      for (;;) {
        const prefix = decodeLength(buffer, offset);
        if (!prefix) break;
        if (prefix.length > this.maxWordBytes) {
          throw new ProtocolError(`word of ${prefix.length} bytes exceeds the limit of ${this.maxWordBytes}`);
        }
        const end = offset + prefix.size + prefix.length;
        if (end > buffer.length) break;
        if (prefix.length === 0) {
          if (this.words.length > 0) sentences.push(this.words);
          this.words = [];
        } else {
          this.words.push(buffer.toString('utf8', offset + prefix.size, end));
        }
        offset = end;
      }
    } catch (error) {
      this.failed = error instanceof ProtocolError ? error : new ProtocolError(String(error));
      this.chunks = [];
      this.buffered = 0;
      throw this.failed;
    }
    const rest = buffer.subarray(offset);
    // Copy the tail so a huge chunk is not retained for a few pending bytes.
    this.chunks = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.buffered = rest.length;
    return sentences;
  }
}
