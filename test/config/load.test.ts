import { sectionsWith } from '../helpers/sections.js';
import { simulatorConfig } from '../../src/sources/routeros/simulator/config.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { load, problemsOf, TEST_COLLECTORS, testDir } from './helpers.js';
import { configuredRouters, routerDefaults } from '../../src/sources/routeros/config/sections.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function dir(files: Parameters<typeof testDir>[0] = {}) {
  const created = testDir(files);
  cleanups.push(created.cleanup);
  return created;
}

const ROUTER = `routers:\n  - name: core1\n    address: 10.0.0.1\n`;

describe('loadConfig: sources', () => {
  it('server.scope_labels turns the otel_scope_* labels back on, from the file or the environment', () => {
    expect(load('server: { scope_labels: true }').config.server.scopeLabels).toBe(true);
    expect(load('', { env: { MIKROTIK_AGENT_SCOPE_LABELS: 'true' } }).config.server.scopeLabels).toBe(true);
    expect(() => load('server: { scope_labels: maybe }')).toThrow(/server\.scope_labels/);
  });

  it('gives the documented defaults for an empty file', () => {
    const { config, warnings } = load('');
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 9436,
      maxConcurrentScrapes: 4,
      requestTimeoutMillis: 30_000,
      maxHeaderBytes: 16_384,
      scopeLabels: false,
      enableLifecycle: false,
    });
    expect(config.collection).toEqual({ intervalMillis: 30_000, timeoutMillis: 10_000, concurrency: 64, startupCheck: 'off', shard: { index: 0, count: 1 } });
    expect(config.otlp).toMatchObject({
      enabled: false,
      endpoint: 'http://localhost:4318/v1/metrics',
      protocol: 'http/protobuf',
      headers: {},
      intervalMillis: 60_000,
      timeoutMillis: 10_000,
      compression: 'gzip',
      temporality: 'cumulative',
    });
    expect(simulatorConfig(config)).toEqual({ enabled: false, count: 3, profile: 'mixed', host: '127.0.0.1', portBase: 0, faults: [] });
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
    expect(configuredRouters(config)).toEqual([]);
    expect(warnings.map((warning) => warning.path)).toEqual(['routers']);
  });

  it('loads a YAML file and normalises a router', () => {
    const files = dir();
    const file = files.write(
      'agent.yaml',
      `
collection:
  interval: 1m
  timeout: 15s
  startup_check: strict
routers:
  - name: core1
    address: 10.0.0.1
    password: \${CORE1_PASSWORD}
    labels: { site: ams, rack: 4 }
    interval: 15s
    timeout: 5s
`,
    );
    const { config } = loadConfig({ file, env: { CORE1_PASSWORD: 's3cret' }, sections: sectionsWith(TEST_COLLECTORS) });
    expect(config.collection).toEqual({ intervalMillis: 60_000, timeoutMillis: 15_000, concurrency: 64, startupCheck: 'strict', shard: { index: 0, count: 1 } });
    expect(configuredRouters(config)).toEqual([
      {
        name: 'core1',
        host: '10.0.0.1',
        port: 8728,
        username: 'monitor',
        password: 's3cret',
        tls: { enabled: false, caFile: '', serverName: '', fingerprint: '', insecure: false, anonymous: false },
        labels: { site: 'ams', rack: '4' },
        intervalMillis: 15_000,
        timeoutMillis: 5_000,
        collectors: {
          system: { enabled: true },
          health: { enabled: true },
          interface: { enabled: true },
          wireless: { enabled: false },
        },
      },
    ]);
    expect(Object.isFrozen(configuredRouters(config)[0])).toBe(true);
  });

  it('loads a JSON file (tab-indented)', () => {
    const files = dir();
    const file = files.write(
      'agent.json',
      JSON.stringify({ server: { listen: '127.0.0.1:0' }, routers: [{ name: 'r1', address: 'r1.example.net:8729' }] }, null, '\t'),
    );
    const { config } = loadConfig({ file, env: {}, sections: sectionsWith(TEST_COLLECTORS) });
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.port).toBe(0);
    expect(configuredRouters(config)[0]).toMatchObject({ name: 'r1', host: 'r1.example.net', port: 8729 });
  });

  it('reports a missing file and YAML syntax errors with positions, not content', () => {
    const files = dir();
    expect(() => loadConfig({ file: files.path('nope.yaml'), env: {}, sections: sectionsWith(TEST_COLLECTORS) })).toThrow(
      /cannot read the config file \(ENOENT\)/,
    );
    const problems = problemsOf('routers:\n  - name: a\n   password: hunter2-secret\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.path).toMatch(/^<config>:\d+:\d+$/);
    expect(JSON.stringify(problems)).not.toContain('hunter2-secret');
    expect(problemsOf('a: 1\na: 2\n')[0]?.message).toMatch(/unique/);
    expect(problemsOf('- just\n- a list\n')).toEqual([
      { path: '<config>', message: 'the top level must be a mapping of sections (server, collection, routers …)' },
    ]);
  });

  it('treats a key without a value as unset', () => {
    const { config } = load(`server:\n  listen:\notlp:\n${ROUTER}    password:\n`);
    expect(config.server.port).toBe(9436);
    expect(configuredRouters(config)[0]?.password).toBe('');
  });
});

