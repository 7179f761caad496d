/**
 * A problem of a staged item in the teacher's words, with what to do about it: this area's own
 * explanation where it has one, else the app-wide one of the code, else what the main process
 * said (which names the file and the limit, in English).
 */
import { explainErrorCode, tOptional } from '../../i18n/index.svelte.ts';

export function explainProblem(problem: { code: string; message: string }): string {
  return tOptional(`intake.problems.${problem.code}`) ?? explainErrorCode(problem.code) ?? problem.message;
}
