/**
 * BatchingMetricExporter in front of the real OTLP/HTTP JSON exporter, against a real HTTP receiver: a
 * big collect arrives as several requests of bounded size that together hold every point once, in order.
 */
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, InstrumentType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchingMetricExporter, splitResourceMetrics } from '../../src/telemetry/batching-exporter.js';
import { SnapshotMetricProducer } from '../../src/telemetry/snapshot-producer.js';
import { RX_BYTES, TestSnapshotSource, collectorState, routerSnapshot, sample } from './fixtures.js';
import { OtlpReceiver, type OtlpJsonPoint } from './otlp-receiver.js';

const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.stop();
});

async function fleetMetrics(routers: number, interfaces: number): Promise<ResourceMetrics> {
  const fleet = Array.from({ length: routers }, (_, router) =>
    routerSnapshot(`r${router}`, {
      interface: collectorState(Array.from({ length: interfaces }, (_, index) => sample(RX_BYTES, index, { interface: `e${index}` }))),
    }),
  );
  const { resourceMetrics } = await new SnapshotMetricProducer(new TestSnapshotSource(fleet), { scopeName: 'test' }).collect();
  return { ...resourceMetrics, resource: resourceFromAttributes({ 'service.name': 'test' }) };
}

function pointCount(metrics: ResourceMetrics): number {
  return metrics.scopeMetrics.reduce((sum, scope) => sum + scope.metrics.reduce((inner, metric) => inner + metric.dataPoints.length, 0), 0);
}

function exportOnce(exporter: BatchingMetricExporter, metrics: ResourceMetrics): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

describe('BatchingMetricExporter', () => {
  it('splits a big export into requests of at most maxPoints that hold every point once, in order', async () => {
    const receiver = new OtlpReceiver();
    receivers.push(receiver);
    const url = await receiver.start();
    const metrics = await fleetMetrics(30, 100);
    const total = pointCount(metrics);
    const exporter = new BatchingMetricExporter(new OTLPMetricExporter({ url: `${url}/v1/metrics` }), 500);

    const result = await exportOnce(exporter, metrics);

    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const requests = receiver.json();
    expect(requests).toHaveLength(Math.ceil(total / 500));
    const received: string[] = [];
    for (const request of requests) {
      let inRequest = 0;
      for (const resource of request.resourceMetrics) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            const points: OtlpJsonPoint[] = metric.sum?.dataPoints ?? metric.gauge?.dataPoints ?? [];
            inRequest += points.length;
            for (const point of points) received.push(`${metric.name}${JSON.stringify(point.attributes)}`);
          }
        }
      }
      expect(inRequest).toBeLessThanOrEqual(500);
    }
    const expected = metrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        metric.dataPoints.map(
          (point) =>
            `${metric.descriptor.name}${JSON.stringify(Object.entries(point.attributes).map(([key, value]) => ({ key, value: { stringValue: value } })))}`,
        ),
      ),
    );
    expect(received).toEqual(expected);
    await exporter.shutdown();
  });

  it('reports the first failed request and sends no more', async () => {
    const receiver = new OtlpReceiver();
    receivers.push(receiver);
    receiver.status = 400;
    const url = await receiver.start();
    const exporter = new BatchingMetricExporter(new OTLPMetricExporter({ url: `${url}/v1/metrics` }), 100);

    const result = await exportOnce(exporter, await fleetMetrics(5, 100));

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(receiver.requests).toHaveLength(1);
    await exporter.shutdown();
  });

  it('keeps the inner exporter\'s temporality choice (the reader asks the wrapper)', () => {
    const inner = new OTLPMetricExporter({
      url: 'http://127.0.0.1:9/v1/metrics',
      temporalityPreference: AggregationTemporalityPreference.DELTA,
    });
    const exporter = new BatchingMetricExporter(inner);
    expect(exporter.selectAggregationTemporality?.(InstrumentType.COUNTER)).toBe(AggregationTemporality.DELTA);
    void exporter.shutdown();
  });

  it('splits nothing away: an export without points is still one request', () => {
    const empty: ResourceMetrics = { resource: resourceFromAttributes({}), scopeMetrics: [] };
    expect(splitResourceMetrics(empty, 10)).toEqual([empty]);
  });
});