describe('loadConfig: environment and flags', () => {
  it('lets MIKROTIK_AGENT_* beat the file and flags beat both', () => {
    const text = `server:\n  listen: "127.0.0.1:1000"\nlog:\n  level: warn\ncollection:\n  concurrency: 8\n`;
    const env = {
      MIKROTIK_AGENT_LISTEN: '127.0.0.1:2000',
      MIKROTIK_AGENT_LOG_LEVEL: 'debug',
      MIKROTIK_AGENT_COLLECTION_CONCURRENCY: '16',
      MIKROTIK_AGENT_OTLP_ENABLED: 'yes',
      MIKROTIK_AGENT_SIMULATOR_ENABLED: 'true',
      MIKROTIK_AGENT_SIMULATOR_COUNT: '5',
      MIKROTIK_AGENT_STARTUP_CHECK: 'warn',
      MIKROTIK_AGENT_COLLECTION_INTERVAL: '45s',
      MIKROTIK_AGENT_LOG_FORMAT: '',
    };
    const fromEnv = load(text, { env }).config;
    expect(fromEnv.server.port).toBe(2000);
    expect(fromEnv.log).toEqual({ level: 'debug', format: 'auto' });
    expect(fromEnv.collection).toMatchObject({ concurrency: 16, startupCheck: 'warn', intervalMillis: 45_000 });
    expect(fromEnv.otlp.enabled).toBe(true);
    expect(simulatorConfig(fromEnv)).toMatchObject({ enabled: true, count: 5 });

    const fromFlags = load(text, { env, overrides: { listen: '[::1]:3000', logLevel: 'error' } }).config;
    expect(fromFlags.server).toMatchObject({ host: '::1', port: 3000 });
    expect(fromFlags.log.level).toBe('error');
  });

  it('names the variable when an environment value is bad', () => {
    expect(problemsOf('', { env: { MIKROTIK_AGENT_OTLP_ENABLED: 'maybe', MIKROTIK_AGENT_COLLECTION_TIMEOUT: '10' } })).toEqual([
      { path: 'collection.timeout', message: expect.stringMatching(/is not a duration .*\(from MIKROTIK_AGENT_COLLECTION_TIMEOUT\)$/) },
      { path: 'otlp.enabled', message: 'must be true or false (from MIKROTIK_AGENT_OTLP_ENABLED)' },
    ]);
  });

  it('reports bad flags by flag name', () => {
    expect(problemsOf('', { overrides: { listen: 'nowhere', logLevel: 'loud' } })).toEqual([
      { path: '--log-level', message: 'must be one of trace, debug, info, warn, error, fatal' },
      { path: '--listen', message: 'must be host:port, [v6]:port or :port (port 0-65535)' },
    ]);
  });

  it('honours the OTEL_EXPORTER_OTLP_* variables over the file', () => {
    const text = `
otlp:
  enabled: true
  endpoint: http://file:4318/v1/metrics
  protocol: http/json
  headers: { Authorization: from-file, X-Keep: kept }
  interval: 30s
  timeout: 5s
  compression: none
`;
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.net/otlp/',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc%3D%3D,X-Tenant=t1;ignored, X-Empty=',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'X-Tenant=t2',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_TIMEOUT: '7000',
      OTEL_METRIC_EXPORT_INTERVAL: '15000',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=x',
    };
    const { otlp } = load(text, { env }).config;
    expect(otlp).toMatchObject({
      endpoint: 'https://otlp.example.net/otlp/v1/metrics',
      protocol: 'http/protobuf',
      compression: 'gzip',
      timeoutMillis: 7_000,
      intervalMillis: 15_000,
      temporality: 'delta',
    });
    expect(otlp.headers).toEqual({ 'X-Keep': 'kept', authorization: 'Basic abc==', 'X-Tenant': 't2' });

    const metricsEndpoint = load(text, {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:4318/custom' },
    }).config.otlp.endpoint;
    expect(metricsEndpoint).toBe('http://b:4318/custom');
  });

  it('reports bad OTEL_* values when OTLP is enabled and ignores them when it is off', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TIMEOUT: '10s',
      OTEL_EXPORTER_OTLP_HEADERS: 'novalue',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'ftp://x',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'lowmemory',
    };
    expect(problemsOf('otlp: { enabled: true }', { env }).map((problem) => problem.path).sort()).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS[0]',
      'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
      'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_EXPORTER_OTLP_TIMEOUT',
    ]);
    expect(load('', { env }).config.otlp.enabled).toBe(false);
  });

  it('reads OTLP TLS files from the file and the environment, and headers_file', () => {
    const files = dir({ 'ca.pem': 'CA', 'client.pem': 'CERT', 'client.key': 'KEY', 'headers.txt': '# comment\nAuthorization: Bearer abc=\n\nX-Scope-OrgID=tenant\n' });
    const file = files.write(
      'agent.yaml',
      'otlp:\n  enabled: true\n  headers_file: headers.txt\n  headers: { X-Scope-OrgID: inline }\n  tls: { ca_file: ca.pem }\n',
    );
    const { otlp } = loadConfig({
      file,
      env: { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: files.path('client.pem'), OTEL_EXPORTER_OTLP_CLIENT_KEY: files.path('client.key') },
      sections: sectionsWith(TEST_COLLECTORS),
    }).config;
    expect(otlp.caFile).toBe(files.path('ca.pem'));
    expect(otlp.clientCertFile).toBe(files.path('client.pem'));
    expect(otlp.clientKeyFile).toBe(files.path('client.key'));
    expect(otlp.headers).toEqual({ Authorization: 'Bearer abc=', 'X-Scope-OrgID': 'inline' });

    const broken = files.write('broken.yaml', 'otlp:\n  enabled: true\n  headers_file: missing.txt\n  tls: { cert_file: client.pem }\n');
    expect(() => loadConfig({ file: broken, env: {}, sections: sectionsWith(TEST_COLLECTORS) })).toThrow(ConfigError);
    try {
      loadConfig({ file: broken, env: {}, sections: sectionsWith(TEST_COLLECTORS) });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        { path: 'otlp.headers_file', message: `cannot read ${files.path('missing.txt')} (ENOENT)` },
        { path: 'otlp.tls', message: 'cert_file and key_file must be set together' },
      ]);
    }
  });

  it('clamps an OTLP timeout longer than the interval, with a warning', () => {
    const { config, warnings } = load(`otlp: { enabled: true, interval: 5s, timeout: 10s }\n${ROUTER}`);
    expect(config.otlp.timeoutMillis).toBe(5_000);
    expect(warnings).toEqual([{ path: 'otlp.timeout', message: 'is longer than otlp.interval; using the interval' }]);
  });
});

