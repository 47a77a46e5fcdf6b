/**
 * The agent's own metrics (`mikrotik_agent.*`) on ordinary SDK instruments. They describe the agent, not a
 * router, so they never disappear and the SDK's aggregation suits them. Router names stay off these
 * instruments: per-router state lives in the snapshot producer's `routeros.*` metrics.
 */
import type { Attributes, Counter, Histogram, Meter, ObservableGauge, UpDownCounter } from '@opentelemetry/api';
import { CONNECTION_STATES, type ConnectionState } from '../engine/target-poller.js';
import { type BuildInfo, buildInfo } from '../version.js';

/** Name of the Meter (instrumentation scope) that owns the agent's instruments. */
export const AGENT_METER_NAME = 'mikrotik-otel-agent';

/**
 * One agent instrument, as created and as listed in docs/metrics.md. A gauge is an UpDownCounter: a
 * count that goes up and down (a Prometheus gauge, and a non-monotonic sum in OTLP).
 */
export interface AgentMetricDefinition {
  readonly name: string;
  readonly kind: 'counter' | 'histogram' | 'gauge';
  readonly unit: string;
  readonly description: string;
  readonly attributes: readonly string[];
  /** Explicit bucket boundaries for histograms (the SDK default is tuned for milliseconds). */
  readonly buckets?: readonly number[];
}

/** Buckets for durations in seconds: from a fast local call to a poll hitting its deadline. */
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

/** Every agent instrument. The instruments are created from this list, so docs and code cannot drift. */
export const AGENT_METRIC_DEFINITIONS = [
  {
    name: 'mikrotik_agent.collector.runs',
    kind: 'counter',
    unit: '{run}',
    description: 'Collector runs, by collector and result (ok, error or unsupported).',
    attributes: ['collector', 'result'],
  },
  {
    name: 'mikrotik_agent.collector.duration.seconds',
    kind: 'histogram',
    unit: 's',
    description: 'How long collector runs took.',
    attributes: ['collector'],
    buckets: DURATION_BUCKETS_SECONDS,
  },
  {
    name: 'mikrotik_agent.poll.duration.seconds',
    kind: 'histogram',
    unit: 's',
    description: 'How long polls of a router (all its due collectors) took, by result.',
    attributes: ['result'],
    buckets: DURATION_BUCKETS_SECONDS,
  },
  {
    name: 'mikrotik_agent.router.connection.attempts',
    kind: 'counter',
    unit: '{attempt}',
    description: 'Attempts to connect and log in to a router, by result (ok, failed or auth_failed).',
    attributes: ['result'],
  },
  {
    name: 'mikrotik_agent.router.connections',
    kind: 'gauge',
    unit: '{router}',
    description:
      'Routers by connection state: connecting (no session yet, or reconnecting), connected, backoff (waiting to retry after a failure) or auth_backoff (credentials rejected).',
    attributes: ['state'],
  },
  {
    name: 'mikrotik_agent.http.server.requests',
    kind: 'counter',
    unit: '{request}',
    description: 'HTTP requests served by the agent, by route and status code.',
    attributes: ['route', 'code'],
  },
  {
    name: 'mikrotik_agent.http.server.request.duration.seconds',
    kind: 'histogram',
    unit: 's',
    description: 'How long the agent took to answer HTTP requests, by route.',
    attributes: ['route'],
    buckets: DURATION_BUCKETS_SECONDS,
  },
  {
    name: 'mikrotik_agent.otlp.exports',
    kind: 'counter',
    unit: '{export}',
    description: 'OTLP pushes, by result (ok or failed); absent while OTLP is off.',
    attributes: ['result'],
  },
  {
    name: 'mikrotik_agent.build.info',
    kind: 'gauge',
    unit: '',
    description:
      'Always 1; its attributes name the running build: version, node_version (process.version) and commit (git, or unknown).',
    attributes: ['version', 'node_version', 'commit'],
  },
  {
    name: 'mikrotik_agent.config.last_reload.successful',
    kind: 'gauge',
    unit: '',
    description: 'Whether the last configuration reload (SIGHUP, POST /-/reload) succeeded (1) or was rejected and the previous configuration kept (0); 1 from start.',
    attributes: [],
  },
  {
    name: 'mikrotik_agent.config.last_reload.success_timestamp.seconds',
    kind: 'gauge',
    unit: 's',
    description: 'Unix time of the last configuration load that was applied (the start, or the last successful reload).',
    attributes: [],
  },
  {
    name: 'mikrotik_agent.shard.targets',
    kind: 'gauge',
    unit: '{target}',
    description:
      "Targets this replica polls, by source and shard (collection.shard: `shard` is this replica's index, `shard_count` the number of replicas).",
    attributes: ['source', 'shard', 'shard_count'],
  },
  {
    name: 'mikrotik_agent.discovery.file.valid',
    kind: 'gauge',
    unit: '',
    description:
      'Whether a discovery input could be used at its last read (1) or not (0: its last good targets stay in use, the log says why): a discovery.file file by its path, a discovery.dns_srv name as file="dns_srv:<name>".',
    attributes: ['source', 'file'],
  },
] as const satisfies readonly AgentMetricDefinition[];

