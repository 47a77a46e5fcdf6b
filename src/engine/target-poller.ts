/**
 * One target's collection loop, for every polled source: one persistent session, its own schedule,
 * hard deadlines per cycle (one for opening the session, one for collecting), collectors isolated
 * from each other, and a new immutable snapshot after every cycle. The source owns the session
 * (connect, TLS, login, fact detection) and says what its errors mean ({@link PollTarget}); the
 * poller owns the schedule, the deadlines, the backoff and the snapshots. Written for routers
 * first, the text below says router where any target fits.
 *
 * Retries after a failure follow two clocks. Full connection attempts (TCP, TLS, login) follow the
 * exponential backoff: up to 5 minutes for connection failures, 30 for rejected credentials, so
 * a broken or locked router is not hammered. But a router that is simply gone (refused, no route,
 * no answer at the TCP level) is checked at the router's own schedule ticks with a bare TCP
 * connect, the cheapest thing that can tell it is back: no TLS, no login, no API session, no slot
 * of the shared concurrency limit. When the port answers again, the backoff is cut short and the
 * router is polled at once, so a router back from a long outage (an upgrade reboot) is polled
 * within one interval instead of up to a whole backoff delay (5 minutes) later. A router whose port
 * stays open while it fails (hung API, TLS or protocol errors) gets no probes beyond the first
 * one that finds the port open, and recovers on the backoff schedule.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Backoff, type BackoffOptions } from './backoff.js';
import { TimeoutError, untilAborted } from './deadline.js';
import { describeError, isTargetFailure, type FailureKind } from './failure.js';
import type { ConcurrencyLimiter } from './limiter.js';
import type { CollectOutput } from './metric.js';
import { okCollectorState } from './packed-samples.js';
import { TargetStateLog, type EngineLogger } from './state-log.js';
import type { CollectorState, CollectorStatus, DownReason, SourceDescriptor, TargetSnapshot } from './snapshot.js';

export type { EngineLogger } from './state-log.js';

/** Outcome of one poll cycle as the agent's self-metrics see it. */
export type PollResult = 'ok' | 'error';

/** Outcome of one connection attempt. */
export type ConnectionAttemptResult = 'ok' | 'failed' | 'auth_failed';

/**
 * Where a router's connection stands. connecting: no session yet, or it closed between cycles and
 * the next cycle opens a new one; connected: a logged-in session is open; backoff: the last attempt
 * or poll failed and the retry waits out the connection backoff; auth_backoff: the router rejected
 * the credentials and the retry waits out the (longer) authentication backoff.
 */
export type ConnectionState = 'connecting' | 'connected' | 'backoff' | 'auth_backoff';

/** Every {@link ConnectionState}, in the order a router usually passes them. */
export const CONNECTION_STATES: readonly ConnectionState[] = Object.freeze(['connecting', 'connected', 'backoff', 'auth_backoff']);

/** The agent self-metrics the engine records (AgentMetrics fits). */
export interface EngineMetrics {
  recordCollectorRun(collector: string, result: CollectorStatus, seconds: number): void;
  recordPoll(router: string, result: PollResult, seconds: number): void;
  recordConnectionAttempt(result: ConnectionAttemptResult): void;
  /**
   * A router's connection moved from `from` to `to`; undefined is "not polled" (before start and
   * after stop). Called once per change, so counts per state can be kept by adding and subtracting.
   */
  recordConnectionState(from: ConnectionState | undefined, to: ConnectionState | undefined): void;
}

/** Timing knobs. Defaults suit production; tests shorten them. Not part of the user config. */
export interface PollerTuning {
  /**
   * Reconnect backoff after connection failures. A router unreachable at the TCP level is also
   * probed (bare TCP connect) at its schedule ticks meanwhile, and retried at once when it answers.
   * @default 1 s doubling-ish up to 5 min, decorrelated
   */
  connectBackoff: BackoffOptions;
  /** Backoff after rejected credentials. @default 30 s up to 30 min, decorrelated */
  authBackoff: BackoffOptions;
  /**
   * The first cycle starts at a random time in [0, min(interval, this)] so routers do not all
   * connect at the same instant, while metrics still appear within seconds of start. Later cycles
   * follow each router's own random phase, spread over its whole interval (see start()).
   * @default 1000
   */
  firstPollSpreadMillis: number;
  /** Client keepalive on idle connections; the client's default when undefined. */
  idleProbeMillis: number | undefined;
  /** Bound on closing a connection. @default 2000 */
  closeTimeoutMillis: number;
  /** Uniform random in [0, 1). @default Math.random */
  random: () => number;
  /** Wall clock in ms since the epoch. @default Date.now */
  now: () => number;
}

