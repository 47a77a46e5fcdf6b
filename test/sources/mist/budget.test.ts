/**
 * The REST client against the simulator: 429 answered by waiting Retry-After and retrying, every
 * attempt paid from the hourly budget, no call once the budget is spent, pagination over
 * `X-Page-*`, and the agent's self-metrics for requests and the budget left.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallBudget, MistRestClient, MistRestError, retryAfterMillis } from '../../../src/sources/mist/rest.js';
import { MistSimulator } from '../../../src/sources/mist/simulator/server.js';
import { startMist, until, values, type MistHarness } from './helpers.js';

const KEY = 'budget-test-key';
let simulator: MistSimulator | undefined;
let harness: MistHarness | undefined;

afterEach(async () => {
  await simulator?.stop();
  simulator = undefined;
  await harness?.stop();
  harness = undefined;
});

function client(sim: MistSimulator, budget: CallBudget): { rest: MistRestClient; requests: Map<string, number> } {
  const requests = new Map<string, number>();
  const rest = new MistRestClient({
    baseUrl: sim.baseUrl,
    apiKey: KEY,
    timeoutMillis: 5_000,
    budget,
    onRequest: (endpoint, code) => requests.set(`${endpoint} ${code}`, (requests.get(`${endpoint} ${code}`) ?? 0) + 1),
  });
  return { rest, requests };
}

describe('429 and the budget', () => {
  it('waits Retry-After and retries; each attempt is paid from the budget', async () => {
    simulator = await MistSimulator.start({ apiKey: KEY });
    simulator.faults.rest429 = { count: 2, retryAfterSeconds: 1 };
    const budget = new CallBudget(10, Date.now);
    const { rest, requests } = client(simulator, budget);
    const started = Date.now();
    const { body } = await rest.get('/self', '/self', new AbortController().signal);
    // Two waits of at least a second each (a lower bound: a slow machine only makes it longer).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(body).toHaveProperty('privileges');
    expect(requests).toEqual(new Map([['/self 429', 2], ['/self 200', 1]]));
    expect(budget.remaining).toBe(7);
    expect(simulator.requests).toHaveLength(3);
  });

  it('gives up after two retries, inside the budget', async () => {
    simulator = await MistSimulator.start({ apiKey: KEY });
    simulator.faults.rest429 = { count: 100, retryAfterSeconds: 0 };
    const budget = new CallBudget(10, Date.now);
    const { rest } = client(simulator, budget);
    await expect(rest.get('/self', '/self', new AbortController().signal)).rejects.toThrow('HTTP 429');
    expect(simulator.requests).toHaveLength(3);
    expect(budget.remaining).toBe(7);
  });

  it('makes no call once the hour’s budget is spent, and says when it refills', async () => {
    simulator = await MistSimulator.start({ apiKey: KEY });
    const budget = new CallBudget(2, Date.now);
    const { rest, requests } = client(simulator, budget);
    await rest.get('/self', '/self', new AbortController().signal);
    await rest.get('/self', '/self', new AbortController().signal);
    const error = await rest.get('/self', '/self', new AbortController().signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MistRestError);
    expect((error as Error).message).toMatch(/budget of 2 calls is spent; it refills in \d+ s/);
    expect(simulator.requests).toHaveLength(2);
    expect(requests.get('/self budget_exhausted')).toBe(1);
  });

  it('refills on the hour', () => {
    let now = Date.UTC(2026, 0, 1, 10, 59, 0);
    const budget = new CallBudget(1, () => now);
    expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
    expect(budget.millisToReset()).toBe(60_000);
    now += 60_000;
    expect(budget.remaining).toBe(1);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(retryAfterMillis('3', now)).toBe(3_000);
    expect(retryAfterMillis(new Date(now + 5_000).toUTCString(), now)).toBe(5_000);
    expect(retryAfterMillis('soon', now)).toBe(1_000);
    expect(retryAfterMillis(null, now)).toBe(1_000);
  });
});

describe('latency and timeout', () => {
  it('a slow answer within timeout arrives; one slower than timeout fails naming the wait and counts as timeout', async () => {
    simulator = await MistSimulator.start({ apiKey: KEY });
    simulator.faults.latencyMillis = 300;
    const { rest, requests } = client(simulator, new CallBudget(10, Date.now));
    const started = Date.now();
    await rest.get('/self', '/self', new AbortController().signal);
    // A lower bound only: the simulator held the answer back at least that long.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    simulator.faults.latencyMillis = 3_000;
    const slow = new MistRestClient({ baseUrl: simulator.baseUrl, apiKey: KEY, timeoutMillis: 200, budget: new CallBudget(10, Date.now), onRequest: (endpoint, code) => requests.set(`${endpoint} ${code}`, 1) });
    await expect(slow.get('/self', '/self', new AbortController().signal)).rejects.toThrow(new MistRestError('GET /self: no answer within 200 ms'));
    expect(requests.get('/self timeout')).toBe(1);
  });
});

describe('pagination', () => {
  it('follows X-Page-Total over every page of a list', async () => {
    simulator = await MistSimulator.start({ apiKey: KEY, sites: 130, apsPerSite: 1, clientsPerSite: 0 });
    const { rest } = client(simulator, new CallBudget(100, Date.now));
    const sites = await rest.getAll(`/orgs/${simulator.world.orgId}/sites`, '/orgs/{org_id}/sites', new AbortController().signal);
    expect(sites).toHaveLength(130);
    expect(new Set(sites.map((site) => (site as { id: string }).id)).size).toBe(130);
    expect(simulator.requests.map((request) => request.path)).toEqual([`/api/v1/orgs/${simulator.world.orgId}/sites`, `/api/v1/orgs/${simulator.world.orgId}/sites`]);
  });
});

describe('in the agent', () => {
  it('rides out 429s in its first round and reports requests by endpoint and code and the budget left', async () => {
    harness = await startMist({
      plugin: { budget: 777 },
      prepare: (sim) => {
        sim.faults.rest429 = { count: 2, retryAfterSeconds: 0 };
      },
    });
    const h = harness;
    await until('the first round', () => h.org.firstRoundDone);
    const text = await h.scrape();
    expect(text).toMatch(/^mist_org_alarms\{/m);
    expect(text).toMatch(/^mist_site_aps\{/m);
    const requests = values(text, 'mist_rest_requests_total');
    const total = [...requests.values()].reduce((sum, count) => sum + count, 0);
    expect([...requests.entries()].filter(([labels]) => labels.includes('code="429"')).reduce((sum, [, count]) => sum + count, 0)).toBe(2);
    expect([...requests.keys()].some((labels) => labels.includes('endpoint="/orgs/{org_id}/sites"') && labels.includes('code="200"'))).toBe(true);
    // Every request the simulator saw was counted and paid for.
    expect(total).toBe(h.simulator.requests.length);
    expect([...values(text, 'mist_rest_budget_remaining').values()]).toEqual([777 - total]);
  });

  it('makes no REST call for a scrape: REST runs on its own intervals', async () => {
    harness = await startMist();
    const h = harness;
    await until('the first round', () => h.org.firstRoundDone);
    const calls = h.simulator.requests.length;
    let text = '';
    for (let i = 0; i < 3; i += 1) {
      text = await h.scrape();
      expect(text).toMatch(/^mist_site_aps\{/m);
    }
    expect(h.simulator.requests.length).toBe(calls);
    // Mist's 5,000 calls per hour per key, less what this key spent (only this test uses it at that limit;
    // a range, as the hour may turn during the test and refill it).
    const [remaining = Number.NaN] = [...values(text, 'mist_rest_budget_remaining').values()];
    expect(remaining).toBeGreaterThanOrEqual(5_000 - calls);
    expect(remaining).toBeLessThanOrEqual(5_000);
  });

  it('warns when its intervals would spend more than the hourly budget', async () => {
    harness = await startMist({ org: 'rest_interval: 2s', plugin: { budget: 1_000 } });
    const h = harness;
    await until('the first round', () => h.org.firstRoundDone);
    const warning = h.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => String(line['msg']).includes('more REST calls per hour'));
    // 1800 rounds of 2 counts + 2 site stats, plus the refreshes.
    expect(warning).toMatchObject({ plannedCallsPerHour: 1800 * 4 + 60 + 60, budget: 1_000, sites: 2 });
  });
});