/** What the agent's state gauges read at each collection. */
export interface AgentState {
  readonly lastReloadSuccessful: boolean;
  readonly lastReloadSuccessMillis: number;
  readonly shard: { readonly index: number; readonly count: number };
  /** Targets polled now, by source kind. */
  readonly targets: Readonly<Record<string, number>>;
  /** Discovery files by source kind. */
  readonly discoveryFiles?: readonly { readonly source: string; readonly file: string; readonly ok: boolean }[];
}

type AgentMetricName = (typeof AGENT_METRIC_DEFINITIONS)[number]['name'];

/** Records the agent's own measurements. Cheap and never throws; safe to call on hot paths. */
export class AgentMetrics {
  private readonly _collectorRuns: Counter;
  private readonly _collectorDuration: Histogram;
  private readonly _pollDuration: Histogram;
  private readonly _connectionAttempts: Counter;
  private readonly _connections: UpDownCounter;
  private readonly _httpRequests: Counter;
  private readonly _httpDuration: Histogram;
  private readonly _otlpExports: Counter;

  private readonly _meter: Meter;
  private readonly _instruments: AgentInstruments;

  /** `build`: what `mikrotik_agent_build_info` says; by default this process's {@link buildInfo}. */
  constructor(meter: Meter, build: BuildInfo = buildInfo()) {
    const instruments = new AgentInstruments(meter);
    this._meter = meter;
    this._instruments = instruments;
    instruments
      .upDownCounter('mikrotik_agent.build.info')
      .add(1, { version: build.version, node_version: build.nodeVersion, commit: build.commit });
    this._collectorRuns = instruments.counter('mikrotik_agent.collector.runs');
    this._collectorDuration = instruments.histogram('mikrotik_agent.collector.duration.seconds');
    this._pollDuration = instruments.histogram('mikrotik_agent.poll.duration.seconds');
    this._connectionAttempts = instruments.counter('mikrotik_agent.router.connection.attempts');
    this._connections = instruments.upDownCounter('mikrotik_agent.router.connections');
    // Every state from the start, 0 included: "no router is locked out" is a reading, not a gap.
    for (const state of CONNECTION_STATES) this._connections.add(0, { state });
    this._httpRequests = instruments.counter('mikrotik_agent.http.server.requests');
    this._httpDuration = instruments.histogram('mikrotik_agent.http.server.request.duration.seconds');
    this._otlpExports = instruments.counter('mikrotik_agent.otlp.exports');
  }

  recordCollectorRun(collector: string, result: 'ok' | 'error' | 'unsupported', seconds: number): void {
    this._collectorRuns.add(1, { collector, result });
    this._collectorDuration.record(nonNegative(seconds), { collector });
  }

