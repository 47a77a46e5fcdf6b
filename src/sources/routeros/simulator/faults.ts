/**
 * Faults a simulated router can be told to show, for tests of timeouts, reconnects and backoff.
 * At most one fault is active per router; it applies to existing and new connections alike.
 */

/** One fault mode. */
export type Fault =
  /** Delay every reply (login included) by `millis`. */
  | { kind: 'latency'; millis: number }
  /** Accept TCP (and TLS), then never answer anything. */
  | { kind: 'hang-before-login' }
  /** Log in normally, then never answer commands. */
  | { kind: 'hang-after-login' }
  /** Send part of a command's reply (the first row and half of the rest) then destroy the socket. */
  | { kind: 'drop-mid-reply' }
  /** Answer commands with random bytes that start with a control byte. */
  | { kind: 'garbage' }
  /** Answer the next command after login with `!fatal` and close the connection. */
  | { kind: 'fatal' }
  /** Every login gets the version's real bad-credentials trap. */
  | { kind: 'auth-failure' }
  /** Answer commands with a word whose length prefix announces 0x10000000 bytes (256 MiB). */
  | { kind: 'oversize-word' }
  /** Stop listening (connection refused) and drop open connections until cleared. */
  | { kind: 'refuse' };

/** Every fault kind, for validation and docs. */
export const FAULT_KINDS: readonly Fault['kind'][] = [
  'latency',
  'hang-before-login',
  'hang-after-login',
  'drop-mid-reply',
  'garbage',
  'fatal',
  'auth-failure',
  'oversize-word',
  'refuse',
];

/** Longest latency: Node fires a timer longer than 2^31 − 1 ms at once, which would make it no latency at all. */
export const MAX_LATENCY_MILLIS = 2_147_483_647;

/** Throws a clear error when `fault` is not a valid Fault (it may come from untyped callers). */
export function validateFault(fault: Fault | undefined): void {
  if (fault === undefined) return;
  if (!FAULT_KINDS.includes(fault.kind)) {
    throw new Error(`fault.kind: ${unknownKindMessage(fault.kind)}`);
  }
  if (fault.kind === 'latency' && !(Number.isFinite(fault.millis) && fault.millis >= 0 && fault.millis <= MAX_LATENCY_MILLIS)) {
    throw new Error(`fault.millis: must be from 0 to ${MAX_LATENCY_MILLIS} milliseconds, got ${String(fault.millis)}`);
  }
}

/** A fault for one router of a fleet: by its number n (from 1, as in its name `<identity>-<n>`) or by its name. */
export interface FleetFault {
  readonly router: number | string;
  readonly fault: Fault;
}

/** What is wrong with one field of a fault written as data (a `--fault` flag, a config entry). */
export interface FaultFieldProblem {
  readonly field: 'kind' | 'millis';
  readonly message: string;
}

/**
 * A Fault from a kind and milliseconds as a person writes them (`millis` only for latency, a whole
 * number), or the problem with them.
 */
export function faultFromFields(kind: unknown, millis: unknown): { fault: Fault } | { problems: FaultFieldProblem[] } {
  if (typeof kind !== 'string') return { problems: [{ field: 'kind', message: `must be one of ${FAULT_KINDS.join(', ')}` }] };
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) return { problems: [{ field: 'kind', message: unknownKindMessage(kind) }] };
  const known = kind as Fault['kind'];
  if (known !== 'latency') {
    if (millis !== undefined) return { problems: [{ field: 'millis', message: `only latency takes millis, not ${known}` }] };
    return { fault: { kind: known } };
  }
  if (millis === undefined) return { problems: [{ field: 'millis', message: `latency needs millis: ${MILLIS_RULE}` }] };
  if (typeof millis !== 'number' || !Number.isSafeInteger(millis) || millis < 0 || millis > MAX_LATENCY_MILLIS) {
    return { problems: [{ field: 'millis', message: `must be ${MILLIS_RULE}` }] };
  }
  return { fault: { kind: 'latency', millis } };
}

