/**
 * The soak run shared by bench/soak.ts (ten minutes, 200 routers) and the CI variant
 * test/reliability/soak-short.test.ts (two minutes, 50 routers): a simulated fleet with churn, the
 * real agent polling it over loopback, scrapes of /metrics and an OTLP endpoint that goes down for
 * a tenth of the run and comes back. Everything runs in one process, so memory figures are the
 * agent's plus the simulator's plus this harness's (the harness keeps only bounded state).
 *
 * A series is STALE when it refers to an entity removed from the simulator more than one poll
 * interval + timeout before the scrape (or the OTLP collection): a removed interface name, an
 * expired lease id, a gone conntrack source address, a departed wireless client. A reboot is not a
 * removal. The run passes when no stale series was ever seen, on either path, and memory did not
 * grow by more than `maxGrowth` between the first window after warm-up and the last window.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Agent } from '../src/agent.js';
import type { TargetSnapshot } from '../src/engine/snapshot.js';
import { findCollector } from '../src/sources/routeros/collectors/registry.js';
import { subscribeDiagErrors } from '../src/telemetry/diag-bridge.js';
import { startBenchFleet, type BenchFleet } from './lib/bench-fleet.js';
import { benchAgentConfig, LogCounter, scrape, startBenchAgent, type Scrape } from './lib/agent-harness.js';
import { countSeries, forEachSeries, type LineSelector } from './lib/exposition.js';
import { DEFAULT_CHURN, FleetChurn, RemovalLedger, type ChurnRates, type EntityKind } from './lib/fleet-churn.js';
import { OtlpSink, type PointWalk } from './lib/otlp-sink.js';
import {
  heapUsedAfterGc,
  median,
  megabytes,
  percentile,
  sampleMemory,
  seededRandom,
  sleep,
  type MemorySample,
} from './lib/process-stats.js';
import { configuredRouters } from '../src/sources/routeros/config/sections.js';

/** Which memory figure decides the growth check. */
export type MemoryMetric = 'rss' | 'heap-after-gc';

/** Options of {@link runSoak}. Build them with {@link soakOptions}. */
export interface SoakOptions {
  readonly routers: number;
  /**
   * Simulator profiles: `edge` (every built-in profile but the PPPoE concentrator), `mixed`, `v6`, `v7`,
   * a profile id or a comma-separated list of ids. @default 'edge'
   */
  readonly profile: string;
  /** Length of the measured run (after the agent's first round). */
  readonly durationMillis: number;
  /** Ignored for the growth check: caches fill, V8 sizes its heap. */
  readonly warmupMillis: number;
  /** The growth check compares the median of [warm-up, warm-up + window) with the last window. */
  readonly windowMillis: number;
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  readonly concurrency: number;
  readonly scrapeEveryMillis: number;
  readonly reportEveryMillis: number;
  readonly sampleEveryMillis: number;
  readonly otlpIntervalMillis: number;
  readonly otlpTimeoutMillis: number;
  /** When the OTLP endpoint goes down, from the start of the run. */
  readonly outageStartMillis: number;
  readonly outageMillis: number;
  readonly churn: ChurnRates;
  readonly seed: number;
  /** How long removals are remembered (≫ interval + timeout; see RemovalLedger). */
  readonly retentionMillis: number;
  readonly memoryMetric: MemoryMetric;
  /** Largest accepted growth, as a fraction (0.1 = 10 %). */
  readonly maxGrowth: number;
  /** Progress lines; the final summary is returned, not logged. */
  readonly log: (line: string) => void;
}

/**
 * Defaults scaled to the duration: warm-up min(60 s, a third), window min(60 s, a sixth), the OTLP
 * outage from 40 % for a tenth of the run (five minutes of a 50-minute real run), OTLP pushed at
 * least four times per outage length (every 10 s at most), /metrics scraped every 10 s at most.
 */
