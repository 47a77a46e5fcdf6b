import { describe, expect, it } from 'vitest';
import { challengeResponse } from '../../../../src/sources/routeros/simulator/session.js';
import { attributesOf, md5Response } from './helpers/raw-client.js';
import { connect, startRouter } from './helpers/routers.js';

describe('login', () => {
  describe('plaintext (6.43+ and v7)', () => {
    it('accepts the right credentials and counts the login', async () => {
      const router = await startRouter('hex-v7', { username: 'monitor', password: 's3cret' });
      const client = await connect(router);
      expect(await client.login('monitor', 's3cret')).toEqual([['!done']]);
      expect(router.stats.logins).toBe(1);
      expect(router.stats.failedLogins).toBe(0);
      const identity = await client.command('/system/identity/print');
      expect(identity[0]).toEqual(['!re', '=name=test-hex-v7']);
    });

    it('answers a wrong password with the real trap, then !done, and keeps the socket open', async () => {
      const router = await startRouter('hap-ac2-v6');
      const client = await connect(router);
      expect(await client.login('admin', 'wrong')).toEqual([
        ['!trap', '=message=invalid user name or password (6)'],
        ['!done'],
      ]);
      expect(await client.login('nobody', 'admin')).toEqual([
        ['!trap', '=message=invalid user name or password (6)'],
        ['!done'],
      ]);
      expect(router.stats.failedLogins).toBe(2);
      // A retry on the same connection works.
      expect(await client.login('admin', 'admin')).toEqual([['!done']]);
      expect(client.isClosed).toBe(false);
    });

    it('tags the login reply', async () => {
      const router = await startRouter('chr-v7-18');
      const client = await connect(router);
      client.send('/login', '=name=admin', '=password=admin', '.tag=l1');
      expect(await client.untilDone('l1')).toEqual([['!done', '.tag=l1']]);
    });
  });

  describe('legacy MD5 challenge (< 6.43)', () => {
    it('answers a plaintext /login with a challenge and accepts the MD5 response', async () => {
      const router = await startRouter('rb750-v6-legacy', { password: 'passTest' });
      const client = await connect(router);
      const first = await client.login('admin', 'passTest');
      expect(first).toHaveLength(1);
      expect(first[0]![0]).toBe('!done');
      const challenge = attributesOf(first[0]!).ret!;
      expect(challenge).toMatch(/^[0-9a-f]{32}$/);
      expect(router.stats.logins).toBe(0);

      const reply = await client.command('/login', '=name=admin', `=response=${md5Response('passTest', challenge)}`);
      expect(reply).toEqual([['!done']]);
      expect(router.stats.logins).toBe(1);
      const resource = await client.command('/system/resource/print', '=.proplist=version');
      expect(resource[0]).toEqual(['!re', '=version=6.40.9 (bugfix)']);
    });

    it('answers a bare /login with a fresh challenge each time', async () => {
      const router = await startRouter('rb750-v6-legacy');
      const client = await connect(router);
      const a = attributesOf((await client.command('/login'))[0]!).ret;
      const b = attributesOf((await client.command('/login'))[0]!).ret;
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      expect(b).not.toBe(a);
    });

    it('rejects a wrong response with "cannot log in"', async () => {
      const router = await startRouter('rb750-v6-legacy');
      const client = await connect(router);
      const challenge = attributesOf((await client.command('/login'))[0]!).ret!;
      const reply = await client.command('/login', '=name=admin', `=response=${md5Response('not-admin', challenge)}`);
      expect(reply).toEqual([['!trap', '=message=cannot log in'], ['!done']]);
      expect(router.stats.failedLogins).toBe(1);
    });

    it('rejects a response sent without asking for a challenge first', async () => {
      const router = await startRouter('rb750-v6-legacy');
      const client = await connect(router);
      const reply = await client.command('/login', '=name=admin', `=response=00${'0'.repeat(32)}`);
      expect(reply[0]![0]).toBe('!done');
      expect(attributesOf(reply[0]!).ret).toMatch(/^[0-9a-f]{32}$/);
      expect(router.stats.logins).toBe(0);
    });

    it('computes the documented MD5 test vectors', () => {
      expect(challengeResponse('', '856780b7411eefd3abadee2058c149a3')).toBe('005062f7a5ef124d34675bf3e81f56c556');
      expect(challengeResponse('', '93b438ec9b80057c06dd9fe67d56aa9a')).toBe('00e134102a9d330dd7b1849fedfea3cb57');
      expect(challengeResponse('passTest', 'abc123')).toBe('0021277bff9ac7caf06aa608e46616d47f');
    });
  });

  describe('before login', () => {
    it('traps commands, tagged, without running them', async () => {
      const router = await startRouter('hex-v7');
      const client = await connect(router);
      client.send('/interface/print', '.tag=7');
      expect(await client.untilDone('7')).toEqual([['!trap', '=message=not logged in', '.tag=7'], ['!done', '.tag=7']]);
    });

    it('sends !fatal after too many commands and closes', async () => {
      const router = await startRouter('hex-v7');
      const client = await connect(router);
      const replies: string[][] = [];
      for (let index = 0; index < 20 && replies.at(-1)?.[0] !== '!fatal'; index += 1) {
        client.send('/system/resource/print');
        replies.push(...(await client.untilDone()));
      }
      expect(replies.at(-1)).toEqual(['!fatal', 'too many commands before login']);
      expect(replies.filter((sentence) => sentence[0] === '!trap')).toHaveLength(8);
      await client.closed;
    });
  });
});
