/**
 * Rewriting only the values of a chunk whose series are the ones it showed last time.
 *
 * A packed run that kept its predecessor's columns (src/engine/packed-samples.ts) holds the same series in
 * the same order, with new numbers: the usual poll, the same interfaces with new counters. Its chunks'
 * lines differ from the last render's only after the last space, so they are rewritten from the previous
 * chunk's bytes, `name{labels} ` copied and the value written after it, without building a label set, a
 * series key or a line string per series. Rendering every line anew was most of the agent's render time.
 *
 * What a rewrite needs is kept per line for chunks of one run, all ASCII: the byte lengths of the line's
 * `name{labels} ` part and of its value.
 */
import { valueText } from './format.js';

/** Per line of a render's rewritable chunks, in chunk order: the lengths of `name{labels} ` and of the value. */
export interface LineLengths {
  readonly prefixes: Uint16Array;
  readonly values: Uint8Array;
}

/** Longest `name{labels} ` and value a rewritable line may have (the sizes of {@link LineLengths}' cells). */
export const MAX_PREFIX_BYTES = 0xffff;
export const MAX_VALUE_BYTES = 0xff;

/** Where a rewritable chunk's lines are: its bytes, and its first line in its render's {@link LineLengths}. */
export interface RewriteSource {
  readonly text: Buffer;
  readonly lines: LineLengths;
  readonly firstLine: number;
}

/**
 * The value texts of `numbers` and the byte length of the chunk they make with the prefixes of `source`:
 * `texts` is filled (its length set).
 */
export function rewrittenLength(source: RewriteSource, numbers: readonly number[], texts: string[]): number {
  const { prefixes } = source.lines;
  texts.length = numbers.length;
  let length = 0;
  for (let line = 0; line < numbers.length; line += 1) {
    const text = valueText(numbers[line]!);
    texts[line] = text;
    length += prefixes[source.firstLine + line]! + text.length + 1;
  }
  return length;
}

/**
 * Writes the lines of `source` with the values `texts` into `out` at `offset`, and their lengths into
 * `lines` from `firstLine`. Returns the offset after the last line.
 */
export function writeRewritten(
  source: RewriteSource,
  texts: readonly string[],
  out: Buffer,
  offset: number,
  lines: { readonly prefixes: Uint16Array; readonly values: Uint8Array },
  firstLine: number,
): number {
  const from = source.text;
  const { prefixes, values } = source.lines;
  let read = 0;
  let at = offset;
  for (let line = 0; line < texts.length; line += 1) {
    const prefix = prefixes[source.firstLine + line]!;
    // A byte loop: Buffer#copy builds a view per call, and a line's prefix is a few dozen bytes.
    for (let index = 0; index < prefix; index += 1) out[at + index] = from[read + index]!;
    at += prefix;
    read += prefix + values[source.firstLine + line]! + 1;
    const text = texts[line]!;
    // Values are ASCII: digits, sign, point, exponent, `+Inf`, `-Inf`, `NaN`.
    for (let index = 0; index < text.length; index += 1) out[at + index] = text.charCodeAt(index);
    at += text.length;
    out[at] = 0x0a;
    at += 1;
    lines.prefixes[firstLine + line] = prefix;
    lines.values[firstLine + line] = text.length;
  }
  return at;
}
