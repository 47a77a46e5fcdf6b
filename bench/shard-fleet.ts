/**
 * Sharding at fleet scale: one simulated fleet (default 3,000 routers, in this process) and three
 * `node dist/cli.js run --shard i/3` processes over the same config. Reports each shard's router
 * count, the time until every shard has polled all its routers once, each agent's RSS, and checks
 * that every router was logged in to exactly once (polled by exactly one shard). Not part of the
 * test suite (test/cli/scale-process.test.ts checks the same with 24 routers). Run from the
 * repository root after `npm run build`:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/shard-fleet.ts \
 *   && node bench/results/build/bench/shard-fleet.js [routers] [shards]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedFleet } from '../src/sources/routeros/simulator/fleet.js';
import { spawnCliAgent } from './lib/cli-agent.js';

const routers = Number(process.argv[2] ?? 3_000);
const shards = Number(process.argv[3] ?? 3);

function get(url: string): Promise<string> {
  return new Promise((done, fail) => {
    const req = request(url, { agent: false, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done(body));
    });
    req.on('error', fail);
    req.end();
  });
}

function rssMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

interface Health {
  shard?: { index: number; count: number; targets: number };
  routers: { name: string; last_success: string | null; consecutive_failures: number }[];
}

async function main(): Promise<void> {
  const fleet = await SimulatedFleet.start({ count: routers, profile: 'mixed', host: '127.0.0.1', portBase: 0, username: 'admin', password: 'admin' });
  const dir = mkdtempSync(join(tmpdir(), 'shard-bench-'));
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    [
      'server: { listen: "127.0.0.1:0" }',
      'collection: { interval: 10m, timeout: 30s, concurrency: 64 }',
      'defaults: { username: admin, password: admin, collectors: { system: true, interface: true } }',
      'log: { level: warn, format: json }',
      'routers:',
      ...fleet.routers.map((router, index) => `  - { name: edge-${index}, address: "127.0.0.1:${router.port}" }`),
    ].join('\n'),
    { mode: 0o600 },
  );
  const startedAt = Date.now();
  const agents = Array.from({ length: shards }, (_, index) => spawnCliAgent(config, ['--shard', `${index}/${shards}`]));
  try {
    const firstRound: number[] = [];
    const healths = await Promise.all(
      agents.map(async (agent, index) => {
        const address = await agent.address;
        for (;;) {
          const health = JSON.parse(await get(`http://${address}/health`)) as Health;
          if (health.routers.every((router) => router.last_success !== null || router.consecutive_failures > 0)) {
            firstRound[index] = Date.now() - startedAt;
            return health;
          }
          await new Promise((done) => setTimeout(done, 500));
        }
      }),
    );
    const owned = healths.map((health) => health.routers.length);
    const logins = fleet.routers.map((router) => router.stats.logins);
    const once = logins.filter((count) => count === 1).length;
    console.log(`routers ${routers}, shards ${shards}`);
    healths.forEach((health, index) =>
      console.log(
        `shard ${index}: ${owned[index]} routers (${((100 * (owned[index] ?? 0)) / routers).toFixed(1)} %), ` +
          `first round done ${(firstRound[index]! / 1000).toFixed(1)} s after spawn, up ${health.routers.filter((router) => router.last_success !== null).length}, ` +
          `RSS ${rssMegabytes(agents[index]!.child.pid ?? 0).toFixed(0)} MB, /health shard ${JSON.stringify(health.shard)}`,
      ),
    );
    console.log(`routers logged in to exactly once: ${once} of ${routers}; total owned ${owned.reduce((a, b) => a + b, 0)}`);
    if (once !== routers) process.exitCode = 1;
  } finally {
    await Promise.all(agents.map((agent) => agent.stop()));
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
