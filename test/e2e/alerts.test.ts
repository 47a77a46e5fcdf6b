/**
 * The alerting rules of alerts/ evaluated by real Prometheus scraping the agent on examples/demo-faults.yaml
 * (as shipped): the hung router and the one rejecting the agent's credentials raise MikroTikRouterDown, the
 * healthy ones do not, and the agent's own scrape alert stays quiet. The simulated Mist organisation's sites
 * each count a gateway that is not connected, which MistDevicesDisconnected reports.
 *
 * Only the timing changes, in a test copy of the rules: every `for:` becomes FOR_SECONDS and rules are
 * evaluated every second. The `routeros_collection_unsupported` gauge the collector rule reads is not
 * asserted here (promtool's unit tests cover that rule).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startPrometheus, type ActiveAlert, type PrometheusServer } from '../helpers/tools.js';
import { eventually, startTestAgent, type TestAgent } from './helpers/agent.js';

const FAULTS_CONFIG = fileURLToPath(new URL('../../examples/demo-faults.yaml', import.meta.url));
const RULES_FILE = fileURLToPath(new URL('../../alerts/mikrotik-otel-agent.rules.yml', import.meta.url));
/** Long enough that one slow poll on a busy machine does not fire an alert, short enough for a quick test. */
const FOR_SECONDS = 3;
/** Generous: the hung router is declared down only when its first poll reaches the 5 s timeout. */
const ALERT_DEADLINE_MILLIS = 40_000;

let agent: TestAgent;
let prometheus: PrometheusServer;
let rulesDir: string;

/** The rules with every `for:` shortened; nothing else changes. */
function testCopyOfRules(): string {
  const doc = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: { for?: string }[] }[] };
  for (const group of doc.groups) {
    for (const rule of group.rules) if (rule.for !== undefined) rule.for = `${FOR_SECONDS}s`;
  }
  const file = join(rulesDir, 'rules.yml');
  writeFileSync(file, stringify(doc));
  return file;
}

function firing(alerts: readonly ActiveAlert[], name: string): ActiveAlert[] {
  return alerts.filter((alert) => alert.labels['alertname'] === name && alert.state === 'firing');
}

function routersOf(alerts: readonly ActiveAlert[]): string[] {
  return alerts.map((alert) => alert.labels['router'] ?? '(no router)').sort();
}

beforeAll(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'alerts-e2e-'));
  agent = await startTestAgent({ file: FAULTS_CONFIG, overrides: { listen: '127.0.0.1:0' } });
  prometheus = await startPrometheus({
    scrapeTargets: [agent.target],
    scrapeIntervalSeconds: 1,
    // The job name the README's scrape config uses, which the agent's own scrape alert selects.
    jobName: 'mikrotik',
    ruleFiles: [testCopyOfRules()],
    evaluationIntervalSeconds: 1,
  });
  await prometheus.waitForScrapes();
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await agent?.stop();
  if (rulesDir !== undefined) rmSync(rulesDir, { recursive: true, force: true });
});

