/**
 * The agent at fleet scale, measured alone: the simulated fleet, the OTLP receiver and the scraper each
 * run in their own process, the agent in a child of its own. Reports, over a measurement window after
 * the first round and a warm-up:
 * - `/metrics` latency (plain and gzip), scraped at a fixed cadence;
 * - the agent's event-loop delay (p50, p99, max) while it polls, serves scrapes and pushes OTLP;
 * - the agent's CPU, as a share of one core averaged over the window;
 * - the agent's RSS (median and peak, sampled every second);
 * and, as anchors from the same snapshots in the same process, the stock PrometheusSerializer over the
 * SDK's ResourceMetrics (the old `/metrics` path) and prom-client rendering the very same series.
 *
 * Build: npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *          --target es2022 --strict --skipLibCheck --types node bench/fleet-scale.ts
 * Run:   npm run build && node bench/results/build/bench/fleet-scale.js --routers 1000 --minutes 5
 *          [--interval 30s] [--scrape-every 10] [--otlp-every 60] [--profile mixed] [--port-base 20000]
 *          [--cpu-profile agent.cpuprofile]   (a V8 CPU profile of the agent over the window, before the anchors)
 *          [--alloc-profile agent.heapprofile]   (where the agent allocates over the window, garbage included)
 *          [--agent-flags=--max-semi-space-size=8]   (Node/V8 flags for the agent's process)
 *          [--timeline memory.csv]   (the agent's RSS, heap and external memory every second of the window)
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector';
import { createInterface } from 'node:readline';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { SnapshotSource } from '../src/engine/snapshot.js';
import { SnapshotMetricProducer } from '../src/telemetry/snapshot-producer.js';
import { benchAgentConfig, LogCounter, scrape, startBenchAgent } from './lib/agent-harness.js';
import { promClientRegistry } from './lib/prom-client-anchor.js';
import { machineDescription, median, megabytes, percentile, sleep } from './lib/process-stats.js';

interface Options {
  routers: number;
  minutes: number;
  intervalMillis: number;
  scrapeEverySeconds: number;
  otlpEverySeconds: number;
  profile: string;
  portBase: number;
  /** Write a V8 CPU profile of the agent over the measurement window to this file. */
  cpuProfile: string | undefined;
  /** Write a sampling profile of every allocation over the window (collected or not) to this file. */
  allocProfile: string | undefined;
  /** Extra Node/V8 flags for the agent's process (space-separated), e.g. the ones its launcher sets. */
  agentFlags: string[];
  /** Write the agent's memory, sampled every second over the window, to this CSV file. */
  timeline: string | undefined;
}

/** What the agent child reports. */
interface AgentStats {
  readonly cpuMicros: number;
  readonly rssBytes: number;
  /** V8's heap in use and reserved, and memory outside it (Buffers, zlib), at the same moment. */
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly loopP50Millis: number;
  readonly loopP99Millis: number;
  readonly loopMaxMillis: number;
  readonly targets: number;
  readonly up: number;
}

type ToChild = { type: 'stats' } | { type: 'reset' } | { type: 'profiled' } | { type: 'anchor' } | { type: 'stop' };
type FromChild =
  | { type: 'ready'; port: number }
  | { type: 'stats'; stats: AgentStats }
  | { type: 'anchor'; serializerMillis: number; promClientMillis: number; series: number }
  | { type: 'profiled' }
  | { type: 'stopped' };

// Compiled to bench/results/build/bench/: the repository is four levels up.
const REPO = fileURLToPath(new URL('../../../..', import.meta.url));

if (process.argv.includes('--agent-child')) {
  void agentChild();
} else {
  void controller().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      routers: { type: 'string', default: '1000' },
      minutes: { type: 'string', default: '5' },
      interval: { type: 'string', default: '30s' },
      'scrape-every': { type: 'string', default: '10' },
      'otlp-every': { type: 'string', default: '60' },
      profile: { type: 'string', default: 'mixed' },
      'port-base': { type: 'string', default: '20000' },
      'cpu-profile': { type: 'string' },
      'alloc-profile': { type: 'string' },
      'agent-flags': { type: 'string', default: '' },
      timeline: { type: 'string' },
    },
  });
  return {
    routers: Number(values.routers),
    minutes: Number(values.minutes),
    intervalMillis: Number.parseInt(values.interval, 10) * 1000,
    scrapeEverySeconds: Number(values['scrape-every']),
    otlpEverySeconds: Number(values['otlp-every']),
    profile: values.profile,
    portBase: Number(values['port-base']),
    cpuProfile: values['cpu-profile'],
    allocProfile: values['alloc-profile'],
    agentFlags: values['agent-flags'].split(' ').filter((flag) => flag !== ''),
    timeline: values.timeline,
  };
}

