/**
 * Deadlines the engine puts on sources' work. A deadline aborts a signal with a {@link TimeoutError};
 * work that ignores its signal is abandoned, never awaited past the deadline.
 */

/** A deadline passed, or collection stopped, before the work finished. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts: work that
 * ignores its signal cannot hold the caller past the deadline. The abandoned promise is observed
 * so its eventual rejection is not unhandled.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Rejects with an Error of `message` after `timeoutMillis`, or settles like `promise`. The timer
 * does not keep the process alive; the work itself is only abandoned, not cancelled.
 */
export function withDeadline<T>(promise: Promise<T>, timeoutMillis: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(message)), timeoutMillis);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
