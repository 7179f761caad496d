/**
 * Submissions that will join a batch's queue later: those whose images are still being
 * redacted. The runner's workers wait for them instead of ending when the queue is empty.
 */
export class Arrivals {
  private waiters: Array<() => void> = [];

  constructor(private outstanding: number) {}

  /** Arrivals still to come. */
  get pending(): number {
    return this.outstanding;
  }

  /** One arrival happened (its jobs are queued) or will not happen (it failed or was stopped). */
  settle(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    this.wake();
  }

  /** Wakes every waiting worker, so it can see that the run is over (a budget stop). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits for the next arrival to settle: false at once when none is to come, or on abort. */
  async next(signal?: AbortSignal): Promise<boolean> {
    if (this.outstanding === 0 || signal?.aborted) return false;
    await new Promise<void>((resolve) => {
      const onAbort = (): void => resolve();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    return !signal?.aborted;
  }
}
