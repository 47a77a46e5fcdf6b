import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerAuthConfig } from '../../src/config/types.js';
import { Authenticator } from '../../src/server/auth.js';
import { createHttpServer } from '../../src/server/http-server.js';
import { TestSnapshotSource, serverConfig } from '../telemetry/fixtures.js';
import { FakeTelemetry, request } from './helpers.js';

// Cost 4 keeps the suite fast; the code path is the same as for production costs.
const ALICE_HASH = bcrypt.hashSync('wonderland', 4);
const TOKEN = 'tok-9f8e7d6c5b4a';

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function auth(overrides: Partial<ServerAuthConfig> = {}): ServerAuthConfig {
  return { basicUsers: { alice: ALICE_HASH }, bearerToken: '', openPaths: ['/live', '/ready'], ...overrides };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function startWithAuth(config: ServerAuthConfig): Promise<number> {
  const server = createHttpServer({
    config: serverConfig({ auth: config }),
    source: new TestSnapshotSource(),
    telemetry: new FakeTelemetry(),
    version: '1',
  });
  cleanups.push(() => server.close());
  return (await server.listen()).port;
}

describe('Authenticator', () => {
  it('is disabled without users and token', async () => {
    const authenticator = new Authenticator({ config: auth({ basicUsers: {} }) });
    expect(authenticator.enabled).toBe(false);
    expect(authenticator.isOpenPath('/metrics')).toBe(true);
    expect(await authenticator.check(undefined)).toBe('ok');
  });

  it('verifies basic credentials with bcrypt and caches a success by header', async () => {
    const compare = vi.spyOn(bcrypt, 'compare');
    const authenticator = new Authenticator({ config: auth() });
    expect(await authenticator.check(basic('alice', 'wonderland'))).toBe('ok');
    expect(await authenticator.check(basic('alice', 'wonderland'))).toBe('ok');
    expect(compare).toHaveBeenCalledTimes(1);
    expect(await authenticator.check(basic('alice', 'wrong'))).toBe('denied');
    expect(await authenticator.check(basic('alice', 'wrong'))).toBe('denied');
    expect(compare).toHaveBeenCalledTimes(3);
  });

  it('expires cached verifications', async () => {
    const compare = vi.spyOn(bcrypt, 'compare');
    let now = 0;
    const authenticator = new Authenticator({ config: auth(), cacheTtlMillis: 1000, nowMillis: () => now });
    await authenticator.check(basic('alice', 'wonderland'));
    now = 999;
    await authenticator.check(basic('alice', 'wonderland'));
    now = 1000;
    await authenticator.check(basic('alice', 'wonderland'));
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('spends a bcrypt run on unknown users too and denies them', async () => {
    const compare = vi.spyOn(bcrypt, 'compare');
    const authenticator = new Authenticator({ config: auth() });
    expect(await authenticator.check(basic('mallory', 'wonderland'))).toBe('denied');
    expect(compare).toHaveBeenCalledTimes(1);
    expect(await authenticator.check(basic('__proto__', 'x'))).toBe('denied');
    expect(await authenticator.check('Basic !!!not-base64')).toBe('denied');
    expect(await authenticator.check('Basic')).toBe('denied');
  });

  it('answers busy beyond the concurrent verification cap', async () => {
    const authenticator = new Authenticator({ config: auth(), maxConcurrentVerifications: 1 });
    const first = authenticator.check(basic('alice', 'guess1'));
    expect(await authenticator.check(basic('alice', 'guess2'))).toBe('busy');
    expect(await first).toBe('denied');
    expect(await authenticator.check(basic('alice', 'wonderland'))).toBe('ok');
  });

  it('compares bearer tokens exactly, scheme case-insensitive', async () => {
    const authenticator = new Authenticator({ config: auth({ basicUsers: {}, bearerToken: TOKEN }) });
    expect(await authenticator.check(`Bearer ${TOKEN}`)).toBe('ok');
    expect(await authenticator.check(`bearer ${TOKEN}`)).toBe('ok');
    expect(await authenticator.check(`Bearer ${TOKEN}x`)).toBe('denied');
    expect(await authenticator.check(`Bearer ${TOKEN.slice(0, -1)}`)).toBe('denied');
    expect(await authenticator.check('Bearer ')).toBe('denied');
    expect(await authenticator.check(basic('alice', 'wonderland'))).toBe('denied');
  });

  it('offers one challenge per configured scheme', () => {
    expect(new Authenticator({ config: auth({ bearerToken: TOKEN }) }).challenges()).toEqual([
      'Basic realm="mikrotik-otel-agent", charset="UTF-8"',
      'Bearer realm="mikrotik-otel-agent"',
    ]);
  });
});

describe('HTTP server with auth', () => {
  it('requires basic auth except on open paths and answers 401 with a challenge', async () => {
    const port = await startWithAuth(auth());

    const denied = await request(port, '/metrics');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="mikrotik-otel-agent", charset="UTF-8"');
    expect((await request(port, '/health')).status).toBe(401);
    expect((await request(port, '/')).status).toBe(401);
    // Unknown paths do not reveal themselves before authentication.
    expect((await request(port, '/unknown')).status).toBe(401);
    expect((await request(port, '/metrics', { headers: { authorization: basic('alice', 'nope') } })).status).toBe(401);

    expect((await request(port, '/metrics', { headers: { authorization: basic('alice', 'wonderland') } })).status).toBe(200);
    expect((await request(port, '/unknown', { headers: { authorization: basic('alice', 'wonderland') } })).status).toBe(404);
    expect((await request(port, '/live')).status).toBe(200);
    expect((await request(port, '/ready')).status).toBe(200);
  });

  it('accepts either a bearer token or basic credentials when both are configured', async () => {
    const port = await startWithAuth(auth({ bearerToken: TOKEN, openPaths: ['/live'] }));
    expect((await request(port, '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await request(port, '/metrics', { headers: { authorization: basic('alice', 'wonderland') } })).status).toBe(200);
    expect((await request(port, '/metrics', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await request(port, '/ready')).status).toBe(401);

    const denied = await request(port, '/health', { headers: { authorization: 'Bearer nope' } });
    expect(denied.headers['www-authenticate']).toEqual(
      expect.stringContaining('Bearer realm="mikrotik-otel-agent"'),
    );
    // No response ever echoes a credential.
    expect(denied.text).not.toContain('nope');
    expect(denied.text).not.toContain(TOKEN);
  });
});
