/**
 * Discovery churn (issue 14): a file_sd file whose targets change by `churn` % every `every` seconds for
 * `minutes`, over a simulated fleet in processes of its own (`node dist/cli.js simulate`, 1,000 routers each), polled by the agent in
 * its own process (`node dist/cli.js run`), scraped every `scrape` seconds. Asserts, over every scrape:
 * - no unchanged router (in the file through the previous scrape and this one) is missing from a scrape
 *   (a gap) or shows a counter lower than in the previous scrape (a reset);
 * - every scrape shows the routers of exactly one version of the file, versions in order: a write applies
 *   at once (no scrape holds a router it removed beside one it added), a removed router is gone from the
 *   first scrape after the agent read the write and never comes back; how long a write took to show is
 *   printed, and a scrape a minute behind the file fails the run.
 * Prints the figures for docs/benchmarks.md and exits 1 when an assertion failed. From the repository root,
 * after `npm run build`:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/discovery-churn.ts \
 *   && node bench/results/build/bench/discovery-churn.js [routers=1000] [minutes=5] [churn=10] [every=10] [scrape=5]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { COLLECTORS } from '../src/sources/routeros/collectors/registry.js';
import { spawnCliAgent } from './lib/cli-agent.js';
import { machineDescription, percentile, seededRandom, sleep } from './lib/process-stats.js';

const [routers = 1000, minutes = 5, churnPercent = 10, everySeconds = 10, scrapeSeconds = 5] = process.argv.slice(2).map(Number);
/** The simulator holds a spare pool beside the active set, so every churn adds routers the file does not list. */
const POOL = Math.ceil(routers * (1 + (2 * churnPercent) / 100));
const REFRESH_SECONDS = 1;
const INTERVAL_SECONDS = 10;

interface Scrape {
  readonly startMillis: number;
  readonly endMillis: number;
  readonly millis: number;
  readonly bytes: number;
  /** routeros_up by router. */
  readonly up: ReadonlyMap<string, number>;
  /** Counter samples by router, then by series (name and labels). */
  readonly counters: ReadonlyMap<string, Map<string, number>>;
  readonly connectionAttempts: number;
}

interface Write {
  readonly atMillis: number;
  readonly removed: ReadonlySet<string>;
  readonly added: ReadonlySet<string>;
  /** The file's routers after this write. */
  readonly content: ReadonlySet<string>;
}

function nameOf(index: number): string {
  return `r${index}`;
}

async function listening(child: ChildProcess, count: number): Promise<number[]> {
  const ports: number[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^router \S+ listening on [^\s]+:(\d+)/.exec(line);
    if (match) ports.push(Number(match[1]));
    if (ports.length === count) break;
  }
  return ports;
}

