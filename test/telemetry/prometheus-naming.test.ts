import { describe, expect, it } from 'vitest';
import type { MetricDefinition } from '../../src/sources/routeros/collectors/collector.js';
import { AGENT_METRIC_DEFINITIONS } from '../../src/telemetry/agent-metrics.js';
import { createTelemetry } from '../../src/telemetry/provider.js';
import { exposedName, namingMismatches, otlpTranslatedName } from '../../src/telemetry/prometheus-naming.js';
import { prometheusName, unitSuffixedName } from '../../src/engine/metric.js';
import { SOURCES } from '../../src/sources/registry.js';
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

describe('unitSuffixedName (the OTel compatibility spec: the unit as a suffix unless the name has it)', () => {
  it('adds the unit words, before a counter\'s total and with ratio last on a gauge of unit 1', () => {
    expect(unitSuffixedName('system.cpu.time', 's', 'counter')).toBe('system.cpu.time_seconds');
    expect(unitSuffixedName('x.matched.total', 'By', 'counter')).toBe('x.matched_bytes_total');
    expect(unitSuffixedName('system.cpu.utilization', '1', 'gauge')).toBe('system.cpu.utilization_ratio');
    expect(unitSuffixedName('x.load.ratio', '1', 'gauge')).toBe('x.load_ratio');
    expect(unitSuffixedName('routeros.wireless.client.transmit.rate', 'By/s', 'gauge')).toBe('routeros.wireless.client.transmit.rate_bytes_per_second');
    expect(unitSuffixedName('requests', '1/s', 'gauge')).toBe('requests_per_second');
    expect(unitSuffixedName('http.server.duration', 'ms', 'histogram')).toBe('http.server.duration_milliseconds');
  });

  it('keeps a name that already holds its unit, one without a unit, and an annotation unit', () => {
    expect(unitSuffixedName('routeros.interface.receive.bytes', 'By', 'counter')).toBe('routeros.interface.receive.bytes');
    expect(unitSuffixedName('node_cpu_seconds_total', 's', 'counter')).toBe('node_cpu_seconds_total');
    expect(unitSuffixedName('mist_device_uptime', '', 'gauge')).toBe('mist_device_uptime');
    expect(unitSuffixedName('routeros.interface.receive.packets', '{packet}', 'counter')).toBe('routeros.interface.receive.packets');
  });
});

describe('namingMismatches', () => {
  it('finds nothing for the engine, agent and policy-following definitions', () => {
    expect(namingMismatches([...ROUTER_METRICS, ...AGENT_METRIC_DEFINITIONS, ...POLICY_EXAMPLES])).toEqual([]);
  });

  it('finds nothing for any metric of any registered source', () => {
    for (const source of SOURCES) expect(namingMismatches(source.metrics()), source.kind).toEqual([]);
  });

  it('names definitions whose scrape name would differ from the OTLP-translated name', () => {
    expect(
      namingMismatches([
        { name: 'routeros.interface.receive', kind: 'counter', unit: 'By' },
        { name: 'routeros.cpu.load', kind: 'gauge', unit: '1' },
        { name: 'requests.total.count', kind: 'counter', unit: '' },
      ]),
    ).toEqual([
      "requests.total.count (counter, unit ''): /metrics has requests_total_count_total, OTLP consumers store requests_count_total",
    ]);
  });

  it('leaves no source a name that spells its per-unit twice (a rate named …bytes_per_second with unit By/s)', () => {
    for (const source of SOURCES) {
      for (const metric of source.metrics()) expect(prometheusName(metric)).not.toMatch(/_per_([a-z]+)_per_\1/);
    }
  });

  it('gives a unit-less name its unit suffix on both paths', () => {
    expect(exposedName('routeros.interface.receive', 'By', 'counter')).toBe('routeros_interface_receive_bytes_total');
    expect(exposedName('routeros.cpu.load', '1', 'gauge')).toBe('routeros_cpu_load_ratio');
    expect(exposedName('http.server.duration', 's', 'histogram')).toBe('http_server_duration_seconds');
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
        expect(typed).toContain(exposedName(definition.name, definition.unit, definition.kind));
      }
      expect(typed.size).toBe(1 + definitions.length + AGENT_METRIC_DEFINITIONS.length);
    } finally {
      await telemetry.shutdown();
    }
  });
});
