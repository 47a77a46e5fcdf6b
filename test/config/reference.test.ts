/**
 * docs/configuration.md and config.schema.json are generated from the config schema, the router keys and the
 * collectors' option specs; these tests fail when either file is stale, and check the JSON Schema against the
 * shipped examples (what the loader accepts, the schema must accept; a typo it must reject).
 */
import { SECTIONS } from '../helpers/sections.js';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { OTEL_VARIABLES } from '../../src/config/otel-variables.js';
import { configJsonSchema, renderConfigDoc } from '../../src/config/reference.js';
import { ROUTER_KEYS, TLS_KEYS } from '../../src/sources/routeros/config/routers.js';
import { schemaLeaves } from '../../src/config/schema.js';
import { COLLECTORS } from '../../src/sources/routeros/collectors/registry.js';

const REGENERATE = 'npm run build && npm run docs:config';
const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

type Schema = Record<string, unknown>;

/**
 * The subset of JSON Schema 2020-12 that config.schema.json uses (type, enum, pattern, minimum/maximum,
 * properties, required, additionalProperties, items, anyOf, $ref to #/$defs). Returns the problems by path.
 */
function validate(root: Schema, schema: Schema, value: unknown, path = '$'): string[] {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Schema)[key], root);
    return validate(root, target as Schema, value, path);
  }
  const anyOf = schema['anyOf'] as Schema[] | undefined;
  if (anyOf !== undefined) {
    const results = anyOf.map((option) => validate(root, option, value, path));
    if (!results.some((problems) => problems.length === 0)) return results.flat();
  }
  const problems: string[] = [];
  const type = schema['type'] as string | string[] | undefined;
  if (type !== undefined) {
    const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
    const types = Array.isArray(type) ? type : [type];
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return [`${path}: ${actual} is not ${types.join('|')}`];
  }
  const enumValues = schema['enum'] as unknown[] | undefined;
  if (enumValues !== undefined && !enumValues.includes(value)) problems.push(`${path}: not one of ${enumValues.join(', ')}`);
  if (typeof value === 'string' && typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value)) {
    problems.push(`${path}: does not match ${schema['pattern']}`);
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) problems.push(`${path}: below the minimum`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) problems.push(`${path}: above the maximum`);
  }
  if (Array.isArray(value) && schema['items'] !== undefined) {
    value.forEach((item, index) => problems.push(...validate(root, schema['items'] as Schema, item, `${path}[${index}]`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const key of (schema['required'] ?? []) as string[]) if (!(key in value)) problems.push(`${path}: ${key} is required`);
    for (const [key, item] of Object.entries(value)) {
      const property = properties[key];
      const additional = schema['additionalProperties'];
      if (property !== undefined) problems.push(...validate(root, property, item, `${path}.${key}`));
      else if (additional === false) problems.push(`${path}.${key}: unknown key`);
      else if (additional !== undefined && additional !== true) problems.push(...validate(root, additional as Schema, item, `${path}.${key}`));
    }
  }
  return problems;
}

describe('generated configuration reference', () => {
  it(`docs/configuration.md is current (regenerate: ${REGENERATE})`, () => {
    expect(read('docs/configuration.md'), `stale: run ${REGENERATE}`).toBe(renderConfigDoc(SECTIONS));
  });

  it(`config.schema.json is current (regenerate: ${REGENERATE})`, () => {
    expect(read('config.schema.json'), `stale: run ${REGENERATE}`).toBe(`${JSON.stringify(configJsonSchema(SECTIONS), null, 2)}\n`);
  });

  it('documents every key with its default and environment variable, every collector option and OTEL_* variable', () => {
    const doc = renderConfigDoc(SECTIONS);
    for (const { path, leaf } of schemaLeaves()) {
      const key = path.join('.');
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      if (leaf.env !== undefined) expect(row, key).toContain(`\`${leaf.env}\``);
    }
    for (const key of ROUTER_KEYS) expect(doc).toContain(`| \`${key}\` |`);
    for (const key of Object.keys(TLS_KEYS)) expect(doc).toContain(`| \`tls.${key}\` |`);
    for (const collector of COLLECTORS) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${collector.name}\` |`)) ?? '';
      for (const option of collector.options ?? []) expect(row, `${collector.name}.${option.name}`).toContain(`\`${option.name}\`:`);
    }
    for (const entry of OTEL_VARIABLES) for (const name of entry.names) expect(doc).toContain(`\`${name}\``);
  });

  it('every example config is valid against the JSON Schema, and the schema rejects typos the loader rejects', () => {
    const schema = configJsonSchema(SECTIONS);
    // Agent configs only: prometheus-*.yml are Prometheus's own configuration, checked by promtool.
    const examples = readdirSync(new URL('../../examples/', import.meta.url)).filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('prometheus'));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const name of examples) {
      const value = parse(read(`examples/${name}`)) as unknown;
      expect(validate(schema, schema, value), name).toEqual([]);
    }
    const typo = { collection: { intervall: '30s' }, routers: [{ name: 'r1', address: '10.0.0.1', collectors: { interface: { exlude: ['x'] } } }] };
    expect(validate(schema, schema, typo)).toEqual([
      '$.collection.intervall: unknown key',
      expect.stringContaining('$.routers[0].collectors.interface'),
      expect.stringContaining('$.routers[0].collectors.interface.exlude: unknown key'),
    ]);
    expect(() => loadConfig({ text: JSON.stringify(typo), env: {}, sections: SECTIONS })).toThrow(/intervall/);
    // A router without an address is an error in both.
    expect(validate(schema, schema, { routers: [{ name: 'r1' }] })).toEqual(['$.routers[0]: address is required']);
    // `${VAR}` where a number or boolean goes is fine for both (substituted before the check).
    expect(validate(schema, schema, { otlp: { enabled: '${OTLP_ON}' }, collection: { concurrency: '${N}' } })).toEqual([]);
  });
});
