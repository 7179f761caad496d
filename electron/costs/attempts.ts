/**
 * The attempts log: recorded calls newest first, filtered by model, error class, status, day or
 * submission, one keyset page at a time (page N costs what page 1 does).
 */
import type { AttemptFilterSchema, AttemptPage } from '../../shared/ipc/costs.ts';
import type { z } from 'zod';
import { toAttemptView } from '../monitor/monitor.ts';
import { listApiCalls } from '../store/api-calls.ts';
import type { ReadableDB } from '../store/db-types.ts';
import { sql, type SqlFragment } from '../store/sql.ts';
import { endOfDay, startOfDay } from './day-range.ts';
import { costsOfSubmission } from './rollup-queries.ts';

type Filter = z.output<typeof AttemptFilterSchema>;

/** Exported for the query-plan test. */
export function attemptConditions(filter: Filter): SqlFragment[] {
  const where: SqlFragment[] = [];
  if (filter.modelId !== undefined) where.push(sql`model_id = ${filter.modelId}`);
  if (filter.errorClass !== undefined) where.push(sql`error_class = ${filter.errorClass}`);
  if (filter.status !== undefined) where.push(sql`status = ${filter.status}`);
  if (filter.day !== undefined) where.push(sql`started_at >= ${startOfDay(filter.day)} AND started_at < ${endOfDay(filter.day)}`);
  if (filter.submissionId !== undefined) {
    where.push(sql`job_id IN (SELECT id FROM jobs WHERE submission_id = ${filter.submissionId})`);
  }
  return where;
}

export function attemptPage(db: ReadableDB, filter: Filter): AttemptPage {
  const rows = listApiCalls(db, { limit: filter.limit, beforeId: filter.beforeId, where: attemptConditions(filter) });
  const last = rows[rows.length - 1];
  return {
    attempts: rows.map(toAttemptView),
    nextBeforeId: rows.length === filter.limit && last ? last.id : null,
    submission: filter.submissionId === undefined ? null : costsOfSubmission(db, filter.submissionId),
  };
}