export function soakOptions(overrides: Partial<SoakOptions> & Pick<SoakOptions, 'routers' | 'durationMillis'>): SoakOptions {
  const duration = overrides.durationMillis;
  const outage = overrides.outageMillis ?? Math.round(duration / 10);
  const otlpInterval = overrides.otlpIntervalMillis ?? Math.max(1_000, Math.min(10_000, Math.round(outage / 4)));
  return {
    profile: 'edge',
    warmupMillis: Math.min(60_000, Math.round(duration / 3)),
    windowMillis: Math.min(60_000, Math.round(duration / 6)),
    // 2 s / 1.5 s saturates two cores at 200 routers (docs/benchmarks.md); 5 s / 3 s does not.
    intervalMillis: 5_000,
    timeoutMillis: 3_000,
    concurrency: 64,
    scrapeEveryMillis: Math.max(1_000, Math.min(10_000, Math.round(duration / 24))),
    reportEveryMillis: 10_000,
    sampleEveryMillis: 1_000,
    otlpIntervalMillis: otlpInterval,
    otlpTimeoutMillis: Math.round(otlpInterval * 0.8),
    outageStartMillis: Math.round(duration * 0.4),
    outageMillis: outage,
    churn: DEFAULT_CHURN,
    seed: 20261122,
    retentionMillis: 60_000,
    memoryMetric: 'rss',
    maxGrowth: 0.1,
    log: (line: string) => console.log(line),
    ...overrides,
  };
}

/** One pass/fail criterion. */
export interface SoakCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A stale series as seen, for the report. */
export interface StaleExample {
  readonly path: 'prometheus' | 'otlp';
  readonly metric: string;
  readonly router: string;
  readonly kind: EntityKind;
  readonly key: string;
  /** How long before the scrape/collection the entity was removed. */
  readonly removedAgoMillis: number;
  /**
   * `lagging`: the router has not finished a poll cycle that started after the removal (the agent is
   * behind: overload, queueing, a skipped slot). `fresh-poll`: it has, and still exports the entity —
   * the snapshot or the producer keeps removed entities.
   */
  readonly cause: StaleCause;
  /** fresh-poll: between the removal and the earliest start of the latest finished cycle that began after it. */
  readonly lastCycleStartAfterRemovalMillis: number | undefined;
}

export type StaleCause = 'lagging' | 'fresh-poll';

export interface SoakResult {
  readonly passed: boolean;
  readonly checks: readonly SoakCheck[];
  readonly options: Omit<SoakOptions, 'log' | 'churn'>;
  readonly wireless: boolean;
  readonly scrapes: { ok: number; failed: number; medianMillis?: number; p99Millis?: number; medianSeries?: number; maxBytes: number };
  /**
   * Series of removed entities seen past the grace period. `prometheus`/`otlp`: all of them; `freshPoll`: those
   * exported after a poll cycle that began after the removal had finished (a defect: the agent kept a removed
   * entity). The rest lagged: no such cycle had finished yet, so the agent still exported its latest state, which
   * is right; `maxLagMillis` bounds how far behind it fell.
   */
  readonly stale: {
    prometheus: number;
    otlp: number;
    freshPoll: { prometheus: number; otlp: number };
    maxLagMillis: number;
    lagLimitMillis: number;
    examples: readonly StaleExample[];
  };
  readonly otlp: {
    accepted: number;
    failed: number;
    rejected: number;
    postOutageExports: number;
    postOutageStale: number;
    removedDuringOutage: number;
  };
  readonly memory: {
    metric: MemoryMetric;
    firstWindowMedian?: number;
    lastWindowMedian?: number;
    growth?: number;
    rssFirst?: number;
    rssLast?: number;
    rssPeak: number;
    heapFirst?: number;
    heapLast?: number;
  };
  readonly churn: FleetChurn['counts'];
  readonly logs: { warn: number; error: number; byMessage: readonly [string, number][]; lastErrors: readonly string[] };
  readonly processErrors: readonly string[];
  readonly eventLoopDelayP99Millis: number;
  readonly elapsedMillis: number;
}

/** Series families that carry a churned entity, by Prometheus name prefix, and the label holding its key. */
const FAMILY_KEYS: readonly { prefix: string; kind: EntityKind; label: string }[] = [
  { prefix: 'routeros_dhcp_lease', kind: 'lease', label: 'id' },
  { prefix: 'routeros_conntrack_source', kind: 'source', label: 'address' },
  { prefix: 'routeros_wireless_client', kind: 'client', label: 'mac_address' },
];
const CHURNED_INTERFACE = 'interface="soak-';

