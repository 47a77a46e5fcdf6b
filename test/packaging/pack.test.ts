/**
 * The npm package as a user gets it: `npm pack` (with its prepack build) of a copy of the checkout, installed
 * into a temporary prefix (`npm install --global --prefix`, from the npm cache where it can), then
 * `mikrotik-otel-agent --version` and the demo run from that install, serving /metrics.
 *
 * A copy, so the prepack step (which rebuilds dist/ from scratch) never touches the dist/ other tests run.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { httpRequest, ManagedProcess } from '../helpers/processes.js';

const repoDir = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const work = mkdtempSync(join(tmpdir(), 'agent-pack-'));
const processes: ManagedProcess[] = [];
afterAll(async () => {
  for (const proc of processes.splice(0)) await proc.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Runs a command to completion; rejects with its output when it fails. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited ${String(code)}\n${stdout}\n${stderr}`));
    });
  });
}

/** The checkout's files (tracked and new, not ignored) copied to `dir`, with its node_modules linked. */
function copyCheckout(dir: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoDir, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(repoDir, file)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    const source = join(repoDir, file);
    // Fixture trees keep their links (a sysfs tree's hwmon0 → ../../devices/…) as links.
    if (lstatSync(source).isSymbolicLink()) symlinkSync(readlinkSync(source), join(dir, file));
    else copyFileSync(source, join(dir, file));
  }
  symlinkSync(join(repoDir, 'node_modules'), join(dir, 'node_modules'));
}

describe('npm pack, installed into a prefix', () => {
  const packageJson = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { version: string; name: string };
  let tarball = '';
  let files: string[] = [];

  it('packs with prepack building dist/: LICENSE, changelog and schema in, no sources, tests or source maps', async () => {
    const source = join(work, 'source');
    copyCheckout(source);
    // The commit the build bakes in is the checkout's (the copy has no .git of its own).
    const gitDir = execFileSync('git', ['rev-parse', '--absolute-git-dir'], { cwd: repoDir, encoding: 'utf8' }).trim();
    const out = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: source,
      env: { ...process.env, GIT_DIR: gitDir, npm_config_update_notifier: 'false' },
    });
    const [report] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    if (report === undefined) throw new Error(`npm pack reported nothing: ${out}`);
    tarball = join(work, report.filename);
    files = report.files.map((file) => file.path);
    expect(existsSync(tarball)).toBe(true);
    for (const wanted of ['LICENSE', 'CHANGELOG.md', 'README.md', 'config.schema.json', 'package.json', 'dist/cli.js', 'dist/build-info.json', 'examples/demo.yaml']) {
      expect(files, wanted).toContain(wanted);
    }
    expect(files.filter((file) => /^(src|test|bench|scripts|\.tools)\//.test(file) || file.endsWith('.map'))).toEqual([]);
    // No JavaScript file points at a source map (the maps and the sources they name are not shipped).
    const listing = await run('tar', ['-xOzf', tarball, '--wildcards', 'package/dist/*.js'], { cwd: work });
    expect(listing).not.toContain('sourceMappingURL');
    expect(readFileSync(join(source, 'LICENSE'), 'utf8')).toMatch(/^\s+Apache License\s+Version 2\.0, January 2004/);

    // `npm start`'s prestart on the same copy: a current dist/ is left alone, a missing file is rebuilt.
    const buildIfNeeded = join(source, 'scripts', 'build-if-needed.mjs');
    const current = spawnSync(process.execPath, [buildIfNeeded], { cwd: source, encoding: 'utf8' });
    expect([current.status, current.stderr]).toEqual([0, '']);
    rmSync(join(source, 'dist', 'cli.js'));
    const rebuilt = spawnSync(process.execPath, [buildIfNeeded], { cwd: source, encoding: 'utf8', env: { ...process.env, GIT_DIR: gitDir } });
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toContain('building dist/ (src/cli.ts is newer than its build or has none)');
    expect(existsSync(join(source, 'dist', 'cli.js'))).toBe(true);
  }, 180_000);

  it('installs from the tarball; --version and the demo run from the install', async () => {
    expect(tarball, 'the pack test ran first').not.toBe('');
    const prefix = join(work, 'prefix');
    await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
      cwd: work,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    const bin = join(prefix, 'bin', 'mikrotik-otel-agent');
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoDir, encoding: 'utf8' }).trim();
    const version = await run(bin, ['--version'], { cwd: work });
    expect(version).toBe(`mikrotik-otel-agent ${packageJson.version} (node ${process.version}, commit ${commit})\n`);

    const installed = join(prefix, 'lib', 'node_modules', packageJson.name);
    expect(existsSync(join(installed, 'node_modules', 'typescript'))).toBe(false);
    const agent = new ManagedProcess({
      name: 'installed demo',
      command: bin,
      args: ['run', '--config', join(installed, 'examples', 'demo.yaml'), '--listen', '127.0.0.1:0', '--log-format', 'json'],
    });
    processes.push(agent);
    let address: string | undefined;
    const deadline = Date.now() + 30_000;
    while (address === undefined && Date.now() < deadline && agent.exitStatus === undefined) {
      const line = agent
        .outputTail()
        .split('\n')
        .find((text) => text.includes('"msg":"agent started"'));
      address = line === undefined ? undefined : String((JSON.parse(line) as { address: string }).address);
      if (address === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(address, agent.outputTail()).toMatch(/^127\.0\.0\.1:\d+$/);
    let body = '';
    while (Date.now() < deadline && (body.match(/^routeros_up\{[^}]*\} 1$/gm) ?? []).length < 11) {
      body = (await httpRequest(`http://${address}/metrics`, { timeoutMillis: 5_000 })).body;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(body.match(/^routeros_up\{[^}]*\} 1$/gm)).toHaveLength(11);
    expect(body).toMatch(new RegExp(`^mikrotik_agent_build_info\\{[^}]*commit="${commit}"[^}]*\\} 1$`, 'm'));
  }, 180_000);
});