export const DEFAULT_TUNING: Readonly<PollerTuning> = Object.freeze<PollerTuning>({
  connectBackoff: { initialMillis: 1_000, maxMillis: 5 * 60_000, jitter: 'decorrelated' },
  authBackoff: { initialMillis: 30_000, maxMillis: 30 * 60_000, jitter: 'decorrelated' },
  firstPollSpreadMillis: 1_000,
  idleProbeMillis: undefined,
  closeTimeoutMillis: 2_000,
  random: Math.random,
  now: Date.now,
});

/** A source's open connection to one target, as the poller sees it. */
export interface TargetSession {
  /** False once the peer or the network ended it: the next cycle opens a new one. */
  readonly isOpen: boolean;
  /** Settles when the session ends, with the cause when it was not a local close. */
  readonly closed: Promise<unknown>;
  close(): Promise<void>;
  /**
   * Answers received so far on the session, when it counts them. A cycle in which some collector ran out of
   * time and nothing answered at all is a hung target, even when other collectors had nothing to ask (a family
   * the target's version lacks) and so finished at once.
   */
  readonly answers?: number | undefined;
}

/** What one collector run gets besides the session. */
export interface RunContext {
  /** The collector's settings from the config (filters, caps). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Aborted at the target's deadline or at stop: stop work and reject. */
  readonly signal: AbortSignal;
  /** Wall clock at the start of the cycle, ms since the epoch; use it instead of Date.now(). */
  readonly nowMillis: number;
}

/** One collector as the poller runs it on a session of type S. */
export interface TargetCollector<S> {
  readonly name: string;
  collect(session: S, context: RunContext): Promise<CollectOutput>;
}

/** A collector the target's config turned on, with its settings and effective interval. */
export interface ScheduledCollector<S> {
  readonly collector: TargetCollector<S>;
  readonly options: Readonly<Record<string, unknown>>;
  readonly intervalMillis: number;
}

/** How a source reads its own errors; every text it returns is secret-free. */
export interface FailurePolicy {
  /**
   * What an error means. `unknownAs` is the kind of an error the source does not recognise:
   * 'collector' while collecting, 'connection_failed' while opening a session.
   */
  classify(error: unknown, unknownAs: FailureKind): FailureKind;
  /** One line for /health and the log, with the target's secrets masked. */
  describe(error: unknown): string;
  /** True when nothing answered at all (refused, no route), so a cheap probe can tell when it is back. */
  isUnreachable(error: unknown): boolean;
}

/** One polled target: what the poller needs from its source. */
export interface PollTarget<S extends TargetSession> {
  readonly source: SourceDescriptor;
  readonly name: string;
  /** Where it is (`host:port`, a URL), never credentials. */
  readonly address: string;
  readonly identity: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  readonly collectors: readonly ScheduledCollector<S>[];
  readonly failures: FailurePolicy;
  /** Opens a session (connect, TLS, login); rejects with errors `failures` understands. */
  connect(signal: AbortSignal): Promise<S>;
  /**
   * Makes a session ready for collectors, once per session before its first cycle (version and
   * package detection); resolves to the target's version when known. Connection-level errors reject.
   */
  prepare?(session: S, signal: AbortSignal): Promise<string | undefined>;
  /**
   * A check that costs the target nothing (a bare TCP connect): true when it answers again.
   * Without it, a target that is gone waits out its whole backoff.
   */
  probe?(signal: AbortSignal): Promise<boolean>;
  /** Log fields beyond the name (`{ address }`). */
  readonly logFields?: Readonly<Record<string, string>>;
  /**
   * A digest of every setting the target was built from (address, credentials, interval,
   * collectors, labels). When a source's targets are updated (`PolledSource.update`), a
   * target with the same name and the same key keeps its poller, session and schedule; a different
   * key replaces it. Without one, only the very same object counts as unchanged.
   */
  readonly settingsKey?: string;
}

