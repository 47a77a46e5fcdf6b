/**
 * The agent's OpenTelemetry pipeline: one MeterProvider with the agent's Resource, a Prometheus reader
 * served from the agent's own HTTP server, and optionally a periodic OTLP push. Target data reaches
 * `/metrics` through the exposition (src/exposition/: rendered when a snapshot changes, concatenated when
 * scraped) and OTLP through a SnapshotMetricProducer; the Prometheus reader itself only holds the agent's
 * own instruments and `target_info`.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { OTLPMetricExporter as OTLPJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { gzipSync } from 'node:zlib';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { AgentConfig, OtlpConfig } from '../config/types.js';
import { withDeadline } from '../engine/deadline.js';
import type { SnapshotSource, TargetSnapshot } from '../engine/snapshot.js';
import type { ByteRanges } from '../exposition/byte-ranges.js';
import { SnapshotExposition } from '../exposition/exposition.js';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_TEXT_CONTENT_TYPE, type ExpositionFormat } from '../exposition/format.js';
import { SdkPartSerializer } from '../exposition/sdk-part.js';
import { GZIP_LEVEL } from '../exposition/target-render.js';
import { BatchingMetricExporter } from './batching-exporter.js';
import { AGENT_METER_NAME, AgentMetrics } from './agent-metrics.js';
import { DiagReporter, formatDiagMessage, subscribeDiagErrors } from './diag-bridge.js';
import { SnapshotMetricProducer } from './snapshot-producer.js';
import { buildInfo } from '../version.js';

/** `service.name` of the agent. */
export const SERVICE_NAME = 'mikrotik-otel-agent';
/**
 * Instrumentation scope of the target metrics: the OTLP scope, and `otel_scope_name` on every target series of
 * /metrics when `server.scope_labels` is on.
 */
export const SNAPSHOT_SCOPE_NAME = 'mikrotik-otel-agent.targets';

/** Options of {@link createTelemetry}. */
export interface TelemetryOptions {
  readonly config: AgentConfig;
  readonly source: SnapshotSource;
  /** Agent version: `service.version` and the scope versions. */
  readonly version: string;
  /**
   * `service.instance.id`.
   * @default os.hostname()
   */
  readonly hostName?: string;
  /**
   * Receives OpenTelemetry errors (failed OTLP exports, collection errors) with OTLP header values and
   * URL credentials redacted, and identical messages passed on at most once per 5 minutes.
   */
  readonly onDiagError?: (message: string) => void;
}

/** What a scrape asks for. */
export interface ScrapeRequest {
  readonly format: ExpositionFormat;
  readonly gzip: boolean;
  /** Deadline of the agent-instrument collect; rejects past it. */
  readonly timeoutMillis: number;
}

/** A scrape's answer: ranges of buffers to write in order (gzip members when asked, which concatenate to one stream). */
export interface ScrapeBody {
  readonly contentType: string;
  readonly ranges: ByteRanges;
  readonly byteLength: number;
}

/** The running pipeline. */
export interface Telemetry {
  readonly meterProvider: MeterProvider;
  readonly agentMetrics: AgentMetrics;
  /** Prometheus reader; its own HTTP server is never started. */
  readonly prometheus: PrometheusExporter;
  /** The `/metrics` body; rejects on failure or after `timeoutMillis`. */
  scrapePrometheus(request: ScrapeRequest): Promise<ScrapeBody>;
  /** The whole text exposition as one string (tests and tools; the server streams scrapePrometheus). */
  collectPrometheus(timeoutMillis: number): Promise<string>;
  /** One target's series alone (a `/probe` answer), from the rendering cache of `/metrics`. */
  renderTarget(snapshot: TargetSnapshot, format: ExpositionFormat, gzip: boolean): readonly Buffer[];
  /** Pushes pending OTLP data now (no-op without OTLP). */
  forceFlush(): Promise<void>;
  /** Final OTLP push, then stops every reader. Idempotent. */
  shutdown(): Promise<void>;
}

/** Builds the pipeline. Throws (naming the config key) when an OTLP endpoint or TLS file is unusable. */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  return new TelemetryImpl(options);
}

class TelemetryImpl implements Telemetry {
  readonly meterProvider: MeterProvider;
  readonly agentMetrics: AgentMetrics;
  readonly prometheus: PrometheusExporter;
  private readonly _exposition: SnapshotExposition;
  private readonly _sdkPart: SdkPartSerializer;
  private readonly _reporter: DiagReporter | undefined;
  private readonly _unsubscribe: () => void;
  private _shutdown: Promise<void> | undefined;