function get(url: string): Promise<{ body: string; millis: number }> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const req = request(url, { agent: false, timeout: 120_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ body: Buffer.concat(chunks).toString('utf8'), millis: performance.now() - started }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

async function scrape(address: string): Promise<Scrape> {
  const startMillis = Date.now();
  const { body, millis } = await get(`http://${address}/metrics`);
  const counterNames = new Set([...body.matchAll(/^# TYPE (\S+) counter$/gm)].map((match) => match[1]!));
  const up = new Map<string, number>();
  const counters = new Map<string, Map<string, number>>();
  let connectionAttempts = 0;
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    const value = Number(line.slice(space + 1));
    const brace = series.indexOf('{');
    const name = brace < 0 ? series : series.slice(0, brace);
    if (name === 'mikrotik_agent_router_connection_attempts_total') connectionAttempts += value;
    const router = /router="([^"]+)"/.exec(series)?.[1];
    if (router === undefined) continue;
    if (name === 'routeros_up') up.set(router, value);
    else if (counterNames.has(name) || counterNames.has(name.replace(/_total$/, ''))) {
      let mine = counters.get(router);
      if (mine === undefined) counters.set(router, (mine = new Map()));
      mine.set(series, value);
    }
  }
  return { startMillis, endMillis: Date.now(), millis, bytes: body.length, up, counters, connectionAttempts };
}

async function main(): Promise<void> {
  console.log(`discovery churn: ${routers} targets, ${churnPercent} % replaced every ${everySeconds} s for ${minutes} min, scrape every ${scrapeSeconds} s, poll interval ${INTERVAL_SECONDS} s`);
  console.log(`machine: ${machineDescription()}, load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
  // `simulate` serves at most 1,000 routers a process.
  const simulators: ChildProcess[] = [];
  const ports: number[] = [];
  for (let first = 0; first < POOL; first += 1000) {
    const count = Math.min(1000, POOL - first);
    const simulator = spawn(process.execPath, [resolve('dist/cli.js'), 'simulate', '--count', String(count), '--host', '127.0.0.1', '--port-base', '0', '--profile', 'mixed'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    simulators.push(simulator);
    ports.push(...(await listening(simulator, count)));
  }
  if (ports.length < POOL) throw new Error(`the simulators started ${ports.length} of ${POOL} routers`);
  const dir = mkdtempSync(join(tmpdir(), 'discovery-churn-'));
  const file = join(dir, 'targets.json');
  const write = (indices: ReadonlySet<number>): void => {
    const groups = [...indices].map((index) => ({ targets: [`127.0.0.1:${ports[index]}`], labels: { module: 'sim', name: nameOf(index) } }));
    // Replaced by rename, as the tools that write file_sd files do: the agent never reads half a file.
    writeFileSync(`${file}.new`, JSON.stringify(groups));
    renameSync(`${file}.new`, file);
  };
  const random = seededRandom(14);
  const active = new Set(Array.from({ length: routers }, (_, index) => index));
  write(active);
  // Two cheap collectors, system and interface (ether1 only, for its counters), the others off: the churn is measured, not the collectors.
  const collectors = Object.fromEntries(COLLECTORS.map((collector) => [collector.name, collector.name === 'system']));
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    [
      'server: { listen: "127.0.0.1:0" }',
      'log: { level: warn, format: json }',
      `discovery: { file: ["${file}"], refresh_interval: ${REFRESH_SECONDS}s }`,
      `modules: { sim: { username: admin, password: admin, interval: ${INTERVAL_SECONDS}s, timeout: 10s, collectors: ${JSON.stringify({ ...collectors, interface: { include: ['ether1'] } })} } }`,
    ].join('\n'),
    { mode: 0o600 },
  );
  const agent = spawnCliAgent(config);
  let failed = false;
  try {
    const address = await agent.address;
    // Every target polled once before the churn starts.
    let warm: Scrape;
    const warmStart = Date.now();
    for (;;) {
      warm = await scrape(address);
      if ([...active].every((index) => warm.up.get(nameOf(index)) === 1)) break;
      if (Date.now() - warmStart > 600_000) throw new Error(`only ${warm.up.size} of ${routers} routers up after 10 minutes`);
      await sleep(2_000);
    }
    console.log(`first round: all ${routers} up ${((Date.now() - warmStart) / 1000).toFixed(0)} s after the agent started`);

    const scrapes: Scrape[] = [warm];
    const writes: Write[] = [];
    const started = Date.now();
    const end = started + minutes * 60_000;
    let stop = false;
    const churner = (async () => {
      for (let next = started + everySeconds * 1000; next <= end; next += everySeconds * 1000) {
        await sleep(Math.max(0, next - Date.now()));
        const count = Math.round((routers * churnPercent) / 100);
        const inactive = Array.from({ length: POOL }, (_, index) => index).filter((index) => !active.has(index));
        const removed = [...active].sort(() => random() - 0.5).slice(0, count);
        const added = inactive.sort(() => random() - 0.5).slice(0, count);
        for (const index of removed) active.delete(index);
        for (const index of added) active.add(index);
        write(active);
        writes.push({ atMillis: Date.now(), removed: new Set(removed.map(nameOf)), added: new Set(added.map(nameOf)), content: new Set([...active].map(nameOf)) });
      }
      stop = true;
    })();
    while (!stop) {
      const tick = Date.now();
      scrapes.push(await scrape(address));
      await sleep(Math.max(0, scrapeSeconds * 1000 - (Date.now() - tick)));
    }
    await churner;
    // One more scrape once the last write has surely been read.
    await sleep((REFRESH_SECONDS + 1) * 1000);
    scrapes.push(await scrape(address));

    // The file's content at a moment: replay the writes.
    const inFileAt = (name: string, atMillis: number): boolean => {
      let present = Number(name.slice(1)) < routers;
      for (const write of writes) {
        if (write.atMillis > atMillis) break;
        if (write.removed.has(name)) present = false;
        if (write.added.has(name)) present = true;
      }
      return present;
    };
    const changedBetween = (name: string, from: number, to: number): boolean =>
      writes.some((write) => write.atMillis >= from && write.atMillis <= to && (write.removed.has(name) || write.added.has(name)));
    const tally = { gaps: 0, resets: 0, downSamples: 0, staleAfterRead: 0, mixed: 0, checked: 0, counterPairs: 0 };
    const examples: string[] = [];
    for (let k = 1; k < scrapes.length; k += 1) {
      const previous = scrapes[k - 1]!;
      const current = scrapes[k]!;
      for (const [name, value] of previous.up) {
        if (value !== 1 || !inFileAt(name, previous.startMillis) || changedBetween(name, previous.startMillis, current.endMillis)) continue;
        tally.checked += 1;
        const now = current.up.get(name);
        if (now === undefined) {
          tally.gaps += 1;
          if (examples.length < 5) examples.push(`gap: ${name} in scrape ${k - 1}, missing in scrape ${k}`);
          continue;
        }
        if (now !== 1) tally.downSamples += 1;
        const before = previous.counters.get(name) ?? new Map<string, number>();
        const after = current.counters.get(name) ?? new Map<string, number>();
        for (const [series, old] of before) {
          const fresh = after.get(series);
          if (fresh !== undefined) tally.counterPairs += 1;
          if (fresh !== undefined && fresh < old) {
            tally.resets += 1;
            if (examples.length < 5) examples.push(`reset: ${series} ${old} → ${fresh} (scrape ${k})`);
          }
        }
      }
    }
    // Which version of the file each scrape shows: its routers must be exactly those of one version (a change
    // applies at once: nothing removed lingers beside what the same write added), and versions never go back
    // (a removed router does not return). Under load the agent may read the file late and skip a version.
    const versions = [{ atMillis: started, content: new Set([...Array.from({ length: routers }, (_, index) => nameOf(index))]) }, ...writes];
    const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => a.size === b.size && [...a].every((name) => b.has(name));
    let shown = 0;
    const appliedAfter: number[] = [];
    for (let k = 1; k < scrapes.length; k += 1) {
      const current = scrapes[k]!;
      const names = new Set(current.up.keys());
      let version = -1;
      for (let j = shown; j < versions.length && versions[j]!.atMillis <= current.endMillis; j += 1) {
        if (sameSet(names, versions[j]!.content)) version = j;
      }
      if (version < 0) {
        tally.mixed += 1;
        const expected = versions[shown]!.content;
        const extra = [...names].filter((name) => !expected.has(name));
        if (examples.length < 5) examples.push(`scrape ${k} matches no version from ${shown} on (${extra.length} routers beyond version ${shown}, first ${extra[0] ?? '-'})`);
        continue;
      }
      for (let j = shown + 1; j <= version; j += 1) appliedAfter.push(current.endMillis - versions[j]!.atMillis);
      tally.staleAfterRead += version < versions.length - 1 && versions[version + 1]!.atMillis < current.startMillis - 60_000 ? 1 : 0;
      shown = version;
    }
    const skipped = versions.length - 1 - appliedAfter.length;
    const durations = scrapes.slice(1).map((entry) => entry.millis);
    const attempts = scrapes.at(-1)!.connectionAttempts;
    const adds = writes.reduce((sum, write) => sum + write.added.size, 0);
    console.log(`writes: ${writes.length} (${writes.reduce((sum, write) => sum + write.removed.size, 0)} removals, ${adds} additions); scrapes: ${scrapes.length - 1}`);
    console.log(`scrape duration: median ${percentile(durations, 50)?.toFixed(0)} ms, p90 ${percentile(durations, 90)?.toFixed(0)} ms, max ${Math.max(...durations).toFixed(0)} ms; body ${(scrapes.at(-1)!.bytes / 1e6).toFixed(1)} MB`);
    console.log(`unchanged router-scrape pairs checked: ${tally.checked} (${tally.counterPairs} counter samples); gaps: ${tally.gaps}; counter resets: ${tally.resets}; routeros_up 0 among them: ${tally.downSamples}`);
    console.log(`scrapes matching no single version of the file (half a change, or a removed router back): ${tally.mixed}; a minute or more behind the file: ${tally.staleAfterRead}`);
    console.log(`write to the first scrape showing it (or a later version): median ${((percentile(appliedAfter, 50) ?? 0) / 1000).toFixed(1)} s, p90 ${((percentile(appliedAfter, 90) ?? 0) / 1000).toFixed(1)} s, max ${(Math.max(0, ...appliedAfter) / 1000).toFixed(1)} s; versions never shown (a newer one read first): ${skipped} of ${versions.length - 1}`);
    console.log(`connection attempts: ${attempts} (${routers} at start + ${adds} added = ${routers + adds}; fewer when a version was never read: its routers were never polled)`);
    console.log(`load average at the end: ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
    for (const example of examples) console.log(`  ${example}`);
    failed = tally.gaps > 0 || tally.resets > 0 || tally.staleAfterRead > 0 || tally.mixed > 0 || tally.checked === 0 || tally.counterPairs === 0;
    console.log(failed ? 'FAILED' : 'passed: no gap, no reset, removed routers gone on the next scrape');
  } finally {
    await agent.stop();
    for (const simulator of simulators) simulator.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
