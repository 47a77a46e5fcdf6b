/**
 * Decoder for exporter-proxy's one Cap'n Proto message, `struct InboundMetrics { appName @0 :Text;
 * data @1 :Text; }` (schema id @0xfb4ded7f739d5651), in the standard stream framing, following the
 * encoding spec (capnproto.org/encoding.html): segment table, struct and list pointers, and far
 * pointers (single and double), which writers use when `data` does not fit the first segment.
 * Bounded: segment count, message size and pointer hops are capped, every offset is checked.
 */

export interface InboundMetrics {
  readonly appName: string;
  readonly data: string;
}

export class CapnpError extends Error {
  override name = 'CapnpError';
}

const MAX_SEGMENTS = 512;
const MAX_FAR_HOPS = 4;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a buffer into framed messages and decodes each. Throws CapnpError on a bad or truncated
 * stream; `maxBytes` caps one message.
 */
export function decodeStream(buffer: Buffer, maxBytes: number): InboundMetrics[] {
  const messages: InboundMetrics[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const { message, next } = decodeMessage(buffer, offset, maxBytes, messages.length + 1);
    messages.push(message);
    offset = next;
  }
  return messages;
}

function decodeMessage(buffer: Buffer, start: number, maxBytes: number, index: number): { message: InboundMetrics; next: number } {
  const where = `message ${index}`;
  if (buffer.length - start < 8) throw new CapnpError(`${where}: truncated segment table`);
  const count = buffer.readUInt32LE(start) + 1;
  if (count > MAX_SEGMENTS) throw new CapnpError(`${where}: ${count} segments (at most ${MAX_SEGMENTS})`);
  const tableWords = Math.ceil((4 + 4 * count) / 8);
  if (buffer.length - start < tableWords * 8) throw new CapnpError(`${where}: truncated segment table`);
  const segments: Buffer[] = [];
  let position = start + tableWords * 8;
  let total = tableWords * 8;
  for (let segment = 0; segment < count; segment += 1) {
    const words = buffer.readUInt32LE(start + 4 + 4 * segment);
    total += words * 8;
    if (total > maxBytes) throw new CapnpError(`${where}: larger than ${maxBytes} bytes`);
    if (position + words * 8 > buffer.length) throw new CapnpError(`${where}: truncated (segment ${segment} needs ${words * 8} bytes)`);
    segments.push(buffer.subarray(position, position + words * 8));
    position += words * 8;
  }
  const reader = new Reader(segments, where);
  const root = reader.struct(0, 0);
  const appName = root.pointers >= 1 ? reader.text(root.segment, root.pointerStart) : '';
  const data = root.pointers >= 2 ? reader.text(root.segment, root.pointerStart + 1) : '';
  return { message: { appName, data }, next: position };
}

/** Where a pointer's target lives. */
interface Resolved {
  readonly segment: number;
  /** The word holding the pointer's tag (the original one, or the landing pad's). */
  readonly tag: bigint;
  /** Word index of the target's start. */
  readonly target: number;
}

class Reader {
  constructor(
    private readonly _segments: readonly Buffer[],
    private readonly _where: string,
  ) {}

  private _word(segment: number, word: number): bigint {
    const buffer = this._segments[segment];
    if (buffer === undefined || word < 0 || (word + 1) * 8 > buffer.length) {
      throw new CapnpError(`${this._where}: pointer outside segment ${segment}`);
    }
    return buffer.readBigUInt64LE(word * 8);
  }

