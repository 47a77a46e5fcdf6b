/**
 * TLS towards routers, at agent level: the config (YAML through loadConfig) asks for each mode against
 * simulated api-ssl routers. Certificates that do not verify are refused — the router is down in /metrics
 * and /health with a TLS text — while the matching ones come up; unverified modes (insecure, anonymous)
 * work but are warned about in the log before the agent reports it started. The client's TLS modes are
 * unit-tested in test/sources/routeros; this is the path from the config file to /health.
 */
import { SECTIONS } from '../helpers/sections.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/load.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter, type SimulatedTlsOptions } from '../../src/sources/routeros/simulator/router.js';
import { CleanupStack, LogCapture, ProcessWatch, sleep } from './helpers/harness.js';
import { readHealth, scrapeMetrics } from './helpers/observe.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const CA = fixture('ca.pem');
const OTHER_CA = fixture('other-ca.pem');
const CERT = readFileSync(fixture('server.pem'), 'utf8');
const KEY = readFileSync(fixture('server-key.pem'), 'utf8');
const FINGERPRINT = readFileSync(fixture('server.sha256'), 'utf8').trim();
const WRONG_FINGERPRINT = FINGERPRINT.split(':').reverse().join(':');

const cleanups = new CleanupStack();
afterEach(() => cleanups.run());

async function tlsRouter(name: string, tls: SimulatedTlsOptions): Promise<number> {
  const router = new SimulatedRouter({ profile: PROFILES['hex-v7']!, name, tls });
  cleanups.add(() => router.stop());
  return (await router.start()).port;
}

interface Case {
  readonly name: string;
  readonly server: SimulatedTlsOptions;
  /** The router's `tls:` block in YAML flow style. */
  readonly tls: string;
  /** up, or the pattern last_error must match. */
  readonly expect: 'up' | RegExp;
}

const CASES: readonly Case[] = [
  { name: 'verified', server: { mode: 'certificate', cert: CERT, key: KEY }, tls: `{ enabled: true, ca_file: "${CA}" }`, expect: 'up' },
  {
    name: 'verified-by-name',
    server: { mode: 'certificate', cert: CERT, key: KEY },
    tls: `{ enabled: true, ca_file: "${CA}", server_name: router.test }`,
    expect: 'up',
  },
  {
    name: 'wrong-ca',
    server: { mode: 'certificate', cert: CERT, key: KEY },
    tls: `{ enabled: true, ca_file: "${OTHER_CA}" }`,
    expect: /TLS|certificate/i,
  },
  {
    name: 'wrong-name',
    server: { mode: 'certificate', cert: CERT, key: KEY },
    tls: `{ enabled: true, ca_file: "${CA}", server_name: core.example.net }`,
    expect: /TLS|certificate|altnames|core\.example\.net/i,
  },
  // The simulator's bundled self-signed demo certificate against the system CAs.
  { name: 'self-signed', server: { mode: 'certificate' }, tls: '{ enabled: true }', expect: /TLS|certificate/i },
  { name: 'pinned', server: { mode: 'certificate', cert: CERT, key: KEY }, tls: `{ enabled: true, fingerprint: "${FINGERPRINT}" }`, expect: 'up' },
  {
    name: 'pinned-wrong',
    server: { mode: 'certificate', cert: CERT, key: KEY },
    tls: `{ enabled: true, fingerprint: "${WRONG_FINGERPRINT}" }`,
    expect: /fingerprint/i,
  },
  { name: 'insecure', server: { mode: 'certificate' }, tls: '{ enabled: true, insecure: true }', expect: 'up' },
  { name: 'anonymous', server: { mode: 'anonymous' }, tls: '{ enabled: true, anonymous: true }', expect: 'up' },
];

describe('TLS towards routers, agent level', () => {
  it('refuses certificates that do not verify, accepts those that do, and warns about unverified modes at start', async () => {
    const watch = new ProcessWatch().install();
    cleanups.add(() => watch.uninstall());
    const routers: string[] = [];
    for (const entry of CASES) {
      const port = await tlsRouter(entry.name, entry.server);
      routers.push(`  - { name: ${entry.name}, address: "127.0.0.1:${port}", tls: ${entry.tls} }`);
    }
    const text = [
      'server: { listen: "127.0.0.1:0" }',
      'collection: { interval: 1s, timeout: 900ms }',
      'defaults: { username: admin, password: admin }',
      'routers:',
      ...routers,
    ].join('\n');
    const { config, warnings } = loadConfig({ text, env: {}, sections: SECTIONS });
    // The loader already flags the unverified modes by key path.
    expect(warnings.map((warning) => warning.path)).toEqual(expect.arrayContaining(['routers[7].tls.insecure', 'routers[8].tls.anonymous']));

    const logs = new LogCapture();
    const agent = await startAgent(config, logs.logger());
    cleanups.add(() => agent.shutdown());

    const expectedUp = CASES.filter((entry) => entry.expect === 'up').map((entry) => entry.name);
    const expectedDown = CASES.filter((entry) => entry.expect !== 'up').map((entry) => entry.name);
    const deadline = Date.now() + 6_000;
    let health = await readHealth(agent.address);
    while (Date.now() < deadline) {
      const settled =
        expectedUp.every((name) => health.routers.get(name)?.up === true) &&
        // 'connecting' is the state before the first attempt ends, not a verdict yet.
        expectedDown.every((name) => {
          const reason = health.routers.get(name)?.down_reason;
          return reason != null && reason !== 'connecting';
        });
      if (settled) break;
      await sleep(100);
      health = await readHealth(agent.address);
    }
    const metrics = await scrapeMetrics(agent.address);

    const observed = CASES.map((entry) => {
      const router = health.routers.get(entry.name);
      return { name: entry.name, up: router?.up, reason: router?.down_reason, error: router?.last_error, metric: metrics.up.get(entry.name) };
    });
    console.log(observed.map((row) => `  ${row.name.padEnd(17)} up=${row.metric} ${row.reason ?? ''} ${row.error ?? ''}`).join('\n'));
    for (const entry of CASES) {
      const row = observed.find((candidate) => candidate.name === entry.name)!;
      if (entry.expect === 'up') {
        expect([row.name, row.up, row.metric]).toEqual([entry.name, true, 1]);
      } else {
        expect([row.name, row.up, row.metric, row.reason]).toEqual([entry.name, false, 0, 'tls_error']);
        expect(row.error, entry.name).toMatch(entry.expect);
      }
    }

    // Warned once each, at start: before the agent reported it started.
    const lines = logs.lines();
    const started = lines.findIndex((line) => line.msg === 'agent started');
    const tlsWarnings = lines
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => line.level === 'warn' && /TLS/.test(line.msg));
    expect(tlsWarnings.map(({ line }) => line['router'])).toEqual(['insecure', 'anonymous']);
    expect(tlsWarnings.every(({ index }) => started > index)).toBe(true);
    expect(tlsWarnings[0]?.line.msg).toMatch(/verification is disabled/);
    expect(tlsWarnings[1]?.line.msg).toMatch(/anonymous/);
    expect(watch.summary()).toEqual([]);
  }, 20_000);
});
