/**
 * Every panel query of every dashboard in dashboards/ returns data from real Prometheus scraping the agent on
 * examples/demo.yaml (the demo file as shipped; the poll interval comes from the environment, as a user would
 * override it). The agent also pushes OTLP to real VictoriaMetrics, so the OTLP panel has exports to show.
 *
 * Template variables take the values Grafana would offer (their `label_values(metric, label)` query, run
 * against this Prometheus); a query passes when it returns at least one sample with a number (not NaN) for
 * some value. Grafana's built-in intervals are sized for the 0.5 s scrape (helpers/dashboards.ts).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDashboards, parseLabelValuesQuery, substituteVariables, type Dashboard, type DashboardTarget } from '../helpers/dashboards.js';
import { startPrometheus, startVictoriaMetrics, type PrometheusServer, type VictoriaMetricsServer } from '../helpers/tools.js';
import { eventually, sleep, startTestAgent, type TestAgent } from './helpers/agent.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));
/** How long a query may take to show data: rates need two scrapes after two polls; generous for a busy machine. */
const DATA_DEADLINE_MILLIS = 45_000;

let victoria: VictoriaMetricsServer;
let agent: TestAgent;
let prometheus: PrometheusServer;

beforeAll(async () => {
  victoria = await startVictoriaMetrics();
  agent = await startTestAgent({
    file: DEMO_CONFIG,
    env: {
      MIKROTIK_AGENT_COLLECTION_INTERVAL: '2s',
      MIKROTIK_AGENT_COLLECTION_TIMEOUT: '2s',
      MIKROTIK_AGENT_OTLP_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: victoria.otlpMetricsUrl,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
    overrides: { listen: '127.0.0.1:0' },
  });
  prometheus = await startPrometheus({ scrapeTargets: [agent.target], scrapeIntervalSeconds: 0.5 });
  await agent.waitUntilAllUp(20_000);
  await prometheus.waitForScrapes();
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await agent?.stop();
  await victoria?.stop();
});

/** Every combination of the dashboard's query-variable values, as Grafana's variable queries return them. */
async function variableValueSets(dashboard: Dashboard): Promise<Record<string, string>[]> {
  let sets: Record<string, string>[] = [{}];
  for (const variable of dashboard.variables) {
    if (variable.type === 'datasource') continue;
    if (variable.type !== 'query') throw new Error(`${dashboard.file}: variable ${variable.name} of type ${variable.type} is not resolved by this test`);
    const { metric, label } = parseLabelValuesQuery(variable.query ?? '');
    const samples = await prometheus.query(`group by (${label}) (${metric})`);
    const values = samples.map((sample) => sample.labels[label] ?? '').filter((value) => value !== '').sort();
    if (values.length === 0) throw new Error(`${dashboard.file}: variable ${variable.name} has no values (${variable.query})`);
    sets = sets.flatMap((set) => values.map((value) => ({ ...set, [variable.name]: value })));
  }
  return sets;
}

/** The first variable values for which the target returns a numeric sample, or undefined. */
async function firstValuesWithData(target: DashboardTarget, sets: readonly Record<string, string>[]): Promise<Record<string, string> | undefined> {
  for (const values of sets) {
    const samples = await prometheus.query(substituteVariables(target.expr, values));
    if (samples.some((sample) => !Number.isNaN(sample.value))) return values;
  }
  return undefined;
}

describe('dashboards against Prometheus scraping the demo fleet', () => {
  const dashboards = loadDashboards();

  it('found dashboards with queries', () => {
    expect(dashboards.length).toBeGreaterThanOrEqual(3);
    for (const dashboard of dashboards) expect(dashboard.targets.length, dashboard.file).toBeGreaterThan(0);
  });

  it.each(dashboards.map((dashboard) => [dashboard.title, dashboard] as const))(
    'every panel query of "%s" returns data',
    async (_title, dashboard) => {
      const sets = await variableValueSets(dashboard);
      let pending = [...dashboard.targets];
      const deadline = Date.now() + DATA_DEADLINE_MILLIS;
      for (;;) {
        const still: DashboardTarget[] = [];
        for (const target of pending) {
          if ((await firstValuesWithData(target, sets)) === undefined) still.push(target);
        }
        pending = still;
        if (pending.length === 0 || Date.now() > deadline) break;
        await sleep(1_000);
      }
      const tried = sets.map((set) => JSON.stringify(set)).join(', ');
      const failures = pending.map(
        (target) => `${dashboard.title} / panel "${target.panelTitle}" (id ${target.panelId}) query ${target.refId} returned no data: ${target.expr}`,
      );
      expect(failures, `variable values tried: ${tried}`).toEqual([]);
    },
    DATA_DEADLINE_MILLIS + 30_000,
  );

  it('the router dashboard follows its router variable: PoE data for some routers, not all', async () => {
    const router = dashboards.find((dashboard) => dashboard.file === 'mikrotik-router.json');
    const poe = router?.targets.find((target) => target.panelTitle === 'PoE power');
    expect(poe).toBeDefined();
    const sets = await variableValueSets(router!);
    // Retried: on a busy machine a poll can time out, and a router that is down has no series until the next.
    const withData = await eventually(
      'PoE power for some routers but not all',
      async () => {
        const routers: string[] = [];
        for (const values of sets) {
          if ((await prometheus.query(substituteVariables(poe!.expr, values))).length > 0) routers.push(values['router'] ?? '');
        }
        return routers.length > 0 && routers.length < sets.length ? routers : undefined;
      },
      { timeoutMillis: 20_000, pollMillis: 500 },
    );
    expect(withData.length).toBeLessThan(sets.length);
  });
});
