/**
 * Memory of the RouterOS simulator at fleet scale: 1,000 routers in one process must stay under
 * 500 MB RSS. Not part of the build or the test suite. Run from the repository root:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/simulator-memory.ts \
 *   && node --expose-gc bench/results/build/bench/simulator-memory.js [routers] [sample]
 *
 * (bench/results/ is git-ignored; tsc compiles only this file and what it imports.)
 *
 * Phases: (1) start the fleet and measure it idle; (2) log in to a sample and poll each once the
 * way a collector cycle would (interfaces with counters, resource, health, ethernet monitor);
 * (3) keep one logged-in connection per router open, as the agent does, and poll all of them.
 * The raw clients live in the same process, so phases 2–3 include the client side as well.
 */
import { SimulatedFleet } from '../src/sources/routeros/simulator/fleet.js';
import type { SimulatedRouter } from '../src/sources/routeros/simulator/router.js';
import { md5Response, RawClient } from '../test/sources/routeros/simulator/helpers/raw-client.js';

const LIMIT_BYTES = 500 * 1024 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function measure(label: string): number {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  console.log(
    `${label.padEnd(44)} rss ${megabytes(usage.rss).padStart(9)}  heapUsed ${megabytes(usage.heapUsed).padStart(9)}  ` +
      `heapTotal ${megabytes(usage.heapTotal).padStart(9)}  external ${megabytes(usage.external).padStart(8)}`,
  );
  return usage.rss;
}

/** One collector-like poll; returns the number of `!re` rows received. */
async function poll(client: RawClient): Promise<number> {
  const commands: string[][] = [
    ['/interface/print', '=.proplist=name,type,running,rx-byte,tx-byte,rx-packet,tx-packet', '.tag=i'],
    ['/system/resource/print', '=.proplist=uptime,version,cpu-load,free-memory,total-memory', '.tag=r'],
    ['/system/health/print', '.tag=h'],
    ['/interface/ethernet/monitor', '=numbers=ether1,ether2', '=once=', '.tag=m'],
  ];
  for (const words of commands) client.send(...words);
  // The replies interleave; count rows until every command's !done arrived.
  let rows = 0;
  let done = 0;
  while (done < commands.length) {
    const sentence = await client.next(10_000);
    if (sentence[0] === '!re') rows += 1;
    else if (sentence[0] === '!done') done += 1;
  }
  return rows;
}

async function openAndPoll(routers: readonly SimulatedRouter[], keep: RawClient[]): Promise<number> {
  let rows = 0;
  const batchSize = 50;
  for (let first = 0; first < routers.length; first += batchSize) {
    const batch = routers.slice(first, first + batchSize);
    const results = await Promise.all(
      batch.map(async (router) => {
        const client = await RawClient.connect(router.port, { timeoutMillis: 10_000 });
        keep.push(client);
        if (router.version.startsWith('6.40')) {
          // Pre-6.43 profile: MD5 challenge login.
          const challenge = (await client.command('/login'))[0]!.find((word) => word.startsWith('=ret='))!.slice(5);
          await client.command('/login', '=name=admin', `=response=${md5Response('admin', challenge)}`);
        } else {
          await client.login();
        }
        return poll(client);
      }),
    );
    rows += results.reduce((sum, value) => sum + value, 0);
  }
  return rows;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1000);
  const sample = Number(process.argv[3] ?? 100);
  console.log(`node ${process.version}, ${count} routers (mixed profiles), sample ${sample}`);
  const baseline = measure('baseline');

  const started = Date.now();
  const fleet = await SimulatedFleet.start({ count, profile: 'mixed' });
  console.log(`fleet started in ${Date.now() - started} ms`);
  const idle = measure(`${count} routers listening, idle`);

  const sampleClients: RawClient[] = [];
  const step = Math.max(1, Math.floor(count / sample));
  const sampled = fleet.routers.filter((_, index) => index % step === 0).slice(0, sample);
  const sampleRows = await openAndPoll(sampled, sampleClients);
  console.log(`polled ${sampled.length} routers once: ${sampleRows} rows`);
  const afterSample = measure(`+ ${sampled.length} connections polled once`);
  for (const client of sampleClients.splice(0)) client.close();

  const allClients: RawClient[] = [];
  const pollStarted = Date.now();
  const allRows = await openAndPoll(fleet.routers, allClients);
  console.log(`polled all ${count} routers over ${count} connections: ${allRows} rows in ${Date.now() - pollStarted} ms`);
  const afterAll = measure(`+ ${count} open connections, all polled`);

  for (const client of allClients) client.close();
  await fleet.stop();
  const peak = Math.max(idle, afterSample, afterAll);
  console.log(
    `simulator cost idle: ${megabytes(idle - baseline)} for ${count} routers ` +
      `(${((idle - baseline) / count / 1024).toFixed(1)} KB each); peak RSS ${megabytes(peak)} ` +
      `${peak < LIMIT_BYTES ? '<' : '>='} 500 MB limit`,
  );
  if (peak >= LIMIT_BYTES) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
