/**
 * The client's TLS modes against the simulator's api-ssl: verified (demo certificate, self-signed,
 * as its own CA; and the fixture CA's server certificate), pinned, insecure, anonymous DH, and the
 * refusals (wrong CA, wrong name, wrong pin). A refused certificate must stop the client before the
 * login is sent, so the router never sees a login attempt.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RouterOsClient, TlsVerificationError } from '../../../../src/sources/routeros/client/client.js';
import type { RouterOsTlsOptions } from '../../../../src/sources/routeros/client/client.js';
import { ConnectionLostError, TimeoutError } from '../../../../src/sources/routeros/client/errors.js';
import { DEMO_CERTIFICATE_PEM } from '../../../../src/sources/routeros/simulator/demo-certificate.js';
import type { SimulatedRouter } from '../../../../src/sources/routeros/simulator/router.js';
import {
  clientOptions,
  PASSWORD,
  ProcessErrorWatcher,
  rejectionOf,
  SimulatorHarness,
  sleep,
} from '../../../conformance/helpers/simulator.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../fixtures/tls/${name}`, import.meta.url)), 'utf8');
const FIXTURE_CA = fixture('ca.pem');
const FIXTURE_SERVER_CERT = fixture('server.pem');
const FIXTURE_SERVER_KEY = fixture('server-key.pem');
const FIXTURE_SERVER_SHA256 = fixture('server.sha256').trim();
const OTHER_CA = fixture('other-ca.pem');
/** `openssl x509 -fingerprint -sha256` form of the demo certificate. */
const DEMO_SHA256 = new X509Certificate(DEMO_CERTIFICATE_PEM).fingerprint256;

const harness = new SimulatorHarness();
const processErrors = new ProcessErrorWatcher();

beforeAll(() => processErrors.install());
afterEach(async () => {
  await harness.dispose();
  await sleep(20);
  expect(processErrors.events).toEqual([]);
});
afterAll(() => {
  processErrors.uninstall();
  expect(processErrors.events).toEqual([]);
});

function demoRouter(name = 'tls-demo'): Promise<SimulatedRouter> {
  return harness.router('hex-v7', { name, tls: { mode: 'certificate' } });
}

function fixtureRouter(name = 'tls-fixture'): Promise<SimulatedRouter> {
  return harness.router('hex-v7', { name, tls: { mode: 'certificate', cert: FIXTURE_SERVER_CERT, key: FIXTURE_SERVER_KEY } });
}

/** Connects over TLS, checks the session works and the router saw exactly one login. */
async function expectWorks(router: SimulatedRouter, tls: RouterOsTlsOptions, host = '127.0.0.1'): Promise<void> {
  const client = await harness.client(router, { tls, host });
  const rows = await client.print('/system/identity', { proplist: ['name'] });
  expect(rows).toEqual([{ name: router.name }]);
  expect(await client.count('/interface', { query: ['type=ether'] })).toBe(5);
  expect(router.stats.logins).toBe(1);
}

/** Connects over TLS, expects the refusal, and checks that no login (so no password) reached the router. */
async function expectRefused(router: SimulatedRouter, tls: RouterOsTlsOptions): Promise<Error> {
  const error = await rejectionOf(RouterOsClient.connect(clientOptions(router, { tls })));
  expect(error).toBeInstanceOf(ConnectionLostError);
  expect(error.message).not.toContain(PASSWORD);
  expect(router.stats).toEqual({ logins: 0, failedLogins: 0, commands: 0 });
  return error;
}