/** The entity a series refers to, if it is of a churned kind. */
function entityOf(metric: string, label: (key: string) => string | undefined): { kind: EntityKind; key: string } | undefined {
  for (const family of FAMILY_KEYS) {
    if (metric.startsWith(family.prefix)) {
      const key = label(family.label);
      return key === undefined ? undefined : { kind: family.kind, key };
    }
  }
  const iface = label('interface');
  return iface?.startsWith('soak-') ? { kind: 'interface', key: iface } : undefined;
}

const CHURNED_LINES: LineSelector = {
  prefixes: [...FAMILY_KEYS.map((family) => family.prefix)],
  marker: CHURNED_INTERFACE,
};

/** Margin for the fresh-poll classification (see SoakRun._classified). */
const FRESH_POLL_MARGIN_MILLIS = 250;

/**
 * Every successful poll cycle of every router over the run, read off the agent's own snapshots (the soak runs the
 * agent in this process): when its collectors began (they all start together, after the connection and the shared
 * limiter) and when it ended. The exposition alone cannot tell when a cycle began: a collector's duration ends
 * before the cycle does, by an amount a loaded machine stretches.
 */
class CycleHistory {
  private readonly _cycles = new Map<string, { startMillis: number; endMillis: number }[]>();

  observe(snapshots: readonly TargetSnapshot[]): void {
    for (const snapshot of snapshots) {
      const end = snapshot.lastSuccessMillis;
      if (end === undefined) continue;
      let cycles = this._cycles.get(snapshot.name);
      if (cycles === undefined) this._cycles.set(snapshot.name, (cycles = []));
      const previousEnd = cycles.at(-1)?.endMillis ?? -Infinity;
      if (end <= previousEnd) continue;
      let start = Infinity;
      for (const state of snapshot.collectors.values()) {
        // Collectors not due in this cycle keep the state of an earlier one.
        if (state.finishedAtMillis > previousEnd) start = Math.min(start, state.finishedAtMillis - state.durationSeconds * 1000);
      }
      if (Number.isFinite(start)) cycles.push({ startMillis: start, endMillis: end });
    }
  }

  /** The latest start of a cycle that began after `afterMillis` and ended by `byMillis`, if any. */
  freshCycleStart(router: string, afterMillis: number, byMillis: number): number | undefined {
    let latest: number | undefined;
    for (const { startMillis, endMillis } of this._cycles.get(router) ?? []) {
      if (startMillis > afterMillis && endMillis <= byMillis && (latest === undefined || startMillis > latest)) latest = startMillis;
    }
    return latest;
  }
}

interface StaleCandidate {
  readonly path: StaleExample['path'];
  /** Seen in an OTLP export that arrived after the outage. */
  readonly postOutage: boolean;
  readonly metric: string;
  readonly router: string;
  readonly kind: EntityKind;
  readonly key: string;
  readonly removedAt: number;
  /** Scrape start or point collection time. */
  readonly atMillis: number;
}

