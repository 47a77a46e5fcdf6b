/**
 * `check-config` prints the effective configuration in the file's own keys and formats, secrets redacted.
 * The proof that it is the same configuration: put the secrets back into the printed document, load it on its
 * own (another directory, no environment) and get the very AgentConfig the original file gave.
 */
import { SECTIONS } from '../helpers/sections.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type CliIo, main } from '../../src/cli.js';

/** The sections the CLI passes (every registered source's), so printed configs load back as check-config promises. */
import { loadConfig } from '../../src/config/load.js';
import { REDACTED } from '../../src/config/redact.js';
import type { AgentConfig } from '../../src/config/types.js';
import { testDir } from '../config/helpers.js';
import { configuredRouters } from '../../src/sources/routeros/config/sections.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function checkConfig(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIo = { stdout, stderr, env };
  const code = await main(['check-config', '--config', file], io);
  return { code, out, err };
}

const HASH = `$2y$10$${'k'.repeat(53)}`;
const SECRETS = {
  passwordFile: 'Secret-Password-File-1111',
  defaultPassword: 'Secret-Default-Password-2222',
  core2Password: 'Secret-Core2-Password-3333',
  bearerFile: 'Secret-Bearer-Token-4444',
  header: 'Bearer Secret-Otlp-Header-5555',
  headerFile: 'Secret-Header-File-6666',
  otelHeaders: 'Secret-Otel-Env-Header-7777',
  urlPassword: 'Secret-Url-Password-8888',
};

/** A config touching every section, with values from defaults, `${ENV}`, files and variables. */
function writeConfig(): { file: string; env: NodeJS.ProcessEnv } {
  const files = testDir({
    'core1.password': `${SECRETS.passwordFile}\n`,
    'bearer.token': `${SECRETS.bearerFile}\n`,
    'otlp-headers.txt': `X-Api-Key: ${SECRETS.headerFile}\n`,
    'server.crt': 'not parsed by the loader\n',
    'server.key': 'not parsed by the loader\n',
    'otlp-ca.pem': 'not parsed by the loader\n',
    'router-ca.pem': 'not parsed by the loader\n',
  });
  cleanups.push(files.cleanup);
  const file = files.write(
    'agent.yaml',
    `
server:
  listen: ":9500"
  tls: { cert_file: server.crt, key_file: server.key }
  auth:
    basic_users: { prometheus: "${HASH}" }
    bearer_token_file: bearer.token
    open_paths: [/live]
  request_timeout: 1m30s
  max_header_bytes: 8192
collection:
  interval: 1m
  timeout: 15s
  startup_check: warn
otlp:
  enabled: true
  endpoint: "https://tenant:${SECRETS.urlPassword}@otlp.example.net/v1/metrics"
  protocol: http/json
  headers: { Authorization: "\${OTLP_AUTH}", X-Scope-OrgID: tenant-1 }
  headers_file: otlp-headers.txt
  interval: 2m
  timeout: 1500ms
  compression: none
  temporality: delta
  tls: { ca_file: otlp-ca.pem }
defaults:
  username: monitor-ro
  password: "\${DEFAULT_PASSWORD}"
  labels: { env: prod, "site.name": ams }
  interval: 45s
  timeout: 20s
  collectors:
    interface: { include: [ "ether.*" ], exclude: vlan, interval: 1h }
    wireless: true
    firewall: { enabled: false }
routers:
  - name: core1
    address: 10.0.0.1
    password_file: core1.password
    labels: { rack: 4 }
    interval: 15s
    collectors: { system: false, interface: { include_types: [ether] } }
  - name: core2
    address: "[2001:db8::2]:9999"
    password: "\${CORE2_PASSWORD}"
    tls: { enabled: true, fingerprint: "${'AB:'.repeat(31)}AB", server_name: core2.example }
    timeout: 1h
  - name: core3
    address: core3.example
    port: 8730
    password: ""
    tls: { enabled: true, ca_file: router-ca.pem }
simulator:
  enabled: true
  count: 2
  profile: v7
  port_base: 0
  faults: [{ router: 1, kind: latency, millis: 2500 }, { router: sim-rb4011-2, kind: auth-failure }]
log: { level: debug, format: json }
resource_attributes: { deployment.environment: prod }
`,
  );
  const env = {
    DEFAULT_PASSWORD: SECRETS.defaultPassword,
    CORE2_PASSWORD: SECRETS.core2Password,
    OTLP_AUTH: SECRETS.header,
    OTEL_EXPORTER_OTLP_HEADERS: `X-Env=${SECRETS.otelHeaders}`,
    OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    MIKROTIK_AGENT_COLLECTION_CONCURRENCY: '16',
    MIKROTIK_AGENT_MAX_CONCURRENT_SCRAPES: '8',
  };
  return { file, env };
}