/** Options of {@link TargetPoller}. */
export interface TargetPollerOptions<S extends TargetSession> {
  target: PollTarget<S>;
  /** Shared across targets: caps simultaneous cycles. */
  limiter: ConcurrencyLimiter;
  logger: EngineLogger;
  metrics?: EngineMetrics;
  tuning?: Partial<PollerTuning>;
  /** Called with each new snapshot after a cycle. Must not throw. */
  onCycle?: (snapshot: TargetSnapshot) => void;
}

interface CollectorRun {
  readonly name: string;
  readonly state: CollectorState;
  readonly kind: FailureKind | 'ok';
  readonly error?: unknown;
}

type PollOutcome =
  | { readonly ok: true; readonly runs: readonly CollectorRun[] }
  | { readonly ok: false; readonly reason: DownReason; readonly error: unknown };

/**
 * What the last failure says about the router's API port: reachable (it accepted the connection;
 * only a full attempt can tell when the router works again), unreachable (refused, no route, no
 * answer: a TCP probe can tell when it is back) or unknown (a timeout or a dropped connection;
 * one probe finds out which).
 */
type Reachability = 'reachable' | 'unreachable' | 'unknown';

/** What the schedule timer starts. */
type Task = 'cycle' | 'probe';

const NO_SAMPLES: readonly never[] = Object.freeze([]);

/** Polls one target on its own schedule until stopped. */
export class TargetPoller<S extends TargetSession> {
  private readonly _router: PollTarget<S>;
  private readonly _enabled: readonly ScheduledCollector<S>[];
  private readonly _limiter: ConcurrencyLimiter;
  private readonly _logger: EngineLogger;
  private readonly _stateLog: TargetStateLog;
  private readonly _metrics: EngineMetrics | undefined;
  private readonly _tuning: PollerTuning;
  private readonly _onCycle: ((snapshot: TargetSnapshot) => void) | undefined;
  private readonly _connectBackoff: Backoff;
  private readonly _authBackoff: Backoff;
  private readonly _stopController = new AbortController();

  private _snapshot: TargetSnapshot;
  private _states = new Map<string, CollectorState>();
  /** Start time of each collector's last run on the current connection. */
  private readonly _lastRunMillis = new Map<string, number>();
  /** Collectors whose feature is missing; not retried until the next connection. */
  private readonly _unsupported = new Set<string>();
  private _connection: S | undefined;
  /** The session is ready for collectors ({@link PollTarget.prepare} has run on it). */
  private _prepared = false;
  private _timer: NodeJS.Timeout | undefined;
  private _inFlight: Promise<void> | undefined;
  private _anchorMillis: number | undefined;
  private _cycles = 0;
  private _consecutiveFailures = 0;
  private _lastSuccessMillis: number | undefined;
  private _lastError: string | undefined;
  /** Last detected RouterOS version; kept while the router is down, for /health. */
  private _version: string | undefined;
  private _up = false;
  private _downReason: DownReason | undefined = 'connecting';
  /** While backing off: when the backoff allows the next full attempt (tuning.now() clock). */
  private _retryAtMillis: number | undefined;
  private _reachability: Reachability = 'reachable';
  private _started = false;
  private _stopPromise: Promise<void> | undefined;
  private _connectionState: ConnectionState | undefined;

  constructor(options: TargetPollerOptions<S>) {
    this._router = options.target;
    this._limiter = options.limiter;
    this._logger = options.logger;
    this._stateLog = new TargetStateLog(options.logger, options.target);
    this._metrics = options.metrics;
    this._onCycle = options.onCycle;
    this._tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this._connectBackoff = new Backoff({ random: this._tuning.random, ...this._tuning.connectBackoff });
    this._authBackoff = new Backoff({ random: this._tuning.random, ...this._tuning.authBackoff });
    this._enabled = options.target.collectors;
    this._snapshot = this._buildSnapshot(false, 'connecting');
  }

  get name(): string {
    return this._router.name;
  }

  /** The latest published snapshot. */
  get snapshot(): TargetSnapshot {
    return this._snapshot;
  }