  /** Follows far pointers to the pointer that describes the object, and where the object starts. */
  private _resolve(segment: number, word: number): Resolved | undefined {
    let tag = this._word(segment, word);
    if (tag === 0n) return undefined;
    let current = segment;
    let at = word;
    for (let hop = 0; (tag & 3n) === 2n; hop += 1) {
      if (hop >= MAX_FAR_HOPS) throw new CapnpError(`${this._where}: too many far pointers`);
      const double = ((tag >> 2n) & 1n) === 1n;
      const padWord = Number((tag >> 3n) & 0x1fffffffn);
      const padSegment = Number(tag >> 32n);
      if (!double) {
        current = padSegment;
        at = padWord;
        tag = this._word(current, at);
        continue;
      }
      // Double-far: the pad is a far pointer to the target's segment, then a tag with offset 0.
      const landing = this._word(padSegment, padWord);
      if ((landing & 3n) !== 2n) throw new CapnpError(`${this._where}: bad double-far landing pad`);
      const realTag = this._word(padSegment, padWord + 1);
      return { segment: Number(landing >> 32n), tag: realTag, target: Number((landing >> 3n) & 0x1fffffffn) };
    }
    const offset = Number(BigInt.asIntN(30, (tag >> 2n) & 0x3fffffffn));
    return { segment: current, tag, target: at + 1 + offset };
  }

  struct(segment: number, word: number): { segment: number; pointerStart: number; pointers: number } {
    const resolved = this._resolve(segment, word);
    if (resolved === undefined) throw new CapnpError(`${this._where}: null root`);
    if ((resolved.tag & 3n) !== 0n) throw new CapnpError(`${this._where}: root is not a struct`);
    const dataWords = Number((resolved.tag >> 32n) & 0xffffn);
    const pointers = Number((resolved.tag >> 48n) & 0xffffn);
    const end = resolved.target + dataWords + pointers;
    if (resolved.target < 0 || end * 8 > (this._segments[resolved.segment]?.length ?? 0)) {
      throw new CapnpError(`${this._where}: struct outside its segment`);
    }
    return { segment: resolved.segment, pointerStart: resolved.target + dataWords, pointers };
  }

  text(segment: number, word: number): string {
    const resolved = this._resolve(segment, word);
    if (resolved === undefined) return '';
    if ((resolved.tag & 3n) !== 1n) throw new CapnpError(`${this._where}: a Text field is not a list pointer`);
    const elementSize = Number((resolved.tag >> 32n) & 7n);
    const count = Number(resolved.tag >> 35n);
    if (elementSize !== 2) throw new CapnpError(`${this._where}: a Text field is not a byte list`);
    const buffer = this._segments[resolved.segment];
    const start = resolved.target * 8;
    if (buffer === undefined || resolved.target < 0 || start + count > buffer.length) {
      throw new CapnpError(`${this._where}: text outside its segment`);
    }
    if (count === 0) return '';
    if (buffer[start + count - 1] !== 0) throw new CapnpError(`${this._where}: text without its NUL terminator`);
    try {
      return utf8.decode(buffer.subarray(start, start + count - 1));
    } catch {
      throw new CapnpError(`${this._where}: text is not UTF-8`);
    }
  }
}

/** Writes one single-segment message (tests and the demo's pushers use it, as pycapnp's `write`). */
export function encodeMessage(message: InboundMetrics): Buffer {
  const app = Buffer.from(`${message.appName}\0`, 'utf8');
  const data = Buffer.from(`${message.data}\0`, 'utf8');
  const appWords = Math.ceil(app.length / 8);
  const dataWords = Math.ceil(data.length / 8);
  const words = 1 + 2 + appWords + dataWords;
  const out = Buffer.alloc(8 + words * 8);
  out.writeUInt32LE(0, 0);
  out.writeUInt32LE(words, 4);
  const segment = out.subarray(8);
  // Root: struct at offset 0, 0 data words, 2 pointers.
  segment.writeBigUInt64LE((2n << 48n) | 0n, 0);
  const list = (pointerWord: number, targetWord: number, bytes: number): void => {
    const offset = BigInt(targetWord - pointerWord - 1);
    segment.writeBigUInt64LE((BigInt(bytes) << 35n) | (2n << 32n) | ((offset & 0x3fffffffn) << 2n) | 1n, pointerWord * 8);
  };
  list(1, 3, app.length);
  list(2, 3 + appWords, data.length);
  app.copy(segment, 3 * 8);
  data.copy(segment, (3 + appWords) * 8);
  return out;
}
