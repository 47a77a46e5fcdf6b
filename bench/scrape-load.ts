/**
 * Scrape load: /metrics latency, body size and memory for fleets of 10, 100 and 1,000 simulated
 * routers (the product's `mixed` profile selection, all default collectors, 30 s interval). Each
 * size runs in its own child process so RSS figures do not carry over. Per size: 30 sequential
 * scrapes without and 30 with `Accept-Encoding: gzip`, while polling goes on in the background.
 * Results in docs/benchmarks.md. Run from the repository root, like every benchmark in bench/:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/scrape-load.ts \
 *   && node --expose-gc bench/results/build/bench/scrape-load.js [--sizes 10,100,1000] [--scrapes 30] [--profile mixed]
 *
 * (bench/results/ is git-ignored; tsc compiles only this file and what it imports.)
 *
 * RSS is the whole process: simulator + agent. "agent Δ" is the RSS after the scrapes minus the RSS
 * with the fleet started and idle, before the agent: the agent's share (plus the simulator's
 * per-connection state, which bench/simulator-memory.ts measures on its own).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchAgentConfig, LogCounter, scrape, startBenchAgent, type Scrape } from './lib/agent-harness.js';
import { startBenchFleet } from './lib/bench-fleet.js';
import { countSeries } from './lib/exposition.js';
import { forceGc, machineDescription, median, megabytes, percentile, sleep } from './lib/process-stats.js';

/** What one fleet size measured. */
interface SizeResult {
  routers: number;
  profiles: string[];
  series: number;
  firstRoundMillis: number;
  plain: ScrapeStats;
  gzip: ScrapeStats;
  rssFleetIdle: number;
  rssAfterScrapes: number;
  rssPeak: number;
  heapAfterGc: number;
  routersUp: number;
}

interface ScrapeStats {
  medianMillis: number;
  p99Millis: number;
  maxMillis: number;
  wireBytes: number;
}

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
}

async function scrapes(address: { host: string; port: number }, count: number, gzip: boolean, onRss: () => void): Promise<{ stats: ScrapeStats; last: Scrape }> {
  const durations: number[] = [];
  let last: Scrape | undefined;
  for (let index = 0; index < count; index += 1) {
    const result = await scrape(address, { gzip, timeoutMillis: 120_000 });
    if (result.status !== 200) throw new Error(`scrape ${index + 1} answered ${result.status}: ${result.text.slice(0, 200)}`);
    if (gzip && !result.gzip) throw new Error('asked for gzip, got an uncompressed body');
    durations.push(result.durationMillis);
    last = result;
    onRss();
  }
  return {
    stats: {
      medianMillis: median(durations) ?? 0,
      p99Millis: percentile(durations, 99) ?? 0,
      maxMillis: Math.max(...durations),
      wireBytes: last!.wireBytes,
    },
    last: last!,
  };
}

/** Child: measures one fleet size and prints its result as JSON on the last line. */
async function measureSize(routers: number, count: number, profile: string): Promise<SizeResult> {
  const fleet = await startBenchFleet(routers, profile);
  await sleep(500);
  forceGc()();
  const rssFleetIdle = process.memoryUsage.rss();
  let rssPeak = rssFleetIdle;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 100);
  const config = benchAgentConfig({
    routers: fleet.routers,
    intervalMillis: 30_000,
    timeoutMillis: 10_000,
    concurrency: 64,
    maxConcurrentScrapes: 4,
  });
  const agent = await startBenchAgent(config, new LogCounter());
  try {
    const started = Date.now();
    while (!agent.engine.firstRoundDone) {
      if (Date.now() - started > 300_000) throw new Error('first round did not finish within 5 minutes');
      await sleep(100);
    }
    const firstRoundMillis = Date.now() - started;
    const sample = (): void => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    };
    // One warm-up scrape: the first collect builds the producer's per-series state.
    await scrape(agent.address, { timeoutMillis: 120_000 });
    const plain = await scrapes(agent.address, count, false, sample);
    const gzip = await scrapes(agent.address, count, true, sample);
    const rssAfterScrapes = process.memoryUsage.rss();
    forceGc()();
    const heapAfterGc = process.memoryUsage().heapUsed;
    return {
      routers,
      profiles: [...fleet.profiles],
      series: countSeries(plain.last.text),
      firstRoundMillis,
      plain: plain.stats,
      gzip: gzip.stats,
      rssFleetIdle,
      rssAfterScrapes,
      rssPeak,
      heapAfterGc,
      routersUp: agent.engine.snapshots().filter((snapshot) => snapshot.up).length,
    };
  } finally {
    clearInterval(sampler);
    await agent.shutdown();
    await fleet.stop();
  }
}

function runChild(routers: number, count: number, profile: string): Promise<SizeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', String(routers), '--scrapes', String(count), '--profile', profile], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) {
        reject(new Error(`fleet of ${routers}: child exited with ${code}: ${output.slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as SizeResult);
      } catch {
        reject(new Error(`fleet of ${routers}: no result line: ${output.slice(-2000)}`));
      }
    });
  });
}

function kilobytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? megabytes(bytes) : `${(bytes / 1024).toFixed(0)} KB`;
}

function table(results: readonly SizeResult[], scrapesPerRun: number): string {
  const lines = [
    `| routers | series | first round | /metrics median | p99 | body | gzip median | gzip p99 | gzip body | RSS peak | RSS after | agent Δ | heap after GC |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const r of results) {
    lines.push(
      `| ${r.routers} (${r.routersUp} up) | ${r.series} | ${(r.firstRoundMillis / 1000).toFixed(1)} s | ${r.plain.medianMillis.toFixed(0)} ms | ` +
        `${r.plain.p99Millis.toFixed(0)} ms | ${kilobytes(r.plain.wireBytes)} | ${r.gzip.medianMillis.toFixed(0)} ms | ` +
        `${r.gzip.p99Millis.toFixed(0)} ms | ${kilobytes(r.gzip.wireBytes)} | ${megabytes(r.rssPeak)} | ${megabytes(r.rssAfterScrapes)} | ` +
        `${megabytes(r.rssAfterScrapes - r.rssFleetIdle)} | ${megabytes(r.heapAfterGc)} |`,
    );
  }
  lines.push('', `${scrapesPerRun} sequential scrapes each way; p99 is nearest-rank, so over 30 scrapes it is the slowest one.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const count = Number(flag('scrapes') ?? 30);
  const profile = flag('profile') ?? 'mixed';
  const child = flag('child');
  if (child !== undefined) {
    const result = await measureSize(Number(child), count, profile);
    console.log(JSON.stringify(result));
    return;
  }
  const sizes = (flag('sizes') ?? '10,100,1000').split(',').map(Number);
  console.log(`${new Date().toISOString()} on ${machineDescription()}; profile ${profile}`);
  const results: SizeResult[] = [];
  for (const size of sizes) {
    console.log(`fleet of ${size} …`);
    const result = await runChild(size, count, profile);
    console.log(JSON.stringify(result));
    results.push(result);
  }
  for (const result of results) console.log(`profiles at ${result.routers}: ${result.profiles.join(', ')}`);
  console.log(table(results, count));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
