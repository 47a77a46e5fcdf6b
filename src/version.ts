/**
 * The agent's version, read at run time from package.json (one level above both `src/` and
 * `dist/`), so a release only bumps package.json.
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The `version` of package.json, or `0.0.0-unknown` when it cannot be read. */
export function agentVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    cached = typeof version === 'string' && version !== '' ? version : '0.0.0-unknown';
  } catch {
    cached = '0.0.0-unknown';
  }
  return cached;
}

/** The package name, for the user agent and the OpenTelemetry scope. */
export const AGENT_NAME = 'mikrotik-otel-agent';
