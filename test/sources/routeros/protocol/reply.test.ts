import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { fatalReasonOf, parseAttributeWord, parseReply, ReplyDecoder, trapErrorOf } from '../../../../src/sources/routeros/protocol/reply.js';
import type { Reply } from '../../../../src/sources/routeros/protocol/reply.js';
import { encodeSentence, SentenceDecoder } from '../../../../src/sources/routeros/protocol/codec.js';
import { cutInto, rawSentence } from './helpers/wire.js';

describe('parseAttributeWord', () => {
  it('splits on the second "=" only', () => {
    expect(parseAttributeWord('=name=iu=c3Eeg')).toEqual(['name', 'iu=c3Eeg']);
    expect(parseAttributeWord('=comment=')).toEqual(['comment', '']);
    expect(parseAttributeWord('=.id=*1')).toEqual(['.id', '*1']);
    expect(parseAttributeWord('=flag')).toEqual(['flag', '']);
    expect(parseAttributeWord('.tag=1')).toBeUndefined();
    expect(parseAttributeWord('session')).toBeUndefined();
  });
});

describe('parseReply', () => {
  it('reads kind, tag and attributes wherever the tag is', () => {
    expect(parseReply(['!re', '.tag=7', '=name=ether1', '=remote.as=65000'])).toEqual({
      kind: 're',
      word: '!re',
      tag: '7',
      attributes: { name: 'ether1', 'remote.as': '65000' },
      bareWords: [],
    });
    expect(parseReply(['!done']).tag).toBeUndefined();
    expect(parseReply(['!empty', '.tag=5']).kind).toBe('empty');
  });

  it('classifies unknown reply words as unknown instead of failing', () => {
    expect(parseReply(['!future', '=a=b']).kind).toBe('unknown');
    expect(parseReply(['!future']).word).toBe('!future');
  });

  it('rejects a sentence that does not start with a reply word', () => {
    expect(() => parseReply(['=name=x'])).toThrow(ProtocolError);
    expect(() => parseReply([])).toThrow(ProtocolError);
  });

  it('keeps a peer-sent __proto__ key as plain data', () => {
    const reply = parseReply(['!re', '=__proto__=x', '=name=y']);
    expect(Object.getPrototypeOf(reply.attributes)).toBe(Object.prototype);
    expect(Object.keys(reply.attributes)).toEqual(['__proto__', 'name']);
    expect(reply.attributes['__proto__']).toBe('x');
  });
});

describe('trapErrorOf', () => {
  it('builds the error without a stack trace of the decoder, and leaves the stack trace limit as it was', () => {
    const before = Error.stackTraceLimit;
    const error = trapErrorOf(parseReply(['!trap', '=message=no such command prefix']));
    expect(Error.stackTraceLimit).toBe(before);
    expect(error).toBeInstanceOf(TrapError);
    expect(error.stack).toBe('TrapError: no such command prefix');
    expect(new Error('after').stack).toContain('reply.test');
  });

  it('carries message and category', () => {
    const error = trapErrorOf(parseReply(['!trap', '=category=0', '=message=no such command prefix']));
    expect(error).toBeInstanceOf(TrapError);
    expect(error.message).toBe('no such command prefix');
    expect(error.category).toBe(0);
    expect(error.isMissingFeature).toBe(true);
  });

  it('tolerates a trap without message or with a non-numeric category', () => {
    const error = trapErrorOf(parseReply(['!trap', '=category=x']));
    expect(error.message).toMatch(/without a message/);
    expect(error.category).toBeUndefined();
    expect(error.isMissingFeature).toBe(false);
  });
});

describe('fatalReasonOf', () => {
  it('prefers the bare word, then =message=', () => {
    expect(fatalReasonOf(parseReply(['!fatal', 'session terminated on request']))).toBe('session terminated on request');
    expect(fatalReasonOf(parseReply(['!fatal', '=message=too many commands before login']))).toBe(
      'too many commands before login',
    );
    expect(fatalReasonOf(parseReply(['!fatal']))).toBe('no reason given');
  });
});

/**
 * The client decodes replies with ReplyDecoder, which builds keys and values from the bytes. It must
 * give exactly what SentenceDecoder + parseReply give, for any words (ASCII, UTF-8, invalid UTF-8
 * read as latin1, `=` in values, `__proto__` keys) under any chunking.
 */