describe('loadConfig: every problem at once', () => {
  it('lists every problem with its key path', () => {
    const problems = problemsOf(`
server:
  listen: nowhere
  lisen: typo
collection:
  interval: 30x
  concurrency: 0
  startup_check: maybe
log: { level: loud }
extra: 1
routers:
  - name: core1
    address: 10.0.0.300
  - name: bad name!
    address: "[2001:db8::1]:99999"
    timeout: soon
  - name: core1
    address: core1.example.net
    colectors: {}
  - just a string
resource_attributes: { "": x }
discovery: { refresh_interval: 1ms }
`);
    expect(problems).toEqual([
      { path: 'server.listen', message: 'must be host:port, [v6]:port or :port (port 0-65535)' },
      { path: 'collection.interval', message: '"30x" is not a duration (use a number with a unit: 500ms, 30s, 1m, 1h30m)' },
      { path: 'collection.concurrency', message: 'must be a whole number of at least 1' },
      { path: 'collection.startup_check', message: 'must be one of off, warn, strict' },
      { path: 'log.level', message: 'must be one of trace, debug, info, warn, error, fatal' },
      { path: 'extra', message: 'unknown key' },
      { path: 'server.lisen', message: 'unknown key (did you mean listen?)' },
      { path: 'routers[0].address', message: 'must be host, host:port or [v6]:port' },
      { path: 'routers[1].name', message: 'must be 1-64 characters of A-Z a-z 0-9 _ . -' },
      { path: 'routers[1].address', message: 'must be host, host:port or [v6]:port' },
      { path: 'routers[1].timeout', message: '"soon" is not a duration (use a number with a unit: 500ms, 30s, 1m, 1h30m)' },
      { path: 'routers[2].colectors', message: 'unknown key (did you mean collectors?)' },
      { path: 'routers[2].name', message: 'duplicate router name "core1" (also routers[0].name)' },
      { path: 'routers[3]', message: 'must be a mapping (name, address, …)' },
      // The RouterOS sections are checked where they are written, before resource_attributes and the other sections.
      { path: 'resource_attributes[""]', message: 'must not be empty' },
      { path: 'discovery.refresh_interval', message: 'must be a duration of at least 1s' },
    ]);
  });

  it('rejects zero timeouts and sub-second intervals', () => {
    expect(problemsOf('collection: { interval: 500ms, timeout: 0s }\nserver: { request_timeout: 0ms }\n')).toEqual([
      { path: 'collection.interval', message: 'must be at least 1s' },
      { path: 'collection.timeout', message: 'must be greater than 0' },
      { path: 'server.request_timeout', message: 'must be greater than 0' },
    ]);
  });

  it('rejects sections of the wrong shape and routers that are not a list', () => {
    expect(problemsOf('server: 5\notlp: [1]\nrouters: {name: x}\ndefaults: []\n')).toEqual([
      { path: 'server', message: 'must be a mapping' },
      { path: 'otlp', message: 'must be a mapping' },
      { path: 'defaults', message: 'must be a mapping of router keys' },
      { path: 'routers', message: 'must be a list of routers' },
    ]);
  });

  it('requires name and address, and rejects them in defaults', () => {
    expect(problemsOf('defaults: { name: x, address: y, bogus: 1 }\nrouters:\n  - username: u\n')).toEqual([
      { path: 'defaults.name', message: 'is per router and cannot be set in defaults' },
      { path: 'defaults.address', message: 'is per router and cannot be set in defaults' },
      { path: 'defaults.bogus', message: 'unknown key' },
      { path: 'routers[0].name', message: 'is required' },
      { path: 'routers[0].address', message: 'is required' },
    ]);
  });

  it('never reports a value that might be a secret', () => {
    const problems = problemsOf(`
server:
  auth:
    basic_users: { alice: plain-password-oops }
    bearer_token: 12345
otlp:
  enabled: true
  endpoint: "https://user:pw-secret-77@collector"
  headers: { "Bad Header": token-secret-88 }
routers:
  - name: r
    address: 10.0.0.1
    password: [not, a, string]
`, { env: { MIKROTIK_AGENT_BEARER_TOKEN: '' } });
    const text = JSON.stringify(problems);
    expect(text).not.toContain('plain-password-oops');
    expect(text).not.toContain('token-secret-88');
    expect(problems.map((problem) => problem.path)).toEqual([
      'server.auth.bearer_token',
      'server.auth.basic_users.alice',
      'otlp.headers["Bad Header"]',
      'routers[0].password',
    ]);
  });
});

