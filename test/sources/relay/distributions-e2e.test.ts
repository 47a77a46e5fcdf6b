/**
 * Relayed histograms and summaries reach real backends as histograms and summaries: an app pushes
 * growing ones through the Pushgateway API; real Prometheus 2.53 scrapes the agent (once as
 * OpenMetrics, once as the text format) and real VictoriaMetrics receives the agent's OTLP push
 * (`-opentelemetry.usePrometheusNaming`). `histogram_quantile` over `rate(…_bucket[1m])` and the
 * `_count` series answer in all three, under the same names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../helpers/processes.js';
import {
  startPrometheus,
  startVictoriaMetrics,
  type InstantSample,
  type PrometheusServer,
  type VictoriaMetricsServer,
} from '../../helpers/tools.js';
import { eventually, OTLP_TO_VICTORIA_METRICS_YAML, startTestAgent, type TestAgent } from '../../e2e/helpers/agent.js';

let agent: TestAgent;
let vm: VictoriaMetricsServer;
let openMetrics: PrometheusServer;
let text: PrometheusServer;
let pusher: NodeJS.Timeout | undefined;
let step = 0;

/** Observations so far: per step one at 0.05, two at 0.5, one at 5 (so the median is in (0.1, 1]). */
function body(i: number): string {
  return [
    '# HELP e2e_latency_seconds Request latency.',
    '# TYPE e2e_latency_seconds histogram',
    `e2e_latency_seconds_bucket{path="/a",le="0.1"} ${i}`,
    `e2e_latency_seconds_bucket{path="/a",le="1"} ${3 * i}`,
    `e2e_latency_seconds_bucket{path="/a",le="+Inf"} ${4 * i}`,
    `e2e_latency_seconds_sum{path="/a"} ${6.05 * i}`,
    `e2e_latency_seconds_count{path="/a"} ${4 * i}`,
    '# HELP e2e_rpc_size RPC sizes.',
    '# TYPE e2e_rpc_size summary',
    'e2e_rpc_size{quantile="0.5"} 300',
    'e2e_rpc_size{quantile="0.9"} 900',
    `e2e_rpc_size_sum ${500 * i}`,
    `e2e_rpc_size_count ${2 * i}`,
    '',
  ].join('\n');
}

async function push(): Promise<void> {
  step += 1;
  const response = await httpRequest(`http://${agent.target}/metrics/job/e2e`, { method: 'PUT', body: body(step) });
  if (response.status !== 200) throw new Error(`push: HTTP ${response.status} ${response.body}`);
}

/** The first sample of a query once it has a finite value. */
async function answer(server: PrometheusServer | VictoriaMetricsServer, promql: string): Promise<InstantSample> {
  return eventually(
    `${promql} answers`,
    async () => {
      if ('forceFlush' in server) await server.forceFlush();
      const [first] = await server.query(promql);
      return first !== undefined && Number.isFinite(first.value) ? first : undefined;
    },
    { timeoutMillis: 30_000, pollMillis: 500 },
  );
}

beforeAll(async () => {
  vm = await startVictoriaMetrics({ flags: ['-opentelemetry.usePrometheusNaming'] });
  agent = await startTestAgent({
    text: [
      'server: { listen: "127.0.0.1:0" }',
      'relay:',
      '  enabled: true',
      '  receiver: { receive_on_unix_socket: false, receiver_tcp_socket: "127.0.0.1:0" }',
      '  pushgateway: true',
      ...OTLP_TO_VICTORIA_METRICS_YAML,
    ].join('\n'),
    env: { VM_OTLP_URL: vm.otlpMetricsUrl },
  });
  await push();
  // The app keeps observing: every push carries larger counts, so rate() has an increase to show.
  pusher = setInterval(() => void push().catch(() => undefined), 500);
  [openMetrics, text] = await Promise.all([
    startPrometheus({ scrapeTargets: [agent.target], scrapeIntervalSeconds: 1 }),
    startPrometheus({ scrapeTargets: [agent.target], scrapeIntervalSeconds: 1, scrapeProtocols: ['PrometheusText0.0.4'] }),
  ]);
}, 60_000);

afterAll(async () => {
  if (pusher !== undefined) clearInterval(pusher);
  await Promise.all([openMetrics?.stop(), text?.stop(), vm?.stop()]);
  await agent?.stop();
});

describe('relayed histograms and summaries in real backends', () => {
  it.each([
    ['Prometheus scraping OpenMetrics', () => openMetrics],
    ['Prometheus scraping the text format', () => text],
    ['VictoriaMetrics receiving OTLP', () => vm],
  ] as const)('%s: histogram_quantile, _count and the summary answer', async (_name, server) => {
    const median = await answer(server(), 'histogram_quantile(0.5, rate(e2e_latency_seconds_bucket[1m]))');
    // Half of the observations lie at or below the middle of the (0.1, 1] bucket by linear interpolation.
    expect(median.value).toBeGreaterThan(0.1);
    expect(median.value).toBeLessThanOrEqual(1);
    expect(median.labels).toMatchObject({ app: 'e2e', path: '/a' });
    expect((await answer(server(), 'e2e_latency_seconds_count')).value).toBeGreaterThan(0);
    expect((await answer(server(), 'e2e_latency_seconds_sum')).value).toBeGreaterThan(0);
    expect((await answer(server(), 'e2e_rpc_size{quantile="0.9"}')).value).toBe(900);
    expect((await answer(server(), 'e2e_rpc_size_count')).value).toBeGreaterThan(0);
    expect((await answer(server(), 'e2e_rpc_size_sum')).value).toBeGreaterThan(0);
  }, 120_000);
});