describe('TLS modes against the simulated api-ssl', () => {
  it('the demo certificate is self-signed for localhost / 127.0.0.1 (so it is its own CA)', () => {
    const certificate = new X509Certificate(DEMO_CERTIFICATE_PEM);
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.ca).toBe(true);
    expect(certificate.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(certificate.subjectAltName).toContain('DNS:localhost');
  });

  it('verified: the demo certificate as CA, checked against the IP SAN and against serverName localhost', async () => {
    const router = await demoRouter();
    await expectWorks(router, { mode: 'verified', ca: DEMO_CERTIFICATE_PEM });
    const second = await demoRouter('tls-demo-2');
    await expectWorks(second, { mode: 'verified', ca: DEMO_CERTIFICATE_PEM, serverName: 'localhost' });
  });

  it('verified: a CA-signed server certificate (test fixture) with serverName router.test', async () => {
    const router = await fixtureRouter();
    await expectWorks(router, { mode: 'verified', ca: FIXTURE_CA, serverName: 'router.test' });
  });

  it('verified: a wrong CA is refused with TlsVerificationError before login', async () => {
    const demo = await demoRouter();
    const demoError = await expectRefused(demo, { mode: 'verified', ca: OTHER_CA });
    expect(demoError).toBeInstanceOf(TlsVerificationError);
    const signed = await fixtureRouter();
    const signedError = await expectRefused(signed, { mode: 'verified', ca: OTHER_CA, serverName: 'router.test' });
    expect(signedError).toBeInstanceOf(TlsVerificationError);
    // The system CAs do not know the demo certificate either.
    const noCa = await expectRefused(await demoRouter('tls-demo-3'), { mode: 'verified' });
    expect(noCa).toBeInstanceOf(TlsVerificationError);
  });

  it('verified: a name the certificate does not carry is refused with TlsVerificationError', async () => {
    const router = await demoRouter();
    const error = await expectRefused(router, { mode: 'verified', ca: DEMO_CERTIFICATE_PEM, serverName: 'router.test' });
    expect(error).toBeInstanceOf(TlsVerificationError);
    expect(error.message).toMatch(/router\.test/);
  });

  it('pinned: the right SHA-256 fingerprint is accepted (any case, with or without colons)', async () => {
    const demo = await demoRouter();
    await expectWorks(demo, { mode: 'pinned', fingerprint: DEMO_SHA256 });
    const demoAgain = await demoRouter('tls-demo-2');
    await expectWorks(demoAgain, { mode: 'pinned', fingerprint: DEMO_SHA256.replace(/:/g, '').toLowerCase() });
    const signed = await fixtureRouter();
    await expectWorks(signed, { mode: 'pinned', fingerprint: FIXTURE_SERVER_SHA256 });
  });

  it('pinned: a wrong fingerprint is refused with TlsVerificationError naming both fingerprints', async () => {
    const router = await demoRouter();
    const error = await expectRefused(router, { mode: 'pinned', fingerprint: FIXTURE_SERVER_SHA256 });
    expect(error).toBeInstanceOf(TlsVerificationError);
    expect(error.message).toContain(FIXTURE_SERVER_SHA256);
    expect(error.message).toContain(DEMO_SHA256);
  });

  it('insecure: any certificate, encryption only', async () => {
    await expectWorks(await demoRouter(), { mode: 'insecure' });
    await expectWorks(await fixtureRouter(), { mode: 'insecure' });
  });

  it('anonymous: certificate-less api-ssl with anonymous DH', async () => {
    const router = await harness.router('hex-v7', { name: 'tls-anon', tls: { mode: 'anonymous' } });
    await expectWorks(router, { mode: 'anonymous' });
  });

  it('modes that do not match the server fail the handshake with ConnectionLostError', async () => {
    const anonymous = await harness.router('hex-v7', { name: 'tls-anon', tls: { mode: 'anonymous' } });
    // No certificate to verify or pin: the handshake itself fails (no common cipher suite).
    await expectRefused(anonymous, { mode: 'verified', ca: DEMO_CERTIFICATE_PEM });
    await expectRefused(anonymous, { mode: 'pinned', fingerprint: DEMO_SHA256 });
    // A certificate server does not offer anonymous suites.
    await expectRefused(await demoRouter(), { mode: 'anonymous' });
  });

  it('faults on api-ssl: hang-before-login is a TimeoutError after the handshake, refuse a ConnectionLostError', async () => {
    const router = await demoRouter();
    const tls: RouterOsTlsOptions = { mode: 'verified', ca: DEMO_CERTIFICATE_PEM };
    router.setFault({ kind: 'hang-before-login' });
    const hung = await rejectionOf(RouterOsClient.connect(clientOptions(router, { tls, connectTimeoutMillis: 300 })));
    expect(hung).toBeInstanceOf(TimeoutError);
    router.setFault({ kind: 'refuse' });
    await router.settled();
    const refused = await rejectionOf(RouterOsClient.connect(clientOptions(router, { tls })));
    expect(refused).toBeInstanceOf(ConnectionLostError);
    expect(refused).not.toBeInstanceOf(TlsVerificationError);
    router.setFault(undefined);
    await router.settled();
    await expectWorks(router, tls);
  });

  it('plain TCP against an api-ssl port fails instead of hanging', async () => {
    const router = await demoRouter();
    const error = await rejectionOf(RouterOsClient.connect(clientOptions(router, { connectTimeoutMillis: 1_000 })));
    // The TLS server rejects the login bytes as a bad handshake and hangs up.
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error).not.toBeInstanceOf(TlsVerificationError);
    expect(router.stats.logins).toBe(0);
  });
});
