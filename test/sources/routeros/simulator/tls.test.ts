import { once } from 'node:events';
import { createConnection } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { DEMO_CERTIFICATE_PEM } from '../../../../src/sources/routeros/simulator/demo-certificate.js';
import { RawClient } from './helpers/raw-client.js';
import { connect, loggedIn, startRouter } from './helpers/routers.js';

describe('api-ssl', () => {
  it('certificate mode serves the demo certificate, verifiable by name and by IP', async () => {
    const router = await startRouter('hex-v7', { tls: { mode: 'certificate' } });
    const byName = await loggedIn(router, { tls: { ca: DEMO_CERTIFICATE_PEM, servername: 'localhost' } });
    const socket = byName.socket as TLSSocket;
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().subject.CN).toBe('localhost');
    expect((await byName.command('/system/identity/print'))[0]).toEqual(['!re', '=name=test-hex-v7']);
    const byAddress = await loggedIn(router, { tls: { ca: DEMO_CERTIFICATE_PEM } });
    expect((byAddress.socket as TLSSocket).authorized).toBe(true);
    expect(router.connectionCount).toBe(2);
  });

  it('certificate mode is rejected by a client that does not trust the demo CA', async () => {
    const router = await startRouter('hex-v7', { tls: { mode: 'certificate' } });
    await expect(RawClient.connect(router.port, { tls: {} })).rejects.toThrow(/self[- ]signed/i);
    // The failed handshake did not disturb the router.
    const client = await loggedIn(router, { tls: { ca: DEMO_CERTIFICATE_PEM, servername: 'localhost' } });
    expect(client.isClosed).toBe(false);
  });

  it('anonymous mode negotiates ADH over TLS 1.2 without a certificate', async () => {
    const router = await startRouter('chr-v7-18', { tls: { mode: 'anonymous' } });
    const client = await loggedIn(router, {
      tls: { ciphers: 'ADH-AES256-GCM-SHA384:@SECLEVEL=0', maxVersion: 'TLSv1.2', rejectUnauthorized: false },
    });
    const socket = client.socket as TLSSocket;
    expect(socket.getCipher().name).toBe('ADH-AES256-GCM-SHA384');
    expect(socket.getProtocol()).toBe('TLSv1.2');
    expect(Object.keys(socket.getPeerCertificate())).toHaveLength(0);
    expect(await client.command('/system/health/print')).toEqual([['!empty'], ['!done']]);
  });

  it('anonymous mode refuses a client that offers only ordinary suites', async () => {
    const router = await startRouter('chr-v7-18', { tls: { mode: 'anonymous' } });
    await expect(RawClient.connect(router.port, { tls: { rejectUnauthorized: false } })).rejects.toThrow();
    // A plain TCP client speaking the API to a TLS port is dropped; the router stays up.
    const plain = await connect(router);
    plain.send('/login', '=name=admin', '=password=admin');
    await expect(plain.next()).rejects.toThrow(/connection closed/);
    const client = await loggedIn(router, {
      tls: { ciphers: 'ADH-AES256-GCM-SHA384:@SECLEVEL=0', maxVersion: 'TLSv1.2', rejectUnauthorized: false },
    });
    expect(client.isClosed).toBe(false);
  });
});

describe('api-ssl listener lifecycle', () => {
  it('stop() and the refuse fault return promptly while a client sits in its TLS handshake', async () => {
    for (const action of ['stop', 'refuse'] as const) {
      const router = await startRouter('hex-v7', { tls: { mode: 'certificate' } });
      // A raw TCP client that never sends a ClientHello: no session exists for it yet.
      const idle = createConnection({ host: '127.0.0.1', port: router.port });
      idle.on('error', () => undefined);
      await once(idle, 'connect');
      const closed = once(idle, 'close');
      const startedAt = Date.now();
      if (action === 'stop') {
        await router.stop();
      } else {
        router.setFault({ kind: 'refuse' });
        await router.settled();
      }
      expect(Date.now() - startedAt, action).toBeLessThan(1_000);
      await closed;
      await router.stop();
    }
  });
});
