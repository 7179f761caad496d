/**
 * Pure helpers for showing a batch report (DESIGN §6, as `gradeDemoClass` answers it). Every
 * function takes the locale explicitly, like lib/format.ts, so a component re-renders when the
 * teacher switches language.
 */
import type { BatchReportView, SubmissionReportView } from '../../../shared/ipc/grading.ts';

/**
 * US dollars with as many decimals as a per-essay cost needs ("$0.000253"), at least two. A
 * null cost is unknown (a model without a price), and the caller must say so, never show $0.
 */
export function formatUsd(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 6,
  }).format(value);
}

/** The last segment of a path, whichever separator the main process's platform uses. */
export function fileNameOf(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** The student as the teacher knows them (the report restores names); the file name if none. */
export function studentOf(submission: SubmissionReportView): string {
  return submission.student && submission.student.trim() !== '' ? submission.student : fileNameOf(submission.file);
}

/** For a duplicate: whose submission it copies (by student), or that file's name. */
export function duplicateOfLabel(report: BatchReportView, submission: SubmissionReportView): string | null {
  if (submission.duplicate_of === undefined) return null;
  const original = report.submissions.find((s) => s.file === submission.duplicate_of);
  return original ? studentOf(original) : fileNameOf(submission.duplicate_of);
}
