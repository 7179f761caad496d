/**
 * The spend ledger: what the simulated provider billed, one entry per generation. Costs are
 * kept as exact floats (never rounded) and the very same number goes into `usage.cost`, so a
 * test can compare the app's recorded spend with the provider's to the last bit.
 */
import type { LedgerEntry, LedgerReport, ModelSpend, RequestOutcome, SimModel } from './types.ts';

export interface TokenUsage {
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
}

/**
 * USD for a usage: uncached prompt tokens at the input price, cached ones at the cached price
 * (the input price when the model has none), completion tokens at the output price.
 */
export function costOf(model: SimModel, usage: TokenUsage): number {
  const cachedPrice = model.cached_input_cost_per_token ?? model.input_cost_per_token;
  return (
    (usage.promptTokens - usage.cachedTokens) * model.input_cost_per_token +
    usage.cachedTokens * cachedPrice +
    usage.completionTokens * model.output_cost_per_token
  );
}

export interface OpenGeneration {
  id: string;
  n: number;
  model: string;
  key: string | null;
  streamed: boolean;
  outcome: RequestOutcome;
  promptTokens: number;
  cachedTokens: number;
}

export class Ledger {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly spentByKey = new Map<string, number>();

  constructor(private readonly models: Record<string, SimModel>) {}

  /** Opens an entry when a generation starts; prompt tokens are billed from this moment. */
  open(generation: OpenGeneration): LedgerEntry {
    const entry: LedgerEntry = {
      ...generation,
      at: Date.now(),
      completionTokens: 0,
      costUsd: 0,
      finishReason: null,
      done: false,
    };
    this.entries.set(entry.id, entry);
    this.reprice(entry, 0);
    return entry;
  }

  /** Sets the completion tokens emitted so far and re-prices the entry. */
  emitted(entry: LedgerEntry, completionTokens: number): void {
    this.reprice(entry, completionTokens);
  }

  /** Marks the generation as over; later emits are impossible. */
  finish(entry: LedgerEntry, finishReason: string | null): void {
    if (entry.done) return;
    entry.finishReason = finishReason;
    entry.done = true;
  }

  get(id: string): LedgerEntry | undefined {
    return this.entries.get(id);
  }

  /** USD billed so far to a key (running generations included). */
  spentBy(key: string): number {
    return this.spentByKey.get(key) ?? 0;
  }

  report(): LedgerReport {
    const entries = [...this.entries.values()].map((entry) => ({ ...entry }));
    let totalUsd = 0;
    const byModel: Record<string, ModelSpend> = {};
    for (const entry of entries) {
      totalUsd += entry.costUsd;
      const spend = (byModel[entry.model] ??= { calls: 0, usd: 0 });
      spend.calls += 1;
      spend.usd += entry.costUsd;
    }
    return { entries, totalUsd, byModel };
  }

  clear(): void {
    this.entries.clear();
    this.spentByKey.clear();
  }

  private reprice(entry: LedgerEntry, completionTokens: number): void {
    const model = this.models[entry.model];
    if (model === undefined) throw new Error(`ledger: unknown model ${entry.model}`);
    const before = entry.costUsd;
    entry.completionTokens = completionTokens;
    entry.costUsd = costOf(model, entry);
    // An entry dropped by clear() (reset during a running stream) no longer counts.
    if (entry.key !== null && this.entries.get(entry.id) === entry) {
      this.spentByKey.set(entry.key, this.spentBy(entry.key) - before + entry.costUsd);
    }
  }
}