  constructor(options: TelemetryOptions) {
    const { config, source, version } = options;
    const scopeLabels = config.server.scopeLabels === true;
    // No producer on this reader: target data goes through the exposition, rendered ahead of the scrape.
    this.prometheus = new PrometheusExporter({ preventServerStart: true });
    this._sdkPart = new SdkPartSerializer(scopeLabels);
    this._exposition = new SnapshotExposition({
      source,
      ...(scopeLabels ? { scope: { name: SNAPSHOT_SCOPE_NAME, version } } : {}),
    });
    // Typed as IMetricReader[]: the exporters bring their own declaration of MetricReader (each exporter package brings its own copy of the sdk-metrics types).
    const readers: IMetricReader[] = [this.prometheus];
    // The agent's instruments need the provider, the provider needs the readers: the export counter is late-bound.
    let onOtlpExport: (result: 'ok' | 'failed') => void = () => {};
    if (config.otlp.enabled) {
      readers.push(createOtlpReader(config.otlp, source, version, (result) => onOtlpExport(result)));
    }
    this.meterProvider = new MeterProvider({
      resource: agentResource(config, version, options.hostName ?? hostname()),
      readers,
    });
    this.agentMetrics = new AgentMetrics(this.meterProvider.getMeter(AGENT_METER_NAME, version), { ...buildInfo(), version });
    const agentMetrics = this.agentMetrics;
    onOtlpExport = (result) => agentMetrics.recordOtlpExport(result);
    // Subscribed last: nothing above may throw after the process-wide diag logger is taken.
    const onDiagError = options.onDiagError;
    const reporter =
      onDiagError === undefined ? undefined : new DiagReporter({ onError: onDiagError, secrets: otlpSecrets(config.otlp) });
    this._reporter = reporter;
    this._unsubscribe = reporter === undefined ? () => {} : subscribeDiagErrors((message) => reporter.report(message));
    // Last: the timer must not outlive a constructor that threw.
    this._exposition.start();
  }

  async scrapePrometheus(request: ScrapeRequest): Promise<ScrapeBody> {
    const { timeoutMillis, format, gzip } = request;
    const { resourceMetrics, errors } = await withDeadline(
      this.prometheus.collect({ timeoutMillis }),
      timeoutMillis,
      `metrics collection timed out after ${timeoutMillis} ms`,
    );
    for (const error of errors) {
      this._reporter?.report(formatDiagMessage('prometheus collect:', [error]));
    }
    // Snapshots that arrived since the background render are rendered now, in slices: a scrape right after
    // a poll round must not render the whole fleet in one go.
    await this._exposition.refresh();
    const headText = Buffer.from(this._sdkPart.serialize(resourceMetrics, format));
    const head = gzip ? gzipSync(headText, { level: GZIP_LEVEL }) : headText;
    const body = this._exposition.body(format, gzip, head);
    for (const error of body.errors) {
      this._reporter?.report(`prometheus exposition: ${error}`);
    }
    return {
      contentType: format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_TEXT_CONTENT_TYPE,
      ranges: body.ranges,
      byteLength: body.byteLength,
    };
  }

  renderTarget(snapshot: TargetSnapshot, format: ExpositionFormat, gzip: boolean): readonly Buffer[] {
    const body = this._exposition.targetBody(snapshot, format, gzip);
    for (const error of body.errors) this._reporter?.report(`prometheus exposition: ${error}`);
    return body.chunks;
  }

  async collectPrometheus(timeoutMillis: number): Promise<string> {
    const body = await this.scrapePrometheus({ format: 'text', gzip: false, timeoutMillis });
    return body.ranges.concat().toString('utf8');
  }

  async forceFlush(): Promise<void> {
    await this.meterProvider.forceFlush();
  }

  shutdown(): Promise<void> {
    this._exposition.stop();
    this._shutdown ??= this.meterProvider.shutdown().finally(() => this._unsubscribe());
    return this._shutdown;
  }
}

/**
 * defaultResource (SDK identity) < the agent's identity < `resource_attributes` from the config <
 * `OTEL_RESOURCE_ATTRIBUTES` / `OTEL_SERVICE_NAME` (later wins).
 */
function agentResource(config: AgentConfig, version: string, hostName: string): Resource {
  return defaultResource()
    .merge(
      resourceFromAttributes({
        'service.name': SERVICE_NAME,
        'service.version': version,
        'service.instance.id': hostName,
      }),
    )
    .merge(resourceFromAttributes({ ...config.resourceAttributes }))
    .merge(detectResources({ detectors: [envDetector] }));
}

type OtlpExporterOptions = NonNullable<ConstructorParameters<typeof OTLPProtoMetricExporter>[0]>;

