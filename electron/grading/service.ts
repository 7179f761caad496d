/**
 * Grading as its clients see it (the app's grading routes, the `gradedesk` command): grade files
 * as a new batch, resume a stored one, and read back what was recorded (a batch's report, the
 * history, a gradebook export, the costs). Clients hand it the core, or the store's file when
 * they only read, and never reach into the store or the grading modules themselves.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors.ts';
import { decideHeldImages } from './batch/held-images.ts';
import type { RunControl } from './batch/run-batch.ts';
import type { GradingCore } from './core.ts';
import { gradeFiles, runPlannedBatch, type BatchProgress, type GradeFilesOutcome, type GradeFilesRequest, type RunPlannedResult } from './grade-files.ts';
import { decodeRosterBytes, parseRoster, type RosterEntry } from './privacy/index.ts';
import { gradingRecords, type DecideHeldImages, type GradingRecords, type StoredBatch } from './records.ts';
import { loadRubricFile, type Rubric } from './rubric/index.ts';

export { closeExtractionWorkers } from './documents/index.ts';
export type { BatchReport } from './batch/report.ts';
export type { RunPlannedResult } from './grade-files.ts';
export { findBatchToResume, openGradingRecords } from './records.ts';

interface ResumeOptions {
  /** A cap for this batch from now on (`--budget`); undefined keeps the one it has. */
  budgetUsd?: number | undefined;
  /** Calls in flight across all models. */
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
  /** The app's pause, cancel and per-job progress. */
  control?: RunControl;
}

export interface GradingService extends GradingRecords {
  /** Grades files as a new batch: plan, estimate against the budget, run, report. */
  grade(request: GradeFilesRequest): Promise<GradeFilesOutcome>;
  /** Works a stored batch's queue again, with the plan stored with it: one batch, one system prompt. */
  resume(batch: StoredBatch, options: ResumeOptions): Promise<RunPlannedResult>;
  /**
   * The teacher's decision on a submission (its `file` as reported) whose images could not be
   * redacted (REDACTION_FAILED): send them as they are, or skip them. The next `resume` grades it.
   */
  decideHeldImages: DecideHeldImages;
}

export function createGradingService(core: GradingCore): GradingService {
  return {
    ...gradingRecords(core.db),
    grade: (request) => gradeFiles(core, request),
    async resume(batch, options) {
      if (options.budgetUsd !== undefined) core.monitor.budget.setBatchCap(batch.id, options.budgetUsd);
      return runPlannedBatch(core, batch.plan, batch.id, {
        concurrency: options.concurrency,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.control ? { control: options.control } : {}),
      });
    },
    decideHeldImages: (batchId, file, decision) => decideHeldImages(core.db, batchId, file, decision),
  };
}

/** A rubric file (JSON, Markdown or CSV, DESIGN §5); an AppError says what is wrong with it. */
export async function readRubricFile(path: string): Promise<Rubric> {
  const rubric = await loadRubricFile(path);
  if (!rubric.ok) throw new AppError(rubric.error.code, rubric.error.message);
  return rubric.data;
}

/** The teacher's downloaded gradebook (Canvas) or grading worksheet (Moodle), in any common encoding. */
export function readGradebookFile(path: string): string {
  try {
    return decodeRosterBytes(readFileSync(path));
  } catch {
    throw new AppError('FILE_NOT_FOUND', `No gradebook file at ${path}. Pass the file you downloaded from your course.`);
  }
}

/** A roster CSV in any common encoding; FILE_NOT_FOUND when it cannot be read. */
export function readRosterFile(path: string): RosterEntry[] {
  let text: string;
  try {
    text = decodeRosterBytes(readFileSync(path));
  } catch {
    throw new AppError('FILE_NOT_FOUND', `No roster file at ${path}.`);
  }
  const parsed = parseRoster(text);
  if (!parsed.ok) throw new AppError(parsed.error.code, parsed.error.message);
  return parsed.data;
}
