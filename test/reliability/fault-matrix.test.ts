/**
 * The fault matrix: one agent polls one simulated fleet in which every router but three shows one of
 * the simulator's faults, all at the same time (a bad day touches several routers at once). Everything
 * is observed from outside, over HTTP, as an operator would: `routeros_up` and
 * `routeros_last_success_timestamp_seconds` in /metrics, `down_reason` and `last_success` in /health.
 *
 * Time is accelerated: the production schedule runs at a 1 s interval and the engine's production
 * backoff parameters (DEFAULT_TUNING) are scaled by the same factor (30 s → 1 s), so every ratio between
 * interval and backoff is the one users get. /metrics is scraped at the same accelerated rate as a
 * Prometheus scraping every 15 s.
 *
 * Each fault is held until its router is seen down, kept a little longer to check it stays down with the
 * same reason, then cleared; the router must be back within two intervals.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/agent.js';
import type { RouterConfig } from '../../src/sources/routeros/config/types.js';
import type { RouterDownReason } from '../../src/engine/snapshot.js';
import type { RouterHealth } from '../../src/server/health.js';
import type { Fault } from '../../src/sources/routeros/simulator/faults.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';
import { simRouter } from '../sources/routeros/poller/helpers/engine-fixtures.js';
import { accelerated } from './helpers/acceleration.js';
import { agentConfig, CleanupStack, httpGet, LogCapture, ProcessWatch, sleep, waitFor } from './helpers/harness.js';
import { readHealth, scrapeMetrics, type MetricsSample } from './helpers/observe.js';

const INTERVAL_MILLIS = 1_000;
const TIMEOUT_MILLIS = 500;
const TUNING = accelerated(INTERVAL_MILLIS);
/** How long a detected fault is kept before it is cleared. */
const HOLD_MILLIS = 600;
const HEALTH_EVERY_MILLIS = 50;
/** A 15 s Prometheus scrape interval, accelerated like everything else. */
const METRICS_EVERY_MILLIS = Math.round(15_000 * TUNING.scale);
/**
 * Measurement allowance of a /health observation: the 50 ms sampling period, the HTTP round trip, and
 * timer lateness of a loaded 2-core machine (the test process's event-loop delay reaches ~100 ms).
 */
const SAMPLE_SLACK_MILLIS = 250;
const MAX_SCRAPE_MILLIS = 200;
/**
 * The flapping router refuses connections for FLAP_DOWN, then serves for FLAP_UP, FLAP_PERIODS times.
 * A refused connect fails at once, so the next cycle (at most one interval away) sees it; a longer down
 * phase only grows the reconnect backoff (see recovery-bounds.test.ts for long outages).
 */
const FLAP_DOWN_MILLIS = 1_400;
const FLAP_UP_MILLIS = 2_600;
const FLAP_PERIODS = 2;

/**
 * The near-deadline router gets its own, longer schedule. Its steady-state poll takes two sequential
 * round trips (collectors run in parallel; some read two menus in turn), together 75 % of its deadline;
 * the 300 ms left absorb the test process's own event-loop stalls (agent, simulator and scraper share one
 * thread on a 2-core machine). The test checks from /metrics that the poll really came near the deadline.
 */
const LATENCY_INTERVAL_MILLIS = 2_000;
const LATENCY_TIMEOUT_MILLIS = 1_200;
const LATENCY_MILLIS = Math.round((LATENCY_TIMEOUT_MILLIS * 0.75) / 2);
/** The slowest collector of the near-deadline router must take at least this share of its deadline. */
const NEAR_DEADLINE_SHARE = 0.5;

const DOWN_BOUND_MILLIS = INTERVAL_MILLIS + TIMEOUT_MILLIS + SAMPLE_SLACK_MILLIS;
const RECOVER_BOUND_MILLIS = 2 * INTERVAL_MILLIS + SAMPLE_SLACK_MILLIS;
/** The same bounds seen through /metrics, which is sampled less often. */
const METRICS_SLACK_MILLIS = METRICS_EVERY_MILLIS + MAX_SCRAPE_MILLIS;

/**
 * v6 (plain and challenge login) and v7 edge routers. The core-router profile (ccr2004, ~150 KB of
 * exposition per router) is left out: the scrape budget here is about scrapes never waiting on a faulty
 * router, not about serialising a large fleet.
 */
