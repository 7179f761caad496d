/**
 * IPC handlers for a batch's grades and feedback in the form the school needs (CSV for the LMS, a feedback document per student).
 */
import { zipSync } from 'fflate';
import { AppError } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { exportsRoutes, ExportedFile } from '../../shared/ipc/exports.ts';
import { exportBatch } from '../grading/export.ts';
import type { ReadableDB } from '../store/index.ts';
import { loadBatch, reportForGradebook, studentFeedback } from './batch-data.ts';
import { feedbackDocument } from './feedback-docx.ts';
import { exportedFileIn, exportsFolder, exportWriter, safeFileName, uniqueNames } from './folder.ts';
import { gradebookStaging } from './staging.ts';
import { documentWords } from './words.ts';

export type ExportsRouteName = keyof typeof exportsRoutes;
export type ExportsHandlerMap = Pick<Handlers, ExportsRouteName>;

export interface ExportsHandlers {
  handlers: ExportsHandlerMap;
  /** Called before the store closes. */
  close(): Promise<void>;
}

export interface ExportsDeps {
  db: ReadableDB;
  /** The database file: exports go to `exports/` beside it. */
  dbPath: string;
  /** Opens the system's file manager at a file (the desktop app's shell); none in browser mode. */
  reveal?: (file: string) => void;
}

const names = (list: readonly string[]): string[] => list.slice(0, LIMITS.listItems).map((n) => n.slice(0, LIMITS.name));

const FILE_OF = { csv: 'grades.csv', canvas: 'grades-canvas.csv', moodle: 'grades-moodle.csv' } as const;

/** A gradebook file that cannot be filled is the teacher's file to fix, not a refused request. */
function asGradebookError<T>(fill: () => T): T {
  try {
    return fill();
  } catch (error) {
    if (error instanceof AppError && error.code === 'INVALID_INPUT') throw new AppError('GRADEBOOK_INVALID', error.message);
    throw error;
  }
}

export function createExportsHandlers(deps: ExportsDeps): ExportsHandlers {
  const { db } = deps;
  const root = exportsFolder(deps.dbPath);
  const writer = exportWriter(root);
  const staging = gradebookStaging();
  return {
    handlers: {
      getExportSummary: ({ batchId }) => {
        const loaded = loadBatch(db, batchId);
        return {
          batchId,
          rubric: loaded.rubric.title.slice(0, LIMITS.name),
          graded: loaded.report.submissions.filter((s) => s.status === 'graded').length,
          unreviewed: { count: loaded.unreviewed.length, names: names(loaded.unreviewed) },
          feedbackLanguage: loaded.language ?? '',
          canReveal: deps.reveal !== undefined,
        };
      },
      stageGradebookPart: ({ uploadId, index, count, text }) => ({ received: staging.put(uploadId, index, count, text) }),
      exportGrades: ({ batchId, format, gradebook, assignment, includeAiFeedback }) => {
        const loaded = loadBatch(db, batchId);
        const file = gradebook === null ? undefined : { text: staging.take(gradebook.uploadId), ...(assignment ? { assignment } : {}) };
        if (format !== 'csv' && !file) throw new AppError('GRADEBOOK_REQUIRED', 'Choose the gradebook file you downloaded from your course first.');
        const result = asGradebookError(() => exportBatch(reportForGradebook(loaded.report, includeAiFeedback), loaded.rubric, format, loaded.roster, format === 'csv' ? undefined : file));
        return { file: writer.write(batchId, '', FILE_OF[format], result.text), unmatched: names(result.unmatched), unreviewed: names(result.unreviewed) };
      },
      exportFeedbackDocuments: async ({ batchId, appLanguage, includeAiFeedback, packaging }) => {
        const loaded = loadBatch(db, batchId);
        const { language, words } = documentWords(loaded.language, appLanguage);
        const students = studentFeedback(db, loaded, includeAiFeedback);
        const fileNames = uniqueNames(students.map((s) => safeFileName(s.student, 'student'))).map((n) => `${n}.docx`);
        const documents: Array<{ name: string; data: Uint8Array }> = [];
        for (const [i, student] of students.entries()) documents.push({ name: fileNames[i] as string, data: await feedbackDocument(loaded.rubric, student, words, language) });
        let files: ExportedFile[];
        if (packaging === 'zip') {
          const zip = zipSync(Object.fromEntries(documents.map((d) => [d.name, d.data])), { level: 6 });
          files = [writer.write(batchId, '', 'feedback-documents.zip', zip)];
        } else {
          writer.clear(batchId, 'feedback');
          files = documents.map((d) => writer.write(batchId, 'feedback', d.name, d.data));
        }
        return { files: files.slice(0, LIMITS.listItems), documents: documents.length, language, unreviewed: names(loaded.unreviewed) };
      },
      revealExport: ({ relativePath }) => {
        if (!deps.reveal) throw new AppError('SHOW_IN_FOLDER_UNAVAILABLE', 'Showing a file in its folder works in the GradeDesk desktop app only; download the file instead.');
        deps.reveal(exportedFileIn(root, relativePath));
        return {};
      },
    },
    async close() {
      staging.clear();
    },
  };
}
