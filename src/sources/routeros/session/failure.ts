/**
 * What an error means for a router: a missing feature, a collector's own failure, or a reason to
 * drop the connection. Collectors may wrap client errors, so the `cause` chain is searched.
 */
import type { RouterConfig } from '../config/types.js';
import { describeError, type FailureKind } from '../../../engine/failure.js';
import {
  AuthenticationError,
  ConnectionLostError,
  FatalError,
  ProtocolError,
  TimeoutError,
  TrapError,
} from '../client/errors.js';
import { TlsVerificationError } from '../client/transport.js';

export { describeError, type FailureKind };

const MAX_CAUSE_DEPTH = 8;

/**
 * Classifies an error. `unknownAs` is the kind of an error that is none of the client's typed
 * errors: 'collector' while collecting, 'connection_failed' while connecting (socket or TLS
 * errors the client did not wrap).
 */
export function classifyFailure(error: unknown, unknownAs: FailureKind): FailureKind {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    if (current instanceof AuthenticationError) return 'authentication_failed';
    if (current instanceof TimeoutError) return 'timeout';
    // Before ConnectionLostError, its base class: a refused certificate needs the operator, not a
    // network fix, so /health names it apart.
    if (current instanceof TlsVerificationError) return 'tls_error';
    if (current instanceof ConnectionLostError) return 'connection_failed';
    if (current instanceof ProtocolError) return 'protocol_error';
    if (current instanceof FatalError) return 'fatal';
    if (current instanceof TrapError) return current.isMissingFeature ? 'unsupported' : 'collector';
    current = current.cause;
  }
  return unknownAs;
}

/** True for kinds that take the router down. */
export { isTargetFailure as isRouterFailure } from '../../../engine/failure.js';

/** Socket error codes meaning nothing answered at the TCP level (or the name did not resolve). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when the error (or one of its causes) says the router's port could not be reached at all,
 * as opposed to a router that accepted the connection and then failed.
 */
export function isUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    current = current.cause;
  }
  return false;
}

/** describeError with a router's password masked and its quoted user name (as the client writes it) kept. */
export function describeRouterError(error: unknown, router: Pick<RouterConfig, 'username' | 'password'>): string {
  return describeError(error, [router.password], [JSON.stringify(router.username)]);
}

