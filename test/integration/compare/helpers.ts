import { join } from 'node:path';
import type { GradeDeskApp } from '../../../electron/app/create-app.ts';
import { createGradingService, readRubricFile } from '../../../electron/grading/service.ts';
import { RUBRIC, writeConfig, writeEssays } from '../cli/helpers.ts';

/** Two priced models at the simulator ("fast" and "smart", key SIM_KEY); names sent as written. */
export function writeCompareConfig(dir: string, baseUrl: string): string {
  return writeConfig(dir, baseUrl, { privacy: { pseudonymize_names: false } });
}

/** Grades `n` essays in compare mode with both models through the grading service; the batch id. */
export async function gradeCompareBatch(app: GradeDeskApp, dir: string, n: number): Promise<string> {
  const folder = writeEssays(join(dir, `class-${n}`), n);
  const service = createGradingService({ db: app.db, calls: app.calls, monitor: app.monitor, config: app.config, configError: app.configError });
  const outcome = await service.grade({
    paths: [folder],
    rubric: await readRubricFile(RUBRIC),
    roster: null,
    models: ['fast', 'smart'],
    compare: true,
    concurrency: 4,
    source: 'app',
  });
  if (outcome.kind !== 'ran' || outcome.status !== 'completed') throw new Error(`the compare batch did not complete: ${outcome.kind}`);
  return outcome.batchId;
}

export function submissionIds(app: GradeDeskApp, batchId: string): number[] {
  return (app.db.prepare('SELECT id FROM submissions WHERE batch_id = ? ORDER BY id').all(batchId) as Array<{ id: number }>).map((r) => r.id);
}

/** The teacher's finals for one submission, written as the review screen will write them. */
export function writeFinals(app: GradeDeskApp, submissionId: number, points: Record<string, number>): void {
  const insert = app.db.prepare(
    `INSERT INTO reviews (submission_id, criterion_id, points, feedback, source_model_id, reviewed_by, reviewed_at)
     VALUES (?, ?, ?, NULL, NULL, 'teacher', ?)
     ON CONFLICT (submission_id, criterion_id) DO UPDATE SET points = excluded.points`,
  );
  for (const [criterion, p] of Object.entries(points)) insert.run(submissionId, criterion, p, Date.now());
}

/** What a model gave one submission, per criterion. */
export function modelPoints(app: GradeDeskApp, submissionId: number, modelId: string): Record<string, number> {
  const row = app.db.prepare('SELECT criteria_json FROM gradings WHERE submission_id = ? AND model_id = ?').get(submissionId, modelId) as { criteria_json: string } | undefined;
  if (!row) throw new Error(`no grading of ${submissionId} by ${modelId}`);
  return Object.fromEntries((JSON.parse(row.criteria_json) as Array<{ id: string; points: number }>).map((c) => [c.id, c.points]));
}

/**
 * Changes the level one model chose for one criterion. The simulated models agree on every
 * level (the simulator grades by the essay's features alone), so disagreement is made here.
 */
export function setModelPoints(app: GradeDeskApp, submissionId: number, modelId: string, criterionId: string, points: number): void {
  const row = app.db.prepare('SELECT criteria_json FROM gradings WHERE submission_id = ? AND model_id = ?').get(submissionId, modelId) as { criteria_json: string };
  const criteria = (JSON.parse(row.criteria_json) as Array<{ id: string; points: number }>).map((c) => (c.id === criterionId ? { ...c, points } : c));
  app.db.prepare('UPDATE gradings SET criteria_json = ? WHERE submission_id = ? AND model_id = ?').run(JSON.stringify(criteria), submissionId, modelId);
}