function createOtlpReader(
  otlp: OtlpConfig,
  source: SnapshotSource,
  version: string,
  onExport: (result: 'ok' | 'failed') => void,
): IMetricReader {
  const exporterOptions: OtlpExporterOptions = {
    url: otlpMetricsUrl(otlp.endpoint),
    headers: { ...otlp.headers },
    compression: otlp.compression as OtlpExporterOptions['compression'],
    timeoutMillis: otlp.timeoutMillis,
    // DELTA also turns the agent's own counters and histograms into deltas on this reader only.
    temporalityPreference:
      otlp.temporality === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE,
    ...tlsAgentOptions(otlp),
  };
  const inner: PushMetricExporter =
    otlp.protocol === 'http/json' ? new OTLPJsonMetricExporter(exporterOptions) : new OTLPProtoMetricExporter(exporterOptions);
  // Requests of bounded size: a big fleet's encoding runs in slices with the event loop free in between.
  const exporter = new BatchingMetricExporter(inner);
  return new PeriodicExportingMetricReader({
    exporter: new CountingExporter(exporter, onExport),
    exportIntervalMillis: otlp.intervalMillis,
    // The reader throws when the timeout exceeds the interval; an export can never outlast its interval anyway.
    exportTimeoutMillis: Math.min(otlp.timeoutMillis, otlp.intervalMillis),
    metricProducers: [
      // Points built a request at a time by the batching exporter, never the whole fleet's at once.
      new SnapshotMetricProducer(source, {
        temporality: otlp.temporality,
        scopeName: SNAPSHOT_SCOPE_NAME,
        scopeVersion: version,
        deferPoints: true,
      }),
    ],
  });
}

/**
 * Reports the result of every push, so `mikrotik_agent_otlp_exports_total{result="failed"}` can be alerted on.
 * Everything else, the temporality and aggregation choice included, is the wrapped exporter's.
 */
class CountingExporter implements PushMetricExporter {
  constructor(
    private readonly _exporter: PushMetricExporter,
    private readonly _onExport: (result: 'ok' | 'failed') => void,
  ) {
    const { selectAggregationTemporality, selectAggregation } = _exporter;
    if (selectAggregationTemporality !== undefined) this.selectAggregationTemporality = selectAggregationTemporality.bind(_exporter);
    if (selectAggregation !== undefined) this.selectAggregation = selectAggregation.bind(_exporter);
  }

  selectAggregationTemporality?: PushMetricExporter['selectAggregationTemporality'];
  selectAggregation?: PushMetricExporter['selectAggregation'];

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this._exporter.export(metrics, (result) => {
      this._onExport(result.code === ExportResultCode.SUCCESS ? 'ok' : 'failed');
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this._exporter.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._exporter.shutdown();
  }
}

/**
 * The URL to POST to. `endpoint` is the full metrics URL; a bare base URL (no path, as in
 * `http://127.0.0.1:4318`) gets the standard `/v1/metrics` path.
 */
export function otlpMetricsUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error('otlp.endpoint: not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`otlp.endpoint: must be an http or https URL, got ${url.protocol}`);
  }
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v1/metrics';
  return url.toString();
}

function tlsAgentOptions(otlp: OtlpConfig): Pick<OtlpExporterOptions, 'httpAgentOptions'> {
  if ((otlp.clientCertFile === '') !== (otlp.clientKeyFile === '')) {
    throw new Error('otlp.client_cert_file and otlp.client_key_file must be set together');
  }
  if (otlp.caFile === '' && otlp.clientCertFile === '') return {};
  return {
    httpAgentOptions: {
      keepAlive: true,
      ...(otlp.caFile === '' ? {} : { ca: readPem('otlp.ca_file', otlp.caFile) }),
      ...(otlp.clientCertFile === ''
        ? {}
        : { cert: readPem('otlp.client_cert_file', otlp.clientCertFile), key: readPem('otlp.client_key_file', otlp.clientKeyFile) }),
    },
  };
}

function readPem(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`${key}: cannot read ${path} (${code})`);
  }
}

/** Header values (and the credential after an auth scheme) plus URL credentials: never to be logged. */
function otlpSecrets(otlp: OtlpConfig): string[] {
  const values = [...Object.values(otlp.headers), ...envHeaderValues()];
  const secrets: string[] = [];
  for (const value of values) {
    secrets.push(value);
    const space = value.indexOf(' ');
    if (space > 0) secrets.push(value.slice(space + 1).trim());
  }
  try {
    const url = new URL(otlp.endpoint);
    if (url.username !== '') secrets.push(url.username, decodeURIComponent(url.username));
    if (url.password !== '') secrets.push(url.password, decodeURIComponent(url.password));
  } catch {
    // An invalid endpoint fails later with its own error.
  }
  return secrets;
}

/** Values of the OTLP header environment variables the exporter also reads. */
function envHeaderValues(): string[] {
  const values: string[] = [];
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS']) {
    for (const entry of (process.env[name] ?? '').split(',')) {
      const equals = entry.indexOf('=');
      if (equals === -1) continue;
      const raw = entry.slice(equals + 1).trim();
      values.push(raw);
      try {
        values.push(decodeURIComponent(raw));
      } catch {
        // Not percent-encoded: the raw value is already listed.
      }
    }
  }
  return values;
}
