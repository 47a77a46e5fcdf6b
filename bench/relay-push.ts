/**
 * Relay push load: N apps (default 200) each pushing a 12-series JSON document, every app once per
 * round, unpaced, half over loopback TCP and half over the Unix socket; per round the time until
 * every acknowledgement is back, and the latency of single pushes. Run from the repository root:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/relay-push.ts \
 *   && node bench/results/build/bench/relay-push.js [--apps 200] [--rounds 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Problems } from '../src/config/errors.js';
import { parseRelay } from '../src/sources/relay/config.js';
import { RelaySource } from '../src/sources/relay/source.js';
import { machineDescription, median, percentile } from './lib/process-stats.js';

const { values } = parseArgs({ options: { apps: { type: 'string', default: '200' }, rounds: { type: 'string', default: '10' } } });
const apps = Number(values.apps);
const rounds = Number(values.rounds);

function push(target: { port: number } | string, body: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const socket = typeof target === 'string' ? connect(target) : connect(target.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => (answer === '{"ok":true}\n' ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(answer))));
    socket.on('connect', () => socket.end(body));
  });
}

function document(app: number, round: number): string {
  const lines = ['# TYPE bench_requests_total counter'];
  for (let series = 0; series < 10; series += 1) lines.push(`bench_requests_total{code="${200 + series}"} ${round * 10 + series}`);
  lines.push('# TYPE bench_in_flight gauge', `bench_in_flight ${round}`);
  return JSON.stringify({ [`app-${app}`]: lines });
}

const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
const problems = new Problems();
const config = parseRelay(
  { enabled: true, receiver: { receiver_tcp_socket: '127.0.0.1:0', receiver_unix_socket: join(dir, 'relay.sock') } },
  { problems, baseDir: '.', env: {}, substitutedPaths: new Set(), plainSecrets: [], collection: { intervalMillis: 10_000, timeoutMillis: 5_000 }, syntaxOnly: false },
);
problems.throwIfAny();
const source = new RelaySource({ config, logger: pino({ level: 'silent' }) });
await source.start();
const tcp = { port: Number(source.addresses.tcp!.split(':')[1]) };
const unix = source.addresses.unix!;
const roundMillis: number[] = [];
const latencies: number[] = [];
for (let round = 1; round <= rounds; round += 1) {
  const started = Date.now();
  latencies.push(...(await Promise.all(Array.from({ length: apps }, (_, app) => push(app % 2 === 0 ? tcp : unix, document(app, round))))));
  roundMillis.push(Date.now() - started);
}
const snapshotStarted = process.hrtime.bigint();
const snapshots = source.snapshots();
const snapshotMillis = Number(process.hrtime.bigint() - snapshotStarted) / 1e6;
await source.stop();
rmSync(dir, { recursive: true, force: true });
console.log(machineDescription());
console.log(`${apps} apps × ${rounds} rounds (${apps * rounds} pushes, 12 series each), unpaced:`);
console.log(`  round (all ${apps} acks back): median ${median(roundMillis)} ms, max ${Math.max(...roundMillis)} ms`);
console.log(`  push latency: p50 ${(percentile(latencies, 50) ?? 0).toFixed(1)} ms, p99 ${(percentile(latencies, 99) ?? 0).toFixed(1)} ms`);
console.log(`  pushes/s: ${Math.round((apps * rounds) / (roundMillis.reduce((a, b) => a + b, 0) / 1000))}`);
console.log(`  snapshot build of ${snapshots.length} targets: ${snapshotMillis.toFixed(1)} ms`);
