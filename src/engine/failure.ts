/**
 * What an error means for a router: a missing feature, a collector's own failure, or a reason to
 * drop the connection. Collectors may wrap client errors, so the `cause` chain is searched.
 */
import type { RouterConfig } from '../config/types.js';
import {
  AuthenticationError,
  ConnectionLostError,
  FatalError,
  ProtocolError,
  TimeoutError,
  TrapError,
} from '../sources/routeros/client/errors.js';
import { TlsVerificationError } from '../sources/routeros/client/transport.js';
import type { RouterDownReason } from './snapshot.js';

/**
 * unsupported: the router lacks the menu or package; collector: only that collector failed;
 * a RouterDownReason: the connection can no longer be trusted.
 */
export type FailureKind = 'unsupported' | 'collector' | RouterDownReason;

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
export function isRouterFailure(kind: FailureKind): kind is RouterDownReason {
  return kind !== 'unsupported' && kind !== 'collector';
}

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

/**
 * A one-line, secret-free description: the error message with any of `secrets` masked (the
 * client never puts the password in a message; this guards against a peer echoing it back).
 * Occurrences of `verbatim` texts are kept as they are even when a secret is part of them: the
 * client names the user as `"admin"`, and a password equal to the user name must not turn that
 * into `"***"`.
 */
export function describeError(error: unknown, secrets: readonly string[] = [], verbatim: readonly string[] = []): string {
  let text = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  if (text === '' && error instanceof Error) text = error.name;
  text = maskOutside(text, secrets.filter((secret) => secret.length >= 3), verbatim.filter((keep) => keep !== ''));
  // One line, bounded: a hostile peer's text must not flood the log or /health.
  text = text.replace(/[\r\n\t]+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** describeError with a router's password masked and its quoted user name (as the client writes it) kept. */
export function describeRouterError(error: unknown, router: Pick<RouterConfig, 'username' | 'password'>): string {
  return describeError(error, [router.password], [JSON.stringify(router.username)]);
}

function maskOutside(text: string, secrets: readonly string[], verbatim: readonly string[]): string {
  if (secrets.length === 0) return text;
  const mask = (part: string): string => secrets.reduce((masked, secret) => masked.split(secret).join('***'), part);
  let result = '';
  let rest = text;
  for (;;) {
    // The earliest kept text, the longest one when several start at the same place.
    let at = -1;
    let keep = '';
    for (const candidate of verbatim) {
      const index = rest.indexOf(candidate);
      if (index >= 0 && (at < 0 || index < at || (index === at && candidate.length > keep.length))) {
        at = index;
        keep = candidate;
      }
    }
    if (at < 0) return result + mask(rest);
    result += mask(rest.slice(0, at)) + keep;
    rest = rest.slice(at + keep.length);
  }
}
