import { AppError } from '../../../shared/errors.ts';

/**
 * A counting semaphore whose waiters can be cancelled. p-limit queues functions; the call
 * manager needs to hold a slot across retries' bookkeeping and to drop a waiter the moment its
 * batch is cancelled, and the least-busy strategy needs the in-flight count.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<{ resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort: () => void }> = [];

  constructor(private readonly limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** A slot now, or null when the caller must queue: the common case without a promise. */
  tryAcquire(): (() => void) | null {
    if (this.active >= this.limit || this.waiters.length > 0) return null;
    this.active += 1;
    return this.releaser();
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new AppError('ABORTED', 'The request was cancelled.');
    if (this.active < this.limit && this.waiters.length === 0) {
      this.active += 1;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        ...(signal ? { signal } : {}),
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new AppError('ABORTED', 'The request was cancelled.'));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limit && this.waiters.length > 0) {
      const next = this.waiters.shift();
      if (!next) break;
      next.signal?.removeEventListener('abort', next.onAbort);
      this.active += 1;
      next.resolve();
    }
  }
}
