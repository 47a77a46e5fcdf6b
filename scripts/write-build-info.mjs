#!/usr/bin/env node
// Part of the build: records the git commit in dist/build-info.json, so `--version` and
// mikrotik_agent_build_info name it in an installed package too (which has no .git). Outside a git
// checkout (a tarball of the sources) the commit is "unknown".
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// GIT_COMMIT: given by builds without a .git (the Dockerfile's build argument).
let commit = /^[0-9a-f]{7,40}$/.test(process.env.GIT_COMMIT ?? '') ? process.env.GIT_COMMIT.slice(0, 12) : 'unknown';
if (commit === 'unknown') try {
  const out = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
    cwd: repoDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  if (/^[0-9a-f]{7,40}$/.test(out)) commit = out;
} catch {
  // not a git checkout, or no git: "unknown"
}
mkdirSync(join(repoDir, 'dist'), { recursive: true });
writeFileSync(join(repoDir, 'dist', 'build-info.json'), `${JSON.stringify({ commit })}\n`);