const MATRIX_PROFILES = ['hap-ac2-v6', 'hex-v7', 'rb750-v6-legacy', 'rb4011-v7-9', 'chr-v7-18'] as const;

interface Scenario {
  readonly label: string;
  /** undefined: a router without a fault. */
  readonly fault?: Fault;
  /** The /health down_reason the fault must produce; 'stays-up' for near-deadline latency. */
  readonly expect?: RouterDownReason | 'stays-up';
  /**
   * Drop the router's sessions when the fault is set. A changed password only shows at the next login
   * (RouterOS keeps logged-in sessions), so the auth case is a password change plus a reboot.
   */
  readonly dropSessions?: boolean;
  readonly flap?: boolean;
  readonly intervalMillis?: number;
  readonly timeoutMillis?: number;
}

const SCENARIOS: readonly Scenario[] = [
  { label: 'healthy-a' },
  { label: 'healthy-b' },
  { label: 'healthy-c' },
  {
    label: 'latency-near-deadline',
    fault: { kind: 'latency', millis: LATENCY_MILLIS },
    expect: 'stays-up',
    intervalMillis: LATENCY_INTERVAL_MILLIS,
    timeoutMillis: LATENCY_TIMEOUT_MILLIS,
  },
  { label: 'hang-before-login', fault: { kind: 'hang-before-login' }, expect: 'timeout' },
  { label: 'hang-after-login', fault: { kind: 'hang-after-login' }, expect: 'timeout' },
  { label: 'drop-mid-reply', fault: { kind: 'drop-mid-reply' }, expect: 'connection_failed' },
  { label: 'garbage', fault: { kind: 'garbage' }, expect: 'protocol_error' },
  { label: 'fatal', fault: { kind: 'fatal' }, expect: 'fatal' },
  { label: 'auth-failure', fault: { kind: 'auth-failure' }, expect: 'authentication_failed', dropSessions: true },
  { label: 'oversize-word', fault: { kind: 'oversize-word' }, expect: 'protocol_error' },
  { label: 'refuse', fault: { kind: 'refuse' }, expect: 'connection_failed' },
  { label: 'flapping', flap: true, expect: 'connection_failed' },
];

/** Routers that must stay fresh: no fault, or a fault they must ride out. */
const STEADY = SCENARIOS.filter((scenario) => (scenario.fault === undefined && !scenario.flap) || scenario.expect === 'stays-up');

/** One fault episode of one router, as observed. */
interface Episode {
  readonly label: string;
  readonly router: string;
  readonly expect: RouterDownReason;
  readonly setAtMillis: number;
  /** First /health sample showing it down. */
  downAtMillis?: number;
  /** First /metrics scrape with routeros_up 0. */
  metricsDownAtMillis?: number;
  clearAtMillis?: number;
  upAtMillis?: number;
  /** First /metrics scrape with routeros_up 1 after the fault was cleared. */
  metricsUpAtMillis?: number;
  /** Every down_reason seen from detection until recovery. */
  readonly reasons: Set<string>;
  lastError?: string;
  state: 'faulty' | 'holding' | 'recovering' | 'done';
}

const cleanups = new CleanupStack();
afterEach(() => cleanups.run());

