/**
 * Router labels as Prometheus sees them: an agent with dotted, dashed and mixed-case labels (the kinds the
 * config allows) on its simulated routers, scraped and linted by the real promtool. The config rules
 * (labels.test.ts) exist so that this always holds: no series carries a label name twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../e2e/helpers/agent.js';
import { parseExposition } from '../e2e/helpers/exposition.js';
import { promtoolCheckMetrics, unexpectedLintFindings } from '../helpers/tools.js';

let agent: TestAgent;
let body: string;

beforeAll(async () => {
  agent = await startTestAgent({
    text: [
      'server: { listen: "127.0.0.1:0" }',
      'collection: { interval: 30s, timeout: 5s }',
      'simulator: { enabled: true, count: 2, profile: mixed }',
      'defaults: { labels: { "site.name": ams, "rack-id": r4, tier: edge, Sensor: upper, env: prod } }',
    ].join('\n'),
  });
  await agent.waitUntilAllUp();
  body = await agent.scrape();
}, 30_000);

afterAll(async () => {
  await agent?.stop();
});

describe('allowed router labels on a real scrape', () => {
  it('pass promtool check metrics', async () => {
    const result = await promtoolCheckMetrics(body);
    expect(unexpectedLintFindings(result.output)).toEqual([]);
    // Exit 3 is "lint findings only", i.e. the exposition parsed (duplicate label names are a parse error, exit 1).
    expect([0, 3]).toContain(result.exitCode);
  });

  it('sit on every router series next to the collectors’ own labels, under their Prometheus names', () => {
    const routerSamples = [...parseExposition(body).families.values()]
      .filter((family) => family.name.startsWith('routeros_'))
      .flatMap((family) => family.samples);
    expect(routerSamples.length).toBeGreaterThan(100);
    for (const sample of routerSamples) {
      expect(sample.labels).toMatchObject({ site_name: 'ams', rack_id: 'r4', tier: 'edge', Sensor: 'upper', env: 'prod' });
    }
    // The collectors' attributes are untouched: sensors and interfaces keep their own values.
    const sensors = routerSamples.filter((sample) => sample.name === 'routeros_health_temperature_celsius');
    expect(sensors.length).toBeGreaterThan(0);
    for (const sample of sensors) expect(sample.labels['sensor']).not.toBe('upper');
    expect(routerSamples.some((sample) => sample.labels['interface'] !== undefined)).toBe(true);
  });
});
