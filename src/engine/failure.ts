/**
 * What an error means for a router: a missing feature, a collector's own failure, or a reason to
 * drop the connection. Collectors may wrap client errors, so the `cause` chain is searched.
 */
import {
  AuthenticationError,
  ConnectionLostError,
  FatalError,
  ProtocolError,
  TimeoutError,
  TrapError,
} from '../routeros/errors.js';
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

/**
 * A one-line, secret-free description: the error message with any of `secrets` masked (the
 * client never puts the password in a message; this guards against a peer echoing it back).
 */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  let text = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  if (text === '' && error instanceof Error) text = error.name;
  for (const secret of secrets) {
    if (secret.length >= 3) text = text.split(secret).join('***');
  }
  // One line, bounded: a hostile peer's text must not flood the log or /health.
  text = text.replace(/[\r\n\t]+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