describe('fault matrix', () => {
  it('isolates every fault, reports it with the right reason in time, and recovers, with fast scrapes throughout', async () => {
    const watch = new ProcessWatch().install();
    cleanups.add(() => watch.uninstall());

    const simulated = new Map<string, SimulatedRouter>();
    const routers: RouterConfig[] = [];
    for (const [index, scenario] of SCENARIOS.entries()) {
      const router = new SimulatedRouter({
        profile: PROFILES[MATRIX_PROFILES[index % MATRIX_PROFILES.length]!]!,
        name: scenario.label,
        host: '127.0.0.1',
        port: 0,
      });
      cleanups.add(() => router.stop());
      const { port } = await router.start();
      simulated.set(scenario.label, router);
      routers.push(
        simRouter(scenario.label, port, {
          intervalMillis: scenario.intervalMillis ?? INTERVAL_MILLIS,
          timeoutMillis: scenario.timeoutMillis ?? TIMEOUT_MILLIS,
        }),
      );
    }

    const logs = new LogCapture();
    const config = agentConfig({
      routers,
      collection: { intervalMillis: INTERVAL_MILLIS, timeoutMillis: TIMEOUT_MILLIS, concurrency: 64, startupCheck: 'off' },
    });
    const agent = await startAgent(config, logs.logger(), { tuning: TUNING.tuning });
    cleanups.add(() => agent.shutdown());
    let agentEnded = false;
    void agent.done.then(() => (agentEnded = true));

    await waitFor(
      'every router up',
      () => agent.engine.firstRoundDone && agent.engine.snapshots().every((snapshot) => snapshot.up),
      5_000,
    );
    const warm = await scrapeMetrics(agent.address);
    expect(SCENARIOS.filter((scenario) => warm.up.get(scenario.label) !== 1).map((scenario) => scenario.label)).toEqual([]);

    const problems: string[] = [];
    const scrapes: MetricsSample[] = [];
    const maxAge = new Map<string, number>();
    const latencyDown: string[] = [];
    let latencyPollSeconds = 0;
    const episodes: Episode[] = [];
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();

    // Every fault at once.
    const faultStart = Date.now();
    for (const scenario of SCENARIOS) {
      if (scenario.fault === undefined) continue;
      const router = simulated.get(scenario.label)!;
      router.setFault(scenario.fault);
      if (scenario.dropSessions) router.reboot();
      if (scenario.expect !== 'stays-up' && scenario.expect !== undefined) {
        episodes.push(newEpisode(scenario.label, scenario.label, scenario.expect, faultStart));
      }
    }
    const flapper = simulated.get('flapping')!;
    const flaps: Episode[] = [];
    const noteAge = (label: string, age: number): void => {
      maxAge.set(label, Math.max(maxAge.get(label) ?? 0, age));
    };

    // /metrics in its own, slower loop.
    let scraping = true;
    const scraper = (async () => {
      while (scraping) {
        const taken = await scrapeMetrics(agent.address);
        scrapes.push(taken);
        const at = `+${taken.atMillis - faultStart} ms`;
        if (taken.status !== 200) problems.push(`/metrics answered ${taken.status} at ${at}`);
        for (const scenario of STEADY) {
          const last = taken.lastSuccessMillis.get(scenario.label);
          noteAge(scenario.label, last === undefined ? Infinity : taken.atMillis - last);
          if (taken.up.get(scenario.label) === 1) continue;
          const text = `routeros_up ${taken.up.get(scenario.label)} at ${at}`;
          if (scenario.expect === 'stays-up') latencyDown.push(text);
          else problems.push(`${scenario.label}: a router without a fault shows ${text}`);
        }
        latencyPollSeconds = Math.max(latencyPollSeconds, taken.slowestCollectorSeconds.get('latency-near-deadline') ?? 0);
        for (const episode of [...episodes, ...flaps]) {
          const up = taken.up.get(episode.router);
          if (up === 0) episode.metricsDownAtMillis ??= taken.atMillis;
          if (up === 1 && episode.clearAtMillis !== undefined) episode.metricsUpAtMillis ??= taken.atMillis;
        }
        await sleep(METRICS_EVERY_MILLIS);
      }
    })();
    cleanups.add(async () => {
      scraping = false;
      await scraper.catch(() => undefined);
    });

    const flapPeriod = FLAP_DOWN_MILLIS + FLAP_UP_MILLIS;
    const faultPhaseEnd = faultStart + FLAP_PERIODS * flapPeriod;
    const hardDeadline = faultPhaseEnd + 5_000;
    while (Date.now() < hardDeadline) {
      const now = Date.now();
      const period = Math.floor((now - faultStart) / flapPeriod);
      if (period < FLAP_PERIODS) {
        const current = flaps[period];
        if (current === undefined) {
          flapper.setFault({ kind: 'refuse' });
          flaps.push(newEpisode(`flapping #${period + 1}`, 'flapping', 'connection_failed', now));
        } else if ((now - faultStart) % flapPeriod >= FLAP_DOWN_MILLIS && current.clearAtMillis === undefined) {
          flapper.setFault(undefined);
          current.clearAtMillis = now;
          current.state = 'recovering';
        }
      }

      const health = await readHealth(agent.address);
      const at = `+${health.atMillis - faultStart} ms`;
      for (const scenario of STEADY) {
        const observed = health.routers.get(scenario.label);
        const last = observed?.last_success ? Date.parse(observed.last_success) : undefined;
        noteAge(scenario.label, last === undefined ? Infinity : health.atMillis - last);
        if (observed?.up === true) continue;
        const text = `down in /health (${observed?.down_reason}: ${observed?.last_error}) at ${at}`;
        if (scenario.expect === 'stays-up') latencyDown.push(text);
        else problems.push(`${scenario.label}: a router without a fault was ${text}`);
      }
      for (const episode of [...episodes, ...flaps]) {
        advance(episode, health.routers.get(episode.router), health.atMillis, problems);
        const held = health.atMillis - (episode.downAtMillis ?? Infinity) >= HOLD_MILLIS;
        if (episode.state === 'holding' && held && episode.router !== 'flapping') {
          simulated.get(episode.router)!.setFault(undefined);
          episode.clearAtMillis = Date.now();
          episode.state = 'recovering';
        }
      }

      const settled = [...episodes, ...flaps].every((episode) => episode.state === 'done' && episode.metricsUpAtMillis !== undefined);
      if (now >= faultPhaseEnd && flaps.length === FLAP_PERIODS && settled) break;
      await sleep(HEALTH_EVERY_MILLIS);
    }
    scraping = false;
    await scraper;
    delay.disable();
    simulated.get('latency-near-deadline')!.setFault(undefined);

    // The process is whole: the server answers and the agent did not end by itself.
    expect((await httpGet(agent.address, '/live')).status).toBe(200);
    expect(agentEnded).toBe(false);

    const results = [...episodes, ...flaps].map((episode) => summarise(episode));
    const scrapeMillis = scrapes.map((taken) => taken.millis).sort((a, b) => a - b);
    const steadyAges = STEADY.map((scenario) => `${scenario.label} ${Math.round(maxAge.get(scenario.label) ?? NaN)}`);
    console.log(
      [
        `fault matrix: interval ${INTERVAL_MILLIS} ms, timeout ${TIMEOUT_MILLIS} ms, production backoff × ${TUNING.scale.toFixed(4)}`,
        ...results.map((result) => `  ${result.line}`),
        `  latency-near-deadline (${LATENCY_MILLIS} ms per reply, timeout ${LATENCY_TIMEOUT_MILLIS} ms): ` +
          (latencyDown.length === 0 ? 'stayed up' : `seen down ${latencyDown.length} times`) +
          `, slowest collector ${Math.round(latencyPollSeconds * 1000)} ms`,
        `  max last-success age: ${steadyAges.join(', ')} ms`,
        `  /metrics: ${scrapeMillis.length} scrapes, p50 ${scrapeMillis[scrapeMillis.length >> 1]?.toFixed(1)} ms, ` +
          `max ${scrapeMillis.at(-1)?.toFixed(1)} ms`,
        `  event-loop delay of the test process: p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms`,
      ].join('\n'),
    );

    for (const result of results) problems.push(...result.problems);
    for (const scenario of STEADY) {
      const bound = (scenario.intervalMillis ?? INTERVAL_MILLIS) + (scenario.timeoutMillis ?? TIMEOUT_MILLIS);
      const age = maxAge.get(scenario.label) ?? Infinity;
      if (!(age < bound)) problems.push(`${scenario.label}: last-success age reached ${Math.round(age)} ms (bound ${bound} ms)`);
    }
    for (const down of latencyDown) problems.push(`latency-near-deadline: ${down}`);
    if (!(latencyPollSeconds * 1000 >= NEAR_DEADLINE_SHARE * LATENCY_TIMEOUT_MILLIS)) {
      problems.push(`latency-near-deadline: slowest collector took ${Math.round(latencyPollSeconds * 1000)} ms, not near the deadline`);
    }
    for (const taken of scrapes) {
      if (taken.millis >= MAX_SCRAPE_MILLIS) {
        problems.push(`/metrics scrape took ${taken.millis.toFixed(1)} ms at +${taken.atMillis - faultStart} ms`);
      }
    }
    problems.push(...watch.summary());
    for (const line of logs.lines()) {
      if (/unexpected|unhandled|listener failed/i.test(line.msg) || line.level === 'fatal') {
        problems.push(`log: ${JSON.stringify(line)}`);
      }
    }
    expect(problems).toEqual([]);
  }, 40_000);
});

