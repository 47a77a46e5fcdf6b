/**
 * Agent CPU of one RouterOS poll cycle: the client (decoder, reply parsing, bookkeeping) and the
 * default collectors (row mapping), without the engine's snapshot and telemetry work. Not part of
 * the build or the test suite. Run from the repository root:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/collection-cpu.ts \
 *   && node --expose-gc bench/results/build/bench/collection-cpu.js [--routers 4] [--cycles 60] \
 *        [--warmup 15] [--profile ccr2004-v7] [--no-anchor]
 *
 * The simulated routers run in a child process (this file, forked with `--simulator`), so
 * `process.cpuUsage()` of this process is the client side alone. Each cycle runs every default
 * collector on every router at once, as the engine's poller does (all due collectors of a router
 * concurrently over its one connection, routers in parallel), and the CPU delta of the cycle is
 * divided by the number of routers. The anchor, in the same run on the same routers: node-routeros
 * (a dev dependency) sending the very same command words the collectors sent, one connection per
 * router, every command of a cycle at once. It only splits words into objects (no values parsed,
 * no samples built), so it is a floor for "any client", not the same job.
 */
import { fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { RouterOSAPI } from 'node-routeros';
import { RouterOsClient } from '../src/sources/routeros/client/client.js';
import type { CommandResult } from '../src/sources/routeros/client/client.js';
import type { CommandOptions } from '../src/sources/routeros/client/api.js';
import type { Collector, RouterFacts } from '../src/sources/routeros/collectors/collector.js';
import { COLLECTORS } from '../src/sources/routeros/collectors/registry.js';
import { SimulatedFleet } from '../src/sources/routeros/simulator/fleet.js';
import { detectFacts } from '../src/sources/routeros/session/facts.js';
import { classifyFailure } from '../src/sources/routeros/session/failure.js';

const PASSWORD = 'bench-pass';

interface Arguments {
  routers: number;
  cycles: number;
  warmup: number;
  profile: string;
}

function parseArguments(argv: readonly string[]): Arguments {
  const value = (name: string, fallback: string): string => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1]! : fallback;
  };
  const number = (name: string, fallback: number): number => {
    const parsed = Number(value(name, String(fallback)));
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer`);
    return parsed;
  };
  return {
    routers: number('routers', 4),
    cycles: number('cycles', 60),
    warmup: number('warmup', 15),
    profile: value('profile', 'ccr2004-v7'),
  };
}

/** Child process: the simulated fleet; sends its ports to the parent and runs until disconnected. */
async function runSimulator(args: Arguments): Promise<void> {
  const fleet = await SimulatedFleet.start({ count: args.routers, profile: args.profile, password: PASSWORD });
  process.send?.({ ports: fleet.routers.map((router) => router.port) });
  process.on('disconnect', () => {
    void fleet.stop().then(() => process.exit(0));
  });
}

function startSimulator(args: Arguments): Promise<{ ports: number[]; stop(): void }> {
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--simulator', '--routers', String(args.routers), '--profile', args.profile],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    child.once('message', (message) => {
      const ports = (message as { ports?: number[] }).ports;
      if (!Array.isArray(ports)) return reject(new Error('simulator sent no ports'));
      resolve({ ports, stop: () => child.disconnect() });
    });
  });
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function summary(label: string, perRouterMillis: readonly number[]): string {
  return (
    `${label.padEnd(34)} median ${quantile(perRouterMillis, 0.5).toFixed(2).padStart(6)} ms` +
    `  p90 ${quantile(perRouterMillis, 0.9).toFixed(2).padStart(6)} ms  (per router per cycle, ${perRouterMillis.length} cycles)`
  );
}

interface AgentRouter {
  client: RouterOsClient;
  facts: RouterFacts;
  /** The default collectors, less those found unsupported (the poller stops running them). */
  collectors: Collector[];
}

const DEFAULT_COLLECTORS: readonly Collector[] = COLLECTORS.filter((collector) => collector.defaultEnabled);

/** One cycle of every default collector on one router, all at once; returns the series count. */
async function agentCycle(router: AgentRouter): Promise<number> {
  // One deadline signal per router and cycle, shared by its collectors, as in the poller.
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  const nowMillis = Date.now();
  const outputs = await Promise.all(
    router.collectors.map(async (collector) => {
      try {
        return (await collector.collect({ api: router.client, router: router.facts, options: {}, signal, nowMillis })).samples.length;
      } catch (error) {
        if (classifyFailure(error, 'collector') !== 'unsupported') throw error;
        router.collectors = router.collectors.filter((entry) => entry !== collector);
        return 0;
      }
    }),
  );
  return outputs.reduce((sum, count) => sum + count, 0);
}

/**
 * The command words every collector sends in one cycle on `router`, without those answered by
 * `!empty`: node-routeros 1.6.9 throws on that reply word (RouterOS 7.18+, a print without rows)
 * from inside its socket handler, which would end this process. They carry no data.
 */
async function recordCommands(router: AgentRouter): Promise<{ words: string[][]; all: number }> {
  const recorded: { words: string[]; empty: boolean }[] = [];
  const original = router.client.command.bind(router.client);
  router.client.command = async (words: readonly string[], options?: CommandOptions): Promise<CommandResult> => {
    const entry = { words: [...words], empty: false };
    recorded.push(entry);
    const result = await original(words, options); // a trap rejects: node-routeros handles traps
    entry.empty = result.rows.length === 0 && Object.keys(result.done).length === 0;
    return result;
  };
  try {
    await agentCycle(router);
  } finally {
    router.client.command = original;
  }
  if (process.env['BENCH_LIST_COMMANDS']) for (const entry of recorded) console.log(entry.empty ? 'empty' : '', entry.words.join(' '));
  return { words: recorded.filter((entry) => !entry.empty).map((entry) => entry.words), all: recorded.length };
}

async function measure(
  label: string,
  args: Arguments,
  cycle: () => Promise<void>,
): Promise<number[]> {
  const perRouter: number[] = [];
  for (let index = 0; index < args.warmup + args.cycles; index++) {
    // Idle between cycles, as between polls: timers and socket work of the last cycle settle first.
    await sleep(20);
    const before = cpuMicros();
    await cycle();
    const spent = cpuMicros() - before;
    if (index >= args.warmup) perRouter.push(spent / 1000 / args.routers);
  }
  console.log(summary(label, perRouter));
  return perRouter;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  if (process.argv.includes('--simulator')) return runSimulator(args);

  console.log(
    `node ${process.version}, ${args.routers} × ${args.profile}, ${args.warmup} warm-up + ${args.cycles} measured cycles; simulator in its own process`,
  );
  const simulator = await startSimulator(args);
  const routers: AgentRouter[] = [];
  try {
    for (const port of simulator.ports) {
      const client = await RouterOsClient.connect({ host: '127.0.0.1', port, username: 'admin', password: PASSWORD });
      const facts = await detectFacts(client, new AbortController().signal);
      const router: AgentRouter = { client, facts, collectors: [...DEFAULT_COLLECTORS] };
      await agentCycle(router); // finds the unsupported collectors
      routers.push(router);
    }
    const { words, all } = await recordCommands(routers[0]!);
    const series = await agentCycle(routers[0]!);
    console.log(
      `one cycle: ${routers[0]!.collectors.length} of ${DEFAULT_COLLECTORS.length} default collectors (the others unsupported), ${all} commands ` +
        `(${all - words.length} answered with \`!empty\`), ${series} series`,
    );

    const agent = await measure('agent (client + collectors)', args, async () => {
      await Promise.all(routers.map((router) => agentCycle(router)));
    });

    if (process.argv.includes('--no-anchor')) return; // for profiling the agent alone
    const anchors: RouterOSAPI[] = [];
    for (const port of simulator.ports) {
      const connection = new RouterOSAPI({ host: '127.0.0.1', port, user: 'admin', password: PASSWORD, timeout: 30 });
      await connection.connect();
      anchors.push(connection);
    }
    const anchor = await measure(`node-routeros, ${words.length} commands`, args, async () => {
      await Promise.all(
        anchors.map((connection) =>
          Promise.all(words.map((command) => connection.write([...command]).catch(() => []))),
        ),
      );
    });
    for (const connection of anchors) await connection.close().catch(() => undefined);
    console.log(
      `agent / node-routeros (median): ${(quantile(agent, 0.5) / quantile(anchor, 0.5)).toFixed(2)}×; ` +
        `agent median per series: ${((quantile(agent, 0.5) * 1000) / series).toFixed(2)} µs`,
    );
  } finally {
    for (const router of routers) await router.client.close();
    simulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
