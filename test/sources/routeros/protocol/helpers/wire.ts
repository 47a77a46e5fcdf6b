/** Wire-level helpers for the decoder property tests. */
import { encodeLength } from '../../../../../src/sources/routeros/protocol/codec.js';

/** One sentence of raw byte words (valid UTF-8 or not), each with its length prefix, then the zero word. */
export function rawSentence(words: readonly Uint8Array[]): Buffer {
  return Buffer.concat([...words.flatMap((word) => [encodeLength(word.length), Buffer.from(word)]), Buffer.from([0])]);
}

/** `bytes` cut into chunks of the sizes in `cuts`, repeated until the end, as TCP may deliver them. */
export function cutInto(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; index++) {
    const size = cuts[index % cuts.length]!;
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}