const MILLIS_RULE = `a whole number of milliseconds from 0 to ${MAX_LATENCY_MILLIS}`;

/** The `--fault` syntax, for messages and help. */
export const FAULT_SPEC_SYNTAX = '<router>=<kind>[:<millis>]';

/**
 * Parses a `--fault` value `<router>=<kind>[:<millis>]`: router is a number from 1 or a router name,
 * `latency:<millis>` the one kind with a value. Returns the problem as text (without the flag) otherwise.
 */
export function parseFaultSpec(text: string): { fleetFault: FleetFault } | { problem: string } {
  const equals = text.indexOf('=');
  const routerText = equals < 0 ? '' : text.slice(0, equals);
  if (routerText === '') {
    return { problem: `expected ${FAULT_SPEC_SYNTAX}, e.g. 2=hang-after-login or hex-3=latency:2000 (kinds: ${FAULT_KINDS.join(', ')})` };
  }
  const rest = text.slice(equals + 1);
  const colon = rest.indexOf(':');
  const kind = colon < 0 ? rest : rest.slice(0, colon);
  const millisText = colon < 0 ? undefined : rest.slice(colon + 1);
  const millis = millisText === undefined || !/^\d+$/.test(millisText) ? millisText : Number(millisText);
  const built = faultFromFields(kind, millis);
  if ('problems' in built) return { problem: built.problems.map((problem) => problem.message).join('; ') };
  return { fleetFault: { router: /^\d+$/.test(routerText) ? Number(routerText) : routerText, fault: built.fault } };
}

/** A fault as `--fault` writes it: `hang-after-login`, `latency:3000`. */
export function formatFault(fault: Fault): string {
  return fault.kind === 'latency' ? `latency:${fault.millis}` : fault.kind;
}

/**
 * Resolves fleet faults against the fleet's router names (router i is number i + 1). A name matches a router's
 * own name or the agent's `sim-` name for it. Problems are by entry of `faults`; a router gets at most one fault.
 */
export function planFleetFaults(
  faults: readonly FleetFault[],
  names: readonly string[],
): { byIndex: ReadonlyMap<number, Fault>; problems: { entry: number; message: string }[] } {
  const byIndex = new Map<number, Fault>();
  const entryOf = new Map<number, number>();
  const problems: { entry: number; message: string }[] = [];
  faults.forEach((fleetFault, entry) => {
    const index = routerIndex(fleetFault.router, names);
    if (typeof index === 'string') {
      problems.push({ entry, message: index });
      return;
    }
    const earlier = entryOf.get(index);
    if (earlier !== undefined) {
      const first = faults[earlier]?.fault;
      const already = first === undefined ? 'a fault' : `the fault ${formatFault(first)}`;
      problems.push({ entry, message: `router ${names[index] ?? index + 1} already has ${already}; a router has one at most` });
      return;
    }
    entryOf.set(index, entry);
    byIndex.set(index, fleetFault.fault);
  });
  return { byIndex, problems };
}

/** Names shown in a "no such router" message; a fleet of a thousand would drown it. */
const NAMES_SHOWN = 12;

function routerIndex(router: number | string, names: readonly string[]): number | string {
  const range = names.length === 1 ? 'the fleet has router 1 only' : `the fleet has routers 1 to ${names.length}`;
  if (typeof router === 'number') {
    return Number.isSafeInteger(router) && router >= 1 && router <= names.length ? router - 1 : `no router number ${router}: ${range}`;
  }
  const index = names.findIndex((name) => router === name || router === `sim-${name}`);
  if (index >= 0) return index;
  const shown = names.slice(0, NAMES_SHOWN).join(', ') + (names.length > NAMES_SHOWN ? ', …' : '');
  return `no router named "${router}" (${range}: ${shown})`;
}

function unknownKindMessage(kind: unknown): string {
  return `unknown fault ${JSON.stringify(String(kind))} (known: ${FAULT_KINDS.join(', ')})`;
}
