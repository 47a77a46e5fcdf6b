import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CapnpError, decodeStream, encodeMessage } from '../../../src/sources/relay/capnp.js';

// Written by the reference implementation: `capnp encode metric_data.capnp InboundMetrics` (Cap'n Proto 0.9.2);
// see test/fixtures/relay/README.md.
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/relay/${name}`, import.meta.url));

describe('Cap\'n Proto InboundMetrics decoder', () => {
  it('decodes two messages on one stream, as the seed\'s python clients send them', () => {
    const messages = decodeStream(fixture('two_messages.capnp.bin'), 1 << 22);
    expect(messages.map((message) => message.appName)).toEqual(['foo_bar_tcp_app0', 'foo_bar_tcp_app1']);
    expect(messages[0]!.data).toContain('http_requests_total_foo_bar_tcp_app0{method="post",code="400"}    3 1395066363000\n');
  });

  it('follows far pointers of a multi-segment message', () => {
    const buffer = fixture('multi_segment.capnp.bin');
    expect(buffer.readUInt32LE(0)).toBe(1); // two segments
    const [message] = decodeStream(buffer, 1 << 22);
    expect(message!.appName).toBe('big_app');
    expect(message!.data.split('\n').filter((line) => line.startsWith('big_gauge{')).length).toBe(1500);
  });

  it('round-trips its own encoder, byte for byte with the reference for one segment', () => {
    const reference = fixture('two_messages.capnp.bin');
    const [first] = decodeStream(reference, 1 << 22);
    const encoded = encodeMessage(first!);
    expect(encoded.equals(reference.subarray(0, encoded.length))).toBe(true);
  });

  it('rejects truncated, oversize and malformed streams with a reason', () => {
    const reference = fixture('two_messages.capnp.bin');
    expect(() => decodeStream(reference.subarray(0, 100), 1 << 22)).toThrow(/message 1: truncated/);
    expect(() => decodeStream(fixture('multi_segment.capnp.bin'), 1024)).toThrow(/larger than 1024 bytes/);
    const bad = Buffer.from(reference);
    bad.writeBigUInt64LE(3n, 8); // root pointer of kind "other"
    expect(() => decodeStream(bad, 1 << 22)).toThrow(CapnpError);
    expect(() => decodeStream(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), 1 << 22)).toThrow(/segments/);
  });
});
