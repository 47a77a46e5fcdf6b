/**
 * `defaults:` and `routers:` as the RouterOS source's config sections: what the core loader gets from
 * them (values, the nothing-to-collect warning, placement, schema and reference), and that the core
 * without them knows neither key.
 */
import { describe, expect, it } from 'vitest';
import { configDocument } from '../../../../src/config/document.js';
import { ConfigError } from '../../../../src/config/errors.js';
import { loadConfig } from '../../../../src/config/load.js';
import { configJsonSchema, renderConfigDoc } from '../../../../src/config/reference.js';
import { configuredRouters, routerConfigSections, routerDefaults } from '../../../../src/sources/routeros/config/sections.js';
import { TEST_COLLECTORS } from '../../../config/helpers.js';

const SECTIONS = routerConfigSections(TEST_COLLECTORS);
const TEXT = [
  'defaults: { interval: 20s, labels: { site: ams }, collectors: { wireless: true } }',
  'routers:',
  '  - { name: core1, address: 10.0.0.1, password: s3cret, labels: { role: core } }',
  '  - { name: core2, address: "10.0.0.2:8000", interval: 1m, collectors: { interface: false } }',
].join('\n');

describe('RouterOS config sections', () => {
  it('merge every router over defaults, and give the defaults for routers made at run time', () => {
    const { config } = loadConfig({ text: TEXT, env: {}, sections: SECTIONS });
    const routers = configuredRouters(config);
    expect(routers.map((router) => [router.name, router.port, router.intervalMillis, router.labels])).toEqual([
      ['core1', 8728, 20_000, { site: 'ams', role: 'core' }],
      ['core2', 8000, 60_000, { site: 'ams' }],
    ]);
    expect(routers[0]?.collectors['wireless']).toEqual({ enabled: true });
    expect(routers[1]?.collectors['interface']).toEqual({ enabled: false });
    expect(routerDefaults(config)).toEqual({
      intervalMillis: 20_000,
      timeoutMillis: 10_000,
      labels: { site: 'ams' },
      collectors: { system: { enabled: true }, health: { enabled: true }, interface: { enabled: true }, wireless: { enabled: true } },
    });
    // The same defaults written differently load to an equal config: nothing of the file's own wording stays in it.
    const explicit = TEXT.replace('collectors: { wireless: true }', 'collectors: { wireless: { enabled: true }, system: true }');
    expect(loadConfig({ text: explicit, env: {}, sections: SECTIONS }).config).toEqual(config);
  });

  it('are written back after otlp with the secrets through `secret`, routers listing only what differs from defaults', () => {
    const { config } = loadConfig({ text: TEXT, env: {}, sections: SECTIONS });
    const document = configDocument(config, { secret: (value) => (value === '' ? '' : 'SECRET'), sections: SECTIONS });
    expect(Object.keys(document)).toEqual(['server', 'collection', 'otlp', 'defaults', 'routers', 'log', 'resource_attributes']);
    const routers = document['routers'] as { password: string; collectors: Record<string, unknown> }[];
    expect(routers.map((router) => [router.password, router.collectors])).toEqual([
      ['SECRET', {}],
      ['', { interface: false }],
    ]);
    expect(SECTIONS.find((section) => section.key === 'routers')?.secrets?.(config.sections?.['routers'])).toEqual(['s3cret']);
  });

  it('give the nothing-to-collect warning at `routers`; without them the core warns in its own words and knows no routers key', () => {
    expect(loadConfig({ text: '', env: {}, sections: SECTIONS }).warnings).toEqual([
      { path: 'routers', message: 'no routers are configured and no other source is on: nothing will be polled' },
    ]);
    expect(loadConfig({ text: TEXT, env: {}, sections: SECTIONS }).warnings).toEqual([]);
    expect(loadConfig({ text: '', env: {}, sections: [] }).warnings).toEqual([
      { path: '', message: 'no source has anything to collect: nothing will be polled' },
    ]);
    const problems = (() => {
      try {
        loadConfig({ text: TEXT, env: {}, sections: [] });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      { path: 'defaults', message: 'unknown key' },
      { path: 'routers', message: 'unknown key' },
    ]);
  });

  it('bring their JSON Schema (placed after otlp, collectors shared through $defs) and their part of the reference', () => {
    const schema = configJsonSchema(SECTIONS);
    expect(Object.keys(schema['properties'] as object)).toEqual(['server', 'collection', 'otlp', 'defaults', 'routers', 'log', 'resource_attributes']);
    expect(Object.keys((schema['$defs'] as { collectors: { properties: object } }).collectors.properties)).toEqual(TEST_COLLECTORS.map((collector) => collector.name));
    const doc = renderConfigDoc(SECTIONS);
    expect(doc).toContain('## `defaults` and `routers[]`');
    expect(doc.indexOf('## Collectors')).toBeLessThan(doc.indexOf('## OpenTelemetry variables'));
    expect(renderConfigDoc([])).not.toContain('routers');
  });
});
