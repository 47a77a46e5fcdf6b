/**
 * Soak: an accelerated day in ten minutes. 200 simulated routers (`edge` profiles) with churn
 * (DHCP leases, conntrack sources, wireless clients, interfaces, reboots, flaps) polled by the
 * in-process agent every 5 s (timeout 3 s, concurrency 64), /metrics scraped every 10 s, OTLP
 * pushed every 10 s to a local endpoint that is down from minute 4 to minute 5. Exit code 0 when no
 * stale series was seen on either path and RSS grew ≤ 10 % after warm-up, else 1. With
 * `--interval-ms 2000 --timeout-ms 1500` the same fleet saturates a 2-core machine (see
 * docs/benchmarks.md).
 * Logic in bench/soak-lib.ts (shared with test/reliability/soak-short.test.ts); results in
 * docs/benchmarks.md. Run from the repository root, like every benchmark in bench/:
 *
 *   npx tsc --outDir bench/results/build --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --strict --skipLibCheck --types node bench/soak.ts \
 *   && node --expose-gc bench/results/build/bench/soak.js [--routers 200] [--minutes 10] [--report 10] [--profile edge] \
 *       [--interval-ms 5000] [--timeout-ms 3000] [--otlp-interval-ms 10000] [--scrape-ms 10000]
 *
 * (bench/results/ is git-ignored; tsc compiles only this file and what it imports.)
 */
import { formatSoakSummary, runSoak, soakOptions } from './soak-lib.js';
import { machineDescription } from './lib/process-stats.js';

function numberFlag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: must be a positive number, got ${process.argv[index + 1]}`);
  return value;
}

async function main(): Promise<void> {
  const routers = numberFlag('routers', 200);
  const minutes = numberFlag('minutes', 10);
  const report = numberFlag('report', 10);
  const profileIndex = process.argv.indexOf('--profile');
  const profile = profileIndex < 0 ? 'edge' : (process.argv[profileIndex + 1] ?? 'edge');
  console.log(`${new Date().toISOString()} on ${machineDescription()}`);
  const durationMillis = Math.round(minutes * 60_000);
  const optional = (flag: string, key: 'intervalMillis' | 'timeoutMillis' | 'otlpIntervalMillis' | 'scrapeEveryMillis') =>
    process.argv.includes(`--${flag}`) ? { [key]: numberFlag(flag, 0) } : {};
  const result = await runSoak(
    soakOptions({
      routers,
      profile,
      durationMillis,
      reportEveryMillis: Math.round(report * 1000),
      ...optional('interval-ms', 'intervalMillis'),
      ...optional('timeout-ms', 'timeoutMillis'),
      ...optional('otlp-interval-ms', 'otlpIntervalMillis'),
      ...optional('scrape-ms', 'scrapeEveryMillis'),
    }),
  );
  console.log(formatSoakSummary(result));
  process.exitCode = result.passed ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
