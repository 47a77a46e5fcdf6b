/**
 * Parity with mistexporter on its own test data: the REST answers of its collector test served over
 * a real socket (403 unless `Token test-api-key`, as there), the agent in `names: mistexporter`, and
 * the scrape compared with its golden files (test/fixtures/mist/upstream). Same family names, same
 * labels (ours add `org` and `site_id`), same values once ours go through float32 as mistexporter's
 * do: the agent keeps float64 (`modified_time` 1609459300, where mistexporter shows 1.609459328e+09).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src/agent.js';
import { loadConfig } from '../../../src/config/load.js';
import { MIST_SECTION, MIST_SIMULATOR_SECTION } from '../../../src/sources/mist/config.js';
import { mistPlugin } from '../../../src/sources/mist/plugin.js';
import { COLLECTORS } from '../../../src/sources/routeros/collectors/registry.js';
import { parseExposition } from '../../e2e/helpers/exposition.js';
import { httpRequest } from '../../helpers/processes.js';
import { until } from './helpers.js';
import { routerConfigSections } from '../../../src/sources/routeros/config/sections.js';

const UPSTREAM = new URL('../../fixtures/mist/upstream/', import.meta.url);

let server: Server | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.shutdown();
  agent = undefined;
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** mistexporter's test server: files by URL path, 403 without its key, 500 on `failing` paths. */
async function upstreamServer(failing: string | undefined): Promise<string> {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://upstream').pathname;
    if (request.headers.authorization !== 'Token test-api-key') {
      response.writeHead(403).end('Forbidden');
      return;
    }
    if (failing !== undefined && path.includes(failing)) {
      response.writeHead(500).end('internal server error');
      return;
    }
    try {
      const body = readFileSync(new URL(`.${path}`, UPSTREAM));
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch {
      response.writeHead(404).end('{"detail":"not found"}');
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

/** name{sorted labels} → value, for the REST families only, without the labels the agent adds. */
function samples(text: string, float32: boolean): Map<string, number> {
  const result = new Map<string, number>();
  for (const family of parseExposition(text).families.values()) {
    if (!/^mist_(org|site)_/.test(family.name)) continue;
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels)
        .filter(([key]) => !['org', 'site_id', 'otel_scope_name', 'otel_scope_version'].includes(key))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => `${key}="${value}"`)
        .join(',');
      result.set(`${sample.name}{${labels}}`, float32 ? Math.fround(sample.value) : sample.value);
    }
  }
  return result;
}

async function scrape(failing: string | undefined, sites: string): Promise<string> {
  const host = await upstreamServer(failing);
  const text = [
    'server: { listen: "127.0.0.1:0" }',
    'collection: { startup_check: "off" }',
    'mist:',
    `  - { name: upstream, base_url: "http://${host}", stream_url: "ws://${host}/api-ws/v1/stream", api_key: test-api-key, org_id: test-org-id, names: mistexporter${sites} }`,
  ].join('\n');
  const { config } = loadConfig({ text, env: {}, sections: [...routerConfigSections(COLLECTORS), MIST_SECTION, MIST_SIMULATOR_SECTION] });
  const plugin = mistPlugin();
  agent = await startAgent(config, pino({ level: 'silent' }), { sources: [plugin] });
  const running = agent;
  await until('the first round', () => running.engine.firstRoundDone);
  const response = await httpRequest(`http://${running.address.host}:${running.address.port}/metrics`);
  return response.body;
}

describe('mistexporter parity on its own test data', () => {
  it.each([
    ['success', undefined, ''],
    ['org_error', '/orgs/', ''],
    ['site_stats_error', '/sites/', ''],
    ['filtered', undefined, ', sites: { include: ["Test Site 1"] }'],
  ] as const)('%s.prom', async (golden, failing, sites) => {
    const ourText = await scrape(failing, sites);
    const theirText = readFileSync(new URL(`${golden}.prom`, UPSTREAM), 'utf8');
    const ours = samples(ourText, true);
    const theirs = samples(theirText, false);
    expect(ours).toEqual(theirs);
    if (golden === 'success') expect(theirs.size).toBeGreaterThan(20);
    // The same HELP and TYPE for every family they show.
    const ourFamilies = parseExposition(ourText).families;
    for (const family of parseExposition(theirText).families.values()) {
      expect([ourFamilies.get(family.name)?.help, ourFamilies.get(family.name)?.type]).toEqual([family.help, family.type]);
    }
  });

  it('keeps the float64 values that mistexporter rounds through float32', async () => {
    const ours = samples(await scrape(undefined, ''), false);
    expect(ours.get('mist_site_modified_time{country_code="CA",site_name="Test Site 2",timezone="America/Toronto"}')).toBe(1609459300);
    expect(ours.get('mist_site_lat{country_code="US",site_name="Test Site 1",timezone="America/Los_Angeles"}')).toBe(37.7749);
  });
});
