import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricDefinition } from '../../src/sources/routeros/collectors/collector.js';
import type { OtlpConfig } from '../../src/config/types.js';
import { createTelemetry, otlpMetricsUrl, type Telemetry } from '../../src/telemetry/provider.js';
import {
  CPU_LOAD,
  RX_BYTES,
  TestSnapshotSource,
  agentConfig,
  collectorState,
  routerSnapshot,
  sample,
} from './fixtures.js';
import { OtlpReceiver, attribute, metricsByName, type OtlpJsonPoint } from './otlp-receiver.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

function track(telemetry: Telemetry): Telemetry {
  cleanups.push(() => telemetry.shutdown());
  return telemetry;
}

async function startReceiver(): Promise<{ receiver: OtlpReceiver; url: string }> {
  const receiver = new OtlpReceiver();
  const url = await receiver.start();
  cleanups.push(() => receiver.stop());
  return { receiver, url };
}

function coreRouter(rx: number): ReturnType<typeof routerSnapshot> {
  return routerSnapshot(
    'core1',
    {
      interface: collectorState([sample(RX_BYTES, rx, { interface: 'ether1' })]),
      system: collectorState([sample(CPU_LOAD, 0.5)]),
    },
    { labels: { site: 'lab' } },
  );
}

function nanos(value: string | number): bigint {
  return BigInt(value);
}

