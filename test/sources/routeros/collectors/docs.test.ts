import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderMetricsDoc } from '../../../../src/sources/routeros/collectors/docs.js';
import { renderMetricsDoc as renderAllMetricsDocs } from '../../../../src/sources/docs.js';
import { COLLECTORS } from '../../../../src/sources/routeros/collectors/registry.js';
import { prometheusName } from '../../../../src/engine/metric.js';
import { ROUTER_METRICS } from '../../../../src/sources/routeros/descriptor.js';
import { AGENT_METRIC_DEFINITIONS } from '../../../../src/telemetry/agent-metrics.js';

const DOC = fileURLToPath(new URL('../../../../docs/metrics.md', import.meta.url));

describe('docs/metrics.md', () => {
  const rendered = renderAllMetricsDocs();

  it('matches renderMetricsDoc()', () => {
    // UPDATE_METRICS_DOC=1 rewrites the file, like a golden-file update switch.
    if (process.env['UPDATE_METRICS_DOC'] === '1') writeFileSync(DOC, rendered);
    let current = '';
    try {
      current = readFileSync(DOC, 'utf8');
    } catch {
      current = '';
    }
    if (current !== rendered) {
      expect.fail(
        'docs/metrics.md is out of date with the collector definitions. Regenerate it with ' +
          '`npm run build && npm run docs:metrics` (or `UPDATE_METRICS_DOC=1 npx vitest run test/sources/routeros/collectors/docs.test.ts`).',
      );
    }
  });

  it('documents every collector, metric and engine metric', () => {
    for (const collector of COLLECTORS) {
      expect(rendered).toContain(`### ${collector.name}\n`);
      for (const path of collector.paths) expect(rendered).toContain(`\`${path}\``);
      for (const metric of collector.metrics) {
        expect(rendered).toContain(`| \`${prometheusName(metric)}\` | \`${metric.name}\` | ${metric.kind} |`);
      }
    }
    for (const metric of ROUTER_METRICS) expect(rendered).toContain(`| \`${prometheusName(metric)}\` | \`${metric.name}\` |`);
    for (const metric of AGENT_METRIC_DEFINITIONS) expect(rendered).toContain(`\`${metric.name}\``);
  });

  it('lists labels, defaults and intervals', () => {
    expect(rendered).toContain(
      '| `routeros_interface_receive_bytes_total` | `routeros.interface.receive.bytes` | counter | `By` | `router`, *router labels*, `interface` | Bytes received by the interface. |',
    );
    expect(rendered).toContain('- Default: **on**');
    expect(rendered).toContain('- Interval: the router interval');
    expect(rendered).toContain('`mikrotik_agent_collector_runs_total`');
    expect(rendered).toContain('`mikrotik_agent_collector_duration_seconds_bucket/_sum/_count`');
  });

  it('renders off-by-default families and their own interval', () => {
    const doc = renderMetricsDoc([
      { ...COLLECTORS[0]!, name: 'certificate', defaultEnabled: false, defaultIntervalMillis: 3_600_000, summary: 'Certificates | expiry.' },
    ]);
    expect(doc).toContain('- Default: off');
    expect(doc).toContain('- Interval: 1h');
    expect(doc).toContain('Certificates \\| expiry.');
  });
});
