/**
 * IPC handlers for the review queue, one submission beside its gradings, and the teacher's final grade with its audit.
 */
import { userInfo } from 'node:os';
import { AppError } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { reviewRoutes } from '../../shared/ipc/review.ts';
import type { WritableDB } from '../store/index.ts';
import { auditOf, pageImage } from '../store/reviews.ts';
import { reviewQueue } from './queue.ts';
import { saveReview } from './save.ts';
import { submissionReview } from './submission.ts';
import { auditView } from './views.ts';

export type ReviewRouteName = keyof typeof reviewRoutes;
export type ReviewHandlerMap = Pick<Handlers, ReviewRouteName>;

export interface ReviewHandlers {
  handlers: ReviewHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface ReviewDeps {
  db: WritableDB;
  /** Who the audit names: the computer's user by default. */
  who?: () => string;
  now?: () => number;
}

/** The account name of whoever runs GradeDesk; "teacher" when the system will not say. */
export function osUserName(): string {
  try {
    const name = userInfo().username.trim();
    return name === '' ? 'teacher' : name.slice(0, LIMITS.name);
  } catch {
    return 'teacher';
  }
}

export function createReviewHandlers(deps: ReviewDeps): ReviewHandlers {
  const { db } = deps;
  const who = deps.who ?? osUserName;
  const now = deps.now ?? Date.now;
  return {
    handlers: {
      getReviewQueue: (input) => reviewQueue(db, input),
      getSubmissionReview: ({ submissionId }) => submissionReview(db, submissionId),
      getPageImage: ({ submissionId, page }) => {
        const image = pageImage(db, submissionId, page);
        if (!image) throw new AppError('INVALID_INPUT', 'That page image is not stored with this work.');
        return { mime: image.mime, dataUrl: `data:${image.mime};base64,${image.data.toString('base64')}` };
      },
      saveReview: (input) => saveReview(db, input, who(), now()),
      getReviewAudit: ({ submissionId }) => auditOf(db, submissionId, LIMITS.listItems).map(auditView),
    },
    async close() {},
  };
}
