/**
 * What an error means for a target, in the engine's terms: a missing feature, a collector's own
 * failure, or a reason to drop the session. Each source classifies its own errors into these.
 */
import type { DownReason } from './snapshot.js';

/**
 * unsupported: the target lacks the feature; collector: only that collector failed; a DownReason:
 * the session can no longer be trusted.
 */
export type FailureKind = 'unsupported' | 'collector' | DownReason;

/** True for kinds that take the target down. */
export function isTargetFailure(kind: FailureKind): kind is DownReason {
  return kind !== 'unsupported' && kind !== 'collector';
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
