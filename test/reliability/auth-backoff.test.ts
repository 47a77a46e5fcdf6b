/**
 * A router that rejects the agent's credentials must not be hammered. Two halves:
 *
 * - the production schedule (DEFAULT_TUNING.authBackoff) run through the engine's own Backoff over
 *   simulated hours: a hard floor between attempts and bounds on attempts per hour;
 * - the whole agent against a router with a different password, time accelerated ×600 (one production
 *   hour in 6 s) with a seeded random source: every connection attempt, timed by a TCP proxy in front of
 *   the router, must follow the delays that the same Backoff predicts from the same draws.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/agent.js';
import { Backoff, type BackoffOptions } from '../../src/engine/backoff.js';
import { DEFAULT_TUNING } from '../../src/engine/target-poller.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';
import { simRouter } from '../sources/routeros/poller/helpers/engine-fixtures.js';
import { scaleBackoff, seededRandom } from './helpers/acceleration.js';
import { agentConfig, CleanupStack, httpGet, LogCapture, ProcessWatch, sleep } from './helpers/harness.js';
import { RecordingProxy } from './helpers/tcp-proxy.js';

const HOUR_MILLIS = 3_600_000;
const PRODUCTION = DEFAULT_TUNING.authBackoff;

/** Attempts in [fromMillis, fromMillis + 1 h) when the first attempt is at 0 and each failure waits next(). */
function attemptsInHour(backoff: Backoff, fromMillis: number): number {
  let at = 0;
  let attempts = 0;
  while (at < fromMillis + HOUR_MILLIS) {
    if (at >= fromMillis) attempts += 1;
    at += backoff.next();
  }
  return attempts;
}

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? NaN;
}

const cleanups = new CleanupStack();
afterEach(() => cleanups.run());

describe('authentication failure backoff, production parameters', () => {
  it('never retries sooner than the initial delay, whatever the random draws', () => {
    // Decorrelated jitter's worst case is a draw of 0 every time: every delay is then the initial one.
    for (const random of [() => 0, () => 0.999_999, seededRandom(1)]) {
      const backoff = new Backoff({ ...PRODUCTION, random });
      for (let attempt = 0; attempt < 1_000; attempt += 1) {
        const delay = backoff.next();
        expect(delay).toBeGreaterThanOrEqual(PRODUCTION.initialMillis);
        expect(delay).toBeLessThanOrEqual(PRODUCTION.maxMillis);
      }
    }
    expect(PRODUCTION.initialMillis).toBeGreaterThanOrEqual(30_000);
    // Hence a hard ceiling: one attempt per initial delay, 121 in any hour.
    const worst = attemptsInHour(new Backoff({ ...PRODUCTION, random: () => 0 }), 0);
    expect(worst).toBeLessThanOrEqual(Math.floor(HOUR_MILLIS / PRODUCTION.initialMillis) + 1);
  });

  it('makes about a dozen attempts in the first hour and a few per hour after that', () => {
    const random = seededRandom(20_240_601);
    const simulate = (hour: number, runs: number): number[] =>
      Array.from({ length: runs }, () => attemptsInHour(new Backoff({ ...PRODUCTION, random }), hour * HOUR_MILLIS)).sort(
        (a, b) => a - b,
      );
    const first = simulate(0, 10_000);
    const day = simulate(23, 2_000);
    const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    console.log(
      `auth backoff (${PRODUCTION.initialMillis / 1000} s → ${PRODUCTION.maxMillis / 60_000} min, ${PRODUCTION.jitter}): ` +
        `first hour mean ${mean(first).toFixed(1)}, p99 ${percentile(first, 0.99)}, max ${first.at(-1)} attempts; ` +
        `24th hour mean ${mean(day).toFixed(1)}, p99 ${percentile(day, 0.99)}`,
    );
    // Without backoff, a 30 s interval would mean 120 failed logins an hour, every hour.
    expect(mean(first)).toBeLessThanOrEqual(15);
    expect(percentile(first, 0.99)).toBeLessThanOrEqual(30);
    expect(mean(day)).toBeLessThanOrEqual(5);
    expect(percentile(day, 0.99)).toBeLessThanOrEqual(20);
  });
});