/** Runs the soak; never throws for a failed check (see `passed`), only for a broken setup. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const run = new SoakRun(options);
  return run.execute();
}

class SoakRun {
  private readonly _o: SoakOptions;
  private readonly _ledger: RemovalLedger;
  private readonly _random: () => number;
  private readonly _graceMillis: number;
  private readonly _memory: MemorySample[] = [];
  private readonly _heapAfterGc: { atMillis: number; bytes: number }[] = [];
  private readonly _scrapeMillis: number[] = [];
  private readonly _seriesCounts: number[] = [];
  private readonly _staleCandidates: StaleCandidate[] = [];
  private readonly _cycles = new CycleHistory();
  private readonly _processErrors: string[] = [];
  private readonly _logs = new LogCounter();
  private _stalePrometheus = 0;
  private _staleOtlp = 0;
  private _lastScrapeStale = 0;
  private _lastSeries = 0;
  private _scrapesOk = 0;
  private _scrapesFailed = 0;
  private _maxBodyBytes = 0;
  private _otlpFailed = 0;
  private _restoredAtMillis: number | undefined;
  private _postOutageExports = 0;
  private _removedBeforeOutage = 0;
  private _removedDuringOutage = 0;
  private _startMillis = 0;
  private _churn: FleetChurn | undefined;

  constructor(options: SoakOptions) {
    this._o = options;
    this._ledger = new RemovalLedger(options.retentionMillis);
    this._random = seededRandom(options.seed);
    this._graceMillis = options.intervalMillis + options.timeoutMillis;
  }

  async execute(): Promise<SoakResult> {
    const o = this._o;
    const onProcessError = (error: unknown): void => {
      this._processErrors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    };
    process.on('unhandledRejection', onProcessError);
    process.on('uncaughtException', onProcessError);
    const unsubscribe = subscribeDiagErrors((message) => {
      if (message.includes('export failed')) this._otlpFailed += 1;
    });
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    const sink = new OtlpSink({ onExport: (body, at) => this._checkExport(body, at) });
    let fleet: BenchFleet | undefined;
    let agent: Agent | undefined;
    const timers: NodeJS.Timeout[] = [];
    try {
      await sink.up();
      fleet = await startBenchFleet(o.routers, o.profile);
      const wireless = findCollector('wireless') !== undefined;
      const config = benchAgentConfig({
        routers: fleet.routers,
        intervalMillis: o.intervalMillis,
        timeoutMillis: o.timeoutMillis,
        concurrency: o.concurrency,
        collectors: {
          dhcp_leases: true,
          conntrack_sources: true,
          ...(wireless ? { wireless: { enabled: true, clients: true } } : {}),
        },
        otlp: { url: sink.url, intervalMillis: o.otlpIntervalMillis, timeoutMillis: o.otlpTimeoutMillis },
      });
      const churn = new FleetChurn({
        routers: fleet.routers,
        agentNames: configuredRouters(config).map((router) => router.name),
        ledger: this._ledger,
        rates: o.churn,
        random: this._random,
        wireless,
      });
      this._churn = churn;
      agent = await startBenchAgent(config, this._logs);
      const firstRound = Date.now();
      while (!agent.engine.firstRoundDone && Date.now() - firstRound < 60_000) await sleep(100);
      o.log(
        `soak: ${o.routers} routers (${o.profile}), ${Math.round(o.durationMillis / 1000)} s, interval ${o.intervalMillis} ms, ` +
          `timeout ${o.timeoutMillis} ms, concurrency ${o.concurrency}; first round in ${Date.now() - firstRound} ms; ` +
          `churn on ${churn.leaseRouters} routers with DHCP leases, ${churn.sourceRouters} with conntrack, ` +
          `${wireless ? `${churn.wirelessRouters} with wireless` : 'no wireless (collector not registered)'}; ` +
          `OTLP down at ${Math.round(o.outageStartMillis / 1000)} s for ${Math.round(o.outageMillis / 1000)} s`,
      );

      this._startMillis = Date.now();
      loopDelay.enable();
      const elapsed = (): number => Date.now() - this._startMillis;
      churn.tick();
      timers.push(
        setInterval(() => {
          churn.tick();
          this._ledger.prune(Date.now());
        }, 1_000),
      );
      timers.push(setInterval(() => this._memory.push(sampleMemory(elapsed())), o.sampleEveryMillis));
      // Cycles come every interval; five looks per interval miss none.
      const running = agent;
      timers.push(setInterval(() => this._cycles.observe(running.engine.snapshots()), Math.max(50, o.intervalMillis / 5)));
      // Heap after a full GC (the live heap) is always sampled for the report, rarely in RSS mode so
      // forced GCs do not shape the RSS being measured; in heap mode after every scrape (below).
      if (o.memoryMetric === 'rss') {
        timers.push(setInterval(() => this._heapAfterGc.push({ atMillis: elapsed(), bytes: heapUsedAfterGc() }), 30_000));
      }
      timers.push(setInterval(() => this._report(elapsed(), sink), o.reportEveryMillis));
      timers.push(
        setTimeout(() => {
          this._removedBeforeOutage = this._removedTotal();
          void sink.down().then(() => o.log(`[${seconds(elapsed())}] OTLP endpoint down`));
        }, o.outageStartMillis),
      );
      // The outage lasts until an export has failed in it (capped at three times its length): on a loaded machine
      // the exporter may not try within the nominal outage, and then the recovery would prove nothing.
      const outageEndsAt = this._startMillis + o.outageStartMillis + 3 * o.outageMillis;
      const endOutage = (): void => {
        if (this._otlpFailed === 0 && Date.now() < outageEndsAt) {
          timers.push(setTimeout(endOutage, 250));
          return;
        }
        this._removedDuringOutage = this._removedTotal() - this._removedBeforeOutage;
        void sink.up().then(
          () => {
            this._restoredAtMillis = Date.now();
            o.log(`[${seconds(elapsed())}] OTLP endpoint back (${this._removedDuringOutage} entities removed while down)`);
          },
          (error: unknown) => this._processErrors.push(`OTLP endpoint could not come back: ${String(error)}`),
        );
      };
      timers.push(setTimeout(endOutage, o.outageStartMillis + o.outageMillis));

      while (elapsed() < o.durationMillis) {
        const next = Date.now() + o.scrapeEveryMillis;
        await this._scrapeAndCheck(agent);
        if (o.memoryMetric === 'heap-after-gc') this._heapAfterGc.push({ atMillis: elapsed(), bytes: heapUsedAfterGc() });
        await sleep(Math.max(0, Math.min(next, this._startMillis + o.durationMillis) - Date.now()));
      }
      await this._scrapeAndCheck(agent);
      this._report(elapsed(), sink);
    } finally {
      for (const timer of timers) clearTimeout(timer);
      loopDelay.disable();
      this._churn?.endFlaps();
      await agent?.shutdown();
      await sink.down();
      await fleet?.stop();
      unsubscribe();
      process.off('unhandledRejection', onProcessError);
      process.off('uncaughtException', onProcessError);
    }
    return this._result(sink, loopDelay.percentile(99) / 1e6);
  }

  private _removedTotal(): number {
    const removed = this._churn?.counts.removed;
    return removed ? removed.interface + removed.lease + removed.source + removed.client : 0;
  }

  private async _scrapeAndCheck(agent: Agent): Promise<void> {
    let result: Scrape;
    try {
      result = await scrape(agent.address, { timeoutMillis: 30_000 });
    } catch (error) {
      this._scrapesFailed += 1;
      this._o.log(`scrape failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (result.status !== 200) {
      this._scrapesFailed += 1;
      this._o.log(`scrape answered ${result.status}: ${result.text.slice(0, 200)}`);
      return;
    }
    this._scrapesOk += 1;
    this._scrapeMillis.push(result.durationMillis);
    this._maxBodyBytes = Math.max(this._maxBodyBytes, result.wireBytes);
    this._lastSeries = countSeries(result.text);
    this._seriesCounts.push(this._lastSeries);
    const candidates: StaleCandidate[] = [];
    forEachSeries(result.text, CHURNED_LINES, (series) => {
      const router = series.labels.get('router') ?? '';
      const candidate = this._staleCandidate('prometheus', false, series.name, router, (key) => series.labels.get(key), result.startedAtMillis);
      if (candidate) candidates.push(candidate);
    });
    this._lastScrapeStale = candidates.length;
    this._stalePrometheus += candidates.length;
    this._staleCandidates.push(...candidates);
  }

  private _checkExport(points: PointWalk, receivedAtMillis: number): void {
    const candidates: StaleCandidate[] = [];
    const postOutage = this._restoredAtMillis !== undefined && receivedAtMillis >= this._restoredAtMillis;
    points((metric, point) => {
      const router = point.attribute('router') ?? '';
      // Prometheus names for the prefix tests; the collection time of the point, not its arrival
      // (a retried export arrives late).
      const name = metric.replace(/\./g, '_');
      const collectedAt = point.timeMillis > 0 ? point.timeMillis : receivedAtMillis;
      const candidate = this._staleCandidate('otlp', postOutage, name, router, (key) => point.attribute(key), collectedAt);
      if (candidate) candidates.push(candidate);
    });
    this._staleOtlp += candidates.length;
    this._staleCandidates.push(...candidates);
    if (postOutage) this._postOutageExports += 1;
  }

  /** A series of a removed entity, past the grace period; undefined when the series is fine. */
  private _staleCandidate(
    path: StaleCandidate['path'],
    postOutage: boolean,
    metric: string,
    router: string,
    label: (key: string) => string | undefined,
    atMillis: number,
  ): StaleCandidate | undefined {
    const entity = entityOf(metric, label);
    if (entity === undefined) return undefined;
    const removedAt = this._ledger.removedAt(router, entity.kind, entity.key);
    if (removedAt === undefined || atMillis - removedAt <= this._graceMillis) return undefined;
    return { path, postOutage, metric, router, kind: entity.kind, key: entity.key, removedAt, atMillis };
  }

  /**
   * When a cycle of the router that surely began after the removal had finished before the series was exported,
   * that cycle cannot have read the entity, and exporting it is the agent keeping removed entities. Otherwise the
   * agent was behind, and the series is its latest state.
   */
  private _classified(): { freshPoll: StaleCandidate[]; maxLagMillis: number; examples: StaleExample[] } {
    const freshPoll: StaleCandidate[] = [];
    const examples: StaleExample[] = [];
    let maxLagMillis = 0;
    for (const candidate of this._staleCandidates) {
      const start = this._cycles.freshCycleStart(
        candidate.router,
        candidate.removedAt + FRESH_POLL_MARGIN_MILLIS,
        candidate.atMillis,
      );
      const cause: StaleCause = start === undefined ? 'lagging' : 'fresh-poll';
      if (cause === 'fresh-poll') freshPoll.push(candidate);
      else maxLagMillis = Math.max(maxLagMillis, candidate.atMillis - candidate.removedAt);
      if (examples.filter((example) => example.cause === cause).length < 6) {
        examples.push({
          path: candidate.path,
          metric: candidate.metric,
          router: candidate.router,
          kind: candidate.kind,
          key: candidate.key,
          removedAgoMillis: candidate.atMillis - candidate.removedAt,
          cause,
          lastCycleStartAfterRemovalMillis: start === undefined ? undefined : start - candidate.removedAt,
        });
      }
    }
    return { freshPoll, maxLagMillis, examples };
  }

  private _report(elapsedMillis: number, sink: OtlpSink): void {
    const memory = this._memory.at(-1) ?? sampleMemory(elapsedMillis);
    const churn = this._churn?.counts;
    const gcHeap = this._heapAfterGc.at(-1);
    this._o.log(
      `[${seconds(elapsedMillis)}] rss ${megabytes(memory.rssBytes)} heap ${megabytes(memory.heapUsedBytes)}` +
        (gcHeap ? ` (after gc ${megabytes(gcHeap.bytes)})` : '') +
        ` | series ${this._lastSeries} stale ${this._lastScrapeStale} (total prom ${this._stalePrometheus} otlp ${this._staleOtlp})` +
        ` | otlp ok ${sink.stats.accepted} failed ${this._otlpFailed}${sink.isUp ? '' : ' [endpoint down]'}` +
        (churn
          ? ` | removed if ${churn.removed.interface} lease ${churn.removed.lease} src ${churn.removed.source} wifi ${churn.removed.client}` +
            ` reboots ${churn.reboots} flaps ${churn.flaps}`
          : ''),
    );
  }

  private _result(sink: OtlpSink, eventLoopDelayP99Millis: number): SoakResult {
    const o = this._o;
    const firstFrom = o.warmupMillis;
    const firstTo = o.warmupMillis + o.windowMillis;
    const lastFrom = o.durationMillis - o.windowMillis;
    const inWindow = <T extends { atMillis: number }>(samples: readonly T[], from: number, to: number): T[] =>
      samples.filter((sample) => sample.atMillis >= from && sample.atMillis < to);
    const rssFirst = median(inWindow(this._memory, firstFrom, firstTo).map((sample) => sample.rssBytes));
    const rssLast = median(inWindow(this._memory, lastFrom, Infinity).map((sample) => sample.rssBytes));
    // The smallest live heap of a window: a sample taken while a scrape or an export is being built
    // holds that collection too (≈ 0.5 KB per series), so medians of a few samples jump around.
    const heapFirst = minimum(inWindow(this._heapAfterGc, firstFrom, firstTo).map((sample) => sample.bytes));
    const heapLast = minimum(inWindow(this._heapAfterGc, lastFrom, Infinity).map((sample) => sample.bytes));
    const [first, last] = o.memoryMetric === 'rss' ? [rssFirst, rssLast] : [heapFirst, heapLast];
    const growth = first !== undefined && last !== undefined ? last / first - 1 : undefined;
    const churn = this._churn?.counts ?? {
      added: { interface: 0, lease: 0, source: 0, client: 0 },
      removed: { interface: 0, lease: 0, source: 0, client: 0 },
      reboots: 0,
      flaps: 0,
    };
    const wireless = (this._churn?.wirelessRouters ?? 0) > 0;
    const metricName = o.memoryMetric === 'rss' ? 'RSS (window medians)' : 'heap used after GC (window minimums)';
    const classified = this._classified();
    const freshOn = (path: StaleCandidate['path']): number => classified.freshPoll.filter((c) => c.path === path).length;
    const postOutageFresh = classified.freshPoll.filter((candidate) => candidate.postOutage).length;
    // A router a poll slot behind still exports its last state; three slots behind means the agent is not keeping up.
    const lagLimitMillis = this._graceMillis + 3 * o.intervalMillis;
    const checks: SoakCheck[] = [
      {
        name: 'no series of a removed entity on /metrics after a poll that could not have read it',
        ok: freshOn('prometheus') === 0,
        detail: `${freshOn('prometheus')} such series over ${this._scrapesOk} scrapes (${this._stalePrometheus} past the grace period in all)`,
      },
      {
        name: 'no such point in OTLP exports',
        ok: freshOn('otlp') === 0,
        detail: `${freshOn('otlp')} such points over ${sink.stats.accepted} exports (${this._staleOtlp} past the grace period in all)`,
      },
      {
        name: 'OTLP recovers after the outage with no stale series',
        ok: this._postOutageExports > 0 && postOutageFresh === 0 && this._otlpFailed > 0,
        detail:
          `${this._otlpFailed} exports failed while down, ${this._postOutageExports} accepted after, ` +
          `${postOutageFresh} stale points in them; ${this._removedDuringOutage} entities removed while down`,
      },
      {
        name: `the agent kept up: a removed entity's series outlived its removal by ≤ ${lagLimitMillis} ms (grace + 3 intervals)`,
        ok: classified.maxLagMillis <= lagLimitMillis,
        detail: `longest ${classified.maxLagMillis} ms`,
      },
      {
        name: `${metricName} growth after warm-up ≤ ${Math.round(o.maxGrowth * 100)} %`,
        ok: growth !== undefined && growth <= o.maxGrowth,
        detail:
          `${megabytes(first)} in [${seconds(firstFrom)}, ${seconds(firstTo)}) → ${megabytes(last)} in ` +
          `[${seconds(lastFrom)}, end]: ${growth === undefined ? 'no samples' : `${(growth * 100).toFixed(1)} %`}`,
      },
      {
        name: 'churn happened (every kind removed at least once)',
        ok:
          churn.removed.interface > 0 &&
          churn.removed.lease > 0 &&
          churn.removed.source > 0 &&
          (!wireless || churn.removed.client > 0) &&
          churn.reboots > 0 &&
          churn.flaps > 0,
        detail: `removed interfaces ${churn.removed.interface}, leases ${churn.removed.lease}, sources ${churn.removed.source}, wireless clients ${churn.removed.client}${wireless ? '' : ' (no wireless collector)'}; reboots ${churn.reboots}, flaps ${churn.flaps}`,
      },
      {
        name: 'scrapes answered',
        ok: this._scrapesOk > 0 && this._scrapesFailed === 0,
        detail: `${this._scrapesOk} ok, ${this._scrapesFailed} failed`,
      },
      {
        name: 'no unhandled errors',
        ok: this._processErrors.length === 0 && this._logs.count('fatal') === 0,
        detail: this._processErrors.length === 0 ? 'none' : this._processErrors.slice(0, 3).join('; '),
      },
    ];
    return {
      passed: checks.every((check) => check.ok),
      checks,
      options: { ...withoutLog(o) },
      wireless,
      scrapes: {
        ok: this._scrapesOk,
        failed: this._scrapesFailed,
        ...optional('medianMillis', median(this._scrapeMillis)),
        ...optional('p99Millis', percentile(this._scrapeMillis, 99)),
        ...optional('medianSeries', median(this._seriesCounts)),
        maxBytes: this._maxBodyBytes,
      },
      stale: {
        prometheus: this._stalePrometheus,
        otlp: this._staleOtlp,
        freshPoll: { prometheus: freshOn('prometheus'), otlp: freshOn('otlp') },
        maxLagMillis: classified.maxLagMillis,
        lagLimitMillis,
        examples: classified.examples,
      },
      otlp: {
        accepted: sink.stats.accepted,
        failed: this._otlpFailed,
        rejected: sink.stats.rejected,
        postOutageExports: this._postOutageExports,
        postOutageStale: postOutageFresh,
        removedDuringOutage: this._removedDuringOutage,
      },
      memory: {
        metric: o.memoryMetric,
        ...optional('firstWindowMedian', first),
        ...optional('lastWindowMedian', last),
        ...optional('growth', growth),
        ...optional('rssFirst', rssFirst),
        ...optional('rssLast', rssLast),
        rssPeak: Math.max(0, ...this._memory.map((sample) => sample.rssBytes)),
        ...optional('heapFirst', heapFirst),
        ...optional('heapLast', heapLast),
      },
      churn,
      logs: {
        warn: this._logs.count('warn'),
        error: this._logs.count('error'),
        byMessage: [...this._logs.byMessage].sort((a, b) => b[1] - a[1]),
        lastErrors: this._logs.lastErrors,
      },
      processErrors: this._processErrors,
      eventLoopDelayP99Millis,
      elapsedMillis: Date.now() - this._startMillis,
    };
  }
}

