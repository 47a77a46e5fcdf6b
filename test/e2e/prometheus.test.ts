/**
 * Real Prometheus (2.53, from scripts/install-tools.sh) scrapes the agent running examples/demo.yaml —
 * four in-process simulated routers of the `mixed` profile — and PromQL sees what the simulator holds.
 * The demo file is used as shipped; only the listen address (flag) and the poll interval (environment)
 * change, the way a user would override them.
 */
import { simulatorConfig } from '../../src/sources/routeros/simulator/config.js';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profilesFor } from '../../src/sources/routeros/simulator/profiles.js';
import { startPrometheus, type InstantSample, type PrometheusServer } from '../helpers/tools.js';
import {
  eventually,
  expectedFleet,
  profileInterfaces,
  profileMajor,
  startTestAgent,
  v7TemperatureSensors,
  type FleetRouter,
  type TestAgent,
} from './helpers/agent.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));

/** `router` → sorted values of `label` among the samples. */
function labelValuesByRouter(samples: readonly InstantSample[], label: string): Record<string, string[]> {
  const byRouter: Record<string, string[]> = {};
  for (const sample of samples) {
    const router = sample.labels['router'] ?? '(no router label)';
    (byRouter[router] ??= []).push(sample.labels[label] ?? '(missing)');
  }
  for (const values of Object.values(byRouter)) values.sort();
  return byRouter;
}

function routerNames(samples: readonly InstantSample[]): string[] {
  return samples.map((sample) => sample.labels['router'] ?? '(no router label)').sort();
}

/**
 * Prometheus 2.53 asks for OpenMetrics first by default; `scrape_protocols` forces the text format.
 * Both runs scrape with gzip (Prometheus always asks for it), so the body of cached gzip members is read
 * by Prometheus's own decoder too.
 */
const FORMATS: [format: 'OpenMetrics' | 'text format', scrapeProtocols: string[] | undefined][] = [
  ['OpenMetrics', undefined],
  ['text format', ['PrometheusText0.0.4']],
];

