/**
 * The `mist:` and `simulator.mist` sections through the real loader: defaults, every key, the
 * problems of bad values (by key path), api_key_file, the stream URL derivation, the document
 * (check-config) with the key redacted and loading back to the same value, and the site globs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/errors.js';
import { redactedConfigDocument } from '../../../src/config/redact.js';
import { deriveStreamUrl, MIST_SECTION, type MistOrgConfig } from '../../../src/sources/mist/config.js';
import { compileGlob, SiteFilter } from '../../../src/sources/mist/glob.js';
import { SECTIONS as ALL_SECTIONS } from '../../helpers/sections.js';

// As the CLI loads them: `simulator.mist` lives inside the RouterOS simulator's section.
const SECTIONS = ALL_SECTIONS;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function load(text: string, env: Record<string, string> = {}): ReturnType<typeof loadConfig> {
  return loadConfig({ text, env, sections: SECTIONS });
}

function orgs(text: string, env: Record<string, string> = {}): readonly MistOrgConfig[] {
  return load(text, env).config.sections?.['mist'] as readonly MistOrgConfig[];
}

function problems(text: string): string[] {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  return [];
}

describe('mist:', () => {
  it('applies the defaults of the issue', () => {
    const [org] = orgs('mist:\n  - { name: acme, api_key: "${MIST_API_KEY}" }\n', { MIST_API_KEY: 'k-123' });
    expect(org).toEqual({
      name: 'acme',
      baseUrl: 'https://api.mist.com',
      streamUrl: '',
      apiKey: 'k-123',
      apiKeyFile: '',
      orgId: '',
      timeoutMillis: 10_000,
      sites: { include: ['*'], exclude: [] },
      siteRefreshMillis: 60_000,
      deviceRefreshMillis: 60_000,
      restIntervalMillis: 60_000,
      expireAfterMillis: 300_000,
      names: 'otel',
      clientLabels: ['username', 'hostname', 'os', 'manufacturer', 'family', 'model'],
    });
    expect(load('routers: []\n').config.sections?.['mist']).toEqual([]);
  });

  it('reads the key from api_key_file without its trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mist-config-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'key'), 'file-key-1\n');
    const [org] = orgs(`mist:\n  - { name: acme, api_key_file: "${join(dir, 'key')}" }\n`);
    expect(org?.apiKey).toBe('file-key-1');
  });

  it('names every bad value by its key path', () => {
    const found = problems(
      [
        'mist:',
        '  - name: "bad name!"',
        '    base_url: "ftp://api.mist.com"',
        '    api_key: k',
        '    timeout: soon',
        '    names: prometheus',
        '    sites: { include: ["[abc"], colour: red }',
        '    client_labels: [username, shoe_size]',
        '    extra: 1',
        '  - { name: two, base_url: "http://127.0.0.1:9", api_key: k }',
        '  - { name: three }',
        '  - { name: three, api_key: k, api_key_file: /nope }',
      ].join('\n'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'mist[0].name: must be 1 to 64 of A-Z a-z 0-9 _ . -',
        'mist[0].base_url: must start with http:// or https://',
        expect.stringMatching(/^mist\[0\]\.timeout: "soon" is not a duration/),
        'mist[0].names: must be otel or mistexporter',
        'mist[0].sites.include[0]: "[abc" has an unclosed [ class',
        expect.stringMatching(/^mist\[0\]\.sites\.colour: unknown key/),
        expect.stringMatching(/^mist\[0\]\.client_labels\[1\]: must be one of username/),
        expect.stringMatching(/^mist\[0\]\.extra: unknown key/),
        'mist[1].stream_url: cannot be derived from base_url http://127.0.0.1:9 (its host does not start with "api."); set stream_url',
        'mist[2].api_key: is required (or api_key_file)',
        'mist[3].api_key_file: give api_key or api_key_file, not both',
        'mist[3].name: "three" is used by another organisation',
      ]),
    );
    expect(problems('mist: { name: acme }\n')).toEqual([expect.stringMatching(/^mist: must be a list/)]);
    expect(problems('simulator: { mist: { enabled: yes, sites: 0 } }\n')).toEqual(
      expect.arrayContaining(['simulator.mist.enabled: must be true or false', 'simulator.mist.sites: must be a whole number from 1 to 50']),
    );
    // Its keys are the Mist source's: the RouterOS simulator beside it checks only its own.
    expect(problems('simulator: { count: 2, mist: { enabled: true, colour: red } }\n')).toEqual([
      expect.stringMatching(/^simulator\.mist\.colour: /),
    ]);
  });

  it('checks the URLs, durations, key, filter and labels of an entry, each by its key path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mist-config-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'empty'), '');
    const found = problems(
      [
        'mist:',
        '  - name: a',
        '    base_url: "https://user:pw@api.mist.com"',
        '    stream_url: "https://api-ws.mist.com/api-ws/v1/stream"',
        '    api_key: "two\\nlines"',
        '    org_id: 42',
        '    expire_after: 0s',
        '    rest_interval: -1m',
        '    sites: ["*"]',
        '    client_labels: os',
        `  - { name: b, api_key_file: "${join(dir, 'empty')}", sites: { include: "*", exclude: [7] } }`,
      ].join('\n'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'mist[0].base_url: must not hold credentials (use api_key)',
        'mist[0].stream_url: must start with ws:// or wss://',
        'mist[0].api_key: must be one line',
        'mist[0].org_id: must be text',
        'mist[0].expire_after: must be longer than 0s',
        expect.stringMatching(/^mist\[0\]\.rest_interval: /),
        'mist[0].sites: must be a mapping { include: [..], exclude: [..] }',
        expect.stringMatching(/^mist\[0\]\.client_labels: must be a list of username/),
        `mist[1].api_key_file: ${join(dir, 'empty')} is empty`,
        'mist[1].sites.include: must be a list of glob patterns',
        'mist[1].sites.exclude[0]: must be a glob pattern (text)',
      ]),
    );
    // Nothing in what it says is the key.
    expect(found.join('\n')).not.toContain('two');
  });

  it('derives the stream URL as Mist does (api. → api-ws.), and only then', () => {
    expect(deriveStreamUrl('https://api.mist.com')).toBe('wss://api-ws.mist.com/api-ws/v1/stream');
    expect(deriveStreamUrl('https://api.eu.mist.com')).toBe('wss://api-ws.eu.mist.com/api-ws/v1/stream');
    expect(deriveStreamUrl('http://api.mist.com')).toBe('ws://api-ws.mist.com/api-ws/v1/stream');
    expect(deriveStreamUrl('https://mist.com')).toBeUndefined();
    expect(deriveStreamUrl('http://127.0.0.1:8080')).toBeUndefined();
  });

  it('prints the file keys with the key redacted, and loads back to the same value', () => {
    const text = [
      'mist:',
      '  - name: acme',
      '    base_url: http://127.0.0.1:8080',
      '    stream_url: ws://127.0.0.1:8080/api-ws/v1/stream',
      '    api_key: ${MIST_API_KEY}',
      '    org_id: 6b1e4d2a-0000-4000-8000-0000000000aa',
      '    sites: { include: ["lon-*"], exclude: ["lon-lab"] }',
      '    expire_after: 90s',
      '    names: mistexporter',
      '    client_labels: [os, model]',
      'simulator: { mist: { enabled: true, sites: 2 } }',
    ].join('\n');
    const env = { MIST_API_KEY: 'S3cret-Printed-Key' };
    const { config } = load(text, env);
    const printed = redactedConfigDocument(config, SECTIONS);
    const printedText = stringify(printed);
    expect(printedText).not.toContain('S3cret');
    expect((printed['mist'] as Record<string, unknown>[])[0]).toMatchObject({ name: 'acme', api_key: '<redacted>', expire_after: '1m30s', names: 'mistexporter', client_labels: ['os', 'model'] });
    const restored = printedText.replace('<redacted>', '${MIST_API_KEY}');
    // Printed inside the RouterOS simulator's section, where the file has it.
    expect((printed['simulator'] as Record<string, unknown>)['mist']).toMatchObject({ enabled: true, sites: 2 });
    expect(load(restored, env).config.sections).toEqual(config.sections);
  });
});

describe('site globs (Go filepath.Match)', () => {
  it('matches the whole name, case-sensitively; * and ? do not cross /', () => {
    const match = (pattern: string, name: string): boolean => compileGlob(pattern).regex!.test(name);
    expect(match('lon-*', 'lon-hq')).toBe(true);
    expect(match('lon-*', 'LON-hq')).toBe(false);
    expect(match('*', 'a/b')).toBe(false);
    expect(match('site-0?', 'site-01')).toBe(true);
    expect(match('site-[0-4]*', 'site-37')).toBe(true);
    expect(match('site-[^0-4]*', 'site-37')).toBe(false);
    expect(match('a.b', 'axb')).toBe(false);
    expect(match('\\*', '*')).toBe(true);
  });

  it('exclude wins; no include keeps everything not excluded', () => {
    expect(new SiteFilter(['lon-*'], ['lon-lab']).matches('lon-lab')).toBe(false);
    expect(new SiteFilter(['lon-*'], ['lon-lab']).matches('lon-hq')).toBe(true);
    expect(new SiteFilter(['lon-*'], []).matches('par-hq')).toBe(false);
    expect(new SiteFilter([], ['par-*']).matches('ber-hq')).toBe(true);
  });
});
