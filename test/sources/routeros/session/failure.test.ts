import { describe, expect, it } from 'vitest';
import { classifyFailure, describeError, describeRouterError, isRouterFailure, isUnreachable } from '../../../../src/sources/routeros/session/failure.js';
import { parseVersion } from '../../../../src/sources/routeros/session/facts.js';
import {
  AuthenticationError,
  ConnectionLostError,
  FatalError,
  ProtocolError,
  TimeoutError,
  TrapError,
} from '../../../../src/sources/routeros/client/errors.js';
import { TlsVerificationError } from '../../../../src/sources/routeros/client/transport.js';

describe('classifyFailure', () => {
  it('maps client errors to router states', () => {
    expect(classifyFailure(new AuthenticationError('invalid user name or password (6)'), 'collector')).toBe(
      'authentication_failed',
    );
    expect(classifyFailure(new TimeoutError('deadline'), 'collector')).toBe('timeout');
    expect(classifyFailure(new ConnectionLostError('reset'), 'collector')).toBe('connection_failed');
    expect(classifyFailure(new ProtocolError('bad length'), 'collector')).toBe('protocol_error');
    expect(classifyFailure(new FatalError('session terminated'), 'collector')).toBe('fatal');
  });

  it('tells a missing feature from a failing command', () => {
    expect(classifyFailure(new TrapError('no such command prefix', 0), 'collector')).toBe('unsupported');
    expect(classifyFailure(new TrapError('input does not match any value of type', 1), 'collector')).toBe('collector');
  });

  it('names a refused TLS certificate apart from other connection failures', () => {
    expect(classifyFailure(new TlsVerificationError('TLS certificate fingerprint mismatch'), 'collector')).toBe('tls_error');
    const wrapped = new Error('connect failed', { cause: new TlsVerificationError('self-signed certificate') });
    expect(classifyFailure(wrapped, 'connection_failed')).toBe('tls_error');
    expect(isRouterFailure('tls_error')).toBe(true);
  });

  it('finds a client error wrapped by a collector', () => {
    const wrapped = new Error('interface: print failed', { cause: new ConnectionLostError('socket closed') });
    expect(classifyFailure(wrapped, 'collector')).toBe('connection_failed');
  });

  it('uses the caller default for unknown errors', () => {
    expect(classifyFailure(new TypeError('x is undefined'), 'collector')).toBe('collector');
    expect(classifyFailure('weird', 'connection_failed')).toBe('connection_failed');
    expect(isRouterFailure('collector')).toBe(false);
    expect(isRouterFailure('unsupported')).toBe(false);
    expect(isRouterFailure('timeout')).toBe(true);
  });
});

describe('describeError', () => {
  it('masks secrets and keeps one bounded line', () => {
    expect(describeError(new Error('login as admin with s3cret!\nfailed'), ['s3cret!'])).toBe(
      'login as admin with *** failed',
    );
    expect(describeError(new Error('x'.repeat(1000))).length).toBe(300);
    expect(describeError(42)).toBe('unknown error');
  });
});

describe('describeRouterError', () => {
  const admin = { username: 'admin', password: 'admin' };

  it('keeps the user name when the password equals it', () => {
    const error = new AuthenticationError('login as "admin" refused: invalid user name or password (6)');
    expect(describeRouterError(error, admin)).toBe('login as "admin" refused: invalid user name or password (6)');
    expect(describeRouterError(new AuthenticationError('user "admin" may not use the API'), admin)).toBe(
      'user "admin" may not use the API',
    );
  });

  it('still masks the password wherever it is not the quoted user name', () => {
    const echoed = new AuthenticationError('login as "admin" refused: bad password admin for admin');
    expect(describeRouterError(echoed, admin)).toBe('login as "admin" refused: bad password *** for ***');
    const other = { username: 'monitor', password: 's3cret-pw' };
    expect(describeRouterError(new Error('login as "monitor" refused: got s3cret-pw'), other)).toBe(
      'login as "monitor" refused: got ***',
    );
    // A user name that contains the password stays whole.
    const partial = { username: 'administrator', password: 'admin' };
    expect(describeRouterError(new Error('login as "administrator" refused: admin'), partial)).toBe(
      'login as "administrator" refused: ***',
    );
  });
});

describe('isUnreachable', () => {
  it('is true only for socket errors that mean nothing answered', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(isUnreachable(new ConnectionLostError('cannot connect', { cause: refused }))).toBe(true);
    const noRoute = Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' });
    expect(isUnreachable(new Error('wrapped', { cause: new ConnectionLostError('x', { cause: noRoute }) }))).toBe(true);
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(isUnreachable(new ConnectionLostError('closed', { cause: reset }))).toBe(false);
    expect(isUnreachable(new TimeoutError('connecting timed out'))).toBe(false);
    expect(isUnreachable('ECONNREFUSED')).toBe(false);
  });
});

describe('parseVersion', () => {
  it('reads the RouterOS version forms', () => {
    expect(parseVersion('7.16.1 (stable)')).toEqual({ version: '7.16.1', major: 7, minor: 16 });
    expect(parseVersion('6.47.1 (stable)')).toEqual({ version: '6.47.1', major: 6, minor: 47 });
    expect(parseVersion('7.1beta4 (development)')).toEqual({ version: '7.1beta4', major: 7, minor: 1 });
    expect(parseVersion('7.16 (stable)')).toEqual({ version: '7.16', major: 7, minor: 16 });
    expect(parseVersion(undefined)).toEqual({ version: undefined, major: 0, minor: 0 });
    expect(parseVersion('unknown')).toEqual({ version: undefined, major: 0, minor: 0 });
  });
});
