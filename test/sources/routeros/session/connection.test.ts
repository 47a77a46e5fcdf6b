/**
 * Router config → client connection options, including TLS against the simulator's api-ssl.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouterTlsConfig } from '../../../../src/sources/routeros/config/types.js';
import { createServer } from 'node:net';
import { buildTlsOptions, probePort, routerAddress, tlsMode } from '../../../../src/sources/routeros/session/connection.js';
import { DEMO_CERTIFICATE_PEM } from '../../../../src/sources/routeros/simulator/demo-certificate.js';
import { EngineHarness, simRouter, snapshotOf, waitFor } from '../poller/helpers/engine-fixtures.js';

const NO_TLS: RouterTlsConfig = { enabled: false, caFile: '', serverName: '', fingerprint: '', insecure: false, anonymous: false };

const harness = new EngineHarness();
afterEach(() => harness.cleanup());

describe('tlsMode', () => {
  it('picks the mode from the config flags', () => {
    expect(tlsMode(NO_TLS)).toBeUndefined();
    expect(tlsMode({ ...NO_TLS, enabled: true })).toBe('verified');
    expect(tlsMode({ ...NO_TLS, enabled: true, fingerprint: 'ab:cd' })).toBe('pinned');
    expect(tlsMode({ ...NO_TLS, enabled: true, insecure: true })).toBe('insecure');
    expect(tlsMode({ ...NO_TLS, enabled: true, anonymous: true })).toBe('anonymous');
  });
});

describe('buildTlsOptions', () => {
  it('reads the CA file and passes the server name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engine-tls-'));
    try {
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, DEMO_CERTIFICATE_PEM);
      const options = await buildTlsOptions(
        simRouter('core', 8729, { tls: { ...NO_TLS, enabled: true, caFile, serverName: 'router.example' } }),
      );
      expect(options?.mode).toBe('verified');
      expect(options?.serverName).toBe('router.example');
      expect(String(options?.ca)).toBe(DEMO_CERTIFICATE_PEM);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the router and the file when the CA cannot be read', async () => {
    const router = simRouter('core', 8729, { tls: { ...NO_TLS, enabled: true, caFile: '/nonexistent/ca.pem' } });
    await expect(buildTlsOptions(router)).rejects.toThrow('routers.core.tls.ca_file: cannot read /nonexistent/ca.pem (ENOENT)');
  });

  it('is undefined for plain TCP', async () => {
    expect(await buildTlsOptions(simRouter('core', 8728))).toBeUndefined();
  });
});

describe('routerAddress', () => {
  it('brackets IPv6 hosts', () => {
    expect(routerAddress({ host: '192.0.2.1', port: 8728 })).toBe('192.0.2.1:8728');
    expect(routerAddress({ host: '::1', port: 8729 })).toBe('[::1]:8729');
  });
});

describe('TLS routers in the engine', () => {
  it('polls api-ssl routers in verified, pinned and insecure modes; a refused certificate is a tls_error', async () => {
    const fleet = await harness.fleetOf(1, 'v7', { tls: true });
    const port = fleet.routers[0]!.port;
    const dir = await mkdtemp(join(tmpdir(), 'engine-tls-'));
    try {
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, DEMO_CERTIFICATE_PEM);
      const fingerprint = new X509Certificate(DEMO_CERTIFICATE_PEM).fingerprint256;
      const wrong = fingerprint.replace(/^[0-9A-F]{2}/, (byte) => (byte === '00' ? '11' : '00'));
      const { engine } = harness.engineFor([
        simRouter('verified', port, { tls: { ...NO_TLS, enabled: true, caFile } }),
        simRouter('pinned', port, { tls: { ...NO_TLS, enabled: true, fingerprint } }),
        simRouter('insecure', port, { tls: { ...NO_TLS, enabled: true, insecure: true } }),
        simRouter('wrong-pin', port, { tls: { ...NO_TLS, enabled: true, fingerprint: wrong } }),
        // The simulator's self-signed certificate against Node's default CAs.
        simRouter('untrusted', port, { tls: { ...NO_TLS, enabled: true } }),
      ]);
      engine.start();
      await engine.whenFirstRoundDone();
      await waitFor('the three good routers up', () =>
        ['verified', 'pinned', 'insecure'].every((name) => snapshotOf(engine, name).up),
      );
      expect(snapshotOf(engine, 'verified').collectors.get('system')?.status).toBe('ok');
      expect(snapshotOf(engine, 'wrong-pin')).toMatchObject({ up: false, downReason: 'tls_error' });
      expect(snapshotOf(engine, 'wrong-pin').lastError).toMatch(/fingerprint/i);
      expect(snapshotOf(engine, 'untrusted')).toMatchObject({ up: false, downReason: 'tls_error' });
      expect(snapshotOf(engine, 'untrusted').lastError).toMatch(/certificate/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('probePort', () => {
  it('answers true for a listening port and closes its connection at once', async () => {
    let accepted = 0;
    let closed = 0;
    const server = createServer((socket) => {
      accepted += 1;
      socket.on('close', () => (closed += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await probePort({ host: '127.0.0.1', port, timeoutMillis: 1_000 })).toBe(true);
      await waitFor('the probe connection closed', () => closed === 1, 1_000);
      expect(accepted).toBe(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers false for a closed port and for an aborted probe', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await probePort({ host: '127.0.0.1', port, timeoutMillis: 1_000 })).toBe(false);
    expect(await probePort({ host: '127.0.0.1', port, timeoutMillis: 1_000, signal: AbortSignal.abort() })).toBe(false);
  });
});
