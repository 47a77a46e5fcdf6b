import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpServer, type AgentHttpServer, type HttpServerOptions } from '../../src/server/http-server.js';
import { TestSnapshotSource, serverConfig } from '../telemetry/fixtures.js';
import { FakeTelemetry, request } from './helpers.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const CERT_A = readFileSync(new URL('cert-a.pem', FIXTURES));
const CERT_B = readFileSync(new URL('cert-b.pem', FIXTURES));

let dir: string;
let certFile: string;
let keyFile: string;
const servers: AgentHttpServer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'server-tls-'));
  certFile = join(dir, 'cert.pem');
  keyFile = join(dir, 'key.pem');
  install('a', 'a');
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function install(cert: 'a' | 'b', key: 'a' | 'b'): void {
  copyFileSync(new URL(`cert-${cert}.pem`, FIXTURES), certFile);
  copyFileSync(new URL(`key-${key}.pem`, FIXTURES), keyFile);
}

async function start(extra: Partial<HttpServerOptions> = {}): Promise<{ server: AgentHttpServer; port: number }> {
  const server = createHttpServer({
    config: serverConfig({ tls: { certFile, keyFile } }),
    source: new TestSnapshotSource(),
    telemetry: new FakeTelemetry(),
    version: '1',
    ...extra,
  });
  servers.push(server);
  return { server, port: (await server.listen()).port };
}

/** Common name of the certificate the server presents on a new connection. */
function presentedName(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      const subject = socket.getPeerCertificate().subject;
      socket.destroy();
      resolve(String(subject.CN));
    });
    socket.on('error', reject);
  });
}

describe('HTTP server with TLS', () => {
  it('serves HTTPS with the configured certificate', async () => {
    const { port } = await start();
    const res = await request(port, '/live', { ca: CERT_A });
    expect(res.status).toBe(200);
    expect(await presentedName(port)).toBe('agent-test-a');
    await expect(request(port, '/live')).rejects.toThrow();
  });

  it('reloads a renewed certificate for new connections', async () => {
    const reloads = vi.fn();
    const { server, port } = await start({ onTlsReload: reloads });
    expect(await server.reloadTls()).toBe(false);

    install('b', 'b');
    expect(await server.reloadTls()).toBe(true);
    expect(reloads).toHaveBeenCalledTimes(1);
    expect(await presentedName(port)).toBe('agent-test-b');
    expect((await request(port, '/live', { ca: CERT_B })).status).toBe(200);
  });

  it('notices changed files by polling', async () => {
    const { port } = await start({ tlsReloadIntervalMillis: 25 });
    install('b', 'b');
    await vi.waitFor(async () => expect(await presentedName(port)).toBe('agent-test-b'), { timeout: 3000, interval: 25 });
  });

  it('keeps the old certificate when the new pair does not match, and says so', async () => {
    const errors: string[] = [];
    const { server, port } = await start({ onError: (message) => errors.push(message) });
    install('b', 'a');
    expect(await server.reloadTls()).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^server tls: keeping the current certificate, new files unusable: /);
    expect(errors[0]).not.toContain('PRIVATE KEY');
    expect(await presentedName(port)).toBe('agent-test-a');

    // Fixed files are picked up on the next change.
    install('b', 'b');
    expect(await server.reloadTls()).toBe(true);
    expect(await presentedName(port)).toBe('agent-test-b');
  });

  it('fails at start, naming the key, when a file is missing', () => {
    rmSync(keyFile);
    expect(() =>
      createHttpServer({
        config: serverConfig({ tls: { certFile, keyFile } }),
        source: new TestSnapshotSource(),
        telemetry: new FakeTelemetry(),
        version: '1',
      }),
    ).toThrow(/^server\.tls\.key_file: cannot read .*key\.pem \(ENOENT\)$/);
  });
});
