/**
 * The CI variant of the soak (bench/soak.ts): two minutes, 50 simulated routers with churn (leases,
 * conntrack sources, wireless clients, interfaces, reboots, flaps), the real agent polling them
 * every 2 s, /metrics scraped every 5 s and an OTLP endpoint that is down for 12 s of it. Same
 * library as the ten-minute run (bench/soak-lib.ts).
 *
 * Stale series: a series of a removed entity is a defect when the router finished a poll cycle that began after the
 * removal and the series was still exported; before that, it is the router's latest state (the agent is behind, as
 * on a loaded machine), bounded by three poll intervals beyond the grace period.
 *
 * Memory: RSS over two minutes swings by a third with V8's heap sizing, so this run compares the
 * heap used right after a forced full GC (the live heap) instead; the ten-minute run keeps RSS.
 */
import { describe, expect, it } from 'vitest';
import { formatSoakSummary, runSoak, soakOptions } from '../../bench/soak-lib.js';

describe('soak (2 minutes, 50 routers)', () => {
  it('exports no series of removed entities on /metrics or OTLP, recovers from an OTLP outage and does not grow', async () => {
    const progress: string[] = [];
    const result = await runSoak(
      soakOptions({
        routers: 50,
        durationMillis: 120_000,
        intervalMillis: 2_000,
        timeoutMillis: 1_500,
        memoryMetric: 'heap-after-gc',
        log: (line) => progress.push(line),
      }),
    );
    const summary = `${formatSoakSummary(result)}\n${progress.join('\n')}`;
    console.log(formatSoakSummary(result));

    // Each check separately, so a failure names what broke; the summary says why.
    expect(result.churn.removed.interface, summary).toBeGreaterThan(0);
    expect(result.churn.removed.lease, summary).toBeGreaterThan(0);
    expect(result.churn.removed.source, summary).toBeGreaterThan(0);
    expect(result.churn.reboots, summary).toBeGreaterThan(0);
    expect(result.churn.flaps, summary).toBeGreaterThan(0);
    expect(result.scrapes.failed, summary).toBe(0);
    expect(result.scrapes.ok, summary).toBeGreaterThan(10);
    // A removed entity may outlive its removal only while no poll that could not have read it has finished (the
    // agent exports each router's latest state); on a busy machine that takes longer, within a bound.
    expect(result.stale.freshPoll.prometheus, summary).toBe(0);
    expect(result.stale.freshPoll.otlp, summary).toBe(0);
    expect(result.stale.maxLagMillis, summary).toBeLessThanOrEqual(result.stale.lagLimitMillis);
    expect(result.otlp.failed, summary).toBeGreaterThan(0);
    expect(result.otlp.postOutageExports, summary).toBeGreaterThan(0);
    expect(result.otlp.postOutageStale, summary).toBe(0);
    expect(result.otlp.rejected, summary).toBe(0);
    expect(result.memory.growth, summary).toBeDefined();
    expect(result.memory.growth!, summary).toBeLessThanOrEqual(0.1);
    expect(result.processErrors, summary).toEqual([]);
    expect(result.passed, summary).toBe(true);
  }, 300_000); // 120 s of soak, plus fleet start, first round (≤ 60 s) and shutdown on a loaded machine; a guard against a hang only
});
