/**
 * The simulated grader for work sent as page images only (a photo of handwriting, a scan): the
 * simulator cannot read an image, so it does not pretend to. Levels are seeded by the images
 * alone (the same pages get the same levels every run and from every simulated model); nothing
 * is quoted, since no sentence of the work is known; the feedback says the levels come from a
 * simulated reading of the pages, so a demo never passes them off as a real model's.
 */
import { FEEDBACK_WORDS, type FeedbackLanguage } from './feedback-words.ts';
import { pick, rngFor, type Rng } from './random.ts';

export interface PageCriterion {
  id: string;
  /** The allowed levels, highest first. */
  levels: number[];
}

/** Under this many words, the text beside images is a note about them, not the work. */
const NOTE_WORDS = 30;

/** Whether a request's work is in its images: it has some, and the text between the markers is at most a note. */
export function workIsInImages(images: readonly string[], submission: string | null): boolean {
  if (images.length === 0) return false;
  const words = (submission ?? '').split(/\s+/).filter((w) => w !== '').length;
  return words < NOTE_WORDS;
}


function levelIndex(rng: Rng, count: number): number {
  // Mostly the middle levels: a simulated reading of a page has no reason to be extreme.
  const centre = (count - 1) / 2;
  const spread = (rng() + rng() - 1) * (count / 2);
  return Math.min(count - 1, Math.max(0, Math.round(centre + spread)));
}

/** A grading answer for pages the simulator cannot read. */
export function gradePages(shape: readonly PageCriterion[], images: readonly string[], model: string, language: FeedbackLanguage = 'en'): Record<string, unknown> {
  const words = FEEDBACK_WORDS[language];
  const levels = rngFor('page-levels', ...images);
  const phrasing = rngFor('page-phrasing', model, ...images);
  const criteria: Record<string, unknown> = {};
  for (const criterion of shape) {
    const index = levelIndex(levels, criterion.levels.length);
    const band = index === 0 ? 'high' : index === criterion.levels.length - 1 ? 'low' : 'mid';
    criteria[criterion.id] = { evidence: '', feedback: pick(phrasing, words.pages[band]), level: criterion.levels[index] };
  }
  return {
    addressed_to_grader: '',
    criteria,
    overall_feedback: words.pagesOverall,
    confidence: Math.round((0.6 + phrasing() * 0.15) * 100) / 100,
  };
}
