import { namingMismatches } from '../../../../src/telemetry/prometheus-naming.js';
import { ROUTER_METRICS } from '../../../../src/sources/routeros/descriptor.js';
import { describe, expect, it } from 'vitest';
import type { MetricDefinition } from '../../../../src/sources/routeros/collectors/collector.js';
import { COLLECTORS, findCollector } from '../../../../src/sources/routeros/collectors/registry.js';
import { prometheusName } from '../../../../src/engine/metric.js';

/** The fixed metric table of the issue: OTel name, kind, unit, Prometheus name, attributes. */
const EXPECTED: ReadonlyArray<readonly [string, MetricDefinition['kind'], string, string, readonly string[]]> = [
  ['routeros.system.info', 'gauge', '', 'routeros_system_info', ['identity', 'board_name', 'model', 'serial_number', 'version', 'architecture', 'firmware']],
  ['routeros.system.uptime.seconds', 'gauge', 's', 'routeros_system_uptime_seconds', []],
  ['routeros.system.cpu.utilization.ratio', 'gauge', '1', 'routeros_system_cpu_utilization_ratio', []],
  ['routeros.system.cpus', 'gauge', '{cpu}', 'routeros_system_cpus', []],
  ['routeros.system.cpu.frequency.hertz', 'gauge', 'Hz', 'routeros_system_cpu_frequency_hertz', []],
  ['routeros.system.memory.free.bytes', 'gauge', 'By', 'routeros_system_memory_free_bytes', []],
  ['routeros.system.memory.total.bytes', 'gauge', 'By', 'routeros_system_memory_total_bytes', []],
  ['routeros.system.disk.free.bytes', 'gauge', 'By', 'routeros_system_disk_free_bytes', []],
  ['routeros.system.disk.total.bytes', 'gauge', 'By', 'routeros_system_disk_total_bytes', []],
  ['routeros.health.temperature.celsius', 'gauge', 'Cel', 'routeros_health_temperature_celsius', ['sensor']],
  ['routeros.health.voltage.volts', 'gauge', 'V', 'routeros_health_voltage_volts', ['sensor']],
  ['routeros.health.current.amperes', 'gauge', 'A', 'routeros_health_current_amperes', ['sensor']],
  ['routeros.health.power.watts', 'gauge', 'W', 'routeros_health_power_watts', ['sensor']],
  ['routeros.health.fan.speed.rpm', 'gauge', '{rpm}', 'routeros_health_fan_speed_rpm', ['sensor']],
  ['routeros.health.state', 'gauge', '', 'routeros_health_state', ['sensor', 'state']],
  ['routeros.interface.receive.bytes', 'counter', 'By', 'routeros_interface_receive_bytes_total', ['interface']],
  ['routeros.interface.transmit.bytes', 'counter', 'By', 'routeros_interface_transmit_bytes_total', ['interface']],
  ['routeros.interface.receive.packets', 'counter', '{packet}', 'routeros_interface_receive_packets_total', ['interface']],
  ['routeros.interface.transmit.packets', 'counter', '{packet}', 'routeros_interface_transmit_packets_total', ['interface']],
  ['routeros.interface.receive.errors', 'counter', '{error}', 'routeros_interface_receive_errors_total', ['interface']],
  ['routeros.interface.transmit.errors', 'counter', '{error}', 'routeros_interface_transmit_errors_total', ['interface']],
  ['routeros.interface.receive.drops', 'counter', '{packet}', 'routeros_interface_receive_drops_total', ['interface']],
  ['routeros.interface.transmit.drops', 'counter', '{packet}', 'routeros_interface_transmit_drops_total', ['interface']],
  ['routeros.interface.link.downs', 'counter', '{event}', 'routeros_interface_link_downs_total', ['interface']],
  ['routeros.interface.running', 'gauge', '', 'routeros_interface_running', ['interface']],
  ['routeros.interface.disabled', 'gauge', '', 'routeros_interface_disabled', ['interface']],
  ['routeros.interface.mtu.bytes', 'gauge', 'By', 'routeros_interface_mtu_bytes', ['interface']],
  ['routeros.interface.actual_mtu.bytes', 'gauge', 'By', 'routeros_interface_actual_mtu_bytes', ['interface']],
  ['routeros.interface.l2mtu.bytes', 'gauge', 'By', 'routeros_interface_l2mtu_bytes', ['interface']],
  ['routeros.interface.info', 'gauge', '', 'routeros_interface_info', ['interface', 'id', 'type', 'mac_address', 'default_name', 'comment']],
];

/**
 * Core metrics the table has no row for: "health … keeps unknown sensors with their unit" (issue 3 §6)
 * needs one metric with a `unit` attribute, which no table row has.
 */
const BEYOND_THE_TABLE: readonly string[] = ['routeros.health.sensor.value'];

const ALL = COLLECTORS.flatMap((collector) => collector.metrics);

describe('registry', () => {
  it('lists system, health and interface, enabled by default', () => {
    expect(COLLECTORS.slice(0, 3).map((collector) => [collector.name, collector.defaultEnabled])).toEqual([
      ['system', true],
      ['health', true],
      ['interface', true],
    ]);
    expect(findCollector('health')?.paths).toEqual(['/system/health']);
    expect(findCollector('nope')).toBeUndefined();
  });

  it.each(EXPECTED)('%s is a %s in %j exported as %s', (name, kind, unit, prometheus, attributes) => {
    const definition = ALL.find((metric) => metric.name === name);
    expect(definition).toBeDefined();
    expect(definition).toMatchObject({ kind, unit, attributes });
    expect(prometheusName(definition as MetricDefinition)).toBe(prometheus);
  });

  it('gives every metric the same name on /metrics as OTLP backends store (unit words in the name)', () => {
    expect(namingMismatches([...ALL, ...ROUTER_METRICS])).toEqual([]);
  });

  it('has unique collector names, unique metric names and unique Prometheus names', () => {
    const names = COLLECTORS.map((collector) => collector.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(ALL.map((metric) => metric.name)).size).toBe(ALL.length);
    expect(new Set(ALL.map(prometheusName)).size).toBe(ALL.length);
  });

  it('declares metrics the node_exporter way', () => {
    for (const collector of COLLECTORS) {
      expect(collector.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(collector.summary).toMatch(/\.$/);
      expect(collector.paths.length).toBeGreaterThan(0);
      for (const metric of collector.metrics) {
        expect(metric.name).toMatch(/^routeros\.[a-z0-9_.]+$/);
        expect(metric.description).toMatch(/^[A-Z].*\.$/);
        expect(metric.attributes).not.toContain('router');
        // Labels Prometheus itself sets on scraped series: ours would be renamed exported_<name>.
        expect(metric.attributes).not.toContain('instance');
        expect(metric.attributes).not.toContain('job');
        for (const attribute of metric.attributes) expect(attribute).toMatch(/^[a-z][a-z0-9_]*$/);
      }
    }
  });

  it('keeps the three core families exactly as the table says', () => {
    const core = COLLECTORS.filter((collector) => ['system', 'health', 'interface'].includes(collector.name)).flatMap((c) => c.metrics);
    expect(core.map((metric) => metric.name).sort()).toEqual([...EXPECTED.map(([name]) => name), ...BEYOND_THE_TABLE].sort());
  });
});