describe('loadConfig: routers', () => {
  it('merges defaults under each router and picks ports', () => {
    const files = dir({ 'ca.pem': 'CA' });
    const file = files.write(
      'agent.yaml',
      `
defaults:
  username: monitor-ro
  labels: { env: prod, site: unknown }
  interval: 20s
  tls: { enabled: true, ca_file: ca.pem }
routers:
  - name: a
    address: 10.0.0.1
  - name: b
    address: "[2001:db8::2]:9999"
    labels: { site: fra }
    tls: { enabled: false }
  - name: c
    address: c.example.net
    port: 1234
    username: other
    timeout: 30s
  - name: d
    address: 2001:db8::4
    tls: { server_name: d.mgmt, fingerprint: "AB:CD:${'ef:'.repeat(29)}01" }
`,
    );
    const { config, warnings } = loadConfig({ file, env: {}, sections: sectionsWith(TEST_COLLECTORS) });
    const [a, b, c, d] = configuredRouters(config);
    expect(a).toMatchObject({ host: '10.0.0.1', port: 8729, username: 'monitor-ro', labels: { env: 'prod', site: 'unknown' } });
    expect(a?.tls).toMatchObject({ enabled: true, caFile: files.path('ca.pem') });
    expect(b).toMatchObject({ host: '2001:db8::2', port: 9999, labels: { env: 'prod', site: 'fra' }, intervalMillis: 20_000 });
    expect(b?.tls.enabled).toBe(false);
    expect(c).toMatchObject({ host: 'c.example.net', port: 1234, username: 'other', intervalMillis: 20_000, timeoutMillis: 20_000 });
    expect(d).toMatchObject({ host: '2001:db8::4', port: 8729 });
    expect(d?.tls).toMatchObject({ serverName: 'd.mgmt', fingerprint: `abcd${'ef'.repeat(29)}01` });
    expect(warnings).toEqual([{ path: 'routers[2].timeout', message: 'is longer than the interval (20s); using the interval' }]);
    expect(routerDefaults(config)).toMatchObject({ intervalMillis: 20_000, labels: { env: 'prod', site: 'unknown' } });
  });

  it('uses 8728 without TLS and an explicit defaults.port over the TLS default', () => {
    const plain = configuredRouters(load(ROUTER).config)[0];
    expect(plain?.port).toBe(8728);
    const explicit = configuredRouters(load(`defaults: { port: 8000, tls: true }\n${ROUTER}`).config)[0];
    expect(explicit?.port).toBe(8000);
    expect(problemsOf('routers:\n  - { name: a, address: "10.0.0.1:1", port: 2 }\n')).toEqual([
      { path: 'routers[0].port', message: 'conflicts with the port in routers[0].address' },
    ]);
  });

  it('reads password_file (trailing newline dropped) and reports unreadable files by key path', () => {
    const files = dir({ 'core1.secret': 'pa55 word\n' });
    const file = files.write(
      'agent.yaml',
      `routers:\n  - { name: a, address: 10.0.0.1, password_file: core1.secret }\n  - { name: b, address: 10.0.0.2, password_file: ${files.path('gone')} }\n  - { name: c, address: 10.0.0.3, password: x, password_file: core1.secret }\n`,
    );
    try {
      loadConfig({ file, env: {}, sections: sectionsWith(TEST_COLLECTORS) });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        { path: 'routers[1].password_file', message: `cannot read ${files.path('gone')} (ENOENT)` },
        { path: 'routers[2].password_file', message: 'set password or password_file, not both' },
      ]);
    }
    const good = files.write('good.yaml', 'defaults: { password_file: core1.secret }\nrouters:\n  - { name: a, address: 10.0.0.1 }\n  - { name: b, address: 10.0.0.2, password: own }\n');
    const routers = configuredRouters(loadConfig({ file: good, env: {}, sections: sectionsWith(TEST_COLLECTORS) }).config);
    expect(routers.map((router) => router.password)).toEqual(['pa55 word', 'own']);
  });

  it('warns about plain passwords in a world-readable file', () => {
    const files = dir();
    const text = `routers:\n  - { name: a, address: 10.0.0.1, password: plain }\n  - { name: b, address: 10.0.0.2, password: "\${B_PASSWORD}" }\n`;
    const open = files.write('open.yaml', text, 0o644);
    const { warnings } = loadConfig({ file: open, env: { B_PASSWORD: 'x' }, sections: sectionsWith(TEST_COLLECTORS) });
    expect(warnings).toEqual([
      {
        path: open,
        message: expect.stringContaining('is readable by every user and holds plain-text secrets (routers[0].password)'),
      },
    ]);
    expect(JSON.stringify(warnings)).not.toContain('plain"');
    const closed = files.write('closed.yaml', text, 0o640);
    expect(loadConfig({ file: closed, env: { B_PASSWORD: 'x' }, sections: sectionsWith(TEST_COLLECTORS) }).warnings).toEqual([]);
    const viaEnv = files.write('env.yaml', 'routers:\n  - { name: b, address: 10.0.0.2, password: "${B_PASSWORD}" }\n', 0o644);
    expect(loadConfig({ file: viaEnv, env: { B_PASSWORD: 'x' }, sections: sectionsWith(TEST_COLLECTORS) }).warnings).toEqual([]);
  });

  it('checks TLS combinations and warns about unverified TLS', () => {
    const fingerprint = 'a'.repeat(64);
    expect(
      problemsOf(
        `routers:\n  - { name: a, address: h1, tls: { enabled: true, insecure: true, fingerprint: "${fingerprint}" } }\n  - { name: b, address: h2, tls: { enabled: true, anonymous: true, ca_file: /x.pem } }\n  - { name: c, address: h3, tls: { enabled: yes, fingerprint: nothex, verify: false } }\n`,
      ),
    ).toEqual([
      { path: 'routers[0].tls', message: 'insecure and fingerprint exclude each other: a fingerprint pins the certificate' },
      { path: 'routers[1].tls', message: 'anonymous and ca_file exclude each other: anonymous TLS has no certificate to verify' },
      { path: 'routers[2].tls.fingerprint', message: 'must be a SHA-256 fingerprint: 64 hex digits, colons allowed' },
      { path: 'routers[2].tls.verify', message: 'unknown key' },
    ]);
    const { warnings } = load(
      'defaults: { tls: { enabled: true, insecure: true } }\nrouters:\n  - { name: a, address: h1 }\n  - { name: b, address: h2 }\n  - { name: c, address: h3, tls: { insecure: false, anonymous: true } }\n',
    );
    expect(warnings).toEqual([
      { path: 'defaults.tls.insecure', message: "certificate verification is off: the router's identity is not checked" },
      {
        path: 'routers[2].tls.anonymous',
        message: 'anonymous TLS encrypts but does not authenticate the router (man-in-the-middle possible)',
      },
    ]);
  });

  it('rejects reserved and malformed label names', () => {
    expect(problemsOf('routers:\n  - { name: a, address: h, labels: { router: x, "9lives": y, ok: [1] } }\n')).toEqual([
      { path: 'routers[0].labels.router', message: '"router" is set by the agent and cannot be a label' },
      { path: 'routers[0].labels.9lives', message: 'label names must match [A-Za-z_][A-Za-z0-9_.-]* (at most 100 characters)' },
      { path: 'routers[0].labels.ok', message: 'must be a string' },
    ]);
  });
});