describe('alerting rules against the faulty demo fleet', () => {
  it('MikroTikRouterDown fires for exactly the routers the agent reports down: the hung and the rejecting one', async () => {
    // The agent's own verdict, from its first full round: which routers are down.
    const down = await eventually(
      'the first round with the two faulty routers down',
      async () => {
        const snapshots = agent.agent.engine.snapshots();
        if (!agent.agent.engine.firstRoundDone) return undefined;
        const names = snapshots.filter((snapshot) => !snapshot.up).map((snapshot) => snapshot.name).sort();
        return names.length === 2 ? names : undefined;
      },
      { timeoutMillis: ALERT_DEADLINE_MILLIS, pollMillis: 200 },
    );
    expect(down).toEqual(['sim-bng1-7', 'sim-chr-5']);

    const alerts = await eventually(
      'MikroTikRouterDown firing for both down routers',
      async () => {
        const all = await prometheus.alerts();
        return routersOf(firing(all, 'MikroTikRouterDown')).join() === down.join() ? all : undefined;
      },
      { timeoutMillis: ALERT_DEADLINE_MILLIS, pollMillis: 500 },
    );
    const [alert] = firing(alerts, 'MikroTikRouterDown');
    expect(alert?.labels).toMatchObject({ severity: 'critical', job: 'mikrotik', instance: agent.target });
    expect(alert?.annotations['summary']).toMatch(/^MikroTik router sim-(bng1-7|chr-5) is down$/);
    expect(alert?.annotations['runbook']).toMatch(/\/health/);
  });

  it('nothing says the healthy routers are down or stale, nor that the agent cannot be scraped', async () => {
    // Healthy: never down in the data Prometheus holds (a loaded machine may time out a good router's poll once,
    // and then its alert rightly starts its clock). Alerts and data are read together, so they agree.
    const [neverDown, alerts] = await Promise.all([prometheus.query('min_over_time(routeros_up[1h]) == 1'), prometheus.alerts()]);
    const healthy = neverDown.map((sample) => sample.labels['router'] ?? '');
    const faulty = agent.agent.engine
      .snapshots()
      .filter((snapshot) => snapshot.source.kind === 'routeros' && !snapshot.up)
      .map((snapshot) => snapshot.name);
    expect(healthy.length).toBeGreaterThan(0);
    expect(healthy.filter((router) => faulty.includes(router))).toEqual([]);
    // Pending counts too: a healthy router must not even start the clock of these alerts.
    const wrong = alerts.filter(
      (alert) =>
        (['MikroTikRouterDown', 'MikroTikRouterDataStale'].includes(alert.labels['alertname'] ?? '') &&
          healthy.includes(alert.labels['router'] ?? '')) ||
        alert.labels['alertname'] === 'MikroTikAgentScrapeFailing',
    );
    expect(wrong).toEqual([]);
  });

  it('data alerts fire on the faults the simulated routers report: a PoE short circuit and a failed PSU', async () => {
    const alerts = await eventually(
      'MikroTikPoeFault and MikroTikHealthStateFailed firing',
      async () => {
        const all = await prometheus.alerts();
        return firing(all, 'MikroTikPoeFault').length > 0 && firing(all, 'MikroTikHealthStateFailed').length > 0 ? all : undefined;
      },
      { timeoutMillis: ALERT_DEADLINE_MILLIS, pollMillis: 500 },
    );
    expect(firing(alerts, 'MikroTikPoeFault').map((alert) => alert.labels)).toContainEqual(
      expect.objectContaining({ router: 'sim-crs328-11', interface: 'ether5', status: 'short-circuit' }),
    );
    expect(firing(alerts, 'MikroTikHealthStateFailed').map((alert) => alert.labels)).toContainEqual(
      expect.objectContaining({ router: 'sim-ccr2004-6', sensor: 'psu2-state', state: 'fail' }),
    );
  });

  it('MistDevicesDisconnected fires for each site of the simulated Mist organisation: its gateway is not connected', async () => {
    const alerts = await eventually(
      'MistDevicesDisconnected firing for both sites',
      async () => {
        const found = firing(await prometheus.alerts(), 'MistDevicesDisconnected');
        return found.length === 2 ? found : undefined;
      },
      { timeoutMillis: ALERT_DEADLINE_MILLIS, pollMillis: 500 },
    );
    expect(alerts.map((alert) => `${alert.labels['org']}/${alert.labels['site_name']}`).sort()).toEqual(['sim-mist/site-01', 'sim-mist/site-02']);
    for (const alert of alerts) {
      expect(alert.labels['severity']).toBe('warning');
      expect(alert.annotations['description']).toMatch(/^1 device\(s\) of site site-0[12] have not been connected/);
      expect(alert.annotations['runbook']).toMatch(/gateways/);
    }
  });

  it('the Mist organisation, its API and its stream raise nothing once the stream is up: the simulator is healthy', async () => {
    const names = ['MistOrganisationDown', 'MistApiErrors', 'MistApiBudgetLow', 'MistStreamDisconnected'];
    // Pending counts too. Waited for: until the stream has connected, its sites are (rightly) disconnected.
    const quiet = await eventually(
      'no Mist organisation, API or stream alert, pending or firing',
      async () => {
        const [connected, alerts] = await Promise.all([prometheus.query('mist_ws_connected == 1'), prometheus.alerts()]);
        const wrong = alerts.filter((alert) => names.includes(alert.labels['alertname'] ?? ''));
        return connected.length === 2 && wrong.length === 0 ? wrong : undefined;
      },
      { timeoutMillis: ALERT_DEADLINE_MILLIS, pollMillis: 500 },
    );
    expect(quiet).toEqual([]);
  });
});
