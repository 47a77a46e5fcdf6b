import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_METRIC_DEFINITIONS, AgentMetrics } from '../../src/telemetry/agent-metrics.js';

class TestMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let provider: MeterProvider | undefined;

afterEach(async () => {
  await provider?.shutdown();
  provider = undefined;
});

async function recorded(record: (metrics: AgentMetrics) => void): Promise<MetricData[]> {
  const reader = new TestMetricReader();
  provider = new MeterProvider({ readers: [reader] });
  const metrics = new AgentMetrics(provider.getMeter('mikrotik-otel-agent'));
  record(metrics);
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}

describe('AgentMetrics', () => {
  it('mikrotik_agent.build.info is 1 with the version, Node version and commit it was given', async () => {
    const reader = new TestMetricReader();
    provider = new MeterProvider({ readers: [reader] });
    new AgentMetrics(provider.getMeter('mikrotik-otel-agent'), { version: '9.8.7', nodeVersion: 'v24.1.0', commit: '0123456789ab' });
    const { resourceMetrics } = await reader.collect();
    const info = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === 'mikrotik_agent.build.info');
    expect(info?.dataPoints.map((point) => [point.attributes, point.value])).toEqual([
      [{ version: '9.8.7', node_version: 'v24.1.0', commit: '0123456789ab' }, 1],
    ]);
  });

  it('creates exactly the listed instruments with their unit and description', async () => {
    const data = await recorded((metrics) => {
      metrics.recordCollectorRun('interface', 'ok', 0.1);
      metrics.recordPoll('core1', 'error', 2);
      metrics.recordConnectionAttempt('auth_failed');
      metrics.recordConnectionState(undefined, 'connecting');
      metrics.recordHttpRequest('/metrics', 503, 0.02);
      metrics.recordOtlpExport('failed');
      metrics.observeAgentState(() => ({
        lastReloadSuccessful: false,
        lastReloadSuccessMillis: 1_700_000_000_000,
        shard: { index: 1, count: 3 },
        targets: { routeros: 7 },
        discoveryFiles: [{ source: 'routeros', file: '/etc/targets/a.json', ok: false }],
      }));
    });

    expect(data.map((metric) => metric.descriptor.name).sort()).toEqual(
      AGENT_METRIC_DEFINITIONS.map((definition) => definition.name).sort(),
    );
    for (const definition of AGENT_METRIC_DEFINITIONS) {
      const metric = data.find((entry) => entry.descriptor.name === definition.name);
      expect(metric?.descriptor.unit).toBe(definition.unit);
      expect(metric?.descriptor.description).toBe(definition.description);
      // A gauge is an UpDownCounter (a non-monotonic sum) when it counts, an observable gauge when it reads a state.
      const types = definition.kind === 'histogram' ? [DataPointType.HISTOGRAM] : definition.kind === 'gauge' ? [DataPointType.SUM, DataPointType.GAUGE] : [DataPointType.SUM];
      expect(types).toContain(metric?.dataPointType);
      if (metric?.dataPointType === DataPointType.SUM) expect(metric.isMonotonic).toBe(definition.kind === 'counter');
      for (const point of metric?.dataPoints ?? []) {
        expect(Object.keys(point.attributes).sort()).toEqual([...definition.attributes].sort());
      }
    }
  });

  it('reports the reload and shard state read at collection', async () => {
    const data = await recorded((metrics) =>
      metrics.observeAgentState(() => ({
        lastReloadSuccessful: true,
        lastReloadSuccessMillis: 1_700_000_000_000,
        shard: { index: 2, count: 3 },
        targets: { routeros: 5 },
      })),
    );
    const value = (name: string) => {
      const metric = data.find((entry) => entry.descriptor.name === name);
      return metric?.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value }));
    };
    expect(value('mikrotik_agent.config.last_reload.successful')).toEqual([{ attributes: {}, value: 1 }]);
    expect(value('mikrotik_agent.config.last_reload.success_timestamp.seconds')).toEqual([{ attributes: {}, value: 1_700_000_000 }]);
    expect(value('mikrotik_agent.shard.targets')).toEqual([{ attributes: { source: 'routeros', shard: '2', shard_count: '3' }, value: 5 }]);
  });

  it('records attributes by definition, never the router name on poll histograms', async () => {
    const data = await recorded((metrics) => {
      metrics.recordPoll('core1', 'ok', 0.5);
      metrics.recordHttpRequest('other', 404, 0.001);
      metrics.recordHttpRequest('other', 404, 0.001);
    });
    const poll = data.find((metric) => metric.descriptor.name === 'mikrotik_agent.poll.duration.seconds');
    expect(poll?.dataPoints.map((point) => point.attributes)).toEqual([{ result: 'ok' }]);
    const requests = data.find((metric) => metric.descriptor.name === 'mikrotik_agent.http.server.requests');
    expect(requests?.dataPoints.map((point) => [point.attributes, point.value])).toEqual([[{ route: 'other', code: '404' }, 2]]);
  });

  it('counts routers per connection state as they move between states', async () => {
    const data = await recorded((metrics) => {
      for (let router = 0; router < 3; router++) metrics.recordConnectionState(undefined, 'connecting');
      metrics.recordConnectionState('connecting', 'connected');
      metrics.recordConnectionState('connecting', 'connected');
      metrics.recordConnectionState('connecting', 'auth_backoff');
      metrics.recordConnectionState('connected', 'backoff');
      metrics.recordConnectionState('backoff', 'connected');
      metrics.recordConnectionState('connected', 'connecting');
      metrics.recordConnectionState('connecting', 'connecting');
      metrics.recordConnectionState('connected', undefined);
    });
    const connections = data.find((metric) => metric.descriptor.name === 'mikrotik_agent.router.connections');
    const byState = Object.fromEntries((connections?.dataPoints ?? []).map((point) => [point.attributes['state'], point.value]));
    // Routers: one stopped, one reconnecting, one locked out; every state is reported, 0 included.
    expect(byState).toEqual({ connecting: 1, connected: 0, auth_backoff: 1, backoff: 0 });
  });

  it('reports every connection state as 0 before any router is polled', async () => {
    const data = await recorded(() => undefined);
    const connections = data.find((metric) => metric.descriptor.name === 'mikrotik_agent.router.connections');
    expect(connections?.dataPoints.map((point) => [point.attributes['state'], point.value])).toEqual([
      ['connecting', 0],
      ['connected', 0],
      ['backoff', 0],
      ['auth_backoff', 0],
    ]);
  });

  it('uses second-scale buckets and clamps negative or invalid durations to 0', async () => {
    const data = await recorded((metrics) => {
      metrics.recordCollectorRun('c', 'error', -3);
      metrics.recordCollectorRun('c', 'error', Number.NaN);
    });
    const histogram = data.find((metric) => metric.descriptor.name === 'mikrotik_agent.collector.duration.seconds');
    if (histogram?.dataPointType !== DataPointType.HISTOGRAM) throw new Error('not a histogram');
    const value = histogram.dataPoints[0]?.value;
    expect(value?.count).toBe(2);
    expect(value?.sum).toBe(0);
    expect(value?.buckets.boundaries.slice(0, 3)).toEqual([0.005, 0.01, 0.025]);
  });
});
