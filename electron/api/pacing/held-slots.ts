import type { ModelStats } from '../routing/strategies.ts';

/**
 * What a request holds while it is committed to a model: the overall concurrency slot, the
 * model's own, and its place in the model's in-flight count. All go back together, once.
 */
export class HeldSlots {
  private model: (() => void) | null = null;
  private counted = true;

  constructor(
    private readonly stats: ModelStats,
    private global: (() => void) | null,
  ) {
    // Busy from the moment a request is committed to the model, before any await: requests
    // that arrive together must see each other, or they all pick the same "idle" model.
    stats.inFlight += 1;
  }

  holdModel(release: () => void): void {
    this.model = release;
  }

  release(): void {
    this.model?.();
    this.global?.();
    this.model = this.global = null;
    if (this.counted) {
      this.counted = false;
      this.stats.inFlight -= 1;
    }
  }
}
