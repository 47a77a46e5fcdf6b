/**
 * `promtool check metrics` (Prometheus 2.53's linter) on a real /metrics body of the demo's simulated fleet:
 * one router per built-in profile, every collector switched on, so every family a profile has data for is
 * linted, plus the agent's own metrics after a few requests. A clean lint means exit 0 and no output at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../src/sources/routeros/collectors/registry.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { prometheusName } from '../../src/engine/metric.js';
import { promtoolCheckMetrics, unexpectedLintFindings } from '../helpers/tools.js';
import { allCollectorsYaml, startTestAgent, type TestAgent } from './helpers/agent.js';
import { parseExposition } from './helpers/exposition.js';

let agent: TestAgent;
let body: string;

beforeAll(async () => {
  // The demo's in-process `mixed` fleet, one router per profile, with `defaults:` switching every collector on.
  agent = await startTestAgent({
    text: [
      'server: { listen: "127.0.0.1:0" }',
      'collection: { interval: 30s, timeout: 5s }',
      `simulator: { enabled: true, count: ${Object.keys(PROFILES).length}, profile: mixed }`,
      `defaults: { collectors: ${allCollectorsYaml()} }`,
    ].join('\n'),
  });
  await agent.waitUntilAllUp();
  // The first scrape creates the agent's HTTP request metrics; the second shows them.
  await agent.scrape();
  body = await agent.scrape();
});

afterAll(async () => {
  await agent?.stop();
});

describe('promtool check metrics', () => {
  it('lints the whole scrape of every profile with every collector clean', async () => {
    // A hang guard only: the ~2 MB body costs promtool seconds of CPU, which a busy shared machine stretches.
    const result = await promtoolCheckMetrics(body, 120_000);
    // Silent: no parse error and no lint finding at all.
    expect(unexpectedLintFindings(result.output)).toEqual([]);
    expect(result.exitCode).toBe(0);
  }, 150_000);

  it('covered every collector that found data, and the agent metrics', () => {
    const families = new Set(parseExposition(body).families.keys());
    const withData = new Set<string>();
    for (const snapshot of agent.agent.engine.snapshots()) {
      for (const [name, state] of snapshot.collectors) {
        if (state.status === 'ok' && state.samples.length > 0) withData.add(name);
      }
    }
    // At least the families every profile has: a lint of an empty body would prove nothing.
    expect([...withData]).toEqual(expect.arrayContaining(['system', 'health', 'interface']));
    const missing = COLLECTORS.filter((collector) => withData.has(collector.name))
      .filter((collector) => !collector.metrics.some((metric) => families.has(prometheusName(metric))))
      .map((collector) => collector.name);
    expect(missing).toEqual([]);
    expect([...families].filter((name) => name.startsWith('mikrotik_agent_')).length).toBeGreaterThanOrEqual(4);
  });
});