describe('ReplyDecoder equals SentenceDecoder + parseReply', () => {
  const text = (unit: fc.Arbitrary<string>) => fc.string({ unit, maxLength: 12 });
  const byteChar = fc.oneof(
    fc.constantFrom('a', 'Z', '0', '-', '.', '=', ' ', '!'),
    fc.integer({ min: 0x80, max: 0xff }).map((byte) => String.fromCharCode(byte)), // a raw high byte (latin1)
  );
  /** Words as raw bytes, written as latin1 strings (one char per byte). */
  const rawWord = fc.oneof(
    fc.constantFrom('!re', '!done', '!trap', '!empty', '!fatal', '!future', 're', '.tag=', '=', '==', '=__proto__=x', '=.id=*1'),
    text(byteChar),
    fc.tuple(text(byteChar), text(byteChar)).map(([key, value]) => `=${key}=${value}`),
    fc.tuple(text(byteChar)).map(([tag]) => `.tag=${tag}`),
    fc.string({ unit: 'binary', maxLength: 10 }).map((value) => Buffer.from(`=k=${value}`, 'utf8').toString('latin1')),
  ).filter((word) => word.length > 0);
  const sentence = fc.tuple(
    fc.oneof(fc.constantFrom('!re', '!done', '!trap', '!empty', '!fatal', '!x'), rawWord),
    fc.array(rawWord, { maxLength: 6 }),
  ).map(([first, rest]) => [first, ...rest]);

  /** What parseReply makes of a sentence, a thrown ProtocolError as its message. */
  function viaParseReply(words: string[]): unknown {
    try {
      const reply = parseReply(words);
      return { ...reply, attributes: Object.entries(reply.attributes) };
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      return { error: (error as Error).message };
    }
  }

  function viaReplyDecoder(reply: Reply | ProtocolError): unknown {
    return reply instanceof ProtocolError ? { error: reply.message } : { ...reply, attributes: Object.entries(reply.attributes) };
  }

  it('gives the same replies (kind, word, tag, attributes in order, bare words) and the same errors', () => {
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        (sentences, cuts) => {
          const bytes = Buffer.concat(sentences.map((words) => rawSentence(words.map((word) => Buffer.from(word, 'latin1')))));
          const chunks = cutInto(bytes, cuts);
          const words = new SentenceDecoder();
          const replies = new ReplyDecoder();
          const expected = chunks.flatMap((chunk) => words.push(chunk)).map(viaParseReply);
          const actual = chunks.flatMap((chunk) => replies.push(chunk)).map(viaReplyDecoder);
          expect(actual).toEqual(expected);
          expect(replies.pendingBytes).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads repeated keys right, two keys with the same hash in the key cache included', () => {
    // `key-126wu` and `key-1dwfa` have the same 32-bit FNV-1a hash, the decoder's key cache index.
    const decoder = new ReplyDecoder();
    const sentences = [
      ['!re', '.tag=1', '=key-126wu=a', '=name=ether1'],
      ['!re', '.tag=1', '=key-1dwfa=b', '=name=ether2'],
      ['!re', '.tag=1', '=key-126wu=c', '=key-1dwfa=d', '=name=ether3'],
    ];
    const replies = decoder.push(Buffer.concat(sentences.map((words) => encodeSentence(words)))) as Reply[];
    expect(replies.map((reply) => reply.attributes)).toEqual([
      { 'key-126wu': 'a', name: 'ether1' },
      { 'key-1dwfa': 'b', name: 'ether2' },
      { 'key-126wu': 'c', 'key-1dwfa': 'd', name: 'ether3' },
    ]);
  });

  it('keeps reading keys right past the cache bound', () => {
    const decoder = new ReplyDecoder();
    const words = ['!re', ...Array.from({ length: 600 }, (_, index) => `=k${index}=${index}`)];
    const [first] = decoder.push(encodeSentence(words)) as Reply[];
    const [second] = decoder.push(encodeSentence(words)) as Reply[];
    const expected = Object.fromEntries(Array.from({ length: 600 }, (_, index) => [`k${index}`, String(index)]));
    expect(first!.attributes).toEqual(expected);
    expect(second!.attributes).toEqual(expected);
  });

  it('keeps a peer-chosen __proto__ key as an own attribute', () => {
    const [reply] = new ReplyDecoder().push(encodeSentence(['!re', '=__proto__=x', '=a=b']));
    expect(reply).not.toBeInstanceOf(ProtocolError);
    const attributes = (reply as Reply).attributes;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.keys(attributes)).toEqual(['__proto__', 'a']);
  });

  it('fails like the sentence decoder on a word over the limit, and only after the replies before it', () => {
    const decoder = new ReplyDecoder({ maxWordBytes: 8 });
    expect(decoder.push(encodeSentence(['!done', '.tag=1']))).toHaveLength(1);
    expect(() => decoder.push(encodeSentence(['!re', '=name=far-too-long']))).toThrow(ProtocolError);
  });
});
