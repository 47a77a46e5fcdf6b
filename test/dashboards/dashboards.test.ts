/**
 * The Grafana dashboards in dashboards/ are importable as they are: JSON with the `${DS_PROMETHEUS}`
 * datasource input, unique panel ids, and queries that read only metrics docs/metrics.md lists. That the
 * queries return data is test/e2e/dashboards.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDashboards, parseLabelValuesQuery, substituteVariables } from '../helpers/dashboards.js';
import { documentedMetricNames, metricNames } from '../helpers/promql.js';

const METRICS_DOC = readFileSync(fileURLToPath(new URL('../../docs/metrics.md', import.meta.url)), 'utf8');
const dashboards = loadDashboards();
const DATASOURCE = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };

describe('dashboards/', () => {
  it('holds the fleet, router and agent dashboards, and one each for the host, Mist and relay sources', () => {
    expect(dashboards.map((dashboard) => dashboard.file)).toEqual([
      'mikrotik-agent.json',
      'mikrotik-fleet.json',
      'mikrotik-host.json',
      'mikrotik-mist.json',
      'mikrotik-relay.json',
      'mikrotik-router.json',
    ]);
  });

  describe.each(dashboards.map((dashboard) => [dashboard.file, dashboard] as const))('%s', (_file, dashboard) => {
    it('declares the Prometheus datasource input and uses it on every panel and query', () => {
      expect(dashboard.json['__inputs']).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
      // Import leaves `id` to Grafana; a fixed uid keeps links between the dashboards stable.
      expect(dashboard.json['id']).toBeNull();
      expect(dashboard.json['uid']).toMatch(/^[a-z0-9-]{1,40}$/);
      // The datasource variable of the same name makes ${DS_PROMETHEUS} resolve when the file is provisioned.
      expect(dashboard.variables).toContainEqual({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' });
      for (const panel of dashboard.panels.filter((entry) => entry['type'] !== 'row')) {
        expect(panel['datasource'], String(panel['title'])).toEqual(DATASOURCE);
        const targets = panel['targets'] as Record<string, unknown>[];
        expect(targets.length, `panel "${String(panel['title'])}" has no query`).toBeGreaterThan(0);
        for (const target of targets) expect(target['datasource'], String(panel['title'])).toEqual(DATASOURCE);
      }
    });

    it('has unique panel ids and unique refIds within each panel', () => {
      const ids = dashboard.panels.map((panel) => panel['id']);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dashboard.panels.filter((entry) => entry['type'] !== 'row')) {
        const refIds = (panel['targets'] as Record<string, unknown>[]).map((target) => target['refId']);
        expect(new Set(refIds).size, String(panel['title'])).toBe(refIds.length);
      }
    });

    it('queries only metrics listed in docs/metrics.md', () => {
      const documented = documentedMetricNames(METRICS_DOC);
      const queries = [
        ...dashboard.targets.map((target) => ({ where: `panel "${target.panelTitle}" ${target.refId}`, expr: target.expr })),
        ...dashboard.variables
          .filter((variable) => variable.type === 'query')
          .map((variable) => ({ where: `variable ${variable.name}`, expr: parseLabelValuesQuery(variable.query ?? '').metric })),
      ];
      const unknown = queries.flatMap(({ where, expr }) =>
        metricNames(expr)
          .filter((name) => !documented.has(name))
          .map((name) => `${where}: ${name}`),
      );
      expect(unknown).toEqual([]);
      expect(queries.length).toBeGreaterThan(0);
    });

    it('links only to dashboards that exist here, by uid', () => {
      const uids = new Set(dashboards.map((entry) => entry.json['uid']));
      const linked = [...JSON.stringify(dashboard.json).matchAll(/\/d\/([a-z0-9-]+)/g)].map((match) => match[1]);
      for (const uid of linked) expect(uids.has(uid), `link to /d/${uid}`).toBe(true);
    });

    it('uses only variables it defines, or Grafana built-ins', () => {
      const values = Object.fromEntries(dashboard.variables.map((variable) => [variable.name, 'x']));
      for (const target of dashboard.targets) {
        expect(() => substituteVariables(target.expr, values), `${target.panelTitle} ${target.refId}`).not.toThrow();
      }
    });
  });
});

describe('dashboard helpers', () => {
  it('metricNames skips functions, keywords, label names, durations and strings', () => {
    expect(
      metricNames(
        'topk(10, 8 * rate(a_total{router="$router", x=~"b_c"}[5m])) * on (router, id) group_left (name) b_info or sum by (le) (c_bucket) > 1e3 unless d offset 5m',
      ),
    ).toEqual(['a_total', 'b_info', 'c_bucket', 'd']);
  });

  it('documentedMetricNames expands histogram rows', () => {
    const names = documentedMetricNames('| `x_seconds_bucket/_sum/_count` | `x` |\n| `y_total` | `y` |\n');
    expect([...names].sort()).toEqual(['x_seconds_bucket', 'x_seconds_count', 'x_seconds_sum', 'y_total']);
  });

  it('documentedMetricNames also reads a column headed "(Prometheus)", and only in its own table', () => {
    const markdown = [
      '| `names: mistexporter` | Labels | `names: otel` (Prometheus) | Description |',
      '|---|---|---|---|',
      '| `old_name` | `org` | `new_name_total` | x |',
      '',
      '| Prometheus name | Labels | Description |',
      '|---|---|---|',
      '| `plain` | `not_a_metric` | y |',
    ].join('\n');
    expect([...documentedMetricNames(markdown)].sort()).toEqual(['new_name_total', 'old_name', 'plain']);
  });

  it('substituteVariables replaces both forms and refuses unknown variables', () => {
    expect(substituteVariables('a{r="$router"}[$__rate_interval] ${router}', { router: 'r1' })).toBe('a{r="r1"}[20s] r1');
    expect(() => substituteVariables('a{r="$nope"}', {})).toThrow(/\$nope/);
  });
});
