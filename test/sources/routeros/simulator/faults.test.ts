import { connect as connectTcp } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SentenceDecoder } from '../../../../src/sources/routeros/protocol/codec.js';
import { attributesOf, md5Response, RawClient, rowsOf } from './helpers/raw-client.js';
import { connect, loggedIn, startRouter } from './helpers/routers.js';

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('faults', () => {
  it('latency delays every reply, login included', async () => {
    const router = await startRouter('hex-v7');
    router.setFault({ kind: 'latency', millis: 300 });
    const client = await connect(router);
    let started = Date.now();
    expect(await client.login()).toEqual([['!done']]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    expect((await client.command('/system/identity/print'))[0]).toEqual(['!re', '=name=test-hex-v7']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    router.setFault(undefined);
    started = Date.now();
    await client.command('/system/identity/print');
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('latency keeps a delayed command cancellable', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    router.setFault({ kind: 'latency', millis: 300 });
    client.send('/interface/print', '.tag=slow');
    // Let the print reach the router while the fault holds it, then cancel without delay.
    await new Promise((resolve) => setTimeout(resolve, 60));
    router.setFault(undefined);
    client.send('/cancel', '=tag=slow', '.tag=c');
    expect(await client.untilDone('slow')).toEqual([
      ['!trap', '=category=2', '=message=interrupted', '.tag=slow'],
      ['!done', '.tag=c'],
      ['!done', '.tag=slow'],
    ]);
    expect(await client.drain(400)).toEqual([]);
  });

  it('hang-before-login accepts the connection and never answers', async () => {
    const router = await startRouter('hex-v7');
    router.setFault({ kind: 'hang-before-login' });
    const client = await connect(router);
    client.send('/login', '=name=admin', '=password=admin');
    await expect(client.next(300)).rejects.toThrow(/no sentence/);
    expect(client.isClosed).toBe(false);
    expect(router.connectionCount).toBe(1);
  });

  it('hang-after-login logs in and then never answers commands', async () => {
    const router = await startRouter('hex-v7');
    router.setFault({ kind: 'hang-after-login' });
    const client = await loggedIn(router);
    client.send('/system/resource/print');
    await expect(client.next(300)).rejects.toThrow(/no sentence/);
    expect(router.stats.logins).toBe(1);
    expect(router.stats.commands).toBe(1);
  });

  it('drop-mid-reply sends part of a multi-row reply and then closes', async () => {
    const router = await startRouter('ccr2004-v7');
    const client = await loggedIn(router);
    router.setFault({ kind: 'drop-mid-reply' });
    const offset = client.received.length;
    client.send('/interface/print');
    const first = await client.next();
    expect(first[0]).toBe('!re');
    await client.closed;
    // Whatever arrived after the first row ends inside a sentence: no !done ever came.
    const sentences = new SentenceDecoder().push(client.received.subarray(offset));
    expect(sentences.some((sentence) => sentence[0] === '!done')).toBe(false);
    expect(sentences.length).toBeGreaterThan(2);
    expect(sentences.length).toBeLessThan(69);
  });

  it('garbage answers commands with bytes the codec rejects', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    router.setFault({ kind: 'garbage' });
    const offset = client.received.length;
    client.send('/system/resource/print');
    await expect(client.next()).rejects.toThrow(/control byte/);
    expect(client.received[offset]).toBeGreaterThanOrEqual(0xf8);
  });

  it('fatal answers the next command with !fatal and closes', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    router.setFault({ kind: 'fatal' });
    client.send('/system/resource/print', '.tag=1');
    const fatal = await client.next();
    expect(fatal[0]).toBe('!fatal');
    expect(fatal).toHaveLength(2);
    await client.closed;
  });

  it('auth-failure rejects correct credentials with the real trap (plaintext and legacy)', async () => {
    const router = await startRouter('hex-v7');
    router.setFault({ kind: 'auth-failure' });
    const client = await connect(router);
    expect(await client.login()).toEqual([['!trap', '=message=invalid user name or password (6)'], ['!done']]);
    expect(router.stats.failedLogins).toBe(1);
    router.setFault(undefined);
    expect(await client.login()).toEqual([['!done']]);

    const legacy = await startRouter('rb750-v6-legacy');
    legacy.setFault({ kind: 'auth-failure' });
    const old = await connect(legacy);
    const challenge = attributesOf((await old.command('/login'))[0]!).ret!;
    expect(await old.command('/login', '=name=admin', `=response=${md5Response('admin', challenge)}`)).toEqual([
      ['!trap', '=message=cannot log in'],
      ['!done'],
    ]);
  });

  it('oversize-word announces a word beyond 16 MiB', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    router.setFault({ kind: 'oversize-word' });
    const offset = client.received.length;
    client.send('/system/resource/print');
    await expect(client.next()).rejects.toThrow(/exceeds the limit/);
    expect([...client.received.subarray(offset, offset + 5)]).toEqual([0xf0, 0x10, 0x00, 0x00, 0x00]);
  });

  it('refuse stops listening and drops connections until cleared, on the same port', async () => {
    const router = await startRouter('hex-v7');
    const port = router.port;
    const client = await loggedIn(router);
    router.setFault({ kind: 'refuse' });
    await client.closed;
    await router.settled();
    expect(await connectionRefused(port)).toBe(true);
    router.setFault(undefined);
    await router.settled();
    expect(router.port).toBe(port);
    const again = await RawClient.connect(port);
    try {
      expect(await again.login()).toEqual([['!done']]);
      expect(rowsOf(await again.command('/system/identity/print'))).toEqual([{ name: 'test-hex-v7' }]);
    } finally {
      again.close();
    }
  });

  it('rejects an unknown fault with a clear error', async () => {
    const router = await startRouter('hex-v7');
    expect(() => router.setFault({ kind: 'explode' } as never)).toThrow(/fault.kind: unknown fault "explode"/);
    expect(() => router.setFault({ kind: 'latency', millis: -1 })).toThrow(/fault.millis/);
    // Node fires a timer longer than 2^31 - 1 ms at once, so such a latency would be none at all.
    expect(() => router.setFault({ kind: 'latency', millis: 2 ** 31 })).toThrow(/fault.millis: .*2147483647/);
    expect(router.fault).toBeUndefined();
    router.setFault({ kind: 'latency', millis: 2 ** 31 - 1 });
    expect(router.fault).toEqual({ kind: 'latency', millis: 2 ** 31 - 1 });
  });
});
