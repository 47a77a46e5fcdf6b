import { describe, expect, it } from 'vitest';
import { ByteRanges } from '../../src/exposition/byte-ranges.js';

describe('ByteRanges', () => {
  it('holds ranges of buffers in order, and gives them back as views and as one buffer', () => {
    const shared = Buffer.from('abcdefgh');
    const ranges = new ByteRanges();
    ranges.push(shared, 2, 5);
    ranges.push(Buffer.from('XY'));
    ranges.push(shared, 0, 1);
    expect(ranges.length).toBe(3);
    expect(ranges.byteLength).toBe(6);
    expect([ranges.start(0), ranges.end(0), ranges.start(1), ranges.end(1)]).toEqual([2, 5, 0, 2]);
    expect(ranges.views().map((view) => view.toString())).toEqual(['cde', 'XY', 'a']);
    expect(ranges.concat().toString()).toBe('cdeXYa');
    // Views share the memory of their buffers: nothing was copied.
    expect(ranges.views()[0]!.buffer).toBe(shared.buffer);
    ranges.push(shared, 7);
    expect(ranges.concat().toString()).toBe('cdeXYah');
  });
});
