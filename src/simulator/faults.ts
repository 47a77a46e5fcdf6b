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

/** Throws a clear error when `fault` is not a valid Fault (it may come from untyped callers). */
export function validateFault(fault: Fault | undefined): void {
  if (fault === undefined) return;
  if (!FAULT_KINDS.includes(fault.kind)) {
    throw new Error(`fault.kind: unknown fault "${String(fault.kind)}" (known: ${FAULT_KINDS.join(', ')})`);
  }
  if (fault.kind === 'latency' && (!Number.isFinite(fault.millis) || fault.millis < 0)) {
    throw new Error(`fault.millis: must be a non-negative number of milliseconds, got ${String(fault.millis)}`);
  }
}
