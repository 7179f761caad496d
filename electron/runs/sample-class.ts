/**
 * The sample class shipped with GradeDesk (demo/essays and demo/rubric.json), offered on the
 * new-batch screen so a teacher can try the whole flow before their own class: its essays as
 * staged items beside the teacher's own, its rubric saved in the library.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import type { StagedItem } from '../../shared/ipc/intake.ts';
import type { DemoClass } from '../grading/handlers.ts';
import { maxScore, rubricVersion } from '../grading/rubric/index.ts';
import { readRubricFile } from '../grading/service.ts';
import type { IntakeSession, StagedSelection } from '../intake/selection.ts';
import { upsertRubric, type WritableDB } from '../store/index.ts';

const PREFIX = 'sample-';

function essays(where: DemoClass): string[] {
  return readdirSync(where.essays)
    .filter((name) => name.endsWith('.txt'))
    .sort();
}

/** The student as the file name says (DESIGN §6: the name before the first ` - `). */
const studentOf = (name: string): string => name.replace(/\.[^.]+$/, '').split(' - ')[0]?.trim() ?? name;

/** The sample essays as staged items, ready to grade. */
export function sampleItems(where: DemoClass): StagedItem[] {
  return essays(where).map((name, n) => ({
    id: `${PREFIX}${n + 1}`,
    file: name,
    kind: 'text',
    pages: 1,
    sizeBytes: statSync(join(where.essays, name)).size,
    student: studentOf(name),
    detectedStudent: studentOf(name),
    studentSource: 'file_name',
    inRoster: false,
    status: 'ready',
    problems: [],
    warnings: [],
  }));
}

/** The sample rubric, saved in the library (once: the same content keeps its id). */
export async function saveSampleRubric(db: WritableDB, where: DemoClass): Promise<string> {
  const rubric = await readRubricFile(where.rubric);
  const version = rubricVersion(rubric);
  return upsertRubric(db, {
    id: `r_${version.slice(7, 23)}`,
    title: rubric.title,
    json: JSON.stringify(rubric),
    hash: version,
    maxPoints: maxScore(rubric),
    now: Date.now(),
  });
}

/**
 * The teacher's staged work with the sample essays beside it: ids of the sample select its
 * files (no roster, names from the file names); every other id is the intake session's.
 */
export function withSampleClass(staged: IntakeSession, where: DemoClass | null): IntakeSession {
  return {
    select(ids: readonly string[]): StagedSelection {
      const sample = ids.filter((id) => id.startsWith(PREFIX));
      if (sample.length === 0) return staged.select(ids);
      if (!where) throw new AppError('FILE_NOT_FOUND', 'The sample class is not part of this installation.');
      if (sample.length !== ids.length) throw new AppError('INVALID_INPUT', 'Grade the sample class on its own, not mixed with your students’ work.');
      const files = essays(where);
      const paths = sample.map((id) => {
        const file = files[Number(id.slice(PREFIX.length)) - 1];
        if (file === undefined) throw new AppError('FILE_NOT_FOUND', `The sample essay ${id} is not part of this installation.`);
        return join(where.essays, file);
      });
      return { paths, roster: null, students: {}, files: Object.fromEntries(paths.map((path) => [path, basename(path)])) };
    },
  };
}
