/**
 * The agent's version, read at run time from package.json (one level above both `src/` and
 * `dist/`), so a release only bumps package.json; and the git commit it was built from, which the
 * build writes into `dist/build-info.json` (scripts/write-build-info.mjs), so an installed package
 * knows it without git.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let cachedVersion: string | undefined;
let cachedCommit: string | undefined;

/** The `version` of package.json, or `0.0.0-unknown` when it cannot be read. */
export function agentVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    cachedVersion = typeof version === 'string' && version !== '' ? version : '0.0.0-unknown';
  } catch {
    cachedVersion = '0.0.0-unknown';
  }
  return cachedVersion;
}

const COMMIT = /^[0-9a-f]{7,40}$/;

/**
 * The git commit (12 hex digits) the running code was built from: `build-info.json` next to this module
 * (written by the build), else `git rev-parse` of the checkout it runs from (tests, `tsx`), else `unknown`.
 */
export function agentCommit(): string {
  if (cachedCommit !== undefined) return cachedCommit;
  cachedCommit = bakedCommit() ?? checkoutCommit() ?? 'unknown';
  return cachedCommit;
}

function bakedCommit(): string | undefined {
  try {
    const info = JSON.parse(readFileSync(new URL('./build-info.json', import.meta.url), 'utf8')) as { commit?: unknown };
    return typeof info.commit === 'string' && (COMMIT.test(info.commit) || info.commit === 'unknown') ? info.commit : undefined;
  } catch {
    return undefined;
  }
}

function checkoutCommit(): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
    return COMMIT.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** What `--version` prints and `mikrotik_agent_build_info` carries. */
export interface BuildInfo {
  readonly version: string;
  readonly nodeVersion: string;
  readonly commit: string;
}

export function buildInfo(): BuildInfo {
  return { version: agentVersion(), nodeVersion: process.version, commit: agentCommit() };
}

/** The `--version` text: `mikrotik-otel-agent 0.1.0 (node v22.12.0, commit 0123456789ab)`. */
export function versionLine(info: BuildInfo = buildInfo()): string {
  return `${AGENT_NAME} ${info.version} (node ${info.nodeVersion}, commit ${info.commit})`;
}

/** The package name, for the user agent and the OpenTelemetry scope. */
export const AGENT_NAME = 'mikrotik-otel-agent';
