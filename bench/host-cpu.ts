/**
 * Host collection CPU: what one collection cycle of the host source costs on this machine (every collector
 * on, pressure included, the real /proc and /sys), beside what one scrape costs node_exporter (Debian's
 * prometheus-node-exporter from .tools/, with the same collectors and filters), measured in the same run.
 * Target: ≤ 2 ms CPU per cycle. Results in docs/benchmarks.md. Run from the repository root:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/host-cpu.ts \
 *   && node bench/results/build/bench/host-cpu.js [--cycles 300] [--names node_exporter|otel] [--root /]
 *
 * The agent's figure is process.cpuUsage() (user + system, every thread, so statfs on libuv's pool counts
 * too) over the cycles, divided by their number; the collectors run exactly as the engine runs them (all
 * of one cycle at once). node_exporter's is utime + stime of its process from /proc/<pid>/stat over as many
 * sequential scrapes; the HTTP client's own work is in this process, not counted there.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { HOST_COLLECTORS } from '../src/sources/host/collectors/registry.js';
import { defaultHostConfig, nodeExporterFlags, type HostConfig, type NamingMode } from '../src/sources/host/config.js';
import { HostFs } from '../src/sources/host/fs.js';
import { machineDescription, median, sleep } from './lib/process-stats.js';

const USER_HZ = 100;

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Every collector on, pressure included. */
function benchConfig(root: string, names: NamingMode): HostConfig {
  return { ...defaultHostConfig(), enabled: true, root, names, collectors: { ...defaultHostConfig().collectors, pressure: true } };
}

async function agentCyclesMillis(names: NamingMode, cycles: number, root: string): Promise<{ perCycle: number; samples: number; wallMedian: number }> {
  const config = benchConfig(root, names);
  const fs = new HostFs(root);
  const runs = HOST_COLLECTORS.map((collector) => collector.create({ fs, config }));
  const context = { options: {}, signal: new AbortController().signal, nowMillis: Date.now() };
  const cycle = async (): Promise<number> => (await Promise.all(runs.map((run) => run(context)))).reduce((sum, output) => sum + output.samples.length, 0);
  for (let warm = 0; warm < 20; warm++) await cycle();
  let samples = 0;
  const walls: number[] = [];
  const start = process.cpuUsage();
  for (let index = 0; index < cycles; index++) {
    const began = performance.now();
    samples = await cycle();
    walls.push(performance.now() - began);
  }
  const used = process.cpuUsage(start);
  return { perCycle: (used.user + used.system) / 1000 / cycles, samples, wallMedian: median(walls) ?? 0 };
}

function processCpuMillis(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / USER_HZ) * 1000;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function nodeExporterScrapeMillis(scrapes: number): Promise<{ perScrape: number; series: number; version: string }> {
  const binary = join(process.env['TOOLS_DIR'] ?? '.tools', 'root', 'usr', 'bin', 'prometheus-node-exporter');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run npm run tools`);
  const port = 19_000 + Math.floor(Math.random() * 1000);
  const child = spawn(
    binary,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      ...nodeExporterFlags(benchConfig('/', 'otel')),
    ],
    { stdio: 'ignore' },
  );
  try {
    const url = `http://127.0.0.1:${port}/metrics`;
    let body = '';
    for (let attempt = 0; body === '' && attempt < 100; attempt++) {
      body = await get(url).catch(async () => {
        await sleep(100);
        return '';
      });
    }
    for (let warm = 0; warm < 20; warm++) body = await get(url);
    const before = processCpuMillis(child.pid ?? 0);
    for (let index = 0; index < scrapes; index++) body = await get(url);
    const used = processCpuMillis(child.pid ?? 0) - before;
    const version = /node_exporter_build_info\{[^}]*version="([^"]+)"/.exec(body)?.[1] ?? 'unknown';
    return { perScrape: used / scrapes, series: body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length, version };
  } finally {
    child.kill('SIGTERM');
  }
}

const cycles = Number(argument('cycles', '300'));
const names = argument('names', 'node_exporter') as NamingMode;
// --root test/fixtures/host/basic: the 64-CPU fixture machine (its hwmon chips, its mounts) instead of this one.
const root = argument('root', '/');
const agent = await agentCyclesMillis(names, cycles, root);
const exporter = await nodeExporterScrapeMillis(cycles);
const result = {
  machine: machineDescription(),
  cycles,
  names,
  root,
  agentCpuMillisPerCycle: Number(agent.perCycle.toFixed(3)),
  agentWallMillisMedian: Number(agent.wallMedian.toFixed(3)),
  agentSamplesPerCycle: agent.samples,
  nodeExporterCpuMillisPerScrape: Number(exporter.perScrape.toFixed(3)),
  nodeExporterSeriesPerScrape: exporter.series,
  nodeExporterVersion: exporter.version,
  targetMillis: 2,
  pass: agent.perCycle <= 2,
};
console.log(JSON.stringify(result, null, 2));
process.exitCode = result.pass ? 0 : 1;