function minimum(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.min(...values);
}

function withoutLog(options: SoakOptions): Omit<SoakOptions, 'log' | 'churn'> {
  const { log: _log, churn: _churn, ...rest } = options;
  return rest;
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

function seconds(millis: number): string {
  return `${Math.round(millis / 1000)} s`.padStart(5);
}

/** The final summary, one fact per line. */
export function formatSoakSummary(result: SoakResult): string {
  const o = result.options;
  const m = result.memory;
  const lines = [
    `SOAK ${result.passed ? 'PASS' : 'FAIL'}: ${o.routers} routers, ${(result.elapsedMillis / 1000).toFixed(0)} s, interval ${o.intervalMillis} ms, timeout ${o.timeoutMillis} ms, concurrency ${o.concurrency}`,
    ...result.checks.map((check) => `  [${check.ok ? 'ok' : 'FAIL'}] ${check.name}: ${check.detail}`),
    `  series (median per scrape) ${result.scrapes.medianSeries ?? '—'}; largest body ${megabytes(result.scrapes.maxBytes)}; scrape median ${fmtMillis(result.scrapes.medianMillis)}, p99 ${fmtMillis(result.scrapes.p99Millis)}`,
    `  RSS first window ${megabytes(m.rssFirst)}, last window ${megabytes(m.rssLast)}, peak ${megabytes(m.rssPeak)}` +
      (m.heapFirst !== undefined ? `; heap after GC ${megabytes(m.heapFirst)} → ${megabytes(m.heapLast)}` : ''),
    `  OTLP accepted ${result.otlp.accepted}, failed ${result.otlp.failed}, rejected ${result.otlp.rejected}; after the outage ${result.otlp.postOutageExports} exports, ${result.otlp.postOutageStale} stale points`,
    `  churn added: interfaces ${result.churn.added.interface}, leases ${result.churn.added.lease}, sources ${result.churn.added.source}, wireless clients ${result.churn.added.client}; reboots ${result.churn.reboots}, flaps ${result.churn.flaps}`,
    `  agent log lines: warn ${result.logs.warn}, error ${result.logs.error}` +
      (result.logs.byMessage.length > 0
        ? ` (${result.logs.byMessage
            .slice(0, 4)
            .map(([message, count]) => `${count}× "${message}"`)
            .join(', ')})`
        : '') +
      `; event-loop delay p99 ${result.eventLoopDelayP99Millis.toFixed(0)} ms`,
  ];
  if (result.stale.prometheus + result.stale.otlp > 0) {
    lines.push(
      `  stale series exported after a poll cycle that started after the removal: ${result.stale.freshPoll.prometheus + result.stale.freshPoll.otlp} ` +
        `(the agent keeps removed entities); the rest were lagging (no such cycle had finished yet: the agent was behind, ` +
        `at most ${result.stale.maxLagMillis} ms after the removal)`,
    );
  }
  for (const example of result.stale.examples) {
    const after = example.lastCycleStartAfterRemovalMillis;
    lines.push(
      `  stale (${example.path}, ${example.cause}): ${example.metric} router=${example.router} ${example.kind}=${example.key}, ` +
        `removed ${(example.removedAgoMillis / 1000).toFixed(1)} s before; ` +
        (after === undefined
          ? 'no cycle that began after the removal had finished'
          : `a cycle that began ≥ ${(after / 1000).toFixed(1)} s after the removal had finished`),
    );
  }
  for (const error of result.logs.lastErrors) lines.push(`  agent error: ${error}`);
  return lines.join('\n');
}

function fmtMillis(value: number | undefined): string {
  return value === undefined ? '—' : `${value.toFixed(0)} ms`;
}