describe.each(FORMATS)('scraped as %s', (format, scrapeProtocols) => {
  let agent: TestAgent;
  let prometheus: PrometheusServer;
  let fleet: FleetRouter[];

  beforeAll(async () => {
    agent = await startTestAgent({
      file: DEMO_CONFIG,
      env: { MIKROTIK_AGENT_COLLECTION_INTERVAL: '2s', MIKROTIK_AGENT_COLLECTION_TIMEOUT: '2s' },
      overrides: { listen: '127.0.0.1:0' },
    });
    const simulator = simulatorConfig(agent.config);
    fleet = expectedFleet(profilesFor(simulator.profile, simulator.count));
    prometheus = await startPrometheus({
      scrapeTargets: [agent.target],
      scrapeIntervalSeconds: 1,
      ...(scrapeProtocols === undefined ? {} : { scrapeProtocols }),
    });
    await agent.waitUntilAllUp();
    const health = await prometheus.waitForScrapes();
    expect(Object.values(health), JSON.stringify(health)).toEqual(['up']);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await agent?.stop();
  });

  describe('Prometheus scraping the demo fleet', () => {
    it('polls the eleven routers of examples/demo.yaml', () => {
      expect(simulatorConfig(agent.config)).toMatchObject({ enabled: true, count: 11, profile: 'mixed' });
      const snapshots = agent.agent.engine.snapshots();
      expect(snapshots.filter((snapshot) => snapshot.source.kind === 'routeros').map((snapshot) => snapshot.name)).toEqual(
        fleet.map((router) => router.name),
      );
      // Beside them, the demo's simulated Mist organisation.
      expect(snapshots.filter((snapshot) => snapshot.source.kind === 'mist').map((snapshot) => snapshot.name)).toEqual(['sim-mist']);
    });

    it('routeros_up is 1 for every router', async () => {
      const samples = await prometheus.query('routeros_up');
      expect(routerNames(samples)).toEqual(fleet.map((router) => router.name).sort());
      for (const sample of samples) {
        expect(sample.value, sample.labels['router']).toBe(1);
        expect(sample.labels).toMatchObject({ job: 'agent', instance: agent.target });
      }
    });

    it('routeros_system_uptime_seconds is positive for every router', async () => {
      const samples = await prometheus.query('routeros_system_uptime_seconds');
      expect(routerNames(samples)).toEqual(fleet.map((router) => router.name).sort());
      for (const sample of samples) expect(sample.value, sample.labels['router']).toBeGreaterThan(0);
    });

    it('routeros_interface_receive_bytes_total has one series per simulated interface', async () => {
      const samples = await prometheus.query('routeros_interface_receive_bytes_total');
      const expected = Object.fromEntries(fleet.map((router) => [router.name, profileInterfaces(router.profile).sort()]));
      expect(labelValuesByRouter(samples, 'interface')).toEqual(expected);
      for (const sample of samples) expect(sample.value).toBeGreaterThanOrEqual(0);
    });

    it('rate() of the interface counters is computable after two scrapes, and traffic flows', async () => {
      const interfaces = fleet.reduce((sum, router) => sum + profileInterfaces(router.profile).length, 0);
      // A 10 s window holds the scrapes at 0.5 s intervals; rate() needs two samples per series.
      const rates = await eventually(
        'rate() over every interface series',
        async () => {
          const samples = await prometheus.query('rate(routeros_interface_receive_bytes_total[10s])');
          return samples.length === interfaces ? samples : undefined;
        },
        { timeoutMillis: 8_000, pollMillis: 250 },
      );
      for (const sample of rates) {
        expect(sample.value).toBeGreaterThanOrEqual(0);
        expect(sample.labels['__name__']).toBeUndefined();
      }
      // The simulator grows the counters of running interfaces with its clock, so once the agent has polled
      // twice every router shows some traffic.
      const flowing = await eventually(
        'a positive receive rate on every router',
        async () => {
          const samples = await prometheus.query('rate(routeros_interface_receive_bytes_total[10s]) > 0');
          const routers = new Set(routerNames(samples));
          return routers.size === fleet.length ? routers : undefined;
        },
        { timeoutMillis: 8_000, pollMillis: 250 },
      );
      expect([...flowing].sort()).toEqual(fleet.map((router) => router.name).sort());
    });

    it('routeros_collection_success{collector="system"} is 1 for every router', async () => {
      const samples = await prometheus.query('routeros_collection_success{collector="system"}');
      expect(routerNames(samples)).toEqual(fleet.map((router) => router.name).sort());
      for (const sample of samples) expect(sample.value, sample.labels['router']).toBe(1);
    });

    it('health temperatures carry a sensor label; on RouterOS 7 one per temperature sensor', async () => {
      const v7Routers = fleet.filter((router) => profileMajor(router.profile) >= 7);
      // Retried: a health poll that a loaded machine cut off at its deadline leaves its router without
      // temperatures until the next poll.
      const samples = await eventually(
        'every RouterOS 7 router with its temperature sensors',
        async () => {
          const found = await prometheus.query('routeros_health_temperature_celsius');
          const sensors = labelValuesByRouter(found, 'sensor');
          const complete = v7Routers.every(
            (router) => JSON.stringify(sensors[router.name] ?? []) === JSON.stringify(v7TemperatureSensors(router.profile).sort()),
          );
          return complete ? found : undefined;
        },
        { timeoutMillis: 20_000, pollMillis: 500 },
      ).catch(() => prometheus.query('routeros_health_temperature_celsius'));
      for (const sample of samples) {
        expect(sample.labels['sensor'], JSON.stringify(sample.labels)).toMatch(/\S/);
        expect(sample.value).toBeGreaterThan(0);
      }
      const byRouter = labelValuesByRouter(samples, 'sensor');
      const v7 = fleet.filter((router) => profileMajor(router.profile) >= 7);
      expect(v7.length).toBeGreaterThan(0);
      for (const router of v7) {
        // A board without temperature sensors (CHR) has no series at all.
        expect(byRouter[router.name] ?? [], router.name).toEqual(v7TemperatureSensors(router.profile).sort());
      }
    });

    it('target_info describes the agent', async () => {
      const samples = await prometheus.query('target_info');
      expect(samples).toHaveLength(1);
      expect(samples[0]!.labels).toMatchObject({ service_name: 'mikrotik-otel-agent', job: 'agent', instance: agent.target });
      expect(samples[0]!.value).toBe(1);
    });
    it(`parsed the scrape as ${format}: the family metadata says so`, async () => {
      if (format === 'OpenMetrics') {
        // Only OpenMetrics names a counter's family without _total and carries # UNIT into the metadata.
        expect(await prometheus.metadata('routeros_interface_receive_bytes')).toContainEqual(
          expect.objectContaining({ type: 'counter', unit: 'bytes' }),
        );
      } else {
        expect(await prometheus.metadata('routeros_interface_receive_bytes_total')).toContainEqual(
          expect.objectContaining({ type: 'counter', unit: '' }),
        );
      }
    });
  });

});
