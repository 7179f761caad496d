/**
 * The history's rows as the screen gets them: a page of stored rows with, per row, what the
 * models suggested (combined as the batch report combines them), the teacher's final, the
 * review signals, and around a search match a piece of the text.
 */
import { basename } from 'node:path';
import type { HistoryBatch, HistorySubmission, HistorySubmissionsQuery } from '../../shared/ipc/history.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import { combineOf } from '../runs/run-snapshot.ts';
import { round6 } from '../grading/batch/report.ts';
import { ownerIsAlive } from '../grading/batch/lease-owner.ts';
import { batchCallTotals, getBatch, liveLeaseOwners, type ReadableDB } from '../store/index.ts';
import { acceptedCount } from '../store/reviews.ts';
import { excerptsOfPage, gradingsOfPage, modelsOfBatch, type HistoryBatchRow, type HistorySubmissionRow, type PageGrading } from '../store/history.ts';

/** Characters of text shown either side of a search match. */
const EXCERPT_CONTEXT = 60;

/**
 * A batch stored as `running` whose every worker is gone (the app or the command was killed, or
 * closed mid-run) is shown as interrupted, as the command's report says: it waits to be resumed,
 * nothing is grading it.
 */
function shownStatus(db: ReadableDB, row: HistoryBatchRow, now: number): string {
  if (row.status !== 'running') return row.status;
  return liveLeaseOwners(db, row.id, now).some(ownerIsAlive) ? 'running' : 'interrupted';
}

export function batchView(db: ReadableDB, row: HistoryBatchRow, now = Date.now()): HistoryBatch {
  const totals = batchCallTotals(db, row.id);
  return {
    batchId: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    status: shownStatus(db, row, now),
    rubric: row.title.slice(0, LIMITS.name),
    source: row.source === 'cli' ? 'cli' : 'app',
    submissions: row.submissions,
    graded: row.graded,
    failed: row.failed,
    reviewed: acceptedCount(db, row.id),
    models: modelsOfBatch(db, row.id),
    totalCostUsd: totals.unpriced > 0 ? null : round6(totals.costUsd),
    regradeOf: typeof row.regrade_of === 'string' ? row.regrade_of : null,
  };
}

/** Each submission's combined AI score, batch by batch (a batch's plan says how its models combine). */
function aiScores(db: ReadableDB, rows: readonly HistorySubmissionRow[], gradings: readonly PageGrading[]): Map<number, { score: number; maxScore: number; flags: string[] }> {
  const bySubmission = new Map<number, PageGrading[]>();
  for (const g of gradings) bySubmission.set(g.submissionId, [...(bySubmission.get(g.submissionId) ?? []), g]);
  const combiners = new Map<string, ReturnType<typeof combineOf> | null>();
  const out = new Map<number, { score: number; maxScore: number; flags: string[] }>();
  for (const row of rows) {
    const own = bySubmission.get(row.id);
    if (!own || own.length === 0 || row.status !== 'graded') continue;
    if (!combiners.has(row.batch_id)) {
      const batch = getBatch(db, row.batch_id);
      combiners.set(row.batch_id, batch ? combineOf(batch) : null);
    }
    try {
      const combined = combiners.get(row.batch_id)?.(own);
      if (combined) out.set(row.id, { score: combined.score, maxScore: combined.maxScore, flags: combined.flags });
    } catch {
      // A grading stored before answers were kept cannot be combined; the row shows no AI score.
    }
  }
  return out;
}

const reviewOf = (status: string | null): HistorySubmission['review'] => (status === 'accepted' ? 'reviewed' : status === null ? 'unreviewed' : 'draft');

/** The first word typed that the text search looks for (three or more characters), for the excerpt. */
function excerptTerm(query: Pick<HistorySubmissionsQuery, 'text' | 'scope'>): string {
  if (query.scope === 'student') return '';
  return query.text.split(/[\s"]+/u).find((t) => [...t].length >= 3) ?? '';
}

export function submissionViews(db: ReadableDB, rows: readonly HistorySubmissionRow[], query: Pick<HistorySubmissionsQuery, 'text' | 'scope'>): HistorySubmission[] {
  const ids = rows.map((r) => r.id);
  const gradings = gradingsOfPage(db, ids);
  const scores = aiScores(db, rows, gradings);
  const excerpts = excerptsOfPage(db, ids, excerptTerm(query), EXCERPT_CONTEXT);
  return rows.map((r) => {
    const ai = scores.get(r.id) ?? null;
    const ownFlags = JSON.parse(r.flags_json) as string[];
    const flags = [...new Set([...ownFlags, ...(ai?.flags ?? []), ...(r.status === 'in_doubt' ? ['in_doubt'] : [])])].slice(0, 50);
    return {
      submissionId: r.id,
      batchId: r.batch_id,
      createdAt: new Date(r.created_at).toISOString(),
      student: r.student === null ? null : r.student.slice(0, LIMITS.name),
      fileName: basename(r.file).slice(0, LIMITS.url),
      rubric: r.title.slice(0, LIMITS.name),
      status: r.status,
      review: reviewOf(r.review_status),
      aiScore: ai?.score ?? null,
      finalScore: r.final_score,
      maxScore: r.review_max ?? ai?.maxScore ?? null,
      flags,
      models: [...new Set(gradings.filter((g) => g.submissionId === r.id).map((g) => g.modelId))],
      excerpt: excerpts.get(r.id)?.map((piece) => piece.slice(0, LIMITS.name)) ?? null,
    };
  });
}
