/**
 * Differential test: for the same snapshots, the exposition prints exactly what the stock pipeline
 * (SnapshotMetricProducer + the SDK's PrometheusSerializer) prints — byte for byte in the text format,
 * with and without scope labels, plain and gzipped — and OpenMetrics carries the same samples. Run over
 * the demo fleet (examples/demo.yaml's simulator, in process) and the golden fleet (one router per
 * profile, every collector on).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetSnapshot } from '../../src/engine/snapshot.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { goldenFleetYaml, startProfileRouters, startTestAgent, type ProfileRouters, type TestAgent } from '../e2e/helpers/agent.js';
import { expositionText, frozen, samplesOf, sdkText } from './helpers.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));

function differential(fleet: () => readonly TargetSnapshot[]): void {
  it('prints the very text of the SDK serializer, with and without scope labels', async () => {
    const source = frozen(fleet());
    for (const scopeLabels of [false, true]) {
      const reference = await sdkText(source, scopeLabels);
      const ours = expositionText(source, { scopeLabels });
      expect(ours.text.length).toBeGreaterThan(10_000);
      expect(ours.text).toBe(reference.text);
      expect(ours.errors).toEqual(reference.errors);
    }
  });

  it('gzips to the same text (a stream of cached members)', async () => {
    const source = frozen(fleet());
    const plain = expositionText(source);
    const gzipped = expositionText(source, { gzip: true });
    expect(gzipped.text).toBe(plain.text);
    expect(gzipped.chunks).toBe(plain.chunks);
  });

  it('carries the same samples in OpenMetrics, with one HELP and TYPE per family and # EOF last', () => {
    const source = frozen(fleet());
    const text = expositionText(source).text;
    const om = expositionText(source, { format: 'openmetrics' }).text;
    expect(om.endsWith('\n# EOF\n')).toBe(true);
    expect([...samplesOf(om)]).toEqual([...samplesOf(text)]);
    const families = om.split('\n').filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2]);
    expect(new Set(families).size).toBe(families.length);
    expect(om).not.toMatch(/^# TYPE \S+_total /m);
    expect(om).not.toMatch(/^# UNIT \S+ (By|s|Cel)$/m);
  });
}

describe('demo fleet (examples/demo.yaml)', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({
      file: DEMO_CONFIG,
      env: { MIKROTIK_AGENT_COLLECTION_INTERVAL: '60s', MIKROTIK_AGENT_COLLECTION_TIMEOUT: '10s' },
      overrides: { listen: '127.0.0.1:0' },
    });
    await agent.waitUntilAllUp(30_000);
  });
  afterAll(async () => {
    await agent?.stop();
  });
  differential(() => agent.agent.engine.snapshots());
});

describe('golden fleet (one router per profile, every collector)', () => {
  let routers: ProfileRouters;
  let agent: TestAgent;
  beforeAll(async () => {
    routers = await startProfileRouters(Object.keys(PROFILES), () => Date.UTC(2026, 0, 15, 12, 0, 0));
    agent = await startTestAgent({
      text: goldenFleetYaml(routers, { queueCap: 12, labelled: 'chr-v7-18' }),
      env: { SIM_PASSWORD: 'admin' },
    });
    await agent.waitUntilAllUp(30_000);
  });
  afterAll(async () => {
    await agent?.stop();
    await routers?.stop();
  });
  differential(() => agent.agent.engine.snapshots());
});
