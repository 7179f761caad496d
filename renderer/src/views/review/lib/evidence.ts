/** Every model's quotes per criterion, found in the text or not. */
import type { SubmissionReview } from '../../../../../shared/ipc/review.ts';
import { findQuote, type Range } from './highlight.ts';

export interface Quote {
  criterionId: string;
  quote: string;
  /** The models that quoted it. */
  models: string[];
  ranges: Range[] | null;
}

export function quotesOf(view: SubmissionReview): Quote[] {
  const quotes: Quote[] = [];
  for (const criterion of view.criteria) {
    for (const model of view.models) {
      const quote = model.criteria.find((c) => c.criterionId === criterion.id)?.evidence.trim() ?? '';
      if (quote === '') continue;
      const same = quotes.find((q) => q.criterionId === criterion.id && q.quote === quote);
      if (same) same.models.push(model.modelId);
      else quotes.push({ criterionId: criterion.id, quote, models: [model.modelId], ranges: view.text === null ? null : findQuote(view.text, quote) });
    }
  }
  return quotes;
}
