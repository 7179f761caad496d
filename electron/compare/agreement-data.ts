/**
 * The teacher's finals beside each model's grading, as the decisions agreement.ts counts, for
 * one batch or for every batch (what routing's quality rests on). A criterion is keyed by its
 * id within one batch, and by rubric and id across batches, since two rubrics may share an id
 * with different levels.
 */
import type { AgreementView } from '../../shared/ipc/compare.ts';
import { queryAll, sql, type ReadableDB } from '../store/index.ts';
import { agreementByModel, type Decision } from './agreement.ts';
import { readFinals, rubricCriteria, type RubricCriterion } from './batch-data.ts';
import { MIN_PAPERS_FOR_QUALITY, qualityOf } from './quality.ts';

interface ReviewedDecisions {
  decisions: Decision[];
  criteria: Map<string, RubricCriterion>;
  reviewedPapers: number;
}

export function readDecisions(db: ReadableDB, batchId: string | null): ReviewedDecisions {
  const finals = readFinals(db, batchId);
  const inBatch = batchId === null ? sql`` : sql`AND s.batch_id = ${batchId}`;
  const rows = queryAll<{ submission_id: number; model_id: string; criteria_json: string; rubric_id: string; rubric_json: string }>(
    db,
    sql`SELECT g.submission_id, g.model_id, g.criteria_json, b.rubric_id, r.rubric_json
        FROM gradings g JOIN submissions s ON s.id = g.submission_id JOIN batches b ON b.id = s.batch_id JOIN rubrics r ON r.id = b.rubric_id
        WHERE g.submission_id IN (SELECT submission_id FROM reviews) ${inBatch}
        ORDER BY g.submission_id, g.model_id`,
  );
  const rubrics = new Map<string, RubricCriterion[]>();
  const criteria = new Map<string, RubricCriterion>();
  const decisions: Decision[] = [];
  for (const row of rows) {
    let rubric = rubrics.get(row.rubric_id);
    if (!rubric) {
      rubric = rubricCriteria(row.rubric_json);
      rubrics.set(row.rubric_id, rubric);
    }
    const teacher = finals.get(row.submission_id);
    const parsed: unknown = JSON.parse(row.criteria_json);
    if (!teacher || !Array.isArray(parsed)) continue;
    for (const given of parsed as Array<{ id?: unknown; points?: unknown }>) {
      const criterion = rubric.find((c) => c.id === given.id);
      const teacherPoints = criterion ? teacher.get(criterion.id) : undefined;
      if (!criterion || teacherPoints === undefined || typeof given.points !== 'number') continue;
      const criterionKey = batchId === null ? `${row.rubric_id}:${criterion.id}` : criterion.id;
      criteria.set(criterionKey, criterion);
      decisions.push({
        modelId: row.model_id,
        submissionId: row.submission_id,
        criterionKey,
        levels: criterion.levels.map((l) => l.points),
        modelPoints: given.points,
        teacherPoints,
      });
    }
  }
  return { decisions, criteria, reviewedPapers: finals.size };
}

const clampShare = (n: number | null): number | null => (n === null ? null : Math.min(1, Math.max(0, n)));
const clampKappa = (n: number | null): number | null => (n === null ? null : Math.min(1, Math.max(-1, n)));

/** Each model's agreement with the teacher, as the compare screen shows it. */
export function agreementView(db: ReadableDB, batchId: string | null, modelIds?: readonly string[]): AgreementView {
  const { decisions, criteria, reviewedPapers } = readDecisions(db, batchId);
  const wanted = modelIds && modelIds.length > 0 ? new Set(modelIds) : null;
  const nameOf = (key: string): string => (criteria.get(key)?.name ?? key).slice(0, 300);
  const models = agreementByModel(wanted ? decisions.filter((d) => wanted.has(d.modelId)) : decisions).slice(0, 1000);
  return {
    batchId,
    reviewedPapers,
    minPapersForQuality: MIN_PAPERS_FOR_QUALITY,
    models: models.map((a) => ({
      modelId: a.modelId,
      papers: a.papers,
      decisions: a.decisions,
      offLevel: a.offLevel,
      exact: clampShare(a.exact),
      withinOne: clampShare(a.withinOne),
      kappa: clampKappa(a.kappa),
      quality: qualityOf(a),
      confusion: a.confusion.slice(0, 1000).map((c) => ({
        criterionId: c.criterionKey,
        name: nameOf(c.criterionKey),
        levels: (criteria.get(c.criterionKey)?.levels ?? c.levels.map((points) => ({ points, label: '' }))).slice(0, 20),
        counts: c.counts.slice(0, 20).map((row) => row.slice(0, 20)),
      })),
      bias: a.bias.slice(0, 1000).map((b) => ({ criterionId: b.criterionKey, name: nameOf(b.criterionKey), meanDifference: b.meanDifference, decisions: b.decisions })),
    })),
  };
}

/** Each model's quality (quality.ts) from every reviewed paper, for models with enough of them. */
export function qualityByModel(db: ReadableDB): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of agreementByModel(readDecisions(db, null).decisions)) {
    const q = qualityOf(a);
    if (q !== null) out.set(a.modelId, q);
  }
  return out;
}
