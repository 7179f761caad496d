/**
 * A window of the most recent samples, bounded both by age (the last `windowMs`) and by count
 * (the last `maxSamples`), oldest first. Pushing is O(1) amortized; expiry happens on push and
 * on read, so an idle window still empties itself.
 *
 * Samples must be pushed in time order (the monitor stamps them with its own clock when an
 * attempt is recorded). The count bound keeps memory and the cost of exact percentiles fixed
 * however busy the app gets: at 5,000 samples a sort takes well under a millisecond.
 */
export interface Timed {
  /** Epoch ms. */
  at: number;
}

export class RollingWindow<T extends Timed> {
  private items: T[] = [];
  private head = 0;

  /** `onEvict` sees every sample that leaves the window, oldest first (for running sums). */
  constructor(
    readonly windowMs: number,
    readonly maxSamples: number,
    private readonly onEvict?: (sample: T) => void,
  ) {
    if (!(windowMs > 0) || !(maxSamples >= 1)) throw new RangeError('A rolling window needs a positive span and size.');
  }

  push(sample: T): void {
    this.items.push(sample);
    if (this.items.length - this.head > this.maxSamples) this.evictOne();
    this.prune(sample.at);
  }

  /** Drops samples older than `now - windowMs`. */
  prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.items.length && this.items[this.head]!.at < cutoff) this.evictOne();
    // Compact occasionally rather than shifting the array on every eviction.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The samples inside the window at `now`, oldest first. */
  values(now: number): readonly T[] {
    this.prune(now);
    return this.head === 0 ? this.items : this.items.slice(this.head);
  }

  size(now: number): number {
    this.prune(now);
    return this.items.length - this.head;
  }

  private evictOne(): void {
    const sample = this.items[this.head]!;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    this.onEvict?.(sample);
  }
}

/**
 * A running sum over the last `windowMs` (e.g. dollars in the last hour), O(1) amortized per
 * add and read: the alert engine reads it after every attempt. Exact, not bucketed. The total
 * is reset to exactly 0 whenever the window empties, so float drift cannot build up.
 */
export class RollingSum {
  private readonly window: RollingWindow<{ at: number; value: number | null }>;
  private sum = 0;
  private unknown = 0;
  private count = 0;

  constructor(windowMs: number, maxEntries = 1_000_000) {
    this.window = new RollingWindow(windowMs, maxEntries, (e) => {
      this.count -= 1;
      if (e.value === null) this.unknown -= 1;
      else this.sum -= e.value;
      if (this.count === 0) this.sum = 0;
    });
  }

  /** `value` null = unknown: counted, not summed. */
  add(at: number, value: number | null): void {
    this.count += 1;
    if (value === null) this.unknown += 1;
    else this.sum += value;
    this.window.push({ at, value });
  }

  /** Known sum, entries, and entries whose value is unknown, at `now`. */
  total(now: number): { sum: number; count: number; unknown: number } {
    this.window.prune(now);
    return { sum: Math.max(0, this.sum), count: this.count, unknown: this.unknown };
  }
}