  /** Cycles finished (successfully or not) since start. */
  get cycles(): number {
    return this._cycles;
  }

  /** Schedules the first cycle. Calling it twice, or after stop, does nothing. */
  start(): void {
    if (this._started || this._stopController.signal.aborted) return;
    this._started = true;
    this._setConnectionState('connecting');
    const interval = this._router.intervalMillis;
    const spread = Math.min(interval, this._tuning.firstPollSpreadMillis);
    const delay = Math.floor(this._tuning.random() * Math.max(0, spread));
    // Two clocks: the first poll comes soon (metrics within seconds of start), but the steady
    // schedule gets a phase drawn over the whole interval, so a fleet started together polls evenly
    // spread instead of in one burst per interval. A phase drawn within only the first-poll spread
    // (1 s) would keep a thousand routers on a 30 s interval polling in the same second. The second
    // poll is the first slot of that grid after the first poll ended: sometimes soon after it, but
    // never more than an interval later, so data is never older than an interval plus a poll, at
    // start as in steady state.
    this._anchorMillis = this._tuning.now() + delay + Math.floor(this._tuning.random() * interval);
    this._schedule(delay);
  }

  /**
   * Cancels the schedule, aborts the cycle in flight (it publishes nothing) and closes the
   * connection. Idempotent.
   */
  stop(): Promise<void> {
    this._stopPromise ??= this._stop();
    return this._stopPromise;
  }

  private async _stop(): Promise<void> {
    clearTimeout(this._timer);
    this._timer = undefined;
    this._stopController.abort(new TimeoutError('collection stopped'));
    await this._inFlight;
    const connection = this._connection;
    this._dropConnection();
    this._setConnectionState(undefined);
    if (connection) await closeQuietly(connection, this._tuning.closeTimeoutMillis);
  }

  private _logFields(): Record<string, string> {
    return { [this._router.source.noun]: this._router.name, ...this._router.logFields };
  }

  /** Records a change of the connection state; nothing once stopped (the router is no longer counted). */
  private _setConnectionState(next: ConnectionState | undefined): void {
    const previous = this._connectionState;
    if (previous === next || (next !== undefined && this._stopController.signal.aborted)) return;
    this._connectionState = next;
    this._metrics?.recordConnectionState(previous, next);
  }

  private _schedule(delayMillis: number, task: Task = 'cycle'): void {
    if (this._stopController.signal.aborted) return;
    this._timer = setTimeout(() => {
      this._timer = undefined;
      // Cycles and probes of one router run from this one timer, so they never overlap.
      this._inFlight = (task === 'probe' ? this._probe() : this._cycle())
        .catch((error: unknown) => {
          // A bug, not a router problem: keep polling rather than let the router go silent.
          this._logger.error({ ...this._logFields(), error: describeError(error) }, 'poll cycle failed unexpectedly');
          if (this._timer === undefined) this._schedule(this._router.intervalMillis);
        })
        .finally(() => {
          this._inFlight = undefined;
        });
    }, delayMillis);
  }

  private async _cycle(): Promise<void> {
    const stopSignal = this._stopController.signal;
    let release: () => void;
    try {
      release = await this._limiter.acquire(stopSignal);
    } catch {
      return; // stopped while waiting for a slot
    }
    this._retryAtMillis = undefined;
    const startedMillis = this._tuning.now();
    const startedAt = performance.now();
    let outcome: PollOutcome;
    try {
      outcome = await this._poll(startedMillis);
    } catch (error) {
      outcome = { ok: false, reason: this._reason(error, 'connection_failed'), error };
    } finally {
      release();
    }
    if (stopSignal.aborted) return; // shutting down: publish nothing, log nothing
    const seconds = (performance.now() - startedAt) / 1000;
    const delay = outcome.ok ? this._succeed(outcome.runs) : this._fail(outcome.reason, outcome.error);
    this._metrics?.recordPoll(this._router.name, outcome.ok ? 'ok' : 'error', seconds);
    this._cycles += 1;
    this._publish();
    if (outcome.ok) this._schedule(delay);
    else this._scheduleRetry(delay);
  }

