/**
 * Where the agent's memory goes at fleet scale: polls a simulated fleet (simulator in its own process),
 * pushes OTLP to a local sink and serves a plain and a gzip scrape, then prints process.memoryUsage()
 * after a full GC and writes a V8 heap snapshot (open it in the Memory tab of Chrome DevTools).
 *
 * Build as bench/fleet-scale.ts; run: node --expose-gc bench/results/build/bench/heap-probe.js --routers 100
 *   [--port-base 22000] [--otlp-every 10] [--out /tmp/agent.heapsnapshot]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { benchAgentConfig, LogCounter, scrape, startBenchAgent } from './lib/agent-harness.js';
import { megabytes, sleep } from './lib/process-stats.js';

const REPO = fileURLToPath(new URL('../../../..', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      routers: { type: 'string', default: '100' },
      'port-base': { type: 'string', default: '22000' },
      'otlp-every': { type: 'string', default: '10' },
      profile: { type: 'string', default: 'mixed' },
      out: { type: 'string', default: '' },
    },
  });
  const count = Number(values.routers);
  const simulator = spawn(process.execPath, [join(REPO, 'dist/cli.js'), 'simulate', '--count', String(count),
    '--host', '127.0.0.1', '--port-base', values['port-base'], '--profile', values.profile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const routers = await listening(simulator, count);
  const sink = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sinkPort = Number((await firstLine(sink)).trim());
  const otlpMillis = Number(values['otlp-every']) * 1000;
  const config = benchAgentConfig({
    routers,
    intervalMillis: 30_000,
    timeoutMillis: 10_000,
    concurrency: 64,
    otlp: { url: `http://127.0.0.1:${sinkPort}/v1/metrics`, intervalMillis: otlpMillis, timeoutMillis: 30_000 },
  });
  const agent = await startBenchAgent(config, new LogCounter());
  await agent.engine.whenFirstRoundDone();
  // Two OTLP exports, and scrapes of both encodings, so every cache the agent keeps is filled.
  await sleep(2 * otlpMillis + 1000);
  const series = (await scrape(agent.address, { timeoutMillis: 60_000 })).text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#')).length;
  await scrape(agent.address, { gzip: true, timeoutMillis: 60_000 });
  let samples = 0;
  let states = 0;
  for (const snapshot of agent.engine.snapshots()) {
    for (const state of snapshot.collectors.values()) {
      states += 1;
      samples += state.samples.length;
    }
  }
  console.log(`${samples.toLocaleString('en')} samples in ${states} collector states`);
  console.log(`before a full GC: rss ${megabytes(process.memoryUsage.rss())}, heap ${megabytes(process.memoryUsage().heapTotal)} total / ${megabytes(process.memoryUsage().heapUsed)} used`);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const memory = process.memoryUsage();
  console.log(`${count} routers, ${series.toLocaleString('en')} series`);
  for (const [key, value] of Object.entries(memory)) {
    console.log(`${key}: ${megabytes(value)} (${(value / series).toFixed(0)} B/series)`);
  }
  if (values.out !== '') console.log(`heap snapshot: ${writeHeapSnapshot(values.out)}`);
  await agent.shutdown();
  simulator.kill('SIGTERM');
  sink.kill('SIGTERM');
}

async function listening(child: ChildProcess, count: number): Promise<{ name: string; port: number }[]> {
  const routers: { name: string; port: number }[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^router (\S+) listening on [^:]+:(\d+)/.exec(line);
    if (match) routers.push({ name: match[1]!, port: Number(match[2]) });
    if (routers.length === count) break;
  }
  return routers;
}

async function firstLine(child: ChildProcess): Promise<string> {
  for await (const line of createInterface({ input: child.stdout! })) return line;
  throw new Error('child printed nothing');
}

const SINK = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200); res.end(); }); });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