function newEpisode(label: string, router: string, expect: RouterDownReason, setAtMillis: number): Episode {
  return { label, router, expect, setAtMillis, reasons: new Set(), state: 'faulty' };
}

/** Moves an episode along with one /health view of its router. */
function advance(episode: Episode, observed: RouterHealth | undefined, atMillis: number, problems: string[]): void {
  const down = observed?.up === false;
  switch (episode.state) {
    case 'faulty':
      if (down) {
        episode.downAtMillis = atMillis;
        episode.reasons.add(String(observed.down_reason));
        episode.lastError = observed.last_error ?? undefined;
        episode.state = 'holding';
      }
      return;
    case 'holding':
      if (down) episode.reasons.add(String(observed.down_reason));
      else problems.push(`${episode.label}: up again while the fault was still active`);
      return;
    case 'recovering':
      if (observed?.up === true) {
        episode.upAtMillis = atMillis;
        episode.state = 'done';
      } else if (down) {
        // A flap first noticed after its down phase ended still counts, against the same bound.
        episode.downAtMillis ??= atMillis;
        episode.reasons.add(String(observed.down_reason));
      }
      return;
    case 'done':
      if (episode.router !== 'flapping' && observed?.up !== true) {
        problems.push(`${episode.label}: down again after recovering (${observed?.down_reason})`);
      }
      return;
  }
}