  /** `router` is accepted for symmetry with the engine's call site but not recorded (cardinality). */
  recordPoll(_router: string, result: 'ok' | 'error', seconds: number): void {
    this._pollDuration.record(nonNegative(seconds), { result });
  }

  recordConnectionAttempt(result: 'ok' | 'failed' | 'auth_failed'): void {
    this._connectionAttempts.add(1, { result });
  }

  /** One router left state `from` and entered `to` (undefined: not polled, before start or after stop). */
  recordConnectionState(from: ConnectionState | undefined, to: ConnectionState | undefined): void {
    if (from === to) return;
    if (from !== undefined) this._connections.add(-1, { state: from });
    if (to !== undefined) this._connections.add(1, { state: to });
  }

  /** `route` must be a fixed route name (or 'other'), never a raw request path. */
  recordHttpRequest(route: string, status: number, seconds: number): void {
    this._httpRequests.add(1, { route, code: String(status) });
    this._httpDuration.record(nonNegative(seconds), { route });
  }

  recordOtlpExport(result: 'ok' | 'failed'): void {
    this._otlpExports.add(1, { result });
  }

  /** Reports the agent's reload and shard state, read from `read` at every collection. */
  observeAgentState(read: () => AgentState): void {
    const successful = this._instruments.observableGauge('mikrotik_agent.config.last_reload.successful');
    const successTime = this._instruments.observableGauge('mikrotik_agent.config.last_reload.success_timestamp.seconds');
    const targets = this._instruments.observableGauge('mikrotik_agent.shard.targets');
    const files = this._instruments.observableGauge('mikrotik_agent.discovery.file.valid');
    this._meter.addBatchObservableCallback(
      (observer) => {
        const state = read();
        observer.observe(successful, state.lastReloadSuccessful ? 1 : 0);
        observer.observe(successTime, state.lastReloadSuccessMillis / 1000);
        const shard = { shard: String(state.shard.index), shard_count: String(state.shard.count) };
        for (const [source, count] of Object.entries(state.targets)) observer.observe(targets, count, { source, ...shard });
        for (const file of state.discoveryFiles ?? []) observer.observe(files, file.ok ? 1 : 0, { source: file.source, file: file.file });
      },
      [successful, successTime, targets, files],
    );
  }
}

/** Creates instruments by name from {@link AGENT_METRIC_DEFINITIONS}. */
class AgentInstruments {
  constructor(private readonly _meter: Meter) {}

  counter(name: AgentMetricName): Counter<Attributes> {
    const definition = this._definition(name, 'counter');
    return this._meter.createCounter(definition.name, { unit: definition.unit, description: definition.description });
  }

  upDownCounter(name: AgentMetricName): UpDownCounter<Attributes> {
    const definition = this._definition(name, 'gauge');
    return this._meter.createUpDownCounter(definition.name, { unit: definition.unit, description: definition.description });
  }

  /** A gauge whose value is read when collected (a state, not a count of events). */
  observableGauge(name: AgentMetricName): ObservableGauge<Attributes> {
    const definition = this._definition(name, 'gauge');
    return this._meter.createObservableGauge(definition.name, { unit: definition.unit, description: definition.description });
  }

  histogram(name: AgentMetricName): Histogram<Attributes> {
    const definition = this._definition(name, 'histogram');
    return this._meter.createHistogram(definition.name, {
      unit: definition.unit,
      description: definition.description,
      ...(definition.buckets === undefined ? {} : { advice: { explicitBucketBoundaries: [...definition.buckets] } }),
    });
  }

  private _definition(name: AgentMetricName, kind: AgentMetricDefinition['kind']): AgentMetricDefinition {
    const definition: AgentMetricDefinition | undefined = AGENT_METRIC_DEFINITIONS.find((entry) => entry.name === name);
    if (definition === undefined || definition.kind !== kind) {
      throw new Error(`agent metric ${name}: no ${kind} definition`);
    }
    return definition;
  }
}

/** A clock step backwards must not record a negative duration (histograms reject them). */
function nonNegative(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}
