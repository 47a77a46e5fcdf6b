import { describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../src/sources/routeros/collectors/registry.js';
import { prometheusLabelName, reservedLabelNames } from '../../src/config/labels.js';
import { routerLabelOwners } from '../../src/sources/routeros/config/routers.js';
import { load as loadWith, problemsOf as problemsWith } from './helpers.js';
import { configuredRouters, routerDefaults } from '../../src/sources/routeros/config/sections.js';

/** Router labels are checked against the real registry: the reserved names come from its metric definitions. */
const load = (text: string) => loadWith(text, { collectors: COLLECTORS });
const problemsOf = (text: string) => problemsWith(text, { collectors: COLLECTORS });

const router = (labels: string): string => `routers:\n  - { name: core1, address: 10.0.0.1, labels: ${labels} }\n`;

describe('router labels', () => {
  it('reject two keys with one Prometheus name, in one block, at the later key', () => {
    expect(problemsOf(router('{ "site.name": a, site_name: b, "rack-id": 1, rack_id: 2, "a.b": x, "a--b": y }'))).toEqual([
      {
        path: 'routers[0].labels.site_name',
        message: 'collides with routers[0].labels["site.name"]: both become the Prometheus label site_name',
      },
      { path: 'routers[0].labels.rack_id', message: 'collides with routers[0].labels.rack-id: both become the Prometheus label rack_id' },
      { path: 'routers[0].labels.a--b', message: 'collides with routers[0].labels["a.b"]: both become the Prometheus label a_b' },
    ]);
  });

  it('reject names the agent, the exporter or Prometheus set on every series', () => {
    const problems = problemsOf(
      router('{ router: a, collector: b, otel_scope_name: c, "otel.scope.version": d, otel_scope_schema_url: e, __name: f, _.x: g, job: h }'),
    );
    expect(problems).toEqual([
      { path: 'routers[0].labels.router', message: '"router" is set by the agent and cannot be a label' },
      { path: 'routers[0].labels.collector', message: '"collector" is set by the agent on every collection metric and cannot be a label' },
      {
        path: 'routers[0].labels.otel_scope_name',
        message: '"otel_scope_name": the Prometheus exporter sets otel_scope_* on every series; it cannot be a label',
      },
      {
        path: 'routers[0].labels["otel.scope.version"]',
        message: '"otel.scope.version" (Prometheus label otel_scope_version): the Prometheus exporter sets otel_scope_* on every series; it cannot be a label',
      },
      {
        path: 'routers[0].labels.otel_scope_schema_url',
        message: '"otel_scope_schema_url": the Prometheus exporter sets otel_scope_* on every series; it cannot be a label',
      },
      { path: 'routers[0].labels.__name', message: '"__name" (Prometheus label _name): names starting with __ are reserved by Prometheus' },
      { path: 'routers[0].labels["_.x"]', message: '"_.x" (Prometheus label _x): names starting with __ are reserved by Prometheus' },
      { path: 'routers[0].labels.job', message: '"job" is set by Prometheus on every scraped series and cannot be a label' },
    ]);
    // `instance` too (Prometheus sets it on every scraped series).
    expect(reservedLabelNames({ identity: [], owners: [] }).get('instance')).toBe('is set by Prometheus on every scraped series');
  });

  it("reject every attribute key of every collector's metrics, also in another spelling", () => {
    const owners = new Map<string, string>();
    for (const collector of COLLECTORS) {
      for (const metric of collector.metrics) for (const key of metric.attributes) owners.set(key, collector.name);
    }
    // The registry really declares the keys the audit found overwritten.
    expect([...owners.keys()]).toEqual(expect.arrayContaining(['sensor', 'interface', 'state', 'mac_address', 'identity']));
    for (const [key, collector] of owners) {
      const dashed = key.replace(/_/g, '-');
      const keys = dashed === key ? [key] : [key, dashed];
      const problems = problemsOf(router(`{ ${keys.map((label) => `${JSON.stringify(label)}: x`).join(', ')} }`));
      expect(problems.map((problem) => problem.path)).toEqual(keys.map((label) => `routers[0].labels.${label}`));
      for (const problem of problems) {
        expect(problem.message).toMatch(/ is a label of the [a-z_-]+ collector's metrics and cannot be a label$/);
      }
      expect(reservedLabelNames(routerLabelOwners(COLLECTORS)).get(prometheusLabelName(key))).toMatch(/collector's metrics$/);
      expect(collector).not.toBe('');
    }
  });

  it('reject a router label whose Prometheus name a different defaults label has; the same key overrides', () => {
    const text = [
      'defaults: { labels: { "site.name": ams, tier: edge } }',
      'routers:',
      '  - { name: a, address: 10.0.0.1, labels: { site_name: fra } }',
      '  - { name: b, address: 10.0.0.2, labels: { "site.name": fra, tier: core } }',
      '  - { name: c, address: 10.0.0.3, labels: { site-name: x } }',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      { path: 'routers[0].labels.site_name', message: 'collides with defaults.labels["site.name"]: both become the Prometheus label site_name' },
      { path: 'routers[2].labels.site-name', message: 'collides with defaults.labels["site.name"]: both become the Prometheus label site_name' },
    ]);
  });

  it('check defaults.labels on their own too (the simulated routers get only those)', () => {
    expect(problemsOf('simulator: { enabled: true }\ndefaults: { labels: { "dc.room": a, dc_room: b, sensor: c } }\n')).toEqual([
      { path: 'defaults.labels.sensor', message: `"sensor" is a label of the health collector's metrics and cannot be a label` },
      { path: 'defaults.labels.dc_room', message: 'collides with defaults.labels["dc.room"]: both become the Prometheus label dc_room' },
    ]);
  });

  it('are reported with every other problem at once', () => {
    const problems = problemsOf(`collection: { interval: 30x }\n${router('{ interface: a, "site.name": b, site_name: c }')}`);
    expect(problems.map((problem) => problem.path)).toEqual([
      'collection.interval',
      'routers[0].labels.interface',
      'routers[0].labels.site_name',
    ]);
  });

  it('keep distinct keys, dotted and dashed ones included', () => {
    const { config } = load(
      'defaults: { labels: { env: prod, "site.name": ams } }\n' + router('{ "rack-id": r4, tier: edge, "site.name": fra, Sensor: x }'),
    );
    expect(configuredRouters(config)[0]?.labels).toEqual({ env: 'prod', 'site.name': 'fra', 'rack-id': 'r4', tier: 'edge', Sensor: 'x' });
    expect(routerDefaults(config)?.labels).toEqual({ env: 'prod', 'site.name': 'ams' });
  });
});
