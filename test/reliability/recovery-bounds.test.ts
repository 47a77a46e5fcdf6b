/**
 * Recovery bounds beyond the short faults of the matrix: a long outage (the reconnect backoff has grown
 * by then) and a connection drop on a router whose polls run close to the deadline. Both keep the
 * requirement of the fault matrix: a router is back within two intervals once it can be polled again.
 *
 * Time is accelerated ×60 (interval 500 ms for 30 s) with the production backoff parameters scaled
 * alike; the jitter draws are fixed at the median (0.5) so the schedule, and the outcome, is the same on
 * every run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/agent.js';
import { Backoff } from '../../src/engine/backoff.js';
import { DEFAULT_TUNING } from '../../src/engine/target-poller.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';
import { simRouter } from '../sources/routeros/poller/helpers/engine-fixtures.js';
import { accelerated, PRODUCTION_INTERVAL_MILLIS } from './helpers/acceleration.js';
import { agentConfig, CleanupStack, LogCapture, ProcessWatch, sleep, waitFor } from './helpers/harness.js';
import { readHealth, scrapeMetrics } from './helpers/observe.js';

/** Sampling period, HTTP round trip and timer lateness, as in the fault matrix. */
const SAMPLE_SLACK_MILLIS = 250;
const MEDIAN_DRAW = (): number => 0.5;

const cleanups = new CleanupStack();
afterEach(() => cleanups.run());

async function startRouter(name: string, profile: string): Promise<{ router: SimulatedRouter; port: number }> {
  const router = new SimulatedRouter({ profile: PROFILES[profile]!, name });
  cleanups.add(() => router.stop());
  const { port } = await router.start();
  return { router, port };
}

/** Samples /health every 25 ms until `router` is up or `limitMillis` passed; the time it took, or undefined. */
async function timeUntilUp(address: { host: string; port: number }, router: string, limitMillis: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started <= limitMillis) {
    const health = await readHealth(address);
    if (health.routers.get(router)?.up === true) return health.atMillis - started;
    await sleep(25);
  }
  return undefined;
}

describe('recovery bounds', () => {
  it('recovers within two intervals after a long outage (production backoff schedule, ×60)', async () => {
    const watch = new ProcessWatch().install();
    cleanups.add(() => watch.uninstall());
    const INTERVAL = 500;
    const OUTAGE = 8 * INTERVAL; // 4 minutes at a 30 s interval: an upgrade reboot.
    const { tuning, scale } = accelerated(INTERVAL, { random: MEDIAN_DRAW });
    const { router, port } = await startRouter('upgrading', 'hex-v7');
    const agent = await startAgent(
      agentConfig({ routers: [simRouter('upgrading', port, { intervalMillis: INTERVAL, timeoutMillis: 250 })] }),
      new LogCapture().logger(),
      { tuning },
    );
    cleanups.add(() => agent.shutdown());
    await waitFor('router up', () => agent.engine.snapshots()[0]?.up === true, 3_000);

    router.setFault({ kind: 'refuse' });
    await sleep(OUTAGE);
    // The router comes back just after one of the agent's failed attempts, so the run does not depend
    // on where the attempts fell: the next one is a whole backoff delay away.
    const failures = agent.engine.snapshots()[0]!.consecutiveFailures;
    await waitFor('the next failed attempt', () => agent.engine.snapshots()[0]!.consecutiveFailures > failures, 10_000);
    router.setFault(undefined);
    await router.settled();
    const bound = 2 * INTERVAL + SAMPLE_SLACK_MILLIS;
    const took = await timeUntilUp(agent.address, 'upgrading', 4 * bound);
    const pending = new Backoff({ ...tuning.connectBackoff!, random: MEDIAN_DRAW });
    let pendingDelay = 0;
    for (let attempt = 0; attempt <= failures; attempt += 1) pendingDelay = pending.next();

    // What the same schedule means in production: the delay pending after a 4-minute outage.
    const production = new Backoff({ ...DEFAULT_TUNING.connectBackoff, random: MEDIAN_DRAW });
    const productionOutage = (OUTAGE / INTERVAL) * PRODUCTION_INTERVAL_MILLIS;
    let elapsed = 0;
    let spanning = 0;
    while (elapsed < productionOutage) {
      spanning = production.next();
      elapsed += spanning;
    }
    const productionLag = elapsed - productionOutage;
    console.log(
      `long outage (${OUTAGE} ms at interval ${INTERVAL} ms, backoff × ${scale.toFixed(4)}): ${failures + 1} failed attempts, ` +
        `back ${took ?? `> ${4 * bound}`} ms after the router was (pending backoff delay ${pendingDelay} ms); in production (30 s interval, median draws) the retry delay pending at the end of a ` +
        `4 min outage is ${Math.round(spanning / 1000)} s, the router is polled again ${Math.round(productionLag / 1000)} s after it is back ` +
        `(connect backoff ${DEFAULT_TUNING.connectBackoff.initialMillis / 1000} s → ` +
        `${DEFAULT_TUNING.connectBackoff.maxMillis / 60_000} min, never capped at the interval)`,
    );
    expect(took, `router back ${took} ms after the outage ended; bound ${bound} ms`).toBeDefined();
    expect(took!).toBeLessThanOrEqual(bound);
    expect(watch.summary()).toEqual([]);
  }, 20_000);

  it('a router polled near its deadline comes back after its connection drops', async () => {
    const INTERVAL = 1_000;
    const TIMEOUT = 800;
    // Two sequential round trips per steady-state poll (rb4011-v7-9): together 60 % of the deadline.
    const LATENCY = Math.round((TIMEOUT * 0.6) / 2);
    const { tuning } = accelerated(INTERVAL, { random: MEDIAN_DRAW });
    const { router, port } = await startRouter('far-away', 'rb4011-v7-9');
    const agent = await startAgent(
      agentConfig({ routers: [simRouter('far-away', port, { intervalMillis: INTERVAL, timeoutMillis: TIMEOUT })] }),
      new LogCapture().logger(),
      { tuning },
    );
    cleanups.add(() => agent.shutdown());
    await waitFor('router up', () => agent.engine.snapshots()[0]?.up === true, 3_000);

    // The link gets slow: polls on the open connection still fit (this part is the fault matrix's case).
    router.setFault({ kind: 'latency', millis: LATENCY });
    await sleep(2.5 * INTERVAL);
    const steady = await scrapeMetrics(agent.address);
    expect(steady.up.get('far-away')).toBe(1);
    const pollMillis = (steady.slowestCollectorSeconds.get('far-away') ?? 0) * 1000;
    expect(pollMillis).toBeGreaterThanOrEqual(0.5 * TIMEOUT);
    expect(pollMillis).toBeLessThan(TIMEOUT);

    // The router drops the session (reboot, NAT timeout): the agent must log in again over the slow link.
    router.reboot();
    const bound = 2 * INTERVAL + SAMPLE_SLACK_MILLIS;
    await sleep(bound);
    const health = await readHealth(agent.address);
    const state = health.routers.get('far-away');
    console.log(
      `near-deadline reconnect: steady poll ${Math.round(pollMillis)} ms of a ${TIMEOUT} ms deadline; ` +
        `${bound} ms after the session drop: up=${state?.up}, ${state?.down_reason ?? ''} ${state?.last_error ?? ''}`,
    );
    expect(state?.up, `${state?.down_reason}: ${state?.last_error}`).toBe(true);
  }, 20_000);
});