  /**
   * Opens the session if needed, then collects, each part under its own deadline of the router's
   * timeout. A new session costs round trips a steady poll does not (TCP and TLS handshakes, login,
   * version detection); under one shared deadline a router whose polls fit, but only just, could
   * never log in again after its session dropped.
   */
  private async _poll(nowMillis: number): Promise<PollOutcome> {
    const timeout = this._router.timeoutMillis;
    const session = await this._withDeadline(`connecting and logging in did not finish within ${timeout} ms`, (signal) =>
      this._openSession(signal),
    );
    return this._collect(session, nowMillis);
  }

  /**
   * Runs `work` under {@link _deadlinePhase}; rejects with the phase's reason as soon as it aborts,
   * even when `work` ignores its signal.
   */
  private async _withDeadline<T>(timeoutText: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const stopSignal = this._stopController.signal;
    if (stopSignal.aborted) throw stopSignal.reason;
    const phase = this._deadlinePhase(timeoutText);
    try {
      return await untilAborted(work(phase.signal), phase.signal);
    } finally {
      phase.end();
    }
  }

  /**
   * A signal aborted by stop or, with a TimeoutError of `timeoutText`, after the router's timeout;
   * `end` releases the timer and the link to stop. Linked to the stop signal by hand rather than
   * with AbortSignal.any, whose listeners on the long-lived stop signal are only freed by GC.
   */
  private _deadlinePhase(timeoutText: string): { readonly signal: AbortSignal; readonly end: () => void } {
    const stopSignal = this._stopController.signal;
    const phase = new AbortController();
    // Every command in flight listens on this signal (and removes its listener when done); a
    // collector may run dozens at once, which is not the leak Node's default warning is about.
    setMaxListeners(0, phase.signal);
    const onStop = (): void => phase.abort(stopSignal.reason);
    stopSignal.addEventListener('abort', onStop, { once: true });
    const deadline = setTimeout(() => phase.abort(new TimeoutError(timeoutText)), this._router.timeoutMillis);
    return {
      signal: phase.signal,
      end: () => {
        clearTimeout(deadline);
        stopSignal.removeEventListener('abort', onStop);
      },
    };
  }

  /** A ready session: the current one, or a new one. Never mutates shared state after an abort. */
  private async _openSession(signal: AbortSignal): Promise<S> {
    const connection = await this._ensureConnection(signal);
    if (!this._prepared) {
      const version = this._router.prepare ? await this._router.prepare(connection, signal) : undefined;
      if (signal.aborted) throw signal.reason;
      if (this._connection !== connection) throw new Error('session closed while it was prepared');
      this._prepared = true;
      if (version !== undefined) this._version = version;
    }
    return connection;
  }

