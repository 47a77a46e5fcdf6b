/**
 * Golden scrape, node_exporter style: the whole /metrics of a fixed-time simulated fleet compared with
 * test/fixtures/e2e/metrics.prom, and that file linted by promtool.
 *
 * Regenerate after an intended change to names, labels, values or profiles (review the diff before committing):
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/e2e/golden.test.ts
 *
 * The fleet is one simulated router per built-in profile (every entry of PROFILES, named after the profile, in
 * PROFILES order), each with every collector enabled, so new profiles and collectors show up on regeneration
 * without touching this file. The simulators' clock is fixed, so counters and uptimes are the profiles' own
 * starting values. What still depends on the run (timings, versions, host, ports) is normalised by the rules in
 * helpers/golden.ts, which are also listed in the golden file's header.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { promtoolCheckMetrics, unexpectedLintFindings } from '../helpers/tools.js';
import { goldenFleetYaml, startProfileRouters, startTestAgent, type ProfileRouters, type TestAgent } from './helpers/agent.js';
import { NORMALISATION_RULES, normaliseScrape, unifiedDiff } from './helpers/golden.js';

const GOLDEN_FILE = fileURLToPath(new URL('../fixtures/e2e/metrics.prom', import.meta.url));
const GOLDEN_PATH_IN_REPO = 'test/fixtures/e2e/metrics.prom';
const UPDATE_COMMAND = 'UPDATE_GOLDEN=1 npx vitest run test/e2e/golden.test.ts';
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
/** The simulators' clock: 2026-01-15 12:00:00 UTC, forever. */
const FIXED_TIME_MILLIS = Date.UTC(2026, 0, 15, 12, 0, 0);
/** Queues kept per router. */
const QUEUE_CAP = 12;
/** One router gets a config label, so label propagation is pinned too. */
const LABELLED_ROUTER = 'chr-v7-18';

const HEADER = [
  `# Golden scrape of test/e2e/golden.test.ts: one simulated router per profile, every collector on (queue`,
  `# capped at ${QUEUE_CAP} queues per router), simulator clock fixed at ${new Date(FIXED_TIME_MILLIS).toISOString()}.`,
  `# Generated; do not edit by hand.`,
  `# Regenerate: ${UPDATE_COMMAND}`,
  ...NORMALISATION_RULES.map((rule) => `# Normalised: ${rule}.`),
].join('\n');

let routers: ProfileRouters;
let agent: TestAgent;
let golden: string;

beforeAll(async () => {
  routers = await startProfileRouters(Object.keys(PROFILES), () => FIXED_TIME_MILLIS);
  agent = await startTestAgent({
    // Routers polled once a minute: the scrape sees exactly the first poll of every router. The queue cap keeps
    // the file reviewable and pins the cap itself (routeros_series_dropped).
    text: goldenFleetYaml(routers, { queueCap: QUEUE_CAP, labelled: LABELLED_ROUTER }),
    env: { SIM_PASSWORD: 'admin' },
  });
  await agent.waitUntilAllUp();
  golden = `${HEADER}\n${normaliseScrape(await agent.scrape())}`;
});

afterAll(async () => {
  await agent?.stop();
  await routers?.stop();
});

describe('golden scrape', () => {
  it(`matches ${GOLDEN_PATH_IN_REPO}`, () => {
    if (UPDATE) {
      writeFileSync(GOLDEN_FILE, golden);
      return;
    }
    if (!existsSync(GOLDEN_FILE)) {
      throw new Error(`${GOLDEN_PATH_IN_REPO} is missing; create it with: ${UPDATE_COMMAND}`);
    }
    const committed = readFileSync(GOLDEN_FILE, 'utf8');
    const diff = unifiedDiff(committed, golden);
    if (diff !== '') {
      throw new Error(
        `the scrape differs from ${GOLDEN_PATH_IN_REPO} (-golden +scrape).\n` +
          `If the change is intended, regenerate with: ${UPDATE_COMMAND}\n${diff}`,
      );
    }
  });

  it('the golden file passes promtool check metrics without a single finding', async () => {
    // Hang guards only (here and below): promtool's seconds of CPU stretch on a busy shared machine.
    const result = await promtoolCheckMetrics(readFileSync(GOLDEN_FILE, 'utf8'), 120_000);
    expect(unexpectedLintFindings(result.output)).toEqual([]);
    expect(result.exitCode).toBe(0);
  }, 150_000);

  it.each(Object.keys(PROFILES))('the scrape of profile %s alone passes promtool check metrics without a finding', async (profile) => {
    // The profile's own samples with every metadata line: what a scrape of a fleet of only this profile shows.
    const lines = golden.split('\n').filter((line) => line.startsWith('#') || line.includes(`router="${profile}"`));
    expect(lines.some((line) => !line.startsWith('#'))).toBe(true);
    const result = await promtoolCheckMetrics(`${lines.join('\n')}\n`, 120_000);
    expect(unexpectedLintFindings(result.output)).toEqual([]);
    expect(result.exitCode).toBe(0);
  }, 150_000);

  it('holds every router of the fleet, up, with the label of the labelled one', () => {
    for (const id of Object.keys(PROFILES)) {
      const labels = id === LABELLED_ROUTER ? `router="${id}",role="lab"` : `router="${id}"`;
      expect(golden).toContain(`routeros_up{${labels}} 1\n`);
      expect(golden).toMatch(new RegExp(`^routeros_up\\{router="${id}".*\\} 1$`, 'm'));
    }
    expect(golden).not.toMatch(/^mikrotik_agent_/m);
  });
});
