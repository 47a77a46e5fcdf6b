/**
 * The REST families (org alarms and tickets, site stats) on a real scrape of the agent collecting
 * the simulated organisation, compared with golden files in both naming modes, for mistexporter's
 * four golden cases: success, org error (the family is absent), site-stats error (only the org
 * families remain) and a filtered site list. Plus promtool on the whole scrape in both modes.
 *
 * Regenerate after an intended change (review the diff):
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/sources/mist/rest.test.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { promtoolCheckMetrics, unexpectedLintFindings } from '../../helpers/tools.js';
import { familyLines, startMist, until, type HarnessOptions, type MistHarness } from './helpers.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
/** The REST families in both modes: mistexporter's `mist_org_*`/`mist_site_*` and the otel names. */
const REST_PREFIXES = ['mist_org_', 'mist_site_'];

let harness: MistHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** The scrape's REST family lines without the scope labels every series carries. */
function restFamilies(text: string): string {
  return familyLines(text, REST_PREFIXES)
    .map((line) => line.replace(/,?otel_scope_(name|version)="[^"]*"/g, ''))
    .join('\n');
}

async function restScrape(options: HarnessOptions, prepare?: HarnessOptions['prepare']): Promise<string> {
  harness = await startMist({ ...options, simulator: { sites: 3, ...options.simulator }, ...(prepare === undefined ? {} : { prepare }) });
  const org = harness.org;
  await until('the first REST round', () => org.firstRoundDone);
  return restFamilies(await harness.scrape());
}

function golden(mode: string, name: string, actual: string): void {
  const file = fileURLToPath(new URL(`../../fixtures/mist/${mode}/${name}.prom`, import.meta.url));
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`${file} is missing; run UPDATE_GOLDEN=1 npx vitest run test/sources/mist/rest.test.ts`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual === '' ? '' : `${actual}\n`);
  }
  expect(actual === '' ? '' : `${actual}\n`).toBe(readFileSync(file, 'utf8'));
}

describe.each(['mistexporter', 'otel'] as const)('REST families, names: %s', (mode) => {
  it('success: alarms, tickets and every site’s stats', async () => {
    const text = await restScrape({ org: `names: ${mode}` });
    golden(mode, 'success', text);
    expect(text).toContain('alarm_type="rogue_ap"');
    // float64: mistexporter's float32 shows this as 1.609459328e+09.
    expect(text).toMatch(/site_name="site-01"[^}]*} 1609459300$/m);
  });

  it('org error: with the org endpoints failing their families are absent', async () => {
    // Only /self answers: the org is known, every /orgs/… call fails.
    const text = await restScrape({ org: `names: ${mode}` }, (simulator) => {
      simulator.faults.restError = { count: 1_000, status: 500, match: '/orgs/' };
    });
    golden(mode, 'org_error', text);
    expect(text).toBe('');
    const snapshot = harness!.snapshot();
    expect(snapshot.up).toBe(true);
    expect(snapshot.collectors.get('alarms')?.status).toBe('error');
    expect(snapshot.collectors.get('alarms')?.error).toContain('HTTP 500');
  });

  it('site-stats error: only the org families remain', async () => {
    const text = await restScrape({ org: `names: ${mode}` }, (simulator) => {
      simulator.faults.restError = { count: 1_000, status: 503, match: '/stats' };
    });
    golden(mode, 'site_stats_error', text);
    expect(text).toContain('_org_alarms');
    expect(text).not.toContain('_site_');
  });

  it('a malformed body costs its family only, and says so', async () => {
    const text = await restScrape({ org: `names: ${mode}` }, (simulator) => {
      simulator.faults.restMalformed = { count: 1, match: '/alarms/' };
    });
    expect(text).not.toContain('_org_alarms');
    expect(text).toContain('_org_tickets');
    expect(text).toContain('site_name="site-01"');
    const snapshot = harness!.snapshot();
    expect(snapshot.up).toBe(true);
    expect(snapshot.collectors.get('alarms')).toMatchObject({ status: 'error', error: 'GET /orgs/{org_id}/alarms/count: the body is not JSON' });
  });

  it('filtered: include/exclude globs on the site name, exclude wins', async () => {
    const text = await restScrape({ org: `names: ${mode}, sites: { include: ["site-0*"], exclude: ["site-02"] }` });
    golden(mode, 'filtered', text);
    expect(text).toContain('site_name="site-01"');
    expect(text).toContain('site_name="site-03"');
    expect(text).not.toContain('site_name="site-02"');
  });
});

describe('the whole scrape under promtool', () => {
  it.each(['otel', 'mistexporter'] as const)('names: %s', async (mode) => {
    harness = await startMist({ org: `names: ${mode}` });
    const h = harness;
    await until('devices and clients', () => (h.snapshot().collectors.get('clients')?.samples.length ?? 0) > 0 && (h.snapshot().collectors.get('devices')?.samples.length ?? 0) > 0);
    const text = await h.scrape();
    const result = await promtoolCheckMetrics(text);
    const findings = unexpectedLintFindings(result.output);
    if (mode === 'otel') expect(findings).toEqual([]);
    else {
      // mistexporter's own names are kept on purpose; promtool wants bytes, not bits.
      expect(findings.length).toBeGreaterThan(0);
      for (const finding of findings) expect(finding).toMatch(/^mist_(device|client)_(receive|transmit)_bits_per_second use base unit "bytes" instead of "bits"$/);
    }
    expect([0, 3]).toContain(result.exitCode);
  });
});