function summarise(episode: Episode): { line: string; problems: string[] } {
  const problems: string[] = [];
  const since = (at: number | undefined, from: number | undefined): number | undefined =>
    at === undefined || from === undefined ? undefined : at - from;
  const toDown = since(episode.downAtMillis, episode.setAtMillis);
  const toUp = since(episode.upAtMillis, episode.clearAtMillis);
  const metricsToDown = since(episode.metricsDownAtMillis, episode.setAtMillis);
  const metricsToUp = since(episode.metricsUpAtMillis, episode.clearAtMillis);
  const reasons = [...episode.reasons];
  const name = episode.label;
  if (toDown === undefined) problems.push(`${name}: never down in /health`);
  else if (toDown > DOWN_BOUND_MILLIS) problems.push(`${name}: down in /health after ${toDown} ms (bound ${DOWN_BOUND_MILLIS} ms)`);
  if (metricsToDown === undefined) problems.push(`${name}: routeros_up never 0`);
  else if (metricsToDown > DOWN_BOUND_MILLIS + METRICS_SLACK_MILLIS) {
    problems.push(`${name}: routeros_up 0 only after ${metricsToDown} ms (bound ${DOWN_BOUND_MILLIS} ms + sampling)`);
  }
  if (reasons.length !== 1 || reasons[0] !== episode.expect) {
    problems.push(`${name}: down_reason ${reasons.join(', ') || 'none'} (expected ${episode.expect} only)`);
  }
  if (toUp === undefined) problems.push(`${name}: not up in /health again after the fault was cleared`);
  else if (toUp > RECOVER_BOUND_MILLIS) problems.push(`${name}: up ${toUp} ms after clearing (bound ${RECOVER_BOUND_MILLIS} ms)`);
  if (metricsToUp === undefined) problems.push(`${name}: routeros_up never 1 again`);
  else if (metricsToUp > RECOVER_BOUND_MILLIS + METRICS_SLACK_MILLIS) {
    problems.push(`${name}: routeros_up 1 only ${metricsToUp} ms after clearing (bound ${RECOVER_BOUND_MILLIS} ms + sampling)`);
  }
  const line =
    `${name.padEnd(18)} down ${String(toDown ?? '-').padStart(5)} ms (/metrics ${String(metricsToDown ?? '-').padStart(5)})` +
    ` ${(reasons.join('/') || '-').padEnd(21)} up ${String(toUp ?? '-').padStart(5)} ms after clear` +
    ` (/metrics ${String(metricsToUp ?? '-').padStart(5)})  ${episode.lastError ?? ''}`;
  return { line, problems };
}
