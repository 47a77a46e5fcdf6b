/**
 * Documents of unexpected shape (found by test/reliability/fuzz-config.test.ts): each must end in a
 * ConfigError whose problems name a key path and say what is wrong in our words, never in convict's
 * or the JavaScript engine's.
 */
import { simulatorConfig } from '../../src/sources/routeros/simulator/config.js';
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../src/config/errors.js';
import { load, problemsOf } from './helpers.js';

const NOT_A_DURATION_MAPPING = 'must be a duration like 30s, not a mapping (use a number with a unit: 500ms, 30s, 1m, 1h30m)';
const DOTTED = 'unknown key (a key cannot contain dots: write nested keys as mappings)';

/** Texts that leaked from convict or the engine before the fix. */
const FOREIGN = /configuration param|cannot use 'in'|is not a function|cannot read prop|undefined|\[object Object\]/i;

describe('loadConfig: shapes the fuzz tests found', () => {
  it.each<[string, string, ConfigProblem[]]>([
    ['a duration given a mapping with a dotted key', 'collection:\n  interval: {".": 1}\n', [{ path: 'collection.interval', message: NOT_A_DURATION_MAPPING }]],
    ['an OTLP duration given a mapping with a dotted key', 'otlp:\n  interval: {".": false}\n', [{ path: 'otlp.interval', message: NOT_A_DURATION_MAPPING }]],
    ['a setting given a nested mapping', 'otlp:\n  interval: {server: {}}\n', [{ path: 'otlp.interval', message: NOT_A_DURATION_MAPPING }]],
    ['a dotted key at the top level', 'x.y: 1\n', [{ path: '["x.y"]', message: DOTTED }]],
    ['a dotted key inside a section', 'log:\n  "a.b": 1\n', [{ path: 'log["a.b"]', message: DOTTED }]],
    ['a lone dot as a key', 'server:\n  ".": false\n', [{ path: 'server["."]', message: DOTTED }]],
    ['an unknown mapping with odd keys', 'server:\n  server: {".": false, "": 0}\n', [{ path: 'server.server', message: 'unknown key' }]],
    ['an empty key at the top level', '"": []\n', [{ path: '[""]', message: 'unknown key: keys must not be empty' }]],
  ])('%s', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('gives the same problems for the JSON form of a document', () => {
    expect(problemsOf(JSON.stringify({ collection: { interval: { '.': 1 } }, otlp: { interval: { server: {} } } }))).toEqual([
      { path: 'collection.interval', message: NOT_A_DURATION_MAPPING },
      { path: 'otlp.interval', message: NOT_A_DURATION_MAPPING },
    ]);
  });

  it('still checks the well-formed settings next to a malformed one, in schema order', () => {
    expect(problemsOf('collection: { concurrency: 0, interval: { a: 1 }, "a.b": 1 }\nlog: { level: loud }\n')).toEqual([
      { path: 'collection.interval', message: NOT_A_DURATION_MAPPING },
      { path: 'collection.concurrency', message: 'must be a whole number of at least 1' },
      { path: 'log.level', message: 'must be one of trace, debug, info, warn, error, fatal' },
      { path: 'collection["a.b"]', message: DOTTED },
    ]);
  });

  it('names the expected type when a list or mapping stands where a value belongs', () => {
    const problems = problemsOf(
      'server:\n  listen: [":9436"]\n  auth: { open_paths: { a: 1 }, bearer_token: [list-secret-41] }\n' +
        'otlp: { enabled: [true], protocol: { a: 1 }, timeout: [5s] }\nsimulator: { count: { n: 2 } }\n',
    );
    expect(problems).toEqual([
      { path: 'server.listen', message: 'must be host:port, [v6]:port or :port (port 0-65535)' },
      { path: 'otlp.enabled', message: 'must be true or false' },
      { path: 'otlp.protocol', message: 'must be one of http/protobuf, http/json' },
      { path: 'otlp.timeout', message: 'must be a duration like 30s, not a list (use a number with a unit: 500ms, 30s, 1m, 1h30m)' },
      { path: 'simulator.count', message: 'must be a whole number of at least 1' },
      { path: 'server.auth.bearer_token', message: 'must be a string' },
      { path: 'server.auth.open_paths', message: 'must be a list' },
    ]);
    expect(JSON.stringify(problems)).not.toContain('list-secret-41');
  });

  it('keeps reporting a malformed file value when the environment sets the same key', () => {
    expect(problemsOf('collection: { interval: { a: 1 } }\n', { env: { MIKROTIK_AGENT_COLLECTION_INTERVAL: '45s' } })).toEqual([
      { path: 'collection.interval', message: NOT_A_DURATION_MAPPING },
    ]);
  });

  it('still coerces text where a boolean or number belongs (as ${ENV} substitution produces)', () => {
    const { config } = load('otlp: { enabled: "yes" }\nserver: { max_concurrent_scrapes: "8" }\nsimulator: { enabled: "on", port_base: "18728" }\n');
    expect(config.otlp.enabled).toBe(true);
    expect(config.server.maxConcurrentScrapes).toBe(8);
    expect(simulatorConfig(config)).toMatchObject({ enabled: true, portBase: 18_728 });
  });

  it('rejects __proto__ keys anywhere instead of letting them reach an object', () => {
    const text = JSON.stringify({
      resource_attributes: JSON.parse('{"__proto__": {"a": 1}, "ok": "x"}') as unknown,
      defaults: { labels: JSON.parse('{"__proto__": "x"}') as unknown, collectors: { interface: JSON.parse('{"__proto__": {"enabled": false}}') as unknown } },
    });
    expect(problemsOf(text)).toEqual([
      { path: 'resource_attributes.__proto__', message: 'is not allowed as a key' },
      { path: 'defaults.labels.__proto__', message: 'is not allowed as a key' },
      { path: 'defaults.collectors.interface.__proto__', message: 'is not allowed as a key' },
    ]);
  });

  it('reports documents nested too deeply for the parser or the rules', () => {
    const parserProblems = problemsOf(`${'['.repeat(5_000)}${']'.repeat(5_000)}`);
    expect(parserProblems).toHaveLength(1);
    expect(parserProblems[0]).toEqual({ path: expect.stringMatching(/^<config>/), message: 'the document is nested too deeply' });

    let deep: unknown = 'x';
    for (let level = 0; level < 40; level += 1) deep = { n: deep };
    const ruleProblems = problemsOf(JSON.stringify({ defaults: { collectors: { interface: { custom: deep } } } }));
    expect(ruleProblems).toEqual([
      { path: expect.stringMatching(/^defaults\.collectors\.interface\.custom(?:\.n)+$/), message: 'is nested too deeply (more than 32 levels)' },
    ]);
  });

  it('never lets a foreign message or an empty path through', () => {
    const documents = [
      'server: { auth: { basic_users: { "a.b": { c: 1 } } }, tls: { cert_file: { x: 1 } } }\n',
      'otlp: { headers: { "": { a: 1 } }, tls: [1] }\n',
      'log: { format: { ".": { "": 1 } } }\nsimulator: { ".": 1, host: [1] }\n',
      'constructor: 1\ntoString: {}\nserver: { constructor: { prototype: 1 } }\n',
      'resource_attributes: { "a.b": { c: 1 } }\ncollection: { startup_check: [warn] }\n',
    ];
    for (const text of documents) {
      for (const problem of problemsOf(text)) {
        expect(problem.path.trim(), text).not.toBe('');
        expect(problem.message, text).not.toMatch(FOREIGN);
      }
    }
  });
});