describe('loadConfig: collectors', () => {
  it('accepts shorthand booleans and option objects, merged defaults → router', () => {
    const { config } = load(`
defaults:
  collectors:
    health: false
    interface: { include: ["^ether"], max_series: 100, interval: 1h, custom_option: 7 }
routers:
  - name: a
    address: h
  - name: b
    address: h
    collectors:
      health: true
      wireless: { exclude: wlan2 }
      interface: { enabled: false, max_series: 50 }
`);
    const [a, b] = configuredRouters(config);
    expect(a?.collectors).toEqual({
      system: { enabled: true },
      health: { enabled: false },
      interface: { enabled: true, intervalMillis: 3_600_000, include: ['^ether'], max_series: 100, custom_option: 7 },
      wireless: { enabled: false },
    });
    expect(b?.collectors).toEqual({
      system: { enabled: true },
      health: { enabled: true },
      interface: { enabled: false, intervalMillis: 3_600_000, include: ['^ether'], max_series: 50, custom_option: 7 },
      wireless: { enabled: true, exclude: ['wlan2'] },
    });
  });

  it('rejects unknown collectors and bad options with their key paths', () => {
    expect(
      problemsOf(`
defaults:
  collectors: { interfaces: true }
routers:
  - name: a
    address: h
    collectors:
      bgp: true
      system: maybe
      interface: { include: ["(unclosed"], max_series: -1, interval: 10, enabled: sometimes }
`),
    ).toEqual([
      {
        path: 'defaults.collectors.interfaces',
        message: 'unknown collector (did you mean interface?); known: system, health, interface, wireless',
      },
      { path: 'routers[0].collectors.bgp', message: 'unknown collector; known: system, health, interface, wireless' },
      { path: 'routers[0].collectors.system', message: 'must be true, false or a mapping of options' },
      { path: 'routers[0].collectors.interface.include[0]', message: expect.stringMatching(/^invalid regular expression: /) },
      { path: 'routers[0].collectors.interface.max_series', message: 'must be a whole number of at least 1' },
      { path: 'routers[0].collectors.interface.interval', message: expect.stringContaining('is not a duration') },
      { path: 'routers[0].collectors.interface.enabled', message: 'must be true or false' },
    ]);
  });

  it('accepts every known collector name', () => {
    const names = TEST_COLLECTORS.map((collector) => `${collector.name}: true`).join(', ');
    const { config } = load(`defaults: { collectors: { ${names} } }\n${ROUTER}`);
    expect(Object.values(configuredRouters(config)[0]?.collectors ?? {}).every((setting) => setting.enabled)).toBe(true);
  });
});

