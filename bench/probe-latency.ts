/**
 * /probe at 500 targets: one simulated fleet in this process, the agent as `node dist/cli.js run`
 * with only probe mode configured. Probes every router once (enrolment: the answer waits for its
 * first poll), then again (answered from the latest snapshot), 20 at a time, then once more one at a
 * time, and prints latency
 * percentiles of both rounds. Run from the repository root after `npm run build`:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/probe-latency.ts \
 *   && node bench/results/build/bench/probe-latency.js [routers] [interval]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedFleet } from '../src/sources/routeros/simulator/fleet.js';
import { spawnCliAgent } from './lib/cli-agent.js';

const routers = Number(process.argv[2] ?? 500);
/** The module's poll interval: 60s polls in the background during the rounds; 600s isolates what a probe costs. */
const interval = process.argv[3] ?? '60s';

function get(url: string): Promise<{ status: number; millis: number }> {
  const startedAt = performance.now();
  return new Promise((done, fail) => {
    const req = request(url, { agent: false, timeout: 60_000 }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode ?? 0, millis: performance.now() - startedAt }));
    });
    req.on('error', fail);
    req.end();
  });
}

function percentiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
}

/**
 * CPU time (user + system) a process has used, ms, from /proc/<pid>/stat (utime and stime, fields 14 and 15,
 * in clock ticks of 10 ms on Linux): what a probe costs the agent, whatever the neighbours take.
 */
function cpuMillis(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function round(address: string, ports: number[], parallel: number): Promise<{ millis: number[]; statuses: Map<number, number> }> {
  const millis: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < ports.length) {
        const port = ports[next++]!;
        const answer = await get(`http://${address}/probe?target=127.0.0.1:${port}&module=sim`);
        millis.push(answer.millis);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    }),
  );
  return { millis, statuses };
}

async function main(): Promise<void> {
  const fleet = await SimulatedFleet.start({ count: routers, profile: 'mixed', host: '127.0.0.1', portBase: 0, username: 'admin', password: 'admin' });
  const dir = mkdtempSync(join(tmpdir(), 'probe-bench-'));
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    [
      'server: { listen: "127.0.0.1:0" }',
      `probe: { allowed_ranges: [127.0.0.0/8], max_targets: ${routers} }`,
      `modules: { sim: { username: admin, password: admin, interval: ${interval}, timeout: 10s, collectors: { system: true, interface: true } } }`,
      'log: { level: warn, format: json }',
    ].join('\n'),
    { mode: 0o600 },
  );
  const agent = spawnCliAgent(config);
  try {
    const address = await agent.address;
    const ports = fleet.routers.map((router) => router.port);
    const pid = agent.child.pid ?? 0;
    const first = await round(address, ports, 20);
    const laterCpu = cpuMillis(pid);
    const later = await round(address, ports, 20);
    const sequentialCpu = cpuMillis(pid);
    const sequential = await round(address, ports, 1);
    const endCpu = cpuMillis(pid);
    console.log(`routers ${routers}, interval ${interval}, load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
    console.log(`agent CPU per later probe: ${((sequentialCpu - laterCpu) / routers).toFixed(2)} ms (20 at a time), ${((endCpu - sequentialCpu) / routers).toFixed(2)} ms (one at a time; background polls included)`);
    console.log(`first probe (enrols, waits for the first poll), 20 at a time: ${percentiles(first.millis)}; statuses ${JSON.stringify([...first.statuses])}`);
    console.log(`later probe (latest snapshot), 20 at a time:   ${percentiles(later.millis)}; statuses ${JSON.stringify([...later.statuses])}`);
    console.log(`later probe (latest snapshot), one at a time:  ${percentiles(sequential.millis)}; statuses ${JSON.stringify([...sequential.statuses])}`);
  } finally {
    await agent.stop();
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
