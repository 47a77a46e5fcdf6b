import { describe, expect, it } from 'vitest';
import { ProtocolError, TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { fatalReasonOf, parseAttributeWord, parseReply, trapErrorOf } from '../../../../src/sources/routeros/protocol/reply.js';

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