describe('createTelemetry', () => {
  describe('collectPrometheus', () => {
    it.each([
      ['without scope labels (the default)', false],
      ['with scope labels (server.scope_labels)', true],
    ])('serializes the resource, the agent metrics and the router metrics %s', async (_title, scopeLabels) => {
      const scope = (labels: string): string => (scopeLabels ? `,${labels}` : '');
      const scopeRouteros = scope('otel_scope_name="mikrotik-otel-agent.targets",otel_scope_version="0.1.0"');
      const scopeAgent = scope('otel_scope_name="mikrotik-otel-agent",otel_scope_version="0.1.0"');
      vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment=prod,team=net');
      const source = new TestSnapshotSource([coreRouter(1234)]);
      const base = agentConfig({ resourceAttributes: { 'deployment.environment': 'test', region: 'eu' } });
      const telemetry = track(
        createTelemetry({
          config: { ...base, server: { ...base.server, scopeLabels } },
          source,
          version: '0.1.0',
          hostName: 'agent-host',
        }),
      );
      telemetry.agentMetrics.recordHttpRequest('/metrics', 200, 0.01);

      const text = await telemetry.collectPrometheus(1000);

      expect(text.startsWith('# HELP target_info Target metadata\n# TYPE target_info gauge\n')).toBe(true);
      const targetInfo = text.split('\n').find((line) => line.startsWith('target_info{'));
      expect(targetInfo).toContain('service_name="mikrotik-otel-agent"');
      expect(targetInfo).toContain('service_version="0.1.0"');
      expect(targetInfo).toContain('service_instance_id="agent-host"');
      expect(targetInfo).toContain('region="eu"');
      expect(targetInfo).toContain('team="net"');
      // OTEL_RESOURCE_ATTRIBUTES wins over the config.
      expect(targetInfo).toContain('deployment_environment="prod"');
      expect(text).toContain(
        [
          '# HELP routeros_interface_receive_bytes_total Bytes received on the interface.',
          '# UNIT routeros_interface_receive_bytes_total By',
          '# TYPE routeros_interface_receive_bytes_total counter',
          `routeros_interface_receive_bytes_total{router="core1",site="lab",interface="ether1"${scopeRouteros}} 1234`,
          '',
        ].join('\n'),
      );
      expect(text).toContain(
        [
          '# HELP routeros_up Whether the last poll of the router succeeded (1) or not (0).',
          '# TYPE routeros_up gauge',
          `routeros_up{router="core1",site="lab"${scopeRouteros}} 1`,
          '',
        ].join('\n'),
      );
      expect(text).toContain(
        `routeros_system_cpu_utilization_ratio{router="core1",site="lab"${scopeRouteros}} 0.5\n`,
      );
      expect(text).toContain(
        `mikrotik_agent_http_server_requests_total{route="/metrics",code="200"${scopeAgent}} 1\n`,
      );
      expect(text).toContain(
        `mikrotik_agent_http_server_request_duration_seconds_bucket{route="/metrics"${scopeAgent},le="0.01"} 1\n`,
      );
    });

    it('drops a vanished series and a down router\'s samples on the next scrape', async () => {
      const source = new TestSnapshotSource([coreRouter(10)]);
      const telemetry = track(createTelemetry({ config: agentConfig(), source, version: '0.1.0', hostName: 'h' }));
      expect(await telemetry.collectPrometheus(1000)).toContain('routeros_interface_receive_bytes_total{');

      source.routers = [routerSnapshot('core1', { interface: collectorState([], { status: 'error' }) }, { up: false })];
      const text = await telemetry.collectPrometheus(1000);

      expect(text).not.toContain('routeros_interface_receive_bytes_total');
      expect(text).not.toContain('routeros_system_cpu_utilization_ratio');
      expect(text).toContain('routeros_up{router="core1"} 0\n');
      expect(text).toContain('routeros_collection_success{router="core1",collector="interface"} 0\n');
    });

    it('reports collection errors through onDiagError once per window and still serializes', async () => {
      const clash: MetricDefinition = { ...RX_BYTES, kind: 'gauge' };
      const source = new TestSnapshotSource([
        routerSnapshot('r', {
          a: collectorState([sample(RX_BYTES, 1, { interface: 'e1' })]),
          b: collectorState([sample(clash, 2, { interface: 'e2' })]),
        }),
      ]);
      const messages: string[] = [];
      const telemetry = track(
        createTelemetry({ config: agentConfig(), source, version: '0.1.0', onDiagError: (message) => messages.push(message) }),
      );

      const text = await telemetry.collectPrometheus(1000);
      await telemetry.collectPrometheus(1000);

      expect(text).toContain('routeros_interface_receive_bytes_total{router="r",interface="e1"');
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('two different definitions share this name');
    });

    it('rejects once shut down (the server answers 5xx)', async () => {
      const telemetry = createTelemetry({ config: agentConfig(), source: new TestSnapshotSource(), version: '0.1.0' });
      await telemetry.shutdown();
      await telemetry.shutdown();
      await expect(telemetry.collectPrometheus(1000)).rejects.toThrow();
    });
  });

  describe('OTLP', () => {
    it('pushes http/json with cumulative counters keeping their start time', async () => {
      const { receiver, url } = await startReceiver();
      const source = new TestSnapshotSource([coreRouter(100)]);
      const telemetry = track(
        createTelemetry({
          config: agentConfig({ otlp: { enabled: true, protocol: 'http/json', endpoint: url, headers: { 'X-Tenant': 'lab' } } }),
          source,
          version: '0.1.0',
          hostName: 'agent-host',
        }),
      );

      await telemetry.forceFlush();
      source.routers = [coreRouter(250)];
      await telemetry.forceFlush();

      expect(receiver.requests).toHaveLength(2);
      expect(receiver.requests[0]?.url).toBe('/v1/metrics');
      expect(receiver.requests[0]?.headers['content-type']).toBe('application/json');
      expect(receiver.requests[0]?.headers['x-tenant']).toBe('lab');
      const [first, second] = receiver.json();
      const resource = first?.resourceMetrics[0]?.resource.attributes ?? [];
      expect(attribute(resource, 'service.name')).toBe('mikrotik-otel-agent');
      expect(attribute(resource, 'service.instance.id')).toBe('agent-host');

      const rx1 = first && metricsByName(first).get(RX_BYTES.name);
      const rx2 = second && metricsByName(second).get(RX_BYTES.name);
      expect(rx1?.sum?.isMonotonic).toBe(true);
      expect(rx1?.sum?.aggregationTemporality).toBe(2); // CUMULATIVE
      expect(rx1?.unit).toBe('By');
      const p1 = rx1?.sum?.dataPoints[0] as OtlpJsonPoint;
      const p2 = rx2?.sum?.dataPoints[0] as OtlpJsonPoint;
      expect([p1.asDouble, p2.asDouble]).toEqual([100, 250]);
      expect(attribute(p1.attributes, 'router')).toBe('core1');
      expect(attribute(p1.attributes, 'interface')).toBe('ether1');
      expect(nanos(p2.startTimeUnixNano)).toBe(nanos(p1.startTimeUnixNano));
      expect(nanos(p2.timeUnixNano)).toBeGreaterThan(nanos(p1.timeUnixNano));
    });

    it('pushes deltas for router counters and agent instruments with temporality delta', async () => {
      const { receiver, url } = await startReceiver();
      const source = new TestSnapshotSource([coreRouter(1000)]);
      const telemetry = track(
        createTelemetry({
          config: agentConfig({ otlp: { enabled: true, protocol: 'http/json', endpoint: url, temporality: 'delta' } }),
          source,
          version: '0.1.0',
        }),
      );
      telemetry.agentMetrics.recordConnectionAttempt('ok');
      await telemetry.forceFlush();

      source.routers = [coreRouter(1600)];
      telemetry.agentMetrics.recordConnectionAttempt('ok');
      telemetry.agentMetrics.recordConnectionAttempt('ok');
      await telemetry.forceFlush();

      source.routers = [coreRouter(40)];
      await telemetry.forceFlush();

      const [first, second, third] = receiver.json().map(metricsByName);
      // First collect: baseline only.
      expect(first?.has(RX_BYTES.name)).toBe(false);
      expect(first?.get('routeros.up')?.gauge?.dataPoints[0]?.asDouble).toBe(1);
      const firstCollect = first?.get('routeros.up')?.gauge?.dataPoints[0]?.timeUnixNano as string;

      const delta = second?.get(RX_BYTES.name)?.sum;
      expect(delta?.aggregationTemporality).toBe(1); // DELTA
      expect(delta?.dataPoints[0]?.asDouble).toBe(600);
      expect(nanos(delta?.dataPoints[0]?.startTimeUnixNano as string)).toBe(nanos(firstCollect));

      const attempts = second?.get('mikrotik_agent.router.connection.attempts')?.sum;
      expect(attempts?.aggregationTemporality).toBe(1);
      expect(Number(attempts?.dataPoints[0]?.asDouble ?? attempts?.dataPoints[0]?.asInt)).toBe(2);

      // Reset (router reboot): the new value, never a negative delta.
      expect(third?.get(RX_BYTES.name)?.sum?.dataPoints[0]?.asDouble).toBe(40);
    });

    it('pushes gzipped protobuf with the configured headers', async () => {
      const { receiver, url } = await startReceiver();
      const telemetry = track(
        createTelemetry({
          config: agentConfig({
            otlp: { enabled: true, protocol: 'http/protobuf', compression: 'gzip', endpoint: `${url}/otlp/v1/metrics`, headers: { Authorization: 'Bearer t0ken' } },
          }),
          source: new TestSnapshotSource([coreRouter(5)]),
          version: '0.1.0',
        }),
      );
      telemetry.agentMetrics.recordPoll('core1', 'ok', 0.2);
      await telemetry.forceFlush();

      const request = receiver.requests[0];
      expect(request?.url).toBe('/otlp/v1/metrics');
      expect(request?.headers['content-type']).toBe('application/x-protobuf');
      expect(request?.headers['content-encoding']).toBe('gzip');
      expect(request?.headers['authorization']).toBe('Bearer t0ken');
      // Protobuf strings are raw UTF-8: the names are visible in the decoded body.
      const body = request?.body.toString('latin1') ?? '';
      for (const name of ['routeros.up', RX_BYTES.name, 'mikrotik_agent.poll.duration.seconds', 'mikrotik-otel-agent.targets', 'core1']) {
        expect(body).toContain(name);
      }
    });

    it('flushes a final export on shutdown', async () => {
      const { receiver, url } = await startReceiver();
      const telemetry = createTelemetry({
        config: agentConfig({ otlp: { enabled: true, protocol: 'http/json', endpoint: url } }),
        source: new TestSnapshotSource([coreRouter(5)]),
        version: '0.1.0',
      });
      await telemetry.shutdown();
      await telemetry.shutdown();
      expect(receiver.requests).toHaveLength(1);
      expect(metricsByName(receiver.json()[0]!).has('routeros.up')).toBe(true);
    });

    it('reports a failed export through onDiagError and forceFlush still resolves', async () => {
      const { receiver, url } = await startReceiver();
      receiver.status = 400;
      const messages: string[] = [];
      const telemetry = track(
        createTelemetry({
          config: agentConfig({ otlp: { enabled: true, protocol: 'http/json', endpoint: url, headers: { Authorization: 'Basic c2VjcmV0LXZhbHVl' } } }),
          source: new TestSnapshotSource([coreRouter(5)]),
          version: '0.1.0',
          onDiagError: (message) => messages.push(message),
        }),
      );
      await telemetry.forceFlush();
      expect(receiver.requests).toHaveLength(1);
      expect(messages.join('\n')).toContain('metrics export failed');
      expect(messages.join('\n')).not.toContain('c2VjcmV0LXZhbHVl');
    });

    it('counts pushes by result in mikrotik_agent_otlp_exports_total', async () => {
      const { receiver, url } = await startReceiver();
      const telemetry = track(
        createTelemetry({
          config: agentConfig({ otlp: { enabled: true, protocol: 'http/json', endpoint: url } }),
          source: new TestSnapshotSource([coreRouter(5)]),
          version: '0.1.0',
          onDiagError: () => undefined,
        }),
      );
      const exportsSeries = async (): Promise<string[]> =>
        (await telemetry.collectPrometheus(5_000)).split('\n').filter((line) => line.startsWith('mikrotik_agent_otlp_exports_total{'));
      expect(await exportsSeries()).toEqual([]);

      await telemetry.forceFlush();
      receiver.status = 503;
      await telemetry.forceFlush();
      await telemetry.forceFlush();

      expect(receiver.requests.length).toBeGreaterThanOrEqual(3);
      const lines = await exportsSeries();
      expect(lines.find((line) => line.includes('result="ok"'))).toMatch(/ 1$/);
      // The exporter may retry a 503 within one push; each push counts once.
      expect(lines.find((line) => line.includes('result="failed"'))).toMatch(/ 2$/);
    });

    it('redacts OTLP header values from diag messages', async () => {
      const messages: string[] = [];
      track(
        createTelemetry({
          config: agentConfig({ otlp: { enabled: true, endpoint: 'http://127.0.0.1:9/v1/metrics', headers: { Authorization: 'Bearer s3cr3t-token' } } }),
          source: new TestSnapshotSource(),
          version: '0.1.0',
          onDiagError: (message) => messages.push(message),
        }),
      );
      diag.error('export failed', new Error('server said: Authorization: Bearer s3cr3t-token'));
      expect(messages).toEqual(['export failed Error: server said: Authorization: <redacted>']);
    });
  });

  describe('configuration errors', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'telemetry-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    });

    function withOtlp(otlp: Partial<OtlpConfig>): () => Telemetry {
      return () => track(createTelemetry({ config: agentConfig({ otlp: { enabled: true, ...otlp } }), source: new TestSnapshotSource(), version: '1' }));
    }

    it('names the key of an unreadable TLS file', () => {
      expect(withOtlp({ caFile: join(dir, 'missing.pem') })).toThrow(/^otlp\.ca_file: cannot read .*missing\.pem \(ENOENT\)$/);
    });

    it('requires client certificate and key together', () => {
      writeFileSync(join(dir, 'cert.pem'), 'x');
      expect(withOtlp({ clientCertFile: join(dir, 'cert.pem') })).toThrow('otlp.client_cert_file and otlp.client_key_file');
    });

    it('rejects an endpoint that is not an http(s) URL without echoing it', () => {
      expect(withOtlp({ endpoint: 'not a url:secret' })).toThrow(/^otlp\.endpoint: not a valid URL$/);
      expect(withOtlp({ endpoint: 'ftp://host/' })).toThrow('otlp.endpoint: must be an http or https URL');
    });

    it('appends /v1/metrics only to a bare base URL', () => {
      expect(otlpMetricsUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318/v1/metrics');
      expect(otlpMetricsUrl('https://gw.example/otlp/v1/metrics')).toBe('https://gw.example/otlp/v1/metrics');
      expect(otlpMetricsUrl('https://gw.example/custom')).toBe('https://gw.example/custom');
    });
  });
});
