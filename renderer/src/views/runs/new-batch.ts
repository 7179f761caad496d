/**
 * The new-batch screen's rules, apart from its markup: which items can be graded, the sample a
 * new rubric starts with, why Start is not available yet, and the defaults of the first visit.
 */
import type { StagedItem } from '../../../../shared/ipc/intake.ts';
import type { ModelView } from '../../../../shared/ipc/models.ts';
import type { BatchChoice, GradingSettingsInput } from '../../../../shared/ipc/runs.ts';

/** PrairieLearn advises trying 5–10 submissions first; a batch this small is its own sample. */
export const SAMPLE_SIZE = 5;

export const readyIds = (items: readonly StagedItem[]): string[] => items.filter((i) => i.status === 'ready').map((i) => i.id);

/** The sample's size, or null when the batch is too small for one. */
export const sampleSizeFor = (ready: number): number | null => (ready > SAMPLE_SIZE ? SAMPLE_SIZE : null);

export type StartBlock = 'needItems' | 'needRubric' | 'needModels' | null;

export function startBlock(ready: number, rubricId: string | null, chosen: readonly string[], compare: boolean): StartBlock {
  if (ready === 0) return 'needItems';
  if (rubricId === null) return 'needRubric';
  if (chosen.length === 0 || (compare && chosen.length < 2)) return 'needModels';
  return null;
}

export function defaultSettings(locale: string): GradingSettingsInput {
  return { strictness: 'standard', tone: 'neutral', feedbackLanguage: locale === 'zh-CN' ? 'zh-CN' : 'en', gradeLevel: '' };
}

/** The last choice where its models can still be used, else the first model with a key. */
export function initialModels(models: readonly ModelView[], last: BatchChoice | null): { chosen: string[]; compare: boolean } {
  const usable = models.filter((m) => m.keyStatus !== 'missing').map((m) => m.id);
  const kept = (last?.models ?? []).filter((id) => usable.includes(id));
  if (kept.length > 0) return { chosen: kept, compare: (last?.compare ?? false) && kept.length > 1 };
  return { chosen: usable.slice(0, 1), compare: false };
}
