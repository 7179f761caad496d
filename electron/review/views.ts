/** Store rows as the review routes answer them: times as ISO strings, "accepted" as "reviewed". */
import { LIMITS } from '../../shared/ipc/common.ts';
import type { AuditEntry, StoredReview } from '../../shared/ipc/review.ts';
import type { AuditRow, ReviewRecord } from '../store/reviews.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

export function storedReviewView(r: ReviewRecord): StoredReview {
  return {
    version: r.version,
    status: r.status === 'accepted' ? 'reviewed' : 'draft',
    finalScore: r.finalScore,
    maxScore: r.maxScore,
    feedback: r.feedback,
    adjustment: r.adjustmentReason !== null && r.adjustmentPoints !== 0 ? { points: r.adjustmentPoints, reason: r.adjustmentReason } : null,
    criteria: r.criteria.map((c) => ({ criterionId: c.criterionId, points: c.points, sourceModelId: c.sourceModelId, feedback: c.feedback === null ? null : c.feedback.slice(0, LIMITS.message) })),
    reviewedBy: r.reviewedBy,
    updatedAt: iso(r.updatedAt),
    acceptedAt: r.acceptedAt === null ? null : iso(r.acceptedAt),
  };
}

export const auditView = (a: AuditRow): AuditEntry => ({
  at: iso(a.at),
  who: a.who,
  version: a.version,
  field: a.field,
  criterionId: a.criterionId,
  from: a.from,
  to: a.to,
});
