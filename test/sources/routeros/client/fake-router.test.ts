/**
 * The fake router itself: bytes that are not API sentences (what a TLS ClientHello on a plain port decodes to,
 * now and then as an oversize word) close that connection and fail its reads, instead of throwing from the
 * socket's 'data' handler as an uncaught exception that failed whichever test was running.
 */
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, FakeRouter } from './helpers/fake-router.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Connects a raw TCP client, writes `bytes` and leaves the socket open. */
async function sendRaw(port: number, bytes: Buffer): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  cleanup.add({ close: () => socket.destroy() });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(bytes);
}

describe('FakeRouter with bytes that are not sentences', () => {
  it('an oversize word length closes the connection and fails its reads, with no uncaught exception', async () => {
    const router = cleanup.add(await FakeRouter.start());
    // 0xF0 prefix: a four-byte length, here 0xFFFFFFFF, far above any word the decoder accepts.
    await sendRaw(router.port, Buffer.from([0xf0, 0xff, 0xff, 0xff, 0xff, 0x41]));
    const connection = await router.nextConnection();
    await expect(connection.read(5_000)).rejects.toThrow(/not API sentences/);
    await connection.closed;
    expect(connection.protocolError).toBeInstanceOf(Error);
    expect(connection.socket.destroyed).toBe(true);
    // The router still serves other connections.
    const { client } = await router.connectClient();
    await client.close();
  });

  it('a TLS ClientHello on the plain port is handled the same way, every time', async () => {
    const router = cleanup.add(await FakeRouter.start());
    // The ClientHello carries 32 random bytes, so how it decodes varies: repeat to cover the oversize case.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const socket = tlsConnect({ host: '127.0.0.1', port: router.port, rejectUnauthorized: false });
      socket.on('error', () => {});
      cleanup.add({ close: () => socket.destroy() });
      const connection = await router.nextConnection();
      // Either a decode failure closes it, or the partial "sentence" waits; both end when the client goes.
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
      await connection.closed;
    }
    expect(router.connections).toHaveLength(20);
  });
});
