/**
 * IPC handlers for the review queue, one submission beside its gradings, and the teacher's final grade with its audit.
 */
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { reviewRoutes } from '../../shared/ipc/review.ts';

export type ReviewRouteName = keyof typeof reviewRoutes;
export type ReviewHandlerMap = Pick<Handlers, ReviewRouteName>;

export interface ReviewHandlers {
  handlers: ReviewHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export function createReviewHandlers(): ReviewHandlers {
  return {
    handlers: {},
    async close() {},
  };
}
