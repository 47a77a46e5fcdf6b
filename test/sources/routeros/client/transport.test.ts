import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import type { RouterOsTlsOptions } from '../../../../src/sources/routeros/client/client.js';
import { ConnectionLostError, TimeoutError } from '../../../../src/sources/routeros/client/errors.js';
import {
  ANONYMOUS_TLS_CIPHERS,
  certificateFingerprint,
  normalizeFingerprint,
  TlsVerificationError,
} from '../../../../src/sources/routeros/client/transport.js';
import { Cleanup, FakeRouter } from './helpers/fake-router.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/tls/${name}`, import.meta.url), 'utf8');
const CA = fixture('ca.pem');
const OTHER_CA = fixture('other-ca.pem');
const SERVER_CERT = fixture('server.pem');
const SERVER_KEY = fixture('server-key.pem');
const SERVER_FINGERPRINT = fixture('server.sha256').trim();

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function certificateRouter(): Promise<FakeRouter> {
  return cleanup.add(await FakeRouter.start({ tls: { cert: SERVER_CERT, key: SERVER_KEY } }));
}

async function anonymousRouter(): Promise<FakeRouter> {
  return cleanup.add(
    await FakeRouter.start({ tls: { ciphers: ANONYMOUS_TLS_CIPHERS, maxVersion: 'TLSv1.2', dhparam: 'auto' } }),
  );
}

/** Connects with `tls`, accepts the login, runs one command: proves the encrypted channel carries the protocol. */
async function connectAndPrint(router: FakeRouter, tls: RouterOsTlsOptions) {
  const { client, connection } = await router.connectClient({ tls, connectTimeoutMillis: 5_000 });
  cleanup.add(client);
  const pending = client.print('/system/identity');
  connection.reply(await connection.read(), ['!re', '=name=tls-router'], ['!done']);
  expect(await pending).toEqual([{ name: 'tls-router' }]);
  return { client, connection };
}

async function refused(router: FakeRouter, tls: RouterOsTlsOptions): Promise<Error> {
  return RouterOsClient.connect(router.clientOptions({ tls, connectTimeoutMillis: 5_000 })).then(
    () => new Error('expected the connection to be refused'),
    (error: unknown) => error as Error,
  );
}

describe('fingerprints', () => {
  it('computes the SHA-256 of the DER certificate in openssl form', () => {
    expect(certificateFingerprint(new X509Certificate(SERVER_CERT).raw)).toBe(SERVER_FINGERPRINT);
  });

  it('normalises colons and case, and rejects anything but 64 hex digits', () => {
    expect(normalizeFingerprint(SERVER_FINGERPRINT)).toBe(SERVER_FINGERPRINT.replace(/:/g, '').toLowerCase());
    expect(() => normalizeFingerprint('ab:cd')).toThrow(/tls.fingerprint must be a SHA-256 fingerprint/);
    expect(() => normalizeFingerprint('z'.repeat(64))).toThrow(TypeError);
  });
});

describe('TLS mode verified', () => {
  it('connects when the certificate chains to the given CA and names the IP', async () => {
    await connectAndPrint(await certificateRouter(), { mode: 'verified', ca: CA });
  });

  it('checks serverName instead of the host when given', async () => {
    const router = await certificateRouter();
    await connectAndPrint(router, { mode: 'verified', ca: Buffer.from(CA), serverName: 'router.test' });
    const error = await refused(router, { mode: 'verified', ca: CA, serverName: 'other.test' });
    expect(error).toBeInstanceOf(TlsVerificationError);
    expect(error.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ refused: ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('refuses a certificate from another CA', async () => {
    const router = await certificateRouter();
    const error = await refused(router, { mode: 'verified', ca: OTHER_CA });
    expect(error).toBeInstanceOf(TlsVerificationError);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.message).toMatch(/refused/);
    expect(router.connections).toHaveLength(0);
  });

  it('refuses a private CA when only the default CAs are trusted', async () => {
    expect(await refused(await certificateRouter(), { mode: 'verified' })).toBeInstanceOf(TlsVerificationError);
  });
});

describe('TLS mode pinned', () => {
  it('connects when the leaf fingerprint matches (any notation)', async () => {
    const router = await certificateRouter();
    await connectAndPrint(router, { mode: 'pinned', fingerprint: SERVER_FINGERPRINT });
    await connectAndPrint(router, { mode: 'pinned', fingerprint: SERVER_FINGERPRINT.replace(/:/g, '').toLowerCase() });
  });

  it('refuses a different fingerprint, naming expected and actual', async () => {
    const router = await certificateRouter();
    const wrong = 'AA:'.repeat(31) + 'AA';
    const error = await refused(router, { mode: 'pinned', fingerprint: wrong });
    expect(error).toBeInstanceOf(TlsVerificationError);
    expect(error.message).toBe(
      `TLS certificate fingerprint mismatch for 127.0.0.1:${router.port}: expected ${wrong}, got ${SERVER_FINGERPRINT}`,
    );
    // Nothing may be sent over a refused channel: the login (with the password) never left.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const connection of router.connections) expect(connection.received).toEqual([]);
  });
});

describe('TLS mode insecure', () => {
  it('connects to a certificate no one vouches for', async () => {
    await connectAndPrint(await certificateRouter(), { mode: 'insecure' });
  });
});

describe('TLS mode anonymous', () => {
  it('connects to certificate-less api-ssl with anonymous DH over TLS 1.2', async () => {
    const { connection } = await connectAndPrint(await anonymousRouter(), { mode: 'anonymous' });
    const socket = connection.socket as TLSSocket;
    expect(socket.getCipher().name).toBe('ADH-AES256-GCM-SHA384');
    expect(socket.getProtocol()).toBe('TLSv1.2');
  });

  it('fails cleanly against a server that only offers certificate suites', async () => {
    const error = await refused(await certificateRouter(), { mode: 'anonymous' });
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error).not.toBeInstanceOf(TlsVerificationError);
    expect(error.message).toMatch(/cannot open TLS connection to 127\.0\.0\.1:\d+/);
  });

  it('verified mode refuses an anonymous server', async () => {
    const error = await refused(await anonymousRouter(), { mode: 'verified', ca: CA });
    expect(error).toBeInstanceOf(ConnectionLostError);
  });
});

describe('TLS connect deadline', () => {
  it('times out when the server never completes the handshake', async () => {
    // A peer that accepts TCP and then says nothing. (A fake router would try to decode the ClientHello as API
    // words and, depending on its random bytes, sometimes close the connection before the deadline.)
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.add({
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    });
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const error = await RouterOsClient.connect({
      host: '127.0.0.1',
      port,
      username: 'admin',
      password: 'secret',
      tls: { mode: 'insecure' },
      connectTimeoutMillis: 200,
    }).then(
      () => new Error('expected a timeout'),
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
