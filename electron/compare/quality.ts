/**
 * A model's quality for the `performance` routing strategy (and the monitor's quality per
 * cost): its agreement with the teacher across every reviewed paper.
 *
 * Quality is kappa clamped to [0, 1]: kappa already discounts the agreement chance alone would
 * give, so a model no better than chance is worth nothing and a perfect one 1. When kappa
 * cannot be told (every final on one level) exact agreement stands in. Below
 * MIN_PAPERS_FOR_QUALITY papers the agreement is too thin to steer routing, and the strategy
 * keeps using the success rate.
 */
import type { ModelAgreement } from './agreement.ts';

/** PrairieLearn advises trying 5–10 submissions first; 5 reviewed papers is the least we trust. */
export const MIN_PAPERS_FOR_QUALITY = 5;

export function qualityOf(a: Pick<ModelAgreement, 'papers' | 'kappa' | 'exact'>): number | null {
  if (a.papers < MIN_PAPERS_FOR_QUALITY) return null;
  const value = a.kappa ?? a.exact;
  return value === null ? null : Math.min(1, Math.max(0, value));
}

export interface QualitySource {
  /** A model's quality, or null while it has too few reviewed papers. Cheap: it runs on every routing choice. */
  of(modelId: string): number | null;
  /** Every model's quality, for the monitor's quality per cost. */
  all(): ReadonlyMap<string, number>;
}

/**
 * Quality read from the store at most once per `maxAgeMs`: the routing choice is synchronous
 * and on every call's path, while reviews change at a teacher's pace.
 */
export function createQualitySource(read: () => Map<string, number>, options: { maxAgeMs?: number; now?: () => number } = {}): QualitySource {
  const maxAge = options.maxAgeMs ?? 30_000;
  const now = options.now ?? Date.now;
  let cached: Map<string, number> | null = null;
  let readAt = 0;
  const current = (): Map<string, number> => {
    const t = now();
    if (cached === null || t - readAt >= maxAge) {
      // A closed or failing store leaves routing on the success rate rather than failing a call.
      try {
        cached = read();
      } catch {
        cached = new Map();
      }
      readAt = t;
    }
    return cached;
  };
  return {
    of: (modelId) => current().get(modelId) ?? null,
    all: () => current(),
  };
}
