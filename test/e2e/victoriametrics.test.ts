/**
 * The two paths out of the agent must name things alike: the same agent pushes OTLP/HTTP protobuf to real
 * VictoriaMetrics (1.112, `-opentelemetry.usePrometheusNaming`, i.e. the otlptranslator rules with unit
 * suffixes that Prometheus, the Collector and Grafana Cloud apply) while its /metrics is scraped directly.
 * Every `routeros_*` name and the router/interface/sensor label values must agree.
 *
 * Only protobuf is exercised: VictoriaMetrics answers OTLP JSON with HTTP 400 (the OpenTelemetry JS documentation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { startVictoriaMetrics, type ExportedSeries, type VictoriaMetricsServer } from '../helpers/tools.js';
import { allCollectorsYaml, eventually, OTLP_TO_VICTORIA_METRICS_YAML, startTestAgent, type TestAgent } from './helpers/agent.js';
import { parseExposition, samplesOf, type Exposition } from './helpers/exposition.js';

/**
 * Names a scrape has that OTLP cannot: `target_info` is how the Prometheus exporter shows the resource,
 * which OTLP carries as resource attributes instead.
 */
const SCRAPE_ONLY = new Set(['target_info']);

let vm: VictoriaMetricsServer;
let agent: TestAgent;
let scraped: Exposition;

/** Sorted `a|b` keys of the given labels, one per series. */
function keys(series: readonly { labels: Readonly<Record<string, string>> }[], labels: readonly string[]): string[] {
  return series.map((item) => labels.map((label) => item.labels[label] ?? '(missing)').join('|')).sort();
}

function routeros(names: Iterable<string>): string[] {
  return [...names].filter((name) => name.startsWith('routeros_') && !SCRAPE_ONLY.has(name)).sort();
}

async function exported(name: string): Promise<ExportedSeries[]> {
  await vm.forceFlush();
  return vm.exportSeries(`{__name__="${name}"}`);
}

beforeAll(async () => {
  vm = await startVictoriaMetrics({ flags: ['-opentelemetry.usePrometheusNaming'] });
  agent = await startTestAgent({
    text: [
      'server: { listen: "127.0.0.1:0" }',
      // A router timeout a loaded machine cannot outrun: a collector cut off would leave a family out of one side.
      'collection: { interval: 5s, timeout: 5s }',
      // One router per profile with every collector on, so every family with simulator data is compared.
      `simulator: { enabled: true, count: ${Object.keys(PROFILES).length}, profile: mixed }`,
      `defaults: { collectors: ${allCollectorsYaml()} }`,
      ...OTLP_TO_VICTORIA_METRICS_YAML,
    ].join('\n'),
    env: { VM_OTLP_URL: vm.otlpMetricsUrl },
  });
  await agent.waitUntilAllUp();
  scraped = parseExposition(await agent.scrape());
  const wanted = routeros(scraped.families.keys()).reduce((sum, name) => sum + samplesOf(scraped, name).length, 0);
  // Pushes come every second, and the first may predate some routers' first poll: wait until
  // VictoriaMetrics holds at least as many routeros_* series as the scrape.
  await eventually(
    `VictoriaMetrics to hold the ${wanted} routeros_* series of the scrape`,
    async () => {
      await vm.forceFlush();
      const [count] = await vm.query('count({__name__=~"routeros_.+"})');
      return count !== undefined && count.value >= wanted ? true : undefined;
    },
    { timeoutMillis: 10_000, pollMillis: 250 },
  );
});

afterAll(async () => {
  await agent?.stop();
  await vm?.stop();
});

describe('OTLP to VictoriaMetrics and /metrics agree', () => {
  it('the routeros_* metric names are the same set', async () => {
    await vm.forceFlush();
    const stored = routeros(await vm.seriesNames());
    const scrapedNames = routeros(scraped.families.keys());
    expect(scrapedNames.length).toBeGreaterThan(20);
    expect({ onlyInVictoriaMetrics: stored.filter((name) => !scrapedNames.includes(name)) }).toEqual({
      onlyInVictoriaMetrics: [],
    });
    expect({ onlyInScrape: scrapedNames.filter((name) => !stored.includes(name)) }).toEqual({ onlyInScrape: [] });
  });

  it("the agent's own mikrotik_agent_* sample names are the same set (histograms as _bucket/_sum/_count)", async () => {
    // A fresh scrape: the HTTP request metrics exist only after the first request.
    const sampleNames = (exposition: Exposition): string[] => {
      const names = new Set<string>();
      for (const family of exposition.families.values()) {
        for (const sample of family.samples) if (sample.name.startsWith('mikrotik_agent_')) names.add(sample.name);
      }
      return [...names].sort();
    };
    const fromScrape = sampleNames(parseExposition(await agent.scrape()));
    expect(fromScrape.length).toBeGreaterThanOrEqual(4);
    let stored: string[] = [];
    await eventually(
      'VictoriaMetrics to hold the same mikrotik_agent_* names',
      async () => {
        await vm.forceFlush();
        stored = (await vm.seriesNames()).filter((name) => name.startsWith('mikrotik_agent_'));
        return stored.join() === fromScrape.join() ? true : undefined;
      },
      { timeoutMillis: 5_000, pollMillis: 250 },
    ).catch(() => undefined);
    expect(stored).toEqual(fromScrape);
  });

  it('the agent pushed its resource, not target_info', async () => {
    expect(scraped.families.has('target_info')).toBe(true);
    const up = await exported('routeros_up');
    expect(up.length).toBeGreaterThan(0);
    for (const series of up) expect(series.labels['service_name']).toBe('mikrotik-otel-agent');
  });

  it.each([
    ['routeros_up', ['router']],
    ['routeros_system_uptime_seconds', ['router']],
    ['routeros_collection_success', ['router', 'collector']],
    ['routeros_interface_receive_bytes_total', ['router', 'interface']],
    ['routeros_interface_transmit_packets_total', ['router', 'interface']],
    ['routeros_health_temperature_celsius', ['router', 'sensor']],
    ['routeros_health_voltage_volts', ['router', 'sensor']],
  ] as const)('%s has the same %j label values in both', async (name, labels) => {
    const fromScrape = keys(samplesOf(scraped, name), labels);
    expect(fromScrape.length, `${name} in the scrape`).toBeGreaterThan(0);
    expect(keys(await exported(name), labels)).toEqual(fromScrape);
  });

  // Values that do not move while the simulator runs, so both paths must carry the same number: a gauge
  // and a counter (link-downs do not grow in the simulator; traffic counters do).
  it.each([
    ['routeros_system_memory_total_bytes', ['router']],
    ['routeros_interface_link_downs_total', ['router', 'interface']],
  ] as const)('%s has the same values in both', async (name, labels) => {
    const fromScrape = samplesOf(scraped, name).map((sample) => `${keys([sample], labels)[0]}=${sample.value}`);
    expect(fromScrape.length).toBeGreaterThan(0);
    const fromVm = (await exported(name)).map((series) => `${keys([series], labels)[0]}=${series.values.at(-1) ?? 'none'}`);
    expect(fromVm.sort()).toEqual(fromScrape.sort());
  });
});
