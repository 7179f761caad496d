/**
 * The review queue of a batch: its graded work (and work in doubt, to grade by hand), what needs the teacher
 * first. Order: unreviewed flagged work (most urgent signal first), then the rest of the
 * unreviewed, then what the teacher has reviewed. Within a group, the order the files were
 * added, or with names hidden a stable shuffle, so a teacher is not led by the alphabet
 * (sequential bias) and the same batch always shuffles the same way.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import type { QueueFilter, QueueRow, ReviewQueue, ReviewStatus } from '../../shared/ipc/review.ts';
import { gradingRecords } from '../grading/records.ts';
import { submissionsOfBatch, type ReadableDB } from '../store/index.ts';
import { reviewsOfBatch, type ReviewRecord } from '../store/reviews.ts';
import { batchWithRubric } from './batch-rubric.ts';
import { isFlagged, urgency } from './flags.ts';

export interface QueueRequest {
  batchId: string;
  filter: QueueFilter;
  offset: number;
  limit: number;
  hideNames: boolean;
}

const statusOf = (review: ReviewRecord | undefined): ReviewStatus =>
  review === undefined ? 'unreviewed' : review.status === 'accepted' ? 'reviewed' : 'draft';

/** A number from the batch and the submission alone: the same shuffle on every load. */
const shuffleKey = (batchId: string, id: number): string => createHash('sha256').update(`${batchId}:${id}`).digest('hex');

const matches = (row: QueueRow, filter: QueueFilter): boolean =>
  filter === 'all' ||
  (filter === 'flagged' && isFlagged(row.flags)) ||
  (filter === 'reviewed' && row.status === 'reviewed') ||
  (filter === 'unreviewed' && row.status !== 'reviewed');

/** The whole queue of a batch, in order, before filter and paging. */
export function queueRows(db: ReadableDB, batchId: string, hideNames: boolean): QueueRow[] {
  const report = gradingRecords(db).report(batchId);
  if (!report) throw new AppError('INVALID_INPUT', 'That batch is not in this GradeDesk any more. Open the review list and pick a batch.');
  // The store's status, not the report's: work in doubt that the teacher graded by hand reads as
  // graded in the report, yet no model suggested anything for it.
  const stored = new Map(submissionsOfBatch(db, batchId).map((s) => [s.file, { id: s.id, inDoubt: s.status === 'in_doubt' }]));
  const reviews = reviewsOfBatch(db, batchId);
  const rows: Array<QueueRow & { key: string }> = [];
  for (const s of report.submissions) {
    const sub = stored.get(s.file);
    if (sub === undefined || (s.status !== 'graded' && s.status !== 'in_doubt')) continue;
    const review = reviews.get(sub.id);
    const graded = !sub.inDoubt;
    rows.push({
      submissionId: sub.id,
      student: hideNames ? null : (s.student ?? null),
      anonymousNumber: 1,
      fileName: hideNames ? null : basename(s.file),
      gradingStatus: graded ? 'graded' : 'in_doubt',
      status: statusOf(review),
      aiScore: graded ? (s.ai_score ?? s.score ?? null) : null,
      finalScore: review ? review.finalScore : null,
      maxScore: s.max_score ?? review?.maxScore ?? null,
      flags: graded ? [...(s.flags ?? [])] : ['in_doubt'],
      key: shuffleKey(batchId, sub.id),
    });
  }
  // Student numbers follow the shuffle, so "Student 1" says nothing about the file order.
  [...rows].sort((a, b) => a.key.localeCompare(b.key)).forEach((row, i) => (row.anonymousNumber = i + 1));
  const group = (r: QueueRow): number => (r.status === 'reviewed' ? 2 : isFlagged(r.flags) ? 0 : 1);
  rows.sort(
    (a, b) =>
      group(a) - group(b) ||
      urgency(a.flags) - urgency(b.flags) ||
      (hideNames ? a.key.localeCompare(b.key) : a.submissionId - b.submissionId),
  );
  return rows.map(({ key: _key, ...row }) => row);
}

export function reviewQueue(db: ReadableDB, request: QueueRequest): ReviewQueue {
  const { batch } = batchWithRubric(db, request.batchId);
  const all = queueRows(db, request.batchId, request.hideNames);
  const filtered = all.filter((r) => matches(r, request.filter));
  return {
    batchId: request.batchId,
    rubric: batch.rubricTitle,
    createdAt: new Date(batch.createdAt).toISOString(),
    counts: {
      all: all.length,
      flagged: all.filter((r) => matches(r, 'flagged')).length,
      unreviewed: all.filter((r) => matches(r, 'unreviewed')).length,
      reviewed: all.filter((r) => matches(r, 'reviewed')).length,
    },
    total: filtered.length,
    rows: filtered.slice(request.offset, request.offset + request.limit),
  };
}
