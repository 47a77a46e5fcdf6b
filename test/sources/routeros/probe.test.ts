/**
 * /probe on the whole agent: simulated routers over loopback, the HTTP server's auth in front, the
 * RouterOS source enrolling probed routers into its background polling.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../../src/agent.js';
import { loadConfig } from '../../../src/config/load.js';
import { SimulatedFleet } from '../../../src/sources/routeros/simulator/fleet.js';
import { httpRequest } from '../../helpers/processes.js';
import { SECTIONS } from '../../helpers/sections.js';
import { promtoolCheckMetrics, unexpectedLintFindings } from '../../helpers/tools.js';
import { captureLogger, waitFor } from './poller/helpers/engine-fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(probe: string) {
  const fleet = await SimulatedFleet.start({ count: 2, profile: 'mixed', host: '127.0.0.1', portBase: 0, username: 'admin', password: 'admin' });
  cleanups.push(() => fleet.stop());
  const { config } = loadConfig({
    text: [
      'server: { listen: "127.0.0.1:0", auth: { bearer_token: "${TOKEN}" } }',
      `probe: ${probe}`,
      'modules:',
      // The first probe waits for the router's first poll up to the module's timeout: 3 s, which a loaded machine's
      // login and poll stay inside (1 s did not, and the probe rightly answered 503).
      '  sim: { username: admin, password: "${SIM}", interval: 3s, timeout: 3s, collectors: { system: true } }',
    ].join('\n'),
    env: { TOKEN: 'probe-token', SIM: 'admin' },
    sections: SECTIONS,
  });
  const agent = await startAgent(config, captureLogger().logger);
  cleanups.push(() => agent.shutdown());
  const get = (path: string, token: string | null = 'probe-token') =>
    httpRequest(`http://127.0.0.1:${agent.address.port}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { fleet, agent, get, probe: (index: number) => `/probe?target=127.0.0.1:${fleet.routers[index]!.port}&module=sim` };
}

describe('/probe', () => {
  it('enrols a router on its first probe and answers with its series only, later probes from its latest snapshot', async () => {
    const { fleet, agent, get, probe } = await setup('{ allowed_ranges: [127.0.0.0/8], max_targets: 1 }');
    const name = `127.0.0.1_${fleet.routers[0]!.port}`;
    expect((await get(probe(0), null)).status).toBe(401);

    const first = await get(probe(0));
    expect(first.status).toBe(200);
    expect(first.body).toMatch(new RegExp(`^routeros_up\\{router="${name}"[^}]*\\} 1$`, 'm'));
    expect(first.body).toMatch(/^routeros_system_uptime_seconds\{/m);
    expect(first.body).not.toContain('mikrotik_agent_');
    expect([...first.body.matchAll(/router="([^"]+)"/g)].every((match) => match[1] === name)).toBe(true);
    // Polled in the background like any router: on /metrics and /health too.
    expect(agent.engine.snapshots().map((snapshot) => snapshot.name)).toEqual([name]);

    const second = await get(probe(0));
    expect(second.status).toBe(200);
    expect(fleet.routers[0]!.stats.logins).toBe(1);
    // The /metrics renderer and its cache: the answer holds exactly the router's series of /metrics.
    const seriesOf = (text: string): string[] =>
      text.split('\n').filter((line) => line.includes(`router="${name}"`)).map((line) => line.slice(0, line.lastIndexOf(' '))).sort();
    expect(seriesOf(second.body)).toEqual(seriesOf((await get('/metrics')).body));
    expect(seriesOf(second.body).length).toBe(second.body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length);
    // The /metrics renderer: promtool-clean, gzip when asked (what Prometheus asks for), OpenMetrics when asked.
    expect(unexpectedLintFindings((await promtoolCheckMetrics(second.body)).output)).toEqual([]);
    const url = `http://127.0.0.1:${agent.address.port}${probe(0)}`;
    const zipped = await fetch(url, { headers: { authorization: 'Bearer probe-token', 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(await zipped.text()).toMatch(new RegExp(`^routeros_up\\{router="${name}"[^}]*\\} 1$`, 'm'));
    const openMetrics = await fetch(url, { headers: { authorization: 'Bearer probe-token', accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(openMetrics.headers.get('content-type')).toContain('application/openmetrics-text');
    expect(await openMetrics.text()).toMatch(/^# TYPE routeros_up gauge$[\s\S]*^# EOF$/m);
    // max_targets: 1, so a second router is refused while the first is enrolled.
    expect((await get(probe(1))).status).toBe(429);
  });

  it('refuses targets outside allowed_ranges, host names, bad addresses and unknown modules', async () => {
    const { get, fleet } = await setup('{ allowed_ranges: [10.0.0.0/8] }');
    expect((await get(`/probe?target=127.0.0.1:${fleet.routers[0]!.port}&module=sim`)).status).toBe(403);
    expect((await get('/probe?target=router.example.net')).status).toBe(403);
    expect((await get('/probe')).status).toBe(400);
    const unknown = await get('/probe?target=10.1.2.3&module=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('unknown module "nope"');
  });

  it('is off without allowed_ranges, and drops a router not probed for expire intervals', async () => {
    const off = await setup('{ allowed_ranges: [] }');
    expect((await off.get(off.probe(0))).status).toBe(404);

    const { agent, get, probe } = await setup('{ allowed_ranges: [127.0.0.1/32], expire: 1 }');
    const enrolled = await get(probe(1));
    expect(enrolled.status).toBe(200);
    // Enrolled: the answer is the router's first poll. (Not the engine's target list: with a 1 s expiry, a loaded
    // machine may already have dropped it by the time the answer is read.)
    expect(enrolled.body).toMatch(/^routeros_up\{router="127\.0\.0\.1_\d+"[^}]*\} 1$/m);
    // expire: 1 interval (3 s) after the last probe.
    await waitFor('the probed router expired', () => agent.engine.snapshots().length === 0, 20_000);
  }, 40_000);
});

describe('probe:', () => {
  it('reports bad ranges, counts and unknown keys at their paths', () => {
    const load = (text: string) => () => loadConfig({ text, env: {}, sections: SECTIONS });
    expect(load('probe: { allowed_ranges: [10.0.0.0/33, 10.0.0.1], max_targets: 0, bogus: 1 }')).toThrow(
      /probe\.bogus: unknown key[\s\S]*probe\.allowed_ranges\[0\]: must be a CIDR[\s\S]*probe\.allowed_ranges\[1\][\s\S]*probe\.max_targets: must be a whole number/,
    );
    expect(load('discovery: { file: [a.json], refresh_interval: 10ms, watch: yes }')).toThrow(
      /discovery\.watch: unknown key[\s\S]*discovery\.refresh_interval: must be a duration of at least 1s/,
    );
  });
});
