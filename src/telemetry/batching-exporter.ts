/**
 * A push exporter that hands its inner exporter requests of at most `maxPoints` data points, one after
 * the other. The OTLP exporters encode a whole request synchronously (protobuf or JSON) before sending it,
 * so one export of a large fleet would hold the event loop for the whole encoding; batches keep each
 * encoding short, and the loop runs between them. Splitting a metric's points over several requests is
 * plain OTLP: every request carries the resource, scope and metric descriptor again.
 *
 * Points a producer deferred (deferred-points.ts) are built here, one request at a time, so a fleet's
 * points never all exist at once.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type {
  AggregationOption,
  AggregationTemporality,
  InstrumentType,
  MetricData,
  PushMetricExporter,
  ResourceMetrics,
  ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { deferredPointsOf, pointCount, type DeferredPoints } from './deferred-points.js';

/** Points per request by default: a few milliseconds of protobuf encoding on a slow core. */
export const DEFAULT_MAX_POINTS_PER_EXPORT = 2_000;

export class BatchingMetricExporter implements PushMetricExporter {
  readonly selectAggregationTemporality?: (instrumentType: InstrumentType) => AggregationTemporality;
  readonly selectAggregation?: (instrumentType: InstrumentType) => AggregationOption;

  constructor(
    private readonly _inner: PushMetricExporter,
    private readonly _maxPoints = DEFAULT_MAX_POINTS_PER_EXPORT,
  ) {
    // Only where the inner exporter has them: the reader falls back to its defaults otherwise.
    if (_inner.selectAggregationTemporality !== undefined) {
      this.selectAggregationTemporality = (type) => _inner.selectAggregationTemporality!(type);
    }
    if (_inner.selectAggregation !== undefined) {
      this.selectAggregation = (type) => _inner.selectAggregation!(type);
    }
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    void this._exportAll(resourceMetricsBatches(metrics, this._maxPoints)).then(resultCallback, (err: unknown) =>
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) }),
    );
  }

  /** Sends the batches in order, each made when its turn comes; stops at the first failure, which is the result. */
  private async _exportAll(batches: Iterator<ResourceMetrics>): Promise<ExportResult> {
    for (let sent = 0; ; sent += 1) {
      if (sent > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      // The batch is not held while its request is out: the inner exporter has encoded it by then, and
      // points that lived through the round trip would reach the old generation, a request's worth each.
      const result = await this._sendNext(batches);
      if (result === undefined) return { code: ExportResultCode.SUCCESS };
      if (result.code !== ExportResultCode.SUCCESS) return result;
    }
  }

  /** Sends the next batch; undefined when there is none. */
  private _sendNext(batches: Iterator<ResourceMetrics>): Promise<ExportResult> | undefined {
    const next = batches.next();
    if (next.done === true) return undefined;
    return new Promise<ExportResult>((resolve) => this._inner.export(next.value, resolve));
  }

  forceFlush(): Promise<void> {
    return this._inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._inner.shutdown();
  }
}

/**
 * The same data in requests of at most `maxPoints` points (a histogram point counts as one), scopes and
 * metrics in their order; a metric larger than a request is split over several. Nothing is dropped:
 * a ResourceMetrics without points still gives one (empty) request, as the reader would have sent.
 */
export function splitResourceMetrics(metrics: ResourceMetrics, maxPoints: number): ResourceMetrics[] {
  return [...resourceMetricsBatches(metrics, maxPoints)];
}

/** {@link splitResourceMetrics} one request at a time: deferred points are built as their request is made. */
export function* resourceMetricsBatches(metrics: ResourceMetrics, maxPoints: number): Generator<ResourceMetrics> {
  const limit = Math.max(1, Math.floor(maxPoints));
  let scopes: ScopeMetrics[] = [];
  let points = 0;
  let made = 0;
  const batch = (): ResourceMetrics => {
    const done = { resource: metrics.resource, scopeMetrics: scopes };
    scopes = [];
    points = 0;
    made += 1;
    return done;
  };
  const add = (scope: ScopeMetrics['scope'], metric: MetricData, count: number): void => {
    let last = scopes[scopes.length - 1];
    if (last === undefined || last.scope !== scope) {
      last = { scope, metrics: [] };
      scopes.push(last);
    }
    last.metrics.push(metric);
    points += count;
  };
  for (const { scope, metrics: list } of metrics.scopeMetrics) {
    for (const metric of list) {
      const deferred = deferredPointsOf(metric);
      const total = pointCount(metric);
      let offset = 0;
      do {
        if (points >= limit) yield batch();
        const take = Math.min(limit - points, total - offset);
        const whole = offset === 0 && take === total && deferred === undefined;
        add(scope, whole ? metric : withPoints(metric, offset, offset + take, deferred), take);
        offset += take;
      } while (offset < total);
    }
  }
  if (scopes.length > 0 || made === 0) yield batch();
}

/** A metric with a slice of its points (the union keeps its own point type). */
function withPoints(metric: MetricData, start: number, end: number, deferred: DeferredPoints | undefined): MetricData {
  return { ...metric, dataPoints: deferred === undefined ? metric.dataPoints.slice(start, end) : deferred.points(start, end) } as MetricData;
}
