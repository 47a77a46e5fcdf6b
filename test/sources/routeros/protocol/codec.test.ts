import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../../src/sources/routeros/client/errors.js';
import {
  decodeLength,
  decodeWord,
  encodeLength,
  encodeSentence,
  SentenceDecoder,
} from '../../../../src/sources/routeros/protocol/codec.js';
import { cutInto, rawSentence } from './helpers/wire.js';

/** the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API) test vectors: length → encoded bytes. */
const LENGTH_VECTORS: readonly [number, string][] = [
  [0x0, '00'],
  [0x7f, '7f'],
  [0x80, '8080'],
  [0x82, '8082'],
  [0x3fff, 'bfff'],
  [0x4000, 'c04000'],
  [0x1fffff, 'dfffff'],
  [0x1ffff4, 'dffff4'],
  [0x200000, 'e0200000'],
  [0xfffffff, 'efffffff'],
  [0xffffff0, 'effffff0'],
  [0x10000000, 'f010000000'],
];

function decodeAll(chunks: readonly Buffer[], decoder = new SentenceDecoder()): string[][] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

describe('encodeLength / decodeLength', () => {
  it.each(LENGTH_VECTORS)('encodes 0x%s', (length, hex) => {
    expect(encodeLength(length).toString('hex')).toBe(hex);
  });

  it.each(LENGTH_VECTORS)('decodes 0x%s', (length, hex) => {
    const bytes = Buffer.from(hex, 'hex');
    expect(decodeLength(bytes, 0)).toEqual({ length, size: bytes.length });
  });

  it('decodes at an offset and reports an incomplete prefix as undefined', () => {
    const bytes = Buffer.from('ffc04000', 'hex');
    expect(decodeLength(bytes, 1)).toEqual({ length: 0x4000, size: 3 });
    expect(decodeLength(bytes.subarray(0, 3), 1)).toBeUndefined();
    expect(decodeLength(Buffer.alloc(0), 0)).toBeUndefined();
  });

  it('encodes the largest 5-byte length and rejects out-of-range lengths', () => {
    expect(encodeLength(0xffffffff).toString('hex')).toBe('f0ffffffff');
    expect(() => encodeLength(-1)).toThrow(RangeError);
    expect(() => encodeLength(0x100000000)).toThrow(RangeError);
    expect(() => encodeLength(1.5)).toThrow(RangeError);
  });

  it.each([0xf8, 0xf9, 0xfe, 0xff])('rejects control byte 0x%s', (byte) => {
    expect(() => decodeLength(Buffer.from([byte, 0, 0, 0, 0]), 0)).toThrow(/control byte/);
    expect(() => decodeLength(Buffer.from([byte]), 0)).toThrow(ProtocolError);
  });

  it.each([0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7])('rejects reserved prefix byte 0x%s', (byte) => {
    expect(() => decodeLength(Buffer.from([byte, 0, 0, 0, 0]), 0)).toThrow(ProtocolError);
  });
});

describe('encodeSentence', () => {
  it('produces the exact /login sentence bytes of the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API)', () => {
    const expected = '062f6c6f67696e' + '0b3d6e616d653d61646d696e' + '0a3d70617373776f72643d' + '00';
    expect(encodeSentence(['/login', '=name=admin', '=password=']).toString('hex')).toBe(expected);
  });

  it('counts UTF-8 bytes, not UTF-16 code units', () => {
    // "ä" is 2 bytes, "€" 3, "😀" 4 (and 2 UTF-16 units).
    const encoded = encodeSentence(['ä€😀']);
    expect(encoded[0]).toBe(9);
    expect(encoded.length).toBe(1 + 9 + 1);
  });

  it('uses a multi-byte prefix for long words', () => {
    const word = 'x'.repeat(200);
    expect(encodeSentence([word]).subarray(0, 2).toString('hex')).toBe('80c8');
  });
});

