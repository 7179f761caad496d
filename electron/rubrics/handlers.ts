/**
 * IPC handlers for the rubric library: saved rubrics, imported and edited.
 */
import { AppError, type Result } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { RubricSummary, rubricsRoutes } from '../../shared/ipc/rubrics.ts';
import type { WritableDB } from '../store/index.ts';
import { importRubricText, validateRubric } from './import.ts';
import { findRubric, listLibrary, removeFromLibrary, saveToLibrary } from './library.ts';

export type RubricRouteName = keyof typeof rubricsRoutes;
export type RubricHandlerMap = Pick<Handlers, RubricRouteName>;

export interface RubricHandlers {
  handlers: RubricHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface RubricDeps {
  db: WritableDB;
  /** Milliseconds since the epoch; tests fix it. */
  now?: () => number;
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new AppError(result.error.code, result.error.message);
  return result.data;
}

const notFound = (): AppError =>
  new AppError('RUBRIC_NOT_FOUND', 'This rubric is no longer saved. Choose another one, or import it again.');

export function createRubricHandlers({ db, now = Date.now }: RubricDeps): RubricHandlers {
  const summaryOf = (id: string): RubricSummary => {
    const found = findRubric(db, id);
    if (!found) throw notFound();
    return found.summary;
  };
  return {
    handlers: {
      listRubrics: () => listLibrary(db, LIMITS.listItems),
      getRubric: ({ id }) => {
        const found = findRubric(db, id);
        if (!found) throw notFound();
        return found;
      },
      saveRubric: ({ rubric, replaces }) => {
        const valid = unwrap(validateRubric(rubric));
        return summaryOf(saveToLibrary(db, valid, replaces, now()));
      },
      deleteRubric: ({ id }) => {
        if (!removeFromLibrary(db, id, now()) && !findRubric(db, id)) throw notFound();
        return { id };
      },
      importRubric: ({ fileName, text }) => unwrap(importRubricText(fileName, text)),
    },
    async close() {},
  };
}
