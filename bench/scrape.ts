/**
 * Scrape cost at scale: the simulator runs in its OWN process (`node dist/cli.js simulate`), the agent in
 * this one polls it, and `/metrics` is timed over HTTP, plain and gzipped. Beside it, in the same run and
 * over the very same series: prom-client rendering them (the plain Node client, `registry.metrics()`),
 * and the stock OpenTelemetry PrometheusSerializer over the same ResourceMetrics (what `/metrics` ran
 * before the exposition renderer). Figures go to docs/benchmarks.md. Run from the repository root after
 * `npm run build`:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/scrape.ts \
 *   && node bench/results/build/bench/scrape.js [--count 100] [--port-base 47000] [--profile mixed] [--scrapes 30] [--otlp]
 *
 * After the scrapes, the event-loop delay (max, p99) over a 16 s window without scrapes, polls going on. `--otlp`
 * also pushes OTLP (protobuf, every 5 s) to a sink in this process that only receives: compare the window with
 * and without it to see what the OTLP collect and encode add.
 *
 * Scrape duration is request sent → last body byte received, over a fresh loopback connection, measured by a
 * client in a third process (bench/lib/scrape-client.ts): reading 7 MB on the agent's own event loop would
 * charge the client's work to the agent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SnapshotSource } from '../src/engine/snapshot.js';
import { SnapshotExposition } from '../src/exposition/exposition.js';
import { SnapshotMetricProducer } from '../src/telemetry/snapshot-producer.js';
import { benchAgentConfig, LogCounter, startBenchAgent } from './lib/agent-harness.js';
import { OtlpSink } from './lib/otlp-sink.js';
import { promClientRegistry } from './lib/prom-client-anchor.js';
import { ScrapeClient } from './lib/scrape-client.js';
import { machineDescription, median, sleep } from './lib/process-stats.js';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : (process.argv[index + 1] ?? fallback);
}

const COUNT = Number(flag('count', '100'));
const PORT_BASE = Number(flag('port-base', '47000'));
const PROFILE = flag('profile', 'mixed');
const SCRAPES = Number(flag('scrapes', '30'));
const OTLP = process.argv.includes('--otlp');

/** Starts the simulator process and resolves once its last router accepts connections. */
async function startSimulator(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['dist/cli.js', 'simulate', '--count', String(COUNT), '--port-base', String(PORT_BASE), '--profile', PROFILE],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`simulator exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(PORT_BASE + COUNT - 1, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return child;
    await sleep(200);
  }
  child.kill();
  throw new Error('simulator did not listen within 60 s');
}

async function timed(runs: number, work: () => Promise<unknown> | unknown): Promise<number> {
  const durations: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    durations.push(performance.now() - started);
  }
  return median(durations) ?? Number.NaN;
}

async function main(): Promise<void> {
  const simulator = await startSimulator();
  const routers = Array.from({ length: COUNT }, (_, index) => ({ name: `sim-${index + 1}`, port: PORT_BASE + index }));
  let exports = 0;
  const sink = new OtlpSink({ onExport: () => (exports += 1) });
  if (OTLP) await sink.up();
  const config = benchAgentConfig({
    routers,
    intervalMillis: 30_000,
    timeoutMillis: 20_000,
    concurrency: 16,
    ...(OTLP ? { otlp: { url: sink.url, intervalMillis: 5_000, timeoutMillis: 4_000 } } : {}),
  });
  const logs = new LogCounter();
  const agent = await startBenchAgent(config, logs);
  try {
    const firstRound = performance.now();
    await agent.engine.whenFirstRoundDone();
    const up = agent.engine.snapshots().filter((snapshot) => snapshot.up).length;
    console.error(`first round ${Math.round(performance.now() - firstRound)} ms, ${up}/${COUNT} routers up`);
    // Let the background renderer catch up with the first round, as it does between polls.
    await sleep(2_000);

    const plain: number[] = [];
    const gzip: number[] = [];
    let plainBytes = 0;
    let gzipBytes = 0;
    let series = 0;
    const client = ScrapeClient.start();
    try {
      for (let index = 0; index < SCRAPES; index += 1) {
        const a = await client.scrape({ ...agent.address, gzip: false });
        const b = await client.scrape({ ...agent.address, gzip: true });
        if (a.status !== 200 || b.status !== 200 || !b.gzip) throw new Error(`scrape answered ${a.status}/${b.status}`);
        plain.push(a.durationMillis);
        gzip.push(b.durationMillis);
        plainBytes = a.wireBytes;
        gzipBytes = b.wireBytes;
        series = a.series;
      }
    } finally {
      client.stop();
    }

    // The anchors, over a frozen copy of the same snapshots.
    const snapshots = agent.engine.snapshots();
    const frozen: SnapshotSource = { snapshots: () => snapshots, firstRoundDone: true };
    const registry = promClientRegistry(frozen);
    const promClientMillis = await timed(Math.min(SCRAPES, 10), () => registry.metrics());
    const { resourceMetrics } = await new SnapshotMetricProducer(frozen, { scopeName: 'mikrotik-otel-agent.routeros' }).collect();
    const resource = { ...resourceMetrics, resource: resourceFromAttributes({ 'service.name': 'mikrotik-otel-agent' }) };
    const serializer = new PrometheusSerializer();
    const serializerMillis = await timed(Math.min(SCRAPES, 10), () => serializer.serialize(resource));
    // The exposition's own share of a scrape: choosing the families and listing the cached buffers.
    const exposition = new SnapshotExposition({ source: frozen });
    await exposition.refresh();
    const bodyMillis = await timed(Math.min(SCRAPES, 10), () => exposition.body('text', false));

    let loopWindow: { otlpRequests: number; loopDelayMaxMillis: number; loopDelayP99Millis: number };
    {
      const before = exports;
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      await sleep(16_000);
      delay.disable();
      loopWindow = {
        otlpRequests: exports - before,
        loopDelayMaxMillis: round(delay.max / 1e6),
        loopDelayP99Millis: round(delay.percentile(99) / 1e6),
      };
    }

    const plainMedian = median(plain) ?? Number.NaN;
    const result = {
      date: new Date().toISOString(),
      machine: machineDescription(),
      loadAverage: (await import('node:os')).loadavg().map((value) => value.toFixed(1)).join(' '),
      routers: COUNT,
      routersUp: up,
      profile: PROFILE,
      series,
      scrapes: SCRAPES,
      metricsMedianMillis: round(plainMedian),
      metricsMaxMillis: round(Math.max(...plain)),
      gzipMedianMillis: round(median(gzip) ?? Number.NaN),
      bodyMegabytes: round(plainBytes / 1e6),
      gzipBodyKilobytes: round(gzipBytes / 1e3),
      expositionBodyMedianMillis: round(bodyMillis),
      promClientMedianMillis: round(promClientMillis),
      stockSerializerMedianMillis: round(serializerMillis),
      ratioToPromClient: round(plainMedian / promClientMillis),
      agentWarnings: logs.count('warn'),
      loopWindow,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await agent.shutdown();
    await sink.down();
    simulator.kill('SIGTERM');
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
