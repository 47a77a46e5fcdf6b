import { describe, expect, it } from 'vitest';
import { acceptsGzip, requestPath } from '../../src/server/responses.js';

describe('acceptsGzip', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['gzip', true],
    ['GZIP', true],
    ['deflate, gzip;q=0.5', true],
    ['x-gzip', true],
    ['gzip;q=0', false],
    ['gzip;q=0.0, *', false],
    ['*', true],
    ['*;q=0', false],
    ['br, identity', false],
    ['gzip;q=abc', false],
  ])('%s → %s', (header, expected) => {
    expect(acceptsGzip(header === undefined ? {} : { 'accept-encoding': header })).toBe(expected);
  });
});

describe('requestPath', () => {
  it.each([
    ['/metrics', '/metrics'],
    ['/metrics?x=1', '/metrics'],
    ['/metrics#frag', '/metrics'],
    ['/', '/'],
    ['http://agent:9436/health?x', '/health'],
    ['*', ''],
    ['garbage', ''],
    [undefined, ''],
  ])('%s → %s', (url, expected) => {
    expect(requestPath(url)).toBe(expected);
  });
});