describe('authentication failure backoff, observed on the agent', () => {
  it('retries a router with a wrong password exactly on the backoff schedule (×600: one hour in 6 s)', async () => {
    const watch = new ProcessWatch().install();
    cleanups.add(() => watch.uninstall());
    const SCALE = 1 / 600;
    const RUN_MILLIS = HOUR_MILLIS * SCALE;
    const scaled: BackoffOptions = scaleBackoff(PRODUCTION, SCALE);

    const router = new SimulatedRouter({ profile: PROFILES['hex-v7']!, name: 'locked', password: 'the-real-password' });
    cleanups.add(() => router.stop());
    const { port } = await router.start();
    const proxy = await RecordingProxy.start({ host: '127.0.0.1', port });
    cleanups.add(() => proxy.stop());

    // Every draw the engine makes is recorded so the expected schedule can be replayed from it.
    const source = seededRandom(7);
    const draws: number[] = [];
    const random = (): number => {
      const value = source();
      draws.push(value);
      return value;
    };
    const logs = new LogCapture();
    const config = agentConfig({
      routers: [simRouter('locked', proxy.port, { password: 'a-wrong-password', intervalMillis: 1_000, timeoutMillis: 500 })],
    });
    const agent = await startAgent(config, logs.logger(), {
      tuning: { authBackoff: scaled, connectBackoff: scaleBackoff(DEFAULT_TUNING.connectBackoff, SCALE), random },
    });
    cleanups.add(() => agent.shutdown());

    const deadline = performance.now() + 2_000;
    while (proxy.acceptedAt.length === 0 && performance.now() < deadline) await sleep(5);
    const first = proxy.acceptedAt[0];
    expect(first).toBeDefined();
    await sleep(RUN_MILLIS - (performance.now() - first!) + 50);
    await agent.shutdown();

    const attempts = proxy.acceptedAt.filter((at) => at - first! < RUN_MILLIS);
    expect(router.stats.logins).toBe(0);
    expect(router.stats.failedLogins).toBeGreaterThanOrEqual(attempts.length);

    // Draw 0 spread the first poll, draw 1 placed the steady schedule's phase; each failure then
    // took one draw for its delay.
    const replay = draws.slice(2);
    const predictedScaled = new Backoff({ ...scaled, random: () => replay.shift() ?? 0.5 });
    const predictedGaps = attempts.slice(1).map(() => predictedScaled.next());
    const observedGaps = attempts.slice(1).map((at, index) => Math.round(at - attempts[index]!));
    // The same draws at full scale: attempts in the production hour.
    const productionReplay = draws.slice(2);
    const production = attemptsInHour(new Backoff({ ...PRODUCTION, random: () => productionReplay.shift() ?? 0.5 }), 0);
    console.log(
      `agent, wrong password, ×600: ${attempts.length} attempts in 6 s (= 1 h); gaps ${observedGaps.join(', ')} ms; ` +
        `predicted ${predictedGaps.join(', ')} ms; production hour with the same draws: ${production} attempts`,
    );

    expect(attempts.length).toBeGreaterThanOrEqual(4);
    observedGaps.forEach((gap, index) => {
      // Never sooner than the backoff says, whatever the load.
      expect(gap, `gap ${index}`).toBeGreaterThanOrEqual(predictedGaps[index]! - 2);
    });
    // Not later either: from the end of one attempt to the next, the wait is the backoff plus timer slack. A
    // loaded machine delays some timers, so the typical (median) slack is held, which a wrong delay would move.
    const slack = attempts.slice(1).map((at, index) => at - proxy.closedAt[index]! - predictedGaps[index]!);
    expect(slack.every(Number.isFinite)).toBe(true);
    expect(median(slack), `slack ${slack.map(Math.round).join(', ')} ms`).toBeLessThanOrEqual(100);
    expect(Math.abs(attempts.length - production)).toBeLessThanOrEqual(1);
    expect(attempts.length).toBeLessThanOrEqual(30);

    // Logged once, at error level, not once per attempt; /health says why.
    const authLines = logs.lines().filter((line) => line['reason'] === 'authentication_failed');
    expect(authLines).toHaveLength(1);
    expect(authLines[0]?.level).toBe('error');
    expect(logs.text).not.toContain('a-wrong-password');
    expect(watch.summary()).toEqual([]);
  }, 20_000);

  it('reports authentication_failed in /health while backing off', async () => {
    const router = new SimulatedRouter({ profile: PROFILES['hap-ac2-v6']!, name: 'v6-locked', password: 'other' });
    cleanups.add(() => router.stop());
    const { port } = await router.start();
    const logs = new LogCapture();
    const agent = await startAgent(
      agentConfig({ routers: [simRouter('v6-locked', port, { password: 'wrong-one', intervalMillis: 1_000, timeoutMillis: 500 })] }),
      logs.logger(),
      { tuning: { authBackoff: { initialMillis: 5_000, maxMillis: 5_000, jitter: 'none' } } },
    );
    cleanups.add(() => agent.shutdown());
    const deadline = Date.now() + 3_000;
    let health: { routers: { down_reason: string | null; up: boolean }[] } = { routers: [] };
    while (Date.now() < deadline) {
      health = JSON.parse((await httpGet(agent.address, '/health')).body) as typeof health;
      if (health.routers[0]?.down_reason === 'authentication_failed') break;
      await sleep(50);
    }
    expect(health.routers[0]).toMatchObject({ up: false, down_reason: 'authentication_failed' });
    // Within the 5 s backoff: one attempt only, whatever the 1 s interval says.
    await sleep(1_500);
    expect(router.stats.failedLogins).toBe(1);
  });
});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