describe('SentenceDecoder', () => {
  it('decodes the /login sentence fed one byte at a time', () => {
    const bytes = encodeSentence(['/login', '=name=admin', '=password=']);
    const decoder = new SentenceDecoder();
    const out: string[][] = [];
    for (const byte of bytes) out.push(...decoder.push(Buffer.from([byte])));
    expect(out).toEqual([['/login', '=name=admin', '=password=']]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('skips empty sentences', () => {
    const bytes = Buffer.concat([Buffer.from([0, 0]), encodeSentence(['!done']), Buffer.from([0])]);
    expect(decodeAll([bytes])).toEqual([['!done']]);
  });

  it('decodes several sentences from one chunk and keeps the tail', () => {
    const bytes = Buffer.concat([encodeSentence(['!re', '=a=1']), encodeSentence(['!done']), Buffer.from([3, 0x21])]);
    const decoder = new SentenceDecoder();
    expect(decoder.push(bytes)).toEqual([['!re', '=a=1'], ['!done']]);
    expect(decoder.pendingBytes).toBe(2);
  });

  it('decodes UTF-8 words by byte length', () => {
    expect(decodeAll([encodeSentence(['!re', '=comment=Zürich €', '=name=😀'])])).toEqual([
      ['!re', '=comment=Zürich €', '=name=😀'],
    ]);
  });

  it('falls back to latin1 for words that are not valid UTF-8', () => {
    const word = Buffer.from([0x3d, 0x61, 0x3d, 0xe9, 0x74, 0xe9]); // "=a=été" in latin1
    const bytes = Buffer.concat([Buffer.from([1, 0x21]), Buffer.from([word.length]), word, Buffer.from([0])]);
    expect(decodeAll([bytes])).toEqual([['!', '=a=été']]);
    expect(decodeWord(Buffer.from('été', 'utf8'))).toBe('été');
  });

  it('rejects words longer than maxWordBytes as soon as the prefix arrives', () => {
    const decoder = new SentenceDecoder({ maxWordBytes: 100 });
    expect(decoder.push(encodeSentence(['x'.repeat(100)]))).toEqual([['x'.repeat(100)]]);
    expect(() => decoder.push(encodeLength(101))).toThrow(/101 bytes exceeds the limit of 100/);
  });

  it('rejects an oversized 5-byte length by default without buffering it', () => {
    const decoder = new SentenceDecoder();
    expect(() => decoder.push(Buffer.from('f010000000', 'hex'))).toThrow(ProtocolError);
  });

  it('rejects a sentence that grows past maxSentenceBytes', () => {
    // Each 10-byte word costs its prefix, its bytes and a fixed 32-byte overhead: 43; two fit in 100.
    const decoder = new SentenceDecoder({ maxWordBytes: 10, maxSentenceBytes: 100 });
    const tenBytes = Buffer.concat([encodeLength(10), Buffer.alloc(10, 0x61)]);
    expect(decoder.push(Buffer.concat([tenBytes, tenBytes, Buffer.from([0])]))).toHaveLength(1);
    expect(() => decoder.push(Buffer.concat([tenBytes, tenBytes, tenBytes]))).toThrow(/sentence exceeds the limit of 100 bytes/);
  });

  it('rejects a sentence with more words than maxSentenceWords', () => {
    const decoder = new SentenceDecoder({ maxSentenceWords: 4 });
    expect(decoder.push(encodeSentence(['!re', '=a=1', '=b=2', '=c=3']))).toHaveLength(1);
    expect(() => decoder.push(encodeSentence(['!re', '=a=1', '=b=2', '=c=3', '=d=4']))).toThrow(/limit of 4 words/);
  });

  it('bounds what a flood of one-byte words can hold, with the default limits', () => {
    // 1 MB of wire: half a million words. Without a word limit that is half a million strings
    // (about ten times the wire size in heap) held until the sentence ends, which it never does.
    const flood = Buffer.alloc(1024 * 1024);
    for (let offset = 0; offset < flood.length; offset += 2) {
      flood[offset] = 1;
      flood[offset + 1] = 0x61;
    }
    const decoder = new SentenceDecoder();
    let error: unknown;
    let words = 0;
    try {
      for (let offset = 0; offset < flood.length; offset += 4096) decoder.push(flood.subarray(offset, offset + 4096));
    } catch (caught) {
      error = caught;
      words = (decoder as unknown as { words: string[] }).words.length;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/limit of 65536 words/);
    // Failing also released what it held.
    expect(words).toBe(0);
  });

  it('stays failed after a protocol error', () => {
    const decoder = new SentenceDecoder();
    expect(() => decoder.push(Buffer.from([0xf8]))).toThrow(ProtocolError);
    expect(() => decoder.push(encodeSentence(['!done']))).toThrow(ProtocolError);
  });

  it('rejects a control byte in the middle of a stream after emitting the sentences before it', () => {
    const decoder = new SentenceDecoder();
    expect(decoder.push(encodeSentence(['!done']))).toEqual([['!done']]);
    expect(() => decoder.push(Buffer.from([0xfa]))).toThrow(/control byte 0xfa/);
  });

  it('assembles a large word from many small chunks in linear time', () => {
    const word = 'w'.repeat(4 * 1024 * 1024);
    const bytes = encodeSentence(['!re', `=data=${word}`]);
    const decoder = new SentenceDecoder();
    const started = performance.now();
    const out: string[][] = [];
    for (let offset = 0; offset < bytes.length; offset += 512) out.push(...decoder.push(bytes.subarray(offset, offset + 512)));
    // A quadratic decoder copies ~16 GB here; a linear one needs milliseconds.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(out).toHaveLength(1);
    expect(out[0]![1]!.length).toBe(word.length + '=data='.length);
  });
});

describe('SentenceDecoder properties', () => {
  const word = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
  const longWord = fc.string({ unit: 'grapheme-ascii', minLength: 120, maxLength: 300 });
  const sentence = fc.array(fc.oneof({ weight: 5, arbitrary: word }, { weight: 1, arbitrary: longWord }), {
    minLength: 1,
    maxLength: 6,
  });

  it('round-trips any sentence stream under any chunking', () => {
    fc.assert(
      fc.property(fc.array(sentence, { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }), (sentences, cuts) => {
        const bytes = Buffer.concat(sentences.map((words) => encodeSentence(words)));
        const chunks: Buffer[] = [];
        let offset = 0;
        for (let index = 0; offset < bytes.length; index++) {
          const size = cuts[index % cuts.length]!;
          chunks.push(bytes.subarray(offset, offset + size));
          offset += size;
        }
        const decoder = new SentenceDecoder();
        expect(decodeAll(chunks, decoder)).toEqual(sentences);
        expect(decoder.pendingBytes).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips words with 1- to 4-byte prefixes whatever the chunk boundaries, prefixes split included', () => {
    // Lengths at each prefix boundary: 0x7f/0x80 (1/2 bytes), 0x3fff/0x4000 (2/3), 0x1fffff/0x200000 (3/4).
    const lengths = fc.constantFrom(0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000);
    fc.assert(
      fc.property(
        fc.array(lengths, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 8 }),
        (wordLengths, smallCuts) => {
          const sentence = ['!re', ...wordLengths.map((length, index) => `=${index}=`.padEnd(length, 'v'))];
          const bytes = encodeSentence(sentence);
          // Cut in small pieces around every prefix, in big pieces inside the words.
          const prefixStarts = new Set<number>();
          let at = 0;
          for (const word of sentence) {
            prefixStarts.add(at);
            const size = Buffer.byteLength(word);
            at += encodeLength(size).length + size;
          }
          const chunks: Buffer[] = [];
          let offset = 0;
          let cut = 0;
          while (offset < bytes.length) {
            const nearPrefix = [...prefixStarts].some((start) => offset >= start - 4 && offset <= start + 5);
            const size = nearPrefix ? smallCuts[cut++ % smallCuts.length]! : 65_536;
            chunks.push(bytes.subarray(offset, offset + size));
            offset += size;
          }
          const decoder = new SentenceDecoder();
          expect(decodeAll(chunks, decoder)).toEqual([sentence]);
          expect(decoder.pendingBytes).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never throws anything but ProtocolError on random bytes, and always returns', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const decoder = new SentenceDecoder({ maxWordBytes: 4096 });
        for (const chunk of chunks) {
          try {
            const sentences = decoder.push(Buffer.from(chunk));
            for (const words of sentences) expect(words.length).toBeGreaterThan(0);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        }
        // Whatever happened, buffered bytes stay bounded by the input.
        expect(decoder.pendingBytes).toBeLessThanOrEqual(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * The encoder and decoder were rewritten for speed (one buffer per sentence; no view and no native
 * UTF-8 check per ASCII word). These properties pin them to the plain definitions they replaced.
 */
describe('codec fast paths equal the plain definitions', () => {
  /** The former encoder: a prefix buffer and a word buffer per word, concatenated. */
  function referenceSentence(words: readonly string[]): Buffer {
    const parts: Buffer[] = [];
    for (const word of words) {
      const bytes = Buffer.from(word, 'utf8');
      parts.push(encodeLength(bytes.length), bytes);
    }
    parts.push(Buffer.from([0]));
    return Buffer.concat(parts);
  }

  /** The former word decoder: UTF-8 when valid, else latin1, over a view of the word. */
  function referenceWord(bytes: Uint8Array): string {
    const buffer = Buffer.from(bytes);
    return isUtf8(buffer) ? buffer.toString('utf8') : buffer.toString('latin1');
  }

  it('encodes any words, lone surrogates and long words included, byte for byte as before', () => {
    const word = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('a', '\ud800', '\udc00', 'é', '😀'), maxLength: 20 }),
      fc.string({ unit: 'grapheme-ascii', minLength: 120, maxLength: 20_000 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (words) => {
        expect(encodeSentence(words).equals(referenceSentence(words))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes arbitrary byte words (ASCII, UTF-8, latin1 codepage bytes) as the plain UTF-8-else-latin1 rule does', () => {
    const asciiWord = fc.uint8Array({ minLength: 1, maxLength: 30, max: 0x7f });
    const anyWord = fc.uint8Array({ minLength: 1, maxLength: 30 });
    const utf8Word = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map((text) => new Uint8Array(Buffer.from(text, 'utf8')));
    const word = fc.oneof(asciiWord, anyWord, utf8Word);
    fc.assert(
      fc.property(
        fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 6 }),
        (sentences, cuts) => {
          const chunks = cutInto(Buffer.concat(sentences.map(rawSentence)), cuts);
          expect(decodeAll(chunks)).toEqual(sentences.map((words) => words.map(referenceWord)));
          for (const words of sentences) for (const raw of words) expect(decodeWord(Buffer.from(raw))).toBe(referenceWord(raw));
        },
      ),
      { numRuns: 300 },
    );
  });
});
