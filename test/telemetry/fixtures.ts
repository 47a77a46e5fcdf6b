/** Plain in-memory snapshots and configs for telemetry and server tests. */
import type { MetricDefinition, Sample } from '../../src/sources/routeros/collectors/collector.js';
import type { AgentConfig, OtlpConfig, ServerConfig } from '../../src/config/types.js';
import type { CollectorState, RouterSnapshot, SnapshotSource } from '../../src/engine/snapshot.js';
import { ROUTEROS } from '../../src/sources/routeros/descriptor.js';

export const RX_BYTES: MetricDefinition = {
  name: 'routeros.interface.receive.bytes',
  kind: 'counter',
  unit: 'By',
  description: 'Bytes received on the interface.',
  attributes: ['interface'],
};

export const CPU_LOAD: MetricDefinition = {
  name: 'routeros.system.cpu.utilization.ratio',
  kind: 'gauge',
  unit: '1',
  description: 'CPU load, 0 to 1.',
  attributes: [],
};

export function sample(metric: MetricDefinition, value: number, attributes: Record<string, string> = {}): Sample {
  return { metric, attributes, value };
}

export function collectorState(samples: readonly Sample[], overrides: Partial<CollectorState> = {}): CollectorState {
  return { status: 'ok', samples, durationSeconds: 0.25, finishedAtMillis: 1_700_000_000_000, dropped: 0, ...overrides };
}

export function routerSnapshot(
  name: string,
  collectors: Record<string, CollectorState>,
  overrides: Partial<RouterSnapshot> = {},
): RouterSnapshot {
  return {
    source: ROUTEROS,
    name,
    identity: { router: name },
    address: `192.0.2.1:8728`,
    labels: {},
    up: true,
    lastSuccessMillis: 1_700_000_000_000,
    consecutiveFailures: 0,
    collectors: new Map(Object.entries(collectors)),
    ...overrides,
  };
}

/** A SnapshotSource whose routers tests replace between collects. */
export class TestSnapshotSource implements SnapshotSource {
  routers: RouterSnapshot[];
  firstRoundDone: boolean;

  constructor(routers: RouterSnapshot[] = [], firstRoundDone = true) {
    this.routers = routers;
    this.firstRoundDone = firstRoundDone;
  }

  snapshots(): readonly RouterSnapshot[] {
    return this.routers;
  }
}

export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    maxConcurrentScrapes: 4,
    requestTimeoutMillis: 10_000,
    maxHeaderBytes: 16_384,
    ...overrides,
  };
}

export function otlpConfig(overrides: Partial<OtlpConfig> = {}): OtlpConfig {
  return {
    enabled: false,
    endpoint: 'http://127.0.0.1:4318/v1/metrics',
    protocol: 'http/protobuf',
    headers: {},
    intervalMillis: 60_000,
    timeoutMillis: 5_000,
    compression: 'none',
    temporality: 'cumulative',
    caFile: '',
    clientCertFile: '',
    clientKeyFile: '',
    ...overrides,
  };
}

export function agentConfig(overrides: { otlp?: Partial<OtlpConfig>; resourceAttributes?: Record<string, string> } = {}): AgentConfig {
  return {
    server: serverConfig(),
    collection: { intervalMillis: 30_000, timeoutMillis: 10_000, concurrency: 4, startupCheck: 'warn' },
    otlp: otlpConfig(overrides.otlp),
    sections: { simulator: { enabled: false, count: 0, profile: '', host: '127.0.0.1', portBase: 0 } },
    log: { level: 'info', format: 'json' },
    resourceAttributes: overrides.resourceAttributes ?? {},
  };
}
