import { describe, expect, it } from 'vitest';
import type { MetricDefinition } from '../../src/sources/routeros/collectors/collector.js';
import { AGENT_METRIC_DEFINITIONS } from '../../src/telemetry/agent-metrics.js';
import { createTelemetry } from '../../src/telemetry/provider.js';
import { jsExporterName, namingMismatches, otlpTranslatedName } from '../../src/telemetry/prometheus-naming.js';
import { prometheusName } from '../../src/engine/metric.js';
import { ROUTER_METRICS } from '../../src/sources/routeros/descriptor.js';
import { TestSnapshotSource, agentConfig, collectorState, routerSnapshot, sample } from './fixtures.js';

/** Collector-style definitions following the naming policy (unit word in the name). */
const POLICY_EXAMPLES: MetricDefinition[] = [
  { name: 'routeros.interface.receive.bytes', kind: 'counter', unit: 'By', description: 'd.', attributes: ['interface'] },
  { name: 'routeros.interface.receive.packets', kind: 'counter', unit: '{packet}', description: 'd.', attributes: ['interface'] },
  { name: 'routeros.system.cpu.utilization.ratio', kind: 'gauge', unit: '1', description: 'd.', attributes: [] },
  { name: 'routeros.system.temperature.celsius', kind: 'gauge', unit: 'Cel', description: 'd.', attributes: [] },
  { name: 'routeros.system.uptime.seconds', kind: 'gauge', unit: 's', description: 'd.', attributes: [] },
  { name: 'routeros.system.memory.used.bytes', kind: 'gauge', unit: 'By', description: 'd.', attributes: [] },
  { name: 'routeros.system.voltage.volts', kind: 'gauge', unit: 'V', description: 'd.', attributes: [] },
  { name: 'routeros.firewall.rule.matched.bytes.total', kind: 'counter', unit: 'By', description: 'd.', attributes: [] },
];

describe('otlpTranslatedName', () => {
  it('matches the otlptranslator results documented for VictoriaMetrics and Prometheus', () => {
    expect(otlpTranslatedName('hw.network.io', 'By', 'counter')).toBe('hw_network_io_bytes_total');
    expect(otlpTranslatedName('hw.network.packets', '{packet}', 'counter')).toBe('hw_network_packets_total');
    expect(otlpTranslatedName('hw.temperature', 'Cel', 'gauge')).toBe('hw_temperature_celsius');
    expect(otlpTranslatedName('hw.fan.speed', 'rpm', 'gauge')).toBe('hw_fan_speed_rpm');
    expect(otlpTranslatedName('system.cpu.utilization', '1', 'gauge')).toBe('system_cpu_utilization_ratio');
    expect(otlpTranslatedName('hw.network.bandwidth.limit', 'By/s', 'gauge')).toBe('hw_network_bandwidth_limit_bytes_per_second');
    expect(otlpTranslatedName('http.server.duration', 's', 'histogram')).toBe('http_server_duration_seconds');
    expect(otlpTranslatedName('requests.total.count', '1', 'counter')).toBe('requests_count_total');
  });

  it('does not repeat a unit word the name already has', () => {
    expect(otlpTranslatedName('routeros.collection.duration.seconds', 's', 'gauge')).toBe('routeros_collection_duration_seconds');
    expect(otlpTranslatedName('x.utilization.ratio', '1', 'gauge')).toBe('x_utilization_ratio');
  });
});

describe('namingMismatches', () => {
  it('finds nothing for the engine, agent and policy-following definitions', () => {
    expect(namingMismatches([...ROUTER_METRICS, ...AGENT_METRIC_DEFINITIONS, ...POLICY_EXAMPLES])).toEqual([]);
  });

  it('names definitions whose scrape name would differ from the OTLP-translated name', () => {
    expect(
      namingMismatches([
        { name: 'routeros.interface.receive', kind: 'counter', unit: 'By' },
        { name: 'routeros.cpu.load', kind: 'gauge', unit: '1' },
        { name: 'routeros.rate.bytes.per.second', kind: 'gauge', unit: 'By/s' },
      ]),
    ).toEqual([
      "routeros.interface.receive (counter, unit 'By'): /metrics has routeros_interface_receive_total, OTLP consumers store routeros_interface_receive_bytes_total",
      "routeros.cpu.load (gauge, unit '1'): /metrics has routeros_cpu_load, OTLP consumers store routeros_cpu_load_ratio",
      "routeros.rate.bytes.per.second (gauge, unit 'By/s'): /metrics has routeros_rate_bytes_per_second, OTLP consumers store routeros_rate_bytes_per_second_per_second",
    ]);
  });
});

describe('Prometheus names on /metrics', () => {
  it('equal prometheusName() and the OTLP-translated name for every definition', async () => {
    const definitions = [...ROUTER_METRICS, ...POLICY_EXAMPLES].filter(
      (definition, index, all) => all.findIndex((other) => other.name === definition.name) === index,
    );
    const source = new TestSnapshotSource([
      routerSnapshot('r', {
        all: collectorState(
          definitions.map((definition) =>
            sample(definition, 1, Object.fromEntries(definition.attributes.map((key) => [key, 'v']))),
          ),
        ),
      }),
    ]);
    const telemetry = createTelemetry({ config: agentConfig(), source, version: '1' });
    try {
      telemetry.agentMetrics.recordCollectorRun('c', 'ok', 1);
      telemetry.agentMetrics.recordPoll('r', 'ok', 1);
      telemetry.agentMetrics.recordConnectionAttempt('ok');
      telemetry.agentMetrics.recordConnectionState(undefined, 'connected');
      telemetry.agentMetrics.recordHttpRequest('/', 200, 1);
      telemetry.agentMetrics.recordOtlpExport('ok');
      telemetry.agentMetrics.observeAgentState(() => ({
        lastReloadSuccessful: true,
        lastReloadSuccessMillis: 0,
        shard: { index: 0, count: 1 },
        targets: { routeros: 1 },
        discoveryFiles: [{ source: 'routeros', file: 'a.json', ok: true }],
      }));
      const text = await telemetry.collectPrometheus(1000);
      const typed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));

      for (const definition of definitions) {
        expect(typed).toContain(prometheusName(definition));
        expect(prometheusName(definition)).toBe(otlpTranslatedName(definition.name, definition.unit, definition.kind));
      }
      for (const definition of AGENT_METRIC_DEFINITIONS) {
        expect(typed).toContain(jsExporterName(definition.name, definition.kind));
      }
      expect(typed.size).toBe(1 + definitions.length + AGENT_METRIC_DEFINITIONS.length);
    } finally {
      await telemetry.shutdown();
    }
  });
});
