import { sectionsWith } from '../helpers/sections.js';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { REDACTED, redactedConfigDocument } from '../../src/config/redact.js';
import { TEST_COLLECTORS, testDir } from './helpers.js';
import { configuredRouters } from '../../src/sources/routeros/config/sections.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('redactedConfigDocument', () => {
  it('leaves no secret in the serialised output and keeps everything else', () => {
    const files = testDir({
      'core2.secret': 'Secret-From-File-2222\n',
      'token': 'Secret-Bearer-3333\n',
      'headers.txt': 'X-Api-Key: Secret-Header-File-4444\n',
    });
    cleanups.push(files.cleanup);
    const hash = `$2y$12$${'Q'.repeat(53)}`;
    const file = files.write(
      'agent.yaml',
      `
server:
  auth:
    basic_users: { prometheus: "${hash}" }
    bearer_token_file: token
otlp:
  enabled: true
  endpoint: "https://tenant:Secret-Url-5555@otlp.example.net/v1/metrics"
  headers_file: headers.txt
  headers: { Authorization: "\${AUTH}", X-Scope-OrgID: tenant-1 }
defaults:
  password: "\${DEFAULT_PASSWORD}"
routers:
  - { name: core1, address: 10.0.0.1 }
  - { name: core2, address: 10.0.0.2, password_file: core2.secret }
  - { name: core3, address: 10.0.0.3, password: "" }
`,
    );
    const env = {
      AUTH: 'Basic Secret-Env-Header-6666',
      DEFAULT_PASSWORD: 'Secret-Default-7777',
      OTEL_EXPORTER_OTLP_HEADERS: 'X-Env=Secret-Otel-Env-8888',
    };
    const sections = sectionsWith(TEST_COLLECTORS);
    const { config } = loadConfig({ file, env, sections });
    // The loaded config really holds the secrets …
    const raw = JSON.stringify(config);
    for (const secret of ['Secret-From-File-2222', 'Secret-Bearer-3333', 'Secret-Default-7777', 'Secret-Otel-Env-8888']) {
      expect(raw).toContain(secret);
    }
    // … and the redacted form holds none of them, in JSON or YAML.
    const redacted = redactedConfigDocument(config, sections);
    for (const text of [JSON.stringify(redacted), stringify(redacted)]) {
      expect(text).not.toMatch(/Secret-/);
      expect(text).not.toContain(hash);
    }
    const plain = redacted as {
      server: { auth: { basic_users: Record<string, string>; bearer_token: string; open_paths: string[] } };
      otlp: { headers: Record<string, string>; endpoint: string; enabled: boolean };
      routers: { name: string; password: string; address: string }[];
    };
    expect(plain.server.auth).toEqual({ basic_users: { prometheus: REDACTED }, bearer_token: REDACTED, open_paths: ['/live', '/ready'] });
    expect(plain.otlp.headers).toEqual({ 'X-Api-Key': REDACTED, Authorization: REDACTED, 'X-Scope-OrgID': REDACTED, 'X-Env': REDACTED });
    expect(plain.otlp.endpoint).toBe(`https://${REDACTED}@otlp.example.net/v1/metrics`);
    expect(plain.routers.map((router) => [router.name, router.address, router.password])).toEqual([
      ['core1', '10.0.0.1:8728', REDACTED],
      ['core2', '10.0.0.2:8728', REDACTED],
      ['core3', '10.0.0.3:8728', ''],
    ]);
    // The config itself is untouched.
    expect(configuredRouters(config)[0]?.password).toBe('Secret-Default-7777');
  });
});
