/**
 * Every delay of the simulator (latency, TTFT, stalls) goes through one registry so that
 * `close()` can clear them all: a stall of 30 s must not keep a test process alive.
 */

export class TimerRegistry {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  /**
   * Resolves true after `ms`, or false as soon as `signal` aborts or the registry closes.
   * Never rejects, so callers simply stop when they get false.
   */
  sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.closed || signal.aborted) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (completed: boolean) => {
        clearTimeout(timer);
        this.pending.delete(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(completed);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      this.pending.set(timer, onAbort);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Cancels every pending sleep (they resolve false) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const cancel of [...this.pending.values()]) cancel();
  }

  get size(): number {
    return this.pending.size;
  }
}
