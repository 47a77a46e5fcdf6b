#!/usr/bin/env node
// `npm test`: typechecks once, then runs the whole suite once per Node.js version: the one running npm (the
// machine's) and each portable LTS build that scripts/install-tools.sh put in .tools/node/<line>/bin/node.
// Each version runs the suite in two passes: everything in parallel, then the timing-sensitive fault matrix and
// soak alone. Extra arguments go to both vitest passes (e.g. `npm test -- --reporter=dot`).
//
// `--list` prints the selected Node versions (`<major> <path>` per line) and exits.
// Environment: TOOLS_DIR as for the install script; TEST_NODES=20,24 runs only the listed major versions.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = process.env.TOOLS_DIR ?? join(repoDir, '.tools');
const vitest = join(repoDir, 'node_modules', 'vitest', 'vitest.mjs');
const alone = ['test/reliability/fault-matrix.test.ts', 'test/reliability/soak-short.test.ts'];
const listOnly = process.argv[2] === '--list';
const extra = process.argv.slice(2);

/** Every Node to run on: [major, path]; the machine's first. */
function nodes() {
  const found = [[process.versions.node.split('.')[0], process.execPath]];
  const nodeDir = join(toolsDir, 'node');
  const lines = existsSync(nodeDir) ? readdirSync(nodeDir).filter((name) => /^\d+$/.test(name)) : [];
  for (const line of lines.sort((a, b) => Number(a) - Number(b))) {
    const path = join(nodeDir, line, 'bin', 'node');
    if (existsSync(join(nodeDir, line, 'version')) && !found.some(([major]) => major === line)) found.push([line, path]);
  }
  const only = process.env.TEST_NODES?.split(',').map((s) => s.trim());
  return only === undefined ? found : found.filter(([major]) => only.includes(major));
}

function run(label, command, args, env = process.env) {
  process.stderr.write(`\n== ${label}: ${[command, ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: repoDir, stdio: 'inherit', env });
  if (result.error !== undefined) throw result.error;
  return result.status === 0;
}

const selected = nodes();
if (selected.length === 0) {
  process.stderr.write(`no Node.js selected by TEST_NODES=${process.env.TEST_NODES ?? ''}\n`);
  process.exit(2);
}
if (listOnly) {
  for (const [major, node] of selected) process.stdout.write(`${major} ${node}\n`);
  process.exit(0);
}
if (!run('typecheck', process.execPath, [join(repoDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'])) {
  process.exit(1);
}

/**
 * Failed tests of a vitest JSON report, a line each with the first line of the error, so the end of a long CI
 * log says what failed without scrolling back through three Node versions.
 */
function failuresOf(reportPath) {
  if (!existsSync(reportPath)) return ['  (no report written: vitest itself failed)'];
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const lines = [];
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(repoDir) ? file.name.slice(repoDir.length + 1) : file.name;
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failed) {
      const reason = String(test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
      lines.push(`  ${name} > ${test.fullName}: ${reason}`);
    }
    if (failed.length === 0 && file.status === 'failed') lines.push(`  ${name}: ${String(file.message ?? 'failed').split('\n')[0].slice(0, 300)}`);
  }
  return lines;
}

const reportDir = mkdtempSync(join(tmpdir(), 'test-all-nodes-'));
const results = [];
let allPassed = true;
for (const [major, node] of selected) {
  // Child processes the tests spawn by name (`node`, `npm`) use this Node too.
  const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
  const reporters = (pass) => ['--reporter=default', '--reporter=json', `--outputFile.json=${join(reportDir, `${major}-${pass}.json`)}`];
  const parallel = run(`node ${major}`, node, [vitest, 'run', '--exclude', "test/reliability/{fault-matrix,soak-short}.test.ts", ...reporters('parallel'), ...extra], env);
  // The timing-sensitive pass runs even after a failure above, so one run reports every failure.
  const single = run(`node ${major}, alone`, node, [vitest, 'run', '--no-file-parallelism', ...alone, ...reporters('alone'), ...extra], env);
  const ok = parallel && single;
  allPassed &&= ok;
  results.push(`node ${major} (${node}): ${ok ? 'passed' : 'FAILED'}`);
  if (!parallel) results.push(...failuresOf(join(reportDir, `${major}-parallel.json`)));
  if (!single) results.push(...failuresOf(join(reportDir, `${major}-alone.json`)));
}
process.stderr.write(`\n${results.join('\n')}\n`);
process.exit(allPassed ? 0 : 1);
