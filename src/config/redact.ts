/**
 * The normalised configuration as plain data with every secret replaced, for `check-config` and
 * for logging the effective configuration.
 */
import type { AgentConfig } from './types.js';

/** What replaces a secret value. */
export const REDACTED = '<redacted>';

function redactValue(value: string): string {
  return value === '' ? '' : REDACTED;
}

function redactValues(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(map).map((key) => [key, redactValue(map[key] ?? '')]));
}

/**
 * Router passwords, the bearer token, basic-auth hashes and OTLP header values become
 * `<redacted>` (empty values stay empty; header and user names are kept).
 */
export function redactConfig(config: AgentConfig): unknown {
  // A JSON round trip gives plain, unfrozen data with no shared references to the config.
  const plain = JSON.parse(JSON.stringify(config)) as {
    server: { auth?: { basicUsers: Record<string, string>; bearerToken: string } };
    otlp: { headers: Record<string, string>; endpoint: string };
    routers: { password: string }[];
  };
  if (plain.server.auth !== undefined) {
    plain.server.auth.basicUsers = redactValues(plain.server.auth.basicUsers);
    plain.server.auth.bearerToken = redactValue(plain.server.auth.bearerToken);
  }
  plain.otlp.headers = redactValues(plain.otlp.headers);
  plain.otlp.endpoint = redactUrlCredentials(plain.otlp.endpoint);
  for (const router of plain.routers) router.password = redactValue(router.password);
  return plain;
}

/** `https://user:pass@host/…` → `https://<redacted>@host/…`; other text unchanged. */
function redactUrlCredentials(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@/i.exec(url);
  return match === null ? url : `${match[1] ?? ''}${REDACTED}@${url.slice(match[0].length)}`;
}
