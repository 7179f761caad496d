/**
 * The teacher-facing side of every ingestion failure: one place for the wording, so each
 * message names the file, says what is wrong and what to do about it.
 */
import { AppError } from '../../../shared/errors.ts';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const SUPPORTED = 'a PDF, a Word document (.docx), a text file or a photo (JPEG, PNG, WebP, HEIC)';

export const documentErrors = {
  notFound: (file: string) => new AppError('FILE_NOT_FOUND', `"${file}" was not found. It may have been moved, renamed or deleted; add it again.`),
  notAFile: (file: string) => new AppError('UNSUPPORTED_FILE', `"${file}" is a folder or a device, not a file. Add the files inside it instead.`),
  fileTooLarge: (file: string, bytes: number, limit: number) =>
    new AppError(
      'FILE_TOO_LARGE',
      `"${file}" is ${formatBytes(bytes)}; the limit is ${formatBytes(limit)}. Ask the student for a smaller copy (for example a PDF export without embedded media).`,
    ),
  tooMuchText: (file: string, limit: number) =>
    new AppError(
      'FILE_TOO_LARGE',
      `"${file}" contains more than ${limit.toLocaleString('en-US')} characters of text, far more than a submission can be graded from. Check that it is the right file.`,
    ),
  emptyFile: (file: string) => new AppError('EMPTY_DOCUMENT', `"${file}" is empty (0 bytes). The upload or download probably failed; ask the student to hand it in again.`),
  emptyDocument: (file: string) =>
    new AppError('EMPTY_DOCUMENT', `"${file}" contains no text and no images to grade. Open it to check; the student may have handed in a blank or wrong file.`),
  unsupported: (file: string, what: string | null, advice: string | null) =>
    new AppError('UNSUPPORTED_FILE', `"${file}" ${what ?? 'is not a file type GradeDesk can read'}. ${advice ?? `Ask the student for ${SUPPORTED}.`}`),
  notWhatItsNameSays: (file: string, claimed: string) =>
    new AppError(
      'UNREADABLE_DOCUMENT',
      `"${file}" is named like ${claimed} but does not contain one; it is damaged or not the real file (an incomplete download, or a renamed file). Ask the student to upload it again.`,
    ),
  unreadable: (file: string, kind: string, reason?: string) =>
    new AppError(
      'UNREADABLE_DOCUMENT',
      `"${file}" looks like ${kind} but could not be read${reason ? ` (${reason})` : ''}; it is probably damaged or incomplete. Ask the student to export or upload it again.`,
    ),
  encrypted: (file: string) =>
    new AppError('ENCRYPTED_DOCUMENT', `"${file}" is password-protected. Ask the student for a copy without a password.`),
  tooManyPages: (file: string, pages: number, limit: number) =>
    new AppError('TOO_MANY_PAGES', `"${file}" has ${pages} pages; the limit is ${limit}. Check that it is the right file, or ask for just the part to grade.`),
  imageTooLarge: (file: string, width: number, height: number, limit: number) =>
    new AppError(
      'IMAGE_TOO_LARGE',
      `"${file}" contains an image of ${width} × ${height} pixels (${(width * height / 1e6).toFixed(0)} megapixels); the limit is ${(limit / 1e6).toFixed(0)} megapixels. Ask for a smaller photo or scan.`,
    ),
  archiveTooLarge: (file: string, reason: string) =>
    new AppError(
      'ARCHIVE_TOO_LARGE',
      `"${file}" would unpack to ${reason}, which is not what a Word document looks like (it may be a "zip bomb"). It was not opened; ask the student to save it again from Word.`,
    ),
  timeout: (file: string, ms: number) =>
    new AppError(
      'EXTRACTION_TIMEOUT',
      `Reading "${file}" took longer than ${Math.round(ms / 1000)} s and was stopped. The file may be damaged or unusually complex; ask the student to export it to PDF again.`,
    ),
  aborted: (file: string) => new AppError('ABORTED', `Reading "${file}" was cancelled.`),
};
