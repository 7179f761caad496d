/** Moving through the queue: the neighbour in queue order, and the next work still to review. */

export interface NavRow {
  submissionId: number;
  status: 'unreviewed' | 'draft' | 'reviewed';
}

/** The work before or after `current` in queue order; null at either end (no wrapping). */
export function neighbour(rows: readonly NavRow[], current: number, delta: 1 | -1): number | null {
  const at = rows.findIndex((r) => r.submissionId === current);
  if (at < 0) return rows[0]?.submissionId ?? null;
  return rows[at + delta]?.submissionId ?? null;
}

/**
 * The next work not yet reviewed, continuing from here and wrapping round to the start of the
 * queue, so work skipped earlier is not forgotten; null when everything else is reviewed.
 */
export function nextUnreviewed(rows: readonly NavRow[], current: number | null): number | null {
  const at = current === null ? -1 : rows.findIndex((r) => r.submissionId === current);
  const ordered = [...rows.slice(at + 1), ...rows.slice(0, Math.max(at, 0))];
  return ordered.find((r) => r.status !== 'reviewed' && r.submissionId !== current)?.submissionId ?? null;
}