async function controller(): Promise<void> {
  const opts = options();
  console.log(`fleet-scale: ${opts.routers} routers (${opts.profile}), interval ${opts.intervalMillis / 1000} s, ` +
    `scrape every ${opts.scrapeEverySeconds} s, OTLP every ${opts.otlpEverySeconds} s, window ${opts.minutes} min`);
  console.log(`machine: ${machineDescription()}`);

  const simulator = spawn(process.execPath, [join(REPO, 'dist/cli.js'), 'simulate', '--count', String(opts.routers),
    '--host', '127.0.0.1', '--port-base', String(opts.portBase), '--profile', opts.profile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const routers = await listeningRouters(simulator, opts.routers);
  if (routers.length < opts.routers) throw new Error(`the simulator started ${routers.length} of ${opts.routers} routers`);
  console.log(`simulator: ${routers.length} routers listening (own process ${simulator.pid})`);

  const sink = spawn(process.execPath, ['-e', SINK_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sinkPort = Number((await firstLine(sink)).trim());

  const dir = mkdtempSync(join(tmpdir(), 'fleet-scale-'));
  const plan = join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify({ routers, opts, otlpUrl: `http://127.0.0.1:${sinkPort}/v1/metrics` }));
  const agent = fork(fileURLToPath(import.meta.url), ['--agent-child', plan], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=2048', ...opts.agentFlags] });
  const ask = requester(agent);
  const ready = (await ask({ type: 'stats' }, 'ready')) as Extract<FromChild, { type: 'ready' }>;
  const address = { host: '127.0.0.1', port: ready.port };

  // Warm-up: one whole interval after the first round, so every router has been polled twice.
  await sleep(opts.intervalMillis);
  await ask({ type: 'reset' }, 'stats');
  const started = Date.now();
  const plain: number[] = [];
  const gzipped: number[] = [];
  let bodyBytes = 0;
  let seriesCount = 0;
  const rss: number[] = [];
  const heapUsed: number[] = [];
  const heapTotal: number[] = [];
  const external: number[] = [];
  // MiB, as megabytes() prints them.
  const timeline: string[] = ['seconds,rss_mib,heap_used_mib,heap_reserved_mib,external_mib'];
  const rssTimer = setInterval(() => {
    void ask({ type: 'stats' }, 'stats').then((message) => {
      const { stats } = message as Extract<FromChild, { type: 'stats' }>;
      const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
      timeline.push(`${((Date.now() - started) / 1000).toFixed(0)},${mb(stats.rssBytes)},${mb(stats.heapUsedBytes)},${mb(stats.heapTotalBytes)},${mb(stats.externalBytes)}`);
      rss.push(stats.rssBytes);
      heapUsed.push(stats.heapUsedBytes);
      heapTotal.push(stats.heapTotalBytes);
      external.push(stats.externalBytes);
    });
  }, 1000);
  let count = 0;
  const failures: string[] = [];
  while (Date.now() - started < opts.minutes * 60_000) {
    const tick = Date.now();
    const gzip = count % 2 === 1;
    let result: Awaited<ReturnType<typeof scrape>>;
    try {
      result = await scrape(address, { gzip, timeoutMillis: 60_000 });
    } catch (error) {
      // A failed scrape is a result (the agent could not answer in time), not the end of the run.
      failures.push(`${((Date.now() - started) / 1000).toFixed(0)} s: ${error instanceof Error ? error.message : String(error)}`);
      count += 1;
      await sleep(Math.max(0, opts.scrapeEverySeconds * 1000 - (Date.now() - tick)));
      continue;
    }
    (gzip ? gzipped : plain).push(result.durationMillis);
    if (!gzip) {
      bodyBytes = result.wireBytes;
      seriesCount = result.text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    }
    count += 1;
    await sleep(Math.max(0, opts.scrapeEverySeconds * 1000 - (Date.now() - tick)));
  }
  clearInterval(rssTimer);
  if (opts.timeline !== undefined) writeFileSync(opts.timeline, `${timeline.join('\n')}\n`);
  const windowSeconds = (Date.now() - started) / 1000;
  const final = ((await ask({ type: 'stats' }, 'stats')) as Extract<FromChild, { type: 'stats' }>).stats;
  if (opts.cpuProfile !== undefined || opts.allocProfile !== undefined) await ask({ type: 'profiled' }, 'profiled');
  const anchor = (await ask({ type: 'anchor' }, 'anchor')) as Extract<FromChild, { type: 'anchor' }>;
  await ask({ type: 'stop' }, 'stopped');
  simulator.kill('SIGTERM');
  sink.kill('SIGTERM');

  const cpuShare = final.cpuMicros / 1e6 / windowSeconds;
  console.log('');
  console.log(`| measure | agent | anchor (same snapshots, same process) |`);
  console.log(`|---|---|---|`);
  console.log(`| targets up | ${final.up} / ${final.targets} | |`);
  console.log(`| series per scrape | ${seriesCount.toLocaleString('en')} (${megabytes(bodyBytes)}) | |`);
  console.log(`| /metrics median (p99) | ${fmt(median(plain))} ms (${fmt(percentile(plain, 99))} ms), ${plain.length} scrapes | stock PrometheusSerializer ${fmt(anchor.serializerMillis)} ms; prom-client ${fmt(anchor.promClientMillis)} ms (${anchor.series.toLocaleString('en')} series) |`);
  console.log(`| failed scrapes | ${failures.length}${failures.length > 0 ? ` (${failures.slice(0, 3).join('; ')})` : ''} | |`);
  console.log(`| gzip /metrics median (p99) | ${fmt(median(gzipped))} ms (${fmt(percentile(gzipped, 99))} ms) | |`);
  console.log(`| event-loop delay p50 / p99 / max | ${fmt(final.loopP50Millis)} / ${fmt(final.loopP99Millis)} / ${fmt(final.loopMaxMillis)} ms | |`);
  console.log(`| agent CPU (share of one core, ${windowSeconds.toFixed(0)} s) | ${(cpuShare * 100).toFixed(1)} % | |`);
  console.log(`| agent RSS median / peak | ${megabytes(median(rss))} / ${megabytes(Math.max(...rss, final.rssBytes))} | |`);
  for (const [name, values] of [['V8 heap used', heapUsed], ['V8 heap reserved', heapTotal], ['outside the heap (external)', external]] as const) {
    console.log(`| ${name} median / peak | ${megabytes(median(values))} / ${megabytes(Math.max(...values))} | |`);
  }
  if (opts.agentFlags.length > 0) console.log(`agent process flags: ${opts.agentFlags.join(' ')}`);
}

function fmt(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(value < 10 ? 1 : 0);
}

/** Collects `count` "router … listening on host:port" lines. */
async function listeningRouters(child: ChildProcess, count: number): Promise<{ name: string; port: number }[]> {
  const routers: { name: string; port: number }[] = [];
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const match = /^router (\S+) listening on [^:]+:(\d+)/.exec(line);
    if (match) routers.push({ name: match[1]!, port: Number(match[2]) });
    if (routers.length === count) break;
  }
  return routers;
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) return line;
  throw new Error('child printed nothing');
}

/** Request/response over IPC: sends `message`, resolves with the next reply of `type`. */
function requester(child: ChildProcess): (message: ToChild, type: FromChild['type']) => Promise<FromChild> {
  const waiting: { type: FromChild['type']; resolve: (reply: FromChild) => void }[] = [];
  child.on('message', (reply: FromChild) => {
    const index = waiting.findIndex((entry) => entry.type === reply.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(reply);
  });
  let readySent = false;
  return (message, type) =>
    new Promise<FromChild>((resolve) => {
      waiting.push({ type, resolve });
      // The first request waits for 'ready', which the child sends by itself.
      if (type === 'ready' && !readySent) {
        readySent = true;
        return;
      }
      child.send(message);
    });
}

/** An OTLP/HTTP receiver that reads and drops every body: the agent's push costs the agent, not the bench. */
const SINK_SCRIPT = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/x-protobuf' }); res.end(); }); });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

async function agentChild(): Promise<void> {
  const planPath = process.argv[process.argv.indexOf('--agent-child') + 1]!;
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as { routers: { name: string; port: number }[]; opts: Options; otlpUrl: string };
  const config = benchAgentConfig({
    routers: plan.routers,
    intervalMillis: plan.opts.intervalMillis,
    timeoutMillis: Math.min(10_000, plan.opts.intervalMillis),
    concurrency: 64,
    otlp: { url: plan.otlpUrl, intervalMillis: plan.opts.otlpEverySeconds * 1000, timeoutMillis: 30_000 },
  });
  const logs = new LogCounter();
  const agent = await startBenchAgent(config, logs);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpuBase = process.cpuUsage();
  const profiler = plan.opts.cpuProfile === undefined && plan.opts.allocProfile === undefined ? undefined : new Session();
  profiler?.connect();
  await agent.engine.whenFirstRoundDone();
  const stats = (): AgentStats => {
    const cpu = process.cpuUsage(cpuBase);
    const snapshots = agent.engine.snapshots();
    const memory = process.memoryUsage();
    return {
      cpuMicros: cpu.user + cpu.system,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      loopP50Millis: loop.percentile(50) / 1e6,
      loopP99Millis: loop.percentile(99) / 1e6,
      loopMaxMillis: loop.max / 1e6,
      targets: snapshots.length,
      up: snapshots.filter((snapshot) => snapshot.up).length,
    };
  };
  process.on('message', (message: ToChild) => {
    void (async () => {
      if (message.type === 'stats') process.send?.({ type: 'stats', stats: stats() } satisfies FromChild);
      else if (message.type === 'reset') {
        loop.reset();
        cpuBase = process.cpuUsage();
        if (profiler !== undefined && plan.opts.cpuProfile !== undefined) {
          await post(profiler, 'Profiler.enable');
          await post(profiler, 'Profiler.start');
        }
        if (profiler !== undefined && plan.opts.allocProfile !== undefined) {
          await post(profiler, 'HeapProfiler.enable');
          await post(profiler, 'HeapProfiler.startSampling', {
            samplingInterval: 256 * 1024,
            includeObjectsCollectedByMajorGC: true,
            includeObjectsCollectedByMinorGC: true,
          });
        }
        process.send?.({ type: 'stats', stats: stats() } satisfies FromChild);
      } else if (message.type === 'profiled') {
        if (profiler !== undefined && plan.opts.cpuProfile !== undefined) {
          const { profile } = (await post(profiler, 'Profiler.stop')) as { profile: unknown };
          writeFileSync(plan.opts.cpuProfile, JSON.stringify(profile));
        }
        if (profiler !== undefined && plan.opts.allocProfile !== undefined) {
          const { profile } = (await post(profiler, 'HeapProfiler.stopSampling')) as { profile: unknown };
          writeFileSync(plan.opts.allocProfile, JSON.stringify(profile));
        }
        process.send?.({ type: 'profiled' } satisfies FromChild);
      } else if (message.type === 'anchor') {
        process.send?.({ type: 'anchor', ...(await anchors(agent.engine)) } satisfies FromChild);
      } else {
        await agent.shutdown();
        process.send?.({ type: 'stopped' } satisfies FromChild);
        process.exit(0);
      }
    })();
  });
  process.send?.({ type: 'ready', port: agent.address.port } satisfies FromChild);
  await once(process, 'disconnect');
}

function post(session: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error === null ? resolve(result) : reject(error)));
  });
}

/** The old path (producer + stock serializer) and prom-client over the same snapshots, timed. */
async function anchors(engine: SnapshotSource): Promise<{ serializerMillis: number; promClientMillis: number; series: number }> {
  const producer = new SnapshotMetricProducer(engine, { scopeName: 'anchor' });
  const serializer = new PrometheusSerializer();
  const times: number[] = [];
  let text = '';
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const { resourceMetrics } = await producer.collect();
    text = serializer.serialize(resourceMetrics);
    times.push(performance.now() - started);
  }
  const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  return { serializerMillis: median(times) ?? 0, promClientMillis: await promClientAnchor(engine), series };
}

/** prom-client rendering the same series, median of three renders. */
async function promClientAnchor(source: SnapshotSource): Promise<number> {
  const registry = promClientRegistry(source);
  const times: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    await registry.metrics();
    times.push(performance.now() - started);
  }
  return median(times) ?? 0;
}
