/**
 * Router facts detected once per connection: the RouterOS version (collectors pick menus and
 * formats by it) and the installed packages (wireless flavour, container, …).
 */
import { TrapError } from '../client/errors.js';
import { parseVersion as parseRouterOsVersion } from '../client/values.js';
import type { RouterApi } from '../client/api.js';
import type { RouterFacts } from '../collectors/collector.js';

/** Facts of a router whose version is not known (yet). */
export const UNKNOWN_FACTS: RouterFacts = Object.freeze({
  version: undefined,
  major: 0,
  minor: 0,
  packages: new Set<string>(),
});

/** Version parts of a `/system/resource` `version` value. */
export interface ParsedVersion {
  /** The version without the channel: `7.16.1` from `7.16.1 (stable)`. */
  readonly version: string | undefined;
  readonly major: number;
  readonly minor: number;
}

/** `7.16.1 (stable)` → 7.16.1 / 7 / 16; `7.1beta4 (development)` → 7.1beta4 / 7 / 1; junk → unknown. */
export function parseVersion(text: string | undefined): ParsedVersion {
  const parsed = parseRouterOsVersion(text);
  if (parsed === undefined) return { version: undefined, major: 0, minor: 0 };
  return { version: parsed.text, major: parsed.major, minor: parsed.minor };
}

/**
 * Reads `/system/resource` and `/system/package`. A trap (menu missing, no permission) leaves that
 * fact unknown; connection-level errors propagate so the caller treats the router as down.
 */
export async function detectFacts(api: RouterApi, signal: AbortSignal): Promise<RouterFacts> {
  // Both at once: on a slow link every sequential round trip counts against the reconnect deadline.
  const [resource, packageRows] = await Promise.all([
    tolerateTrap(api.print('/system/resource', { proplist: ['version'], signal })),
    tolerateTrap(api.print('/system/package', { proplist: ['name', 'disabled'], signal })),
  ]);
  const parsed = parseVersion(resource?.[0]?.['version']);
  const packages = new Set<string>();
  for (const row of packageRows ?? []) {
    const name = row['name'];
    if (name !== undefined && name !== '' && row['disabled'] !== 'true') packages.add(name);
  }
  return Object.freeze({ ...parsed, packages });
}

async function tolerateTrap<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof TrapError) return undefined;
    throw error;
  }
}
