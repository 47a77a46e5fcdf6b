import { describe, expect, it } from 'vitest';
import { formatHostPort, parseHostPort, parseListen } from '../../src/config/address.js';

describe('parseHostPort', () => {
  it.each([
    ['10.0.0.1', { host: '10.0.0.1' }],
    ['10.0.0.1:8729', { host: '10.0.0.1', port: 8729 }],
    ['router.example.net', { host: 'router.example.net' }],
    ['core-1.mgmt:8728', { host: 'core-1.mgmt', port: 8728 }],
    ['localhost', { host: 'localhost' }],
    ['[2001:db8::1]:8729', { host: '2001:db8::1', port: 8729 }],
    ['[::1]', { host: '::1' }],
    ['2001:db8::1', { host: '2001:db8::1' }],
    ['fe80::1', { host: 'fe80::1' }],
  ])('accepts %s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it.each([
    '',
    '10.0.0.300',
    '10.0.0.1:',
    '10.0.0.1:0',
    '10.0.0.1:65536',
    '10.0.0.1:http',
    'host name',
    '-bad.example',
    '[2001:db8::1',
    '[2001:db8::1]8729',
    '[10.0.0.1]:8728',
    '2001:db8::1:8729:x',
    'http://10.0.0.1',
    'a..b',
  ])('rejects %j', (text) => {
    expect(parseHostPort(text)).toBeUndefined();
  });
});

describe('parseListen', () => {
  it.each([
    ['0.0.0.0:9436', { host: '0.0.0.0', port: 9436 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    [':9436', { host: '0.0.0.0', port: 9436 }],
    ['[::]:9436', { host: '::', port: 9436 }],
    ['localhost:9436', { host: 'localhost', port: 9436 }],
  ])('accepts %s', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });

  it.each(['9436', '0.0.0.0', '[::1]', ':', ':99999', 'host:port'])('rejects %j', (text) => {
    expect(parseListen(text)).toBeUndefined();
  });
});

describe('formatHostPort', () => {
  it('brackets IPv6 hosts only', () => {
    expect(formatHostPort('2001:db8::1', 8728)).toBe('[2001:db8::1]:8728');
    expect(formatHostPort('10.0.0.1', 8728)).toBe('10.0.0.1:8728');
  });
});
