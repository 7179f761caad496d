/** A stored batch and the rubric it was graded with: what every review route starts from. */
import { AppError } from '../../shared/errors.ts';
import { parseStoredPlan } from '../grading/batch/plan.ts';
import type { Rubric } from '../grading/rubric/index.ts';
import { getBatch, type BatchRow, type ReadableDB } from '../store/index.ts';

export function batchWithRubric(db: ReadableDB, batchId: string): { batch: BatchRow; rubric: Rubric } {
  const batch = getBatch(db, batchId);
  if (!batch) throw new AppError('INVALID_INPUT', 'That batch is not in this GradeDesk any more. Open the review list and pick a batch.');
  const plan = parseStoredPlan(batch.configJson);
  if (!plan.ok) throw new AppError(plan.error.code, plan.error.message);
  return { batch, rubric: plan.data.rubric };
}