describe('loadConfig: server', () => {
  const hash = `$2b$10$${'a'.repeat(53)}`;

  it('normalises TLS and auth, reading the bearer token file', () => {
    const files = dir({ 'tls.crt': 'C', 'tls.key': 'K', token: 'tok-123\n' });
    const file = files.write(
      'agent.yaml',
      `server:\n  listen: ":9500"\n  tls: { cert_file: tls.crt, key_file: tls.key }\n  auth:\n    basic_users: { prom: "${hash}" }\n    bearer_token_file: token\n  request_timeout: 5s\n${ROUTER}`,
    );
    const { config, warnings } = loadConfig({ file, env: {}, sections: sectionsWith(TEST_COLLECTORS) });
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 9500,
      tls: { certFile: files.path('tls.crt'), keyFile: files.path('tls.key') },
      auth: { basicUsers: { prom: hash }, bearerToken: 'tok-123', openPaths: ['/live', '/ready'] },
      maxConcurrentScrapes: 4,
      requestTimeoutMillis: 5_000,
      maxHeaderBytes: 16_384,
      scopeLabels: false,
      enableLifecycle: false,
    });
    expect(warnings).toEqual([]);
  });

  it('warns about auth without TLS and rejects half-configured TLS', () => {
    const { warnings } = load(`server: { auth: { bearer_token: "\${TOKEN}" } }\n${ROUTER}`, { env: { TOKEN: 't' } });
    expect(warnings).toEqual([{ path: 'server.auth', message: 'credentials cross the network in clear text without server.tls' }]);
    expect(problemsOf('server: { tls: { cert_file: a.crt }, auth: { open_paths: [live] } }')).toEqual([
      { path: 'server.tls', message: 'cert_file and key_file must be set together' },
      { path: 'server.auth.open_paths[0]', message: 'must be a path starting with /' },
    ]);
  });
});

describe('loadConfig: resource attributes and simulator', () => {
  it('keeps dotted resource attribute keys', () => {
    const { config } = load('resource_attributes: { deployment.environment: prod, service.namespace: net, build: 7 }\nsimulator: { enabled: true, count: 2, port_base: 18728 }\n');
    expect(config.resourceAttributes).toEqual({ 'deployment.environment': 'prod', 'service.namespace': 'net', build: '7' });
    expect(simulatorConfig(config)).toMatchObject({ enabled: true, count: 2, portBase: 18_728 });
  });
});

describe('loadConfig: nothing to poll', () => {
  it('warns only when no source has anything to collect', () => {
    const warned = (text: string): boolean =>
      load(text).warnings.some((warning) => warning.path === 'routers' && warning.message.includes('nothing will be polled'));
    expect(warned('')).toBe(true);
    expect(warned('simulator: { enabled: true }\n')).toBe(false);
    expect(warned('host: { enabled: true }\n')).toBe(false);
    expect(warned('relay: { enabled: true }\n')).toBe(false);
  });
});