/** Every leaf path of a document whose value is the redaction marker. */
function redactedPaths(node: unknown, path = ''): string[] {
  if (node === REDACTED) return [path];
  if (Array.isArray(node)) return node.flatMap((item: unknown, index) => redactedPaths(item, `${path}[${index}]`));
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => redactedPaths(value, path === '' ? key : `${path}.${key}`));
  }
  return [];
}

/** Puts the loaded config's secrets back where the printed document says `<redacted>`. */
function restoreSecrets(printed: Record<string, any>, config: AgentConfig): void {
  printed['server'].auth.bearer_token = config.server.auth?.bearerToken;
  for (const user of Object.keys(printed['server'].auth.basic_users)) {
    printed['server'].auth.basic_users[user] = config.server.auth?.basicUsers[user];
  }
  for (const name of Object.keys(printed['otlp'].headers)) printed['otlp'].headers[name] = config.otlp.headers[name];
  printed['otlp'].endpoint = config.otlp.endpoint;
  configuredRouters(config).forEach((router, index) => {
    if (router.password !== '') printed['routers'][index].password = router.password;
  });
}

describe('check-config output', () => {
  it('uses the file keys and formats, and with the secrets put back loads to the same AgentConfig', async () => {
    const { file, env } = writeConfig();
    const original = loadConfig({ file, env, sections: SECTIONS }).config;
    const result = await checkConfig(file, env);
    expect(result.code).toBe(0);
    // The clamped router timeouts are the only warnings.
    expect(result.err).toBe(
      'warning: defaults.timeout: is longer than the interval (15s); using the interval\n' +
        'warning: routers[1].timeout: is longer than the interval (45s); using the interval\n',
    );
    expect(result.out).toMatch(/^# mikrotik-otel-agent check-config: /);

    const printed = parse(result.out) as Record<string, any>;
    expect(Object.keys(printed)).toEqual(
      // The core sections with the RouterOS ones where they always were, then each source's own in
      // registry order, defaults written out.
      [...new Set(['server', 'collection', 'otlp', 'defaults', 'routers', 'log', 'resource_attributes', ...SECTIONS.map((section) => section.key.split('.')[0])])]);
    expect(printed['server']).toMatchObject({ listen: '0.0.0.0:9500', max_concurrent_scrapes: 8, request_timeout: '1m30s' });
    expect(printed['collection']).toEqual({ interval: '1m', timeout: '15s', concurrency: 16, startup_check: 'warn', shard: { index: 0, count: 1 } });
    expect(printed['otlp']).toMatchObject({ interval: '2m', timeout: '1.5s', compression: 'gzip', protocol: 'http/json' });
    expect(printed['routers'][0]).toMatchObject({
      name: 'core1',
      address: '10.0.0.1:8728',
      username: 'monitor-ro',
      labels: { env: 'prod', 'site.name': 'ams', rack: '4' },
      interval: '15s',
      timeout: '15s',
      collectors: { system: false, interface: { enabled: true, interval: '1h', include: ['ether.*'], exclude: ['vlan'], include_types: ['ether'] } },
    });
    expect(printed['routers'][1]).toMatchObject({ address: '[2001:db8::2]:9999', timeout: '45s', tls: { enabled: true, fingerprint: 'ab'.repeat(32) } });
    expect(printed['routers'][2]).toMatchObject({ address: 'core3.example:8730', password: '' });
    expect(printed['defaults']).toMatchObject({ interval: '45s', timeout: '20s', collectors: { wireless: true, firewall: false, system: true } });
    expect(printed['simulator']).toEqual({
      enabled: true,
      count: 2,
      profile: 'v7',
      host: '127.0.0.1',
      port_base: 0,
      faults: [
        { router: 1, kind: 'latency', millis: 2500 },
        { router: 'sim-rb4011-2', kind: 'auth-failure' },
      ],
      // The Mist simulator's keys, inside this section, with its defaults.
      mist: { enabled: false, sites: 3, aps_per_site: 2, clients_per_site: 4, period: '2s', names: 'otel' },
    });
    // No YAML aliases for shared values, and none of the internal names.
    expect(result.out).not.toMatch(/ [&*]a\d/);
    expect(result.out).not.toMatch(/Millis|routerDefaults|startupCheck|basicUsers|caFile|portBase|serverName/);

    // Exactly the secrets are redacted …
    expect(redactedPaths(printed).sort()).toEqual(
      [
        'server.auth.basic_users.prometheus',
        'server.auth.bearer_token',
        'otlp.headers.Authorization',
        'otlp.headers.X-Api-Key',
        'otlp.headers.X-Scope-OrgID',
        'otlp.headers.X-Env',
        'routers[0].password',
        'routers[1].password',
      ].sort(),
    );
    expect(printed['otlp'].endpoint).toBe(`https://${REDACTED}@otlp.example.net/v1/metrics`);
    // … and none of them, nor the files' contents, appears anywhere.
    for (const secret of [...Object.values(SECRETS), HASH, 'Secret-']) {
      expect(result.out).not.toContain(secret);
      expect(result.err).not.toContain(secret);
    }

    // Put back, the printed document alone (another directory, no environment) is the same configuration.
    restoreSecrets(printed, original);
    const elsewhere = mkdtempSync(join(tmpdir(), 'agent-roundtrip-'));
    cleanups.push(() => rmSync(elsewhere, { recursive: true, force: true }));
    const copy = join(elsewhere, 'printed.yaml');
    writeFileSync(copy, stringify(printed), { mode: 0o600 });
    const reloaded = loadConfig({ file: copy, env: {}, sections: SECTIONS });
    expect(reloaded.config).toEqual(original);
    // Printing it again gives the same text.
    const again = await checkConfig(copy, {});
    expect(again.out).toBe(result.out);
  });

  it('round-trips the minimal config and the demo too', async () => {
    for (const text of ['', 'simulator: { enabled: true }\n', 'routers:\n  - { name: r1, address: "10.0.0.9", tls: true }\n']) {
      const files = testDir();
      cleanups.push(files.cleanup);
      const file = files.write('agent.yaml', text);
      const original = loadConfig({ file, env: {}, sections: SECTIONS }).config;
      const printed = await checkConfig(file, {});
      expect(printed.code).toBe(0);
      const copy = files.write('printed.yaml', printed.out);
      expect(loadConfig({ file: copy, env: {}, sections: SECTIONS }).config).toEqual(original);
    }
    const demo = new URL('../../examples/demo.yaml', import.meta.url).pathname;
    const printed = await checkConfig(demo, {});
    const files = testDir();
    cleanups.push(files.cleanup);
    const copy = files.write('demo.yaml', printed.out);
    expect(loadConfig({ file: copy, env: {}, sections: SECTIONS }).config).toEqual(loadConfig({ file: demo, env: {}, sections: SECTIONS }).config);
  });
});
