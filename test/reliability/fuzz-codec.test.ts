/**
 * Fuzzing the RouterOS word and sentence decoder with hostile byte streams: random bytes, length
 * prefixes announcing words just under and over the limit, truncated prefixes, all cut into random
 * chunks. Whatever arrives, the decoder throws nothing but ProtocolError, returns promptly, and holds
 * at most one word plus its prefix (codec.test.ts covers round trips and the error type on short input).
 *
 * FUZZ_RUNS (scripts/fuzz-long.sh) raises the number of runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeLength, SentenceDecoder } from '../../src/sources/routeros/protocol/codec.js';
import { ProtocolError } from '../../src/sources/routeros/client/errors.js';
import { fuzzRuns, fuzzTimeout } from './helpers/harness.js';

const RUNS = fuzzRuns(400);
const TIMEOUT = fuzzTimeout(RUNS, 20_000, 2);
/** Longest length prefix (0xF0 + 4 bytes). */
const MAX_PREFIX_BYTES = 5;

/** Pieces a hostile or broken peer might send. */
const piece = (maxWordBytes: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    // Random bytes, control bytes included.
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 96 }) },
    // A whole word of random content, sometimes just over the limit.
    {
      weight: 3,
      arbitrary: fc
        .integer({ min: 0, max: maxWordBytes + 2 })
        .chain((length) => fc.uint8Array({ minLength: length, maxLength: length }))
        .map((word) => concat(encodeLength(word.length), word)),
    },
    // A prefix announcing a word near or far over the limit, followed by a little of it.
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.integer({ min: Math.max(0, maxWordBytes - 3), max: maxWordBytes + 3 }),
            fc.integer({ min: 0, max: 0xffffffff }),
          ),
          fc.uint8Array({ maxLength: 32 }),
        )
        .map(([length, some]) => concat(encodeLength(length), some)),
    },
    // A truncated multi-byte prefix.
    { weight: 1, arbitrary: fc.constantFrom(0x80, 0xc0, 0xe0, 0xf0).map((first) => Uint8Array.of(first)) },
    // Sentence ends.
    { weight: 1, arbitrary: fc.constant(Uint8Array.of(0)) },
  );

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((part) => Buffer.from(part)));
}

/** Cuts `bytes` at the given sizes, cycling through them. */
function chunk(bytes: Uint8Array, sizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; index += 1) {
    const size = sizes[index % sizes.length] ?? 1;
    chunks.push(Buffer.from(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  return chunks;
}

const stream = fc
  .integer({ min: 1, max: 600 })
  .chain((maxWordBytes) =>
    fc.record({
      maxWordBytes: fc.constant(maxWordBytes),
      bytes: fc.array(piece(maxWordBytes), { maxLength: 24 }).map((pieces) => concat(...pieces)),
      sizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
    }),
  );

describe('SentenceDecoder under fuzzing', () => {
  it('holds at most one word plus its prefix, throws only ProtocolError, and returns promptly', () => {
    let inputs = 0;
    let protocolErrors = 0;
    let bytesTried = 0;
    fc.assert(
      fc.property(stream, ({ maxWordBytes, bytes, sizes }) => {
        inputs += 1;
        bytesTried += bytes.length;
        const decoder = new SentenceDecoder({ maxWordBytes });
        const started = performance.now();
        let failed: unknown;
        for (const piece of chunk(bytes, sizes)) {
          try {
            const sentences = decoder.push(piece);
            for (const words of sentences) {
              expect(words.length).toBeGreaterThan(0);
              for (const word of words) expect(typeof word).toBe('string');
            }
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
            failed ??= error;
            // Once failed, the decoder drops what it held.
            expect(decoder.pendingBytes).toBe(0);
          }
          expect(decoder.pendingBytes).toBeLessThanOrEqual(maxWordBytes + MAX_PREFIX_BYTES);
        }
        if (failed !== undefined) protocolErrors += 1;
        // A few kilobytes must never take long: no quadratic rescans, no loops.
        expect(performance.now() - started).toBeLessThan(250);
      }),
      { numRuns: RUNS },
    );
    console.log(`decoder fuzz: ${inputs} streams, ${bytesTried} bytes, ${protocolErrors} ended in ProtocolError`);
  }, TIMEOUT);

  it('a failed decoder keeps failing with ProtocolError and buffers nothing more', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 6 }), (after) => {
        const decoder = new SentenceDecoder({ maxWordBytes: 16 });
        expect(() => decoder.push(Buffer.from(encodeLength(17)))).toThrow(ProtocolError);
        for (const chunkBytes of after) {
          expect(() => decoder.push(Buffer.from(chunkBytes))).toThrow(ProtocolError);
          expect(decoder.pendingBytes).toBe(0);
        }
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  it('with the default limits, a stream of huge announced words is refused before it is buffered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16 * 1024 * 1024 + 1, max: 0xffffffff }), fc.uint8Array({ maxLength: 4096 }), (length, some) => {
        const decoder = new SentenceDecoder();
        expect(() => decoder.push(Buffer.from(concat(encodeLength(length), some)))).toThrow(ProtocolError);
        expect(decoder.pendingBytes).toBe(0);
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });
});
