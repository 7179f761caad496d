/** Every model's quotes per criterion, found in the text or not. */
import type { SubmissionReview } from '../../../../../shared/ipc/review.ts';
import { findQuote, type Range } from './highlight.ts';

export interface Quote {
  criterionId: string;
  quote: string;
  /** The models that quoted it. */
  models: string[];
  /** Null when the quote is not in the text, or the work has no text to look in. */
  ranges: Range[] | null;
  /** The work has no text (a photo, a scan): the quote was read off a page and cannot be checked here. */
  fromPages: boolean;
}

/** The work's text, or null when it has none to read or to find a quote in (a photo, a scan). */
export const textOf = (view: SubmissionReview): string | null => (view.text !== null && view.text.trim() !== '' ? view.text : null);

export function quotesOf(view: SubmissionReview): Quote[] {
  const quotes: Quote[] = [];
  const text = textOf(view);
  for (const criterion of view.criteria) {
    for (const model of view.models) {
      const quote = model.criteria.find((c) => c.criterionId === criterion.id)?.evidence.trim() ?? '';
      if (quote === '') continue;
      const same = quotes.find((q) => q.criterionId === criterion.id && q.quote === quote);
      if (same) same.models.push(model.modelId);
      else quotes.push({ criterionId: criterion.id, quote, models: [model.modelId], ranges: text === null ? null : findQuote(text, quote), fromPages: text === null });
    }
  }
  return quotes;
}
