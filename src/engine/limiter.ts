/**
 * A global cap on simultaneous router polls (collection.concurrency). Waiters are served first in,
 * first out so no router starves; a waiter whose signal aborts leaves the queue at once, which is
 * how shutdown drops polls that never started.
 */

/** Gives the slot back. Calling it more than once is harmless. */
export type Release = () => void;

interface Waiter {
  readonly resolve: (release: Release) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** FIFO counting semaphore with abortable waits. */
export class ConcurrencyLimiter {
  private readonly _limit: number;
  private readonly _queue: Waiter[] = [];
  private _active = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new Error(`concurrency limit must be a positive integer, got ${String(limit)}`);
    }
    this._limit = limit;
  }

  get limit(): number {
    return this._limit;
  }

  /** Slots in use. */
  get active(): number {
    return this._active;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this._queue.length;
  }

  /**
   * Waits for a free slot. Rejects with the signal's reason when it aborts before a slot is
   * granted (or is already aborted).
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this._active < this._limit && this._queue.length === 0) {
      this._active += 1;
      return Promise.resolve(this._releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this._queue.indexOf(waiter);
          if (index >= 0) this._queue.splice(index, 1);
          reject(abortReason(signal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this._queue.push(waiter);
    });
  }

  /** Runs `task` inside a slot and gives the slot back however it ends. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private _releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this._active -= 1;
      this._grant();
    };
  }

  private _grant(): void {
    while (this._active < this._limit) {
      const waiter = this._queue.shift();
      if (waiter === undefined) return;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this._active += 1;
      waiter.resolve(this._releaser());
    }
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new Error('aborted');
}
