#!/usr/bin/env node
// `npm start` on a fresh clone: builds dist/ when a source file has no compiled output or is newer than it, and
// otherwise returns at once, so a built checkout (or an installed package, which ships no src/) starts at once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(repoDir, 'src');
const distDir = join(repoDir, 'dist');

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The first source whose compiled file is missing or older, or undefined when dist/ is current. */
function staleSource() {
  for (const source of sources(srcDir)) {
    const output = join(distDir, relative(srcDir, source)).replace(/\.ts$/, '.js');
    if (!existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) return relative(repoDir, source);
  }
  return undefined;
}

if (existsSync(srcDir)) {
  const stale = staleSource();
  if (stale !== undefined) {
    process.stderr.write(`building dist/ (${stale} is newer than its build or has none)\n`);
    const tsc = join(repoDir, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoDir, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
    const info = spawnSync(process.execPath, [join(repoDir, 'scripts', 'write-build-info.mjs')], { stdio: 'inherit' });
    process.exit(info.status ?? 1);
  }
}
