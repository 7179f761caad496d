/**
 * The passages of a work written to whoever grades it, as the review shows them: each quoted
 * once, with who found it. GradeDesk's check of the file quotes the words it matched, a model
 * quotes the whole sentence: where one quote holds the other they are the same passage, shown
 * in the longer words. Words the check found hidden in the file stay apart (the teacher must
 * learn they were hidden), and come first.
 */
import type { ModelGrading, SubmissionReview } from '../../../../../shared/ipc/review.ts';

export interface AimedPassage {
  quote: string;
  hidden: boolean;
  byCheck: boolean;
  models: string[];
}

const holds = (a: string, b: string): boolean => a.toLowerCase().includes(b.toLowerCase());

export function aimedPassages(models: readonly Pick<ModelGrading, 'modelId' | 'aimedAtGrader'>[], fileCheck: SubmissionReview['fileCheck']): AimedPassage[] {
  const passages: AimedPassage[] = fileCheck
    .filter((f) => f.kind !== 'disguise' && f.quote.trim() !== '')
    .map((f) => ({ quote: f.quote.trim(), hidden: f.kind === 'hidden', byCheck: true, models: [] }))
    .sort((a, b) => Number(b.hidden) - Number(a.hidden));
  for (const m of models) {
    const quote = m.aimedAtGrader.trim();
    if (quote === '') continue;
    const same = passages.find((p) => holds(p.quote, quote) || holds(quote, p.quote));
    if (same === undefined) {
      passages.push({ quote, hidden: false, byCheck: false, models: [m.modelId] });
      continue;
    }
    if (!same.models.includes(m.modelId)) same.models.push(m.modelId);
    if (quote.length > same.quote.length) same.quote = quote;
  }
  return passages;
}
