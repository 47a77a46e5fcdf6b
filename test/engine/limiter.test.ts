import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/engine/limiter.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimiter', () => {
  it('grants up to the limit at once and queues the rest', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    let thirdGranted = false;
    const third = limiter.acquire().then((release) => {
      thirdGranted = true;
      return release;
    });
    await tick();
    expect(limiter.active).toBe(2);
    expect(limiter.queued).toBe(1);
    expect(thirdGranted).toBe(false);
    first();
    const releaseThird = await third;
    expect(thirdGranted).toBe(true);
    expect(limiter.active).toBe(2);
    second();
    releaseThird();
    expect(limiter.active).toBe(0);
  });

  it('serves waiters first in, first out', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const hold = await limiter.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      limiter.acquire().then((release) => {
        order.push(n);
        release();
      }),
    );
    hold();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('a release called twice frees only one slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    release();
    release();
    expect(limiter.active).toBe(0);
    await limiter.acquire();
    expect(limiter.active).toBe(1);
  });

  it('drops an aborted waiter from the queue without taking a slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const hold = await limiter.acquire();
    const controller = new AbortController();
    const dropped = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('shutting down'));
    await expect(dropped).rejects.toThrow('shutting down');
    expect(limiter.queued).toBe(1);
    hold();
    const release = await next;
    expect(limiter.active).toBe(1);
    release();
    expect(limiter.active).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const limiter = new ConcurrencyLimiter(3);
    await expect(limiter.acquire(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(limiter.active).toBe(0);
  });

  it('run() never exceeds the limit and frees the slot when the task throws', async () => {
    const limiter = new ConcurrencyLimiter(3);
    let running = 0;
    let peak = 0;
    const task = async (fail: boolean): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      if (fail) throw new Error('task failed');
    };
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => limiter.run(() => task(i % 4 === 0))));
    expect(peak).toBe(3);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
    expect(limiter.active).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow('positive integer');
    expect(() => new ConcurrencyLimiter(1.5)).toThrow('positive integer');
  });
});