  /**
   * Runs the due collectors under the router's deadline. Collectors finish on their own; when the
   * deadline passes first, the ones that finished keep their results and the others are cut off as
   * timed out: aborting the phase signal sends `/cancel` for each of their commands still in flight
   * (the client drops late replies to a cancelled tag), so the connection stays usable for the next
   * cycle. One slow collector (a huge firewall table) thus costs only its own data.
   *
   * The router goes down only when the session itself fails: a collector hit a connection-level
   * error (connection lost, `!fatal`, a protocol error), or nothing answered within the deadline.
   * A session that completed any collector in this cycle is alive, so the ones that did not are the
   * collectors' own problem; a session that completed none cannot be told from a hung router, and
   * every next cycle on it would hang the same way, so it is dropped and reconnected with backoff.
   * Never mutates shared state after stop.
   */
  private async _collect(connection: S, nowMillis: number): Promise<PollOutcome> {
    const stopSignal = this._stopController.signal;
    if (stopSignal.aborted) throw stopSignal.reason;
    const timeout = this._router.timeoutMillis;
    const due = this._enabled.filter((entry) => this._isDue(entry, nowMillis));
    const startedAt = performance.now();
    const answersBefore = connection.answers;
    const phase = this._deadlinePhase(`poll did not finish within ${timeout} ms`);
    const finished = new Map<string, CollectorRun>();
    let accepting = true;
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<void>((resolve) => {
      onAbort = () => {
        accepting = false;
        resolve();
      };
    });
    // Added before any command's listener, so it runs first: what finished is fixed at the moment
    // of the deadline, before the aborted commands settle their collectors with rejections.
    phase.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const all = Promise.all(
        due.map(async (entry) => {
          const run = await this._runCollector(entry, connection, phase.signal, nowMillis);
          if (accepting) finished.set(entry.collector.name, run);
        }),
      );
      all.catch(() => undefined); // abandoned at the deadline; _runCollector does not reject anyway
      await Promise.race([all, aborted]);
      accepting = false;
    } finally {
      phase.signal.removeEventListener('abort', onAbort);
      phase.end();
    }
    if (stopSignal.aborted) throw stopSignal.reason;
    const cutOffSeconds = (performance.now() - startedAt) / 1000;
    const runs = due.map(
      (entry) => finished.get(entry.collector.name) ?? this._timedOutRun(entry.collector.name, timeout, cutOffSeconds),
    );
    for (const run of runs) this._metrics?.recordCollectorRun(run.name, run.state.status, run.state.durationSeconds);
    for (const run of runs) {
      if (run.kind !== 'ok' && run.kind !== 'timeout' && isTargetFailure(run.kind)) {
        return { ok: false, reason: run.kind, error: run.error };
      }
    }
    const timedOut = runs.some((run) => run.kind === 'timeout');
    const unanswered = answersBefore !== undefined && connection.answers === answersBefore;
    if (runs.length > 0 && (runs.every((run) => run.kind === 'timeout') || (timedOut && unanswered))) {
      return {
        ok: false,
        reason: 'timeout',
        error: new TimeoutError(`poll did not finish within ${timeout} ms: no collector got an answer from the router`),
      };
    }
    for (const run of runs) {
      // A failed run is retried at the next cycle, even by a collector with a long interval of its
      // own (certificates, firmware): an error is not a result to keep for an hour.
      if (run.state.status === 'ok') this._lastRunMillis.set(run.name, nowMillis);
      else this._lastRunMillis.delete(run.name);
    }
    return { ok: true, runs };
  }

  /** The run of a collector cut off by the deadline. */
  private _timedOutRun(name: string, timeoutMillis: number, seconds: number): CollectorRun {
    const error = new TimeoutError(`did not finish within the router's ${timeoutMillis} ms timeout; its commands were cancelled`);
    return {
      name,
      kind: 'timeout',
      error,
      state: Object.freeze({
        status: 'error',
        samples: NO_SAMPLES,
        durationSeconds: seconds,
        finishedAtMillis: this._tuning.now(),
        error: error.message,
        dropped: 0,
      }),
    };
  }

  /** Waits out a backoff delay: probes at the schedule ticks before it ends while they can tell something. */
  private _scheduleRetry(delayMillis: number): void {
    this._retryAtMillis = this._tuning.now() + delayMillis;
    this._scheduleBackoffStep();
  }

  private _scheduleBackoffStep(): void {
    const now = this._tuning.now();
    const untilRetry = Math.max(0, (this._retryAtMillis ?? now) - now);
    if (this._reachability !== 'reachable') {
      // Never more often than the router's own schedule: the probe replaces a poll, it does not add load.
      const untilTick = this._nextAlignedDelay();
      if (untilTick < untilRetry) {
        this._schedule(untilTick, 'probe');
        return;
      }
    }
    this._schedule(untilRetry);
  }

  /** One schedule tick during a backoff: is the router's port open? If it just came back, poll now. */
  private async _probe(): Promise<void> {
    const probe = this._router.probe;
    const reachable = probe === undefined ? true : await probe.call(this._router, this._stopController.signal);
    if (this._stopController.signal.aborted) return;
    if (reachable && this._reachability === 'unreachable') {
      this._logger.debug(
        { ...this._logFields(), address: this._router.address },
        `${this._router.source.noun} answers again; retrying before the backoff delay ends`,
      );
      await this._cycle();
      return;
    }
    // Open all along (unknown → reachable): the failure is above TCP and only the backoff's
    // attempts can tell when it is over; no more probes until the next failure.
    this._reachability = reachable ? 'reachable' : 'unreachable';
    this._scheduleBackoffStep();
  }

  private async _ensureConnection(signal: AbortSignal): Promise<S> {
    if (this._connection?.isOpen) return this._connection;
    if (this._connection) this._dropConnection();
    let connection: S;
    try {
      connection = await this._router.connect(signal);
    } catch (error) {
      if (!this._stopController.signal.aborted) {
        const reason = this._reason(error, 'connection_failed');
        this._metrics?.recordConnectionAttempt(reason === 'authentication_failed' ? 'auth_failed' : 'failed');
      }
      throw error;
    }
    this._metrics?.recordConnectionAttempt('ok');
    if (signal.aborted) {
      void closeQuietly(connection, this._tuning.closeTimeoutMillis);
      throw signal.reason;
    }
    this._adopt(connection);
    return connection;
  }

  private _adopt(connection: S): void {
    this._connection = connection;
    this._prepared = false;
    this._unsupported.clear();
    this._lastRunMillis.clear();
    this._setConnectionState('connected');
    connection.closed.then(
      (cause) => this._onClosed(connection, cause),
      (cause: unknown) => this._onClosed(connection, cause),
    );
  }

  private _onClosed(connection: S, cause: unknown): void {
    if (this._connection !== connection) return;
    // Between cycles: the next cycle reconnects; the router is only marked down if that fails.
    this._logger.debug(
      { ...this._logFields(), reason: cause === undefined ? 'closed' : this._router.failures.describe(cause) },
      `${this._router.source.noun} connection closed`,
    );
    this._dropConnection();
    this._setConnectionState('connecting');
  }

  private _dropConnection(): void {
    this._connection = undefined;
    this._prepared = false;
  }

  private _isDue(entry: ScheduledCollector<S>, nowMillis: number): boolean {
    if (this._unsupported.has(entry.collector.name)) return false;
    const last = this._lastRunMillis.get(entry.collector.name);
    // A collector on the router's own schedule runs every cycle: the cycles are its schedule, and the
    // second one after start may come well within an interval of the first (see start()).
    if (last === undefined || entry.intervalMillis <= this._router.intervalMillis) return true;
    // Half an interval of slack: cycle starts drift by queueing, and a collector due "just after"
    // this cycle must not wait a whole extra interval.
    return nowMillis - last >= entry.intervalMillis - this._router.intervalMillis / 2;
  }

  private async _runCollector(entry: ScheduledCollector<S>, session: S, signal: AbortSignal, nowMillis: number): Promise<CollectorRun> {
    const name = entry.collector.name;
    const startedAt = performance.now();
    let run: CollectorRun;
    try {
      const output: CollectOutput = await entry.collector.collect(session, { options: entry.options, signal, nowMillis });
      if (!Array.isArray(output?.samples)) throw new Error(`collector ${name} returned no samples array`);
      run = {
        name,
        kind: 'ok',
        state: okCollectorState(
          output.samples,
          (performance.now() - startedAt) / 1000,
          this._tuning.now(),
          output.dropped ?? 0,
          this._states.get(name),
        ),
      };
    } catch (error) {
      const kind = this._classify(error, 'collector');
      const unsupported = kind === 'unsupported';
      if (unsupported && !signal.aborted) this._unsupported.add(name);
      run = {
        name,
        kind,
        error,
        state: Object.freeze({
          status: unsupported ? 'unsupported' : 'error',
          samples: NO_SAMPLES,
          durationSeconds: (performance.now() - startedAt) / 1000,
          finishedAtMillis: this._tuning.now(),
          error: this._router.failures.describe(error),
          dropped: 0,
        }),
      };
    }
    return run;
  }

  /** Applies a successful cycle; returns the delay to the next one. */
  private _succeed(runs: readonly CollectorRun[]): number {
    this._connectBackoff.reset();
    this._authBackoff.reset();
    this._consecutiveFailures = 0;
    this._reachability = 'reachable';
    this._lastSuccessMillis = this._tuning.now();
    const states = new Map(this._states);
    for (const run of runs) {
      this._stateLog.collector(run.name, run.state);
      states.set(run.name, run.state);
      // /health shows one last_error per router: name the collector when it is the one that failed.
      if (run.state.status === 'error') this._lastError = `collector ${run.name}: ${run.state.error ?? 'failed'}`;
    }
    this._states = states;
    this._up = true;
    this._downReason = undefined;
    this._stateLog.up(this._version);
    return this._nextAlignedDelay();
  }

  /** Applies a failed cycle: drops the connection; returns the backoff delay. */
  private _fail(reason: DownReason, error: unknown): number {
    const connection = this._connection;
    this._dropConnection();
    this._lastRunMillis.clear();
    this._unsupported.clear();
    // A timed-out or broken connection cannot be trusted with the next cycle. Not awaited: close()
    // ends the session at once, and the snapshot should not wait for the socket to finish closing.
    if (connection) void closeQuietly(connection, this._tuning.closeTimeoutMillis);
    this._consecutiveFailures += 1;
    this._lastError = this._router.failures.describe(error);
    this._reachability = this._reachabilityAfter(reason, error);
    const text = this._lastError;
    const failedAt = this._tuning.now();
    const states = new Map<string, CollectorState>();
    for (const entry of this._enabled) {
      states.set(
        entry.collector.name,
        Object.freeze({ status: 'error', samples: NO_SAMPLES, durationSeconds: 0, finishedAtMillis: failedAt, error: text, dropped: 0 }),
      );
    }
    this._states = states;
    const authFailed = reason === 'authentication_failed';
    const delay = authFailed ? this._authBackoff.next() : this._connectBackoff.next();
    this._setConnectionState(authFailed ? 'auth_backoff' : 'backoff');
    this._stateLog.down({ reason, error: text, retryInMillis: delay });
    this._up = false;
    this._downReason = reason;
    return delay;
  }

  private _publish(): void {
    this._snapshot = this._buildSnapshot(this._up, this._downReason);
    try {
      this._onCycle?.(this._snapshot);
    } catch (error) {
      this._logger.error({ ...this._logFields(), error: describeError(error) }, 'snapshot listener failed');
    }
  }

  private _buildSnapshot(up: boolean, downReason: DownReason | undefined): TargetSnapshot {
    const snapshot: TargetSnapshot = {
      source: this._router.source,
      name: this._router.name,
      address: this._router.address,
      identity: this._router.identity,
      labels: this._router.labels,
      up,
      ...(downReason !== undefined ? { downReason } : {}),
      ...(this._version !== undefined ? { version: this._version } : {}),
      ...(this._lastSuccessMillis !== undefined ? { lastSuccessMillis: this._lastSuccessMillis } : {}),
      ...(this._lastError !== undefined ? { lastError: this._lastError } : {}),
      consecutiveFailures: this._consecutiveFailures,
      collectors: this._states,
    };
    return Object.freeze(snapshot);
  }

  /** The engine's own deadlines are timeouts whatever the source; the rest the source reads. */
  private _classify(error: unknown, unknownAs: FailureKind): FailureKind {
    return error instanceof TimeoutError ? 'timeout' : this._router.failures.classify(error, unknownAs);
  }

  private _reason(error: unknown, unknownAs: DownReason): DownReason {
    const kind = this._classify(error, unknownAs);
    // Opening the session found the target lacks what its source reads (a host without /proc).
    if (kind === 'unsupported') return 'unsupported';
    return isTargetFailure(kind) ? kind : unknownAs;
  }

  /** What a failure says about the target's port (see {@link Reachability}). */
  private _reachabilityAfter(reason: DownReason, error: unknown): Reachability {
    if (this._router.probe === undefined || (reason !== 'connection_failed' && reason !== 'timeout')) return 'reachable';
    return this._router.failures.isUnreachable(error) ? 'unreachable' : 'unknown';
  }

  private _nextAlignedDelay(): number {
    const now = this._tuning.now();
    const interval = this._router.intervalMillis;
    const anchor = this._anchorMillis ?? now;
    // The next slot on the router's grid strictly after now, and never before the grid's start:
    // an overrunning cycle skips slots instead of starting back-to-back cycles.
    const slots = Math.max(0, Math.floor((now - anchor) / interval) + 1);
    return Math.max(0, anchor + slots * interval - now);
  }
}

/** Closes a session without throwing and without waiting longer than `timeoutMillis`. */
export async function closeQuietly(session: Pick<TargetSession, 'close'>, timeoutMillis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      session.close().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMillis);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
