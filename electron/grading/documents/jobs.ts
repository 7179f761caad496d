/**
 * What the extraction worker does with one job. Kept apart from the worker entry so it can be
 * called in-process too (tests of the parsers, and the fallback when a worker cannot start).
 */
import { isAppError } from '../../../shared/errors.ts';
import { extractDocx } from './docx.ts';
import { heicToJpeg } from './heic.ts';
import { scanExtraction } from './injection-scan.ts';
import { documentErrors } from './messages.ts';
import { extractPdf } from './pdf.ts';
import { WORKER_KIND_NAMES, type WorkerJob, type WorkerOutput } from './protocol.ts';
import { readPlainText } from './text.ts';
import type { AppErrorData } from '../../../shared/errors.ts';

const emptyOutput = (): WorkerOutput => ({ pages: [], images: [], rawImages: [], hiddenText: [], flags: [], imageBytesIn: 0, imageBytesOut: 0, injection: null });

/** Extracts the job's file and scans what it found, both within the job's deadline. */
export async function runJob(job: WorkerJob): Promise<WorkerOutput> {
  const output = await extractJob(job);
  output.injection = scanExtraction(output, job.limits.maxTextChars);
  return output;
}

async function extractJob(job: WorkerJob): Promise<WorkerOutput> {
  switch (job.kind) {
    case 'pdf': {
      const pdf = await extractPdf(job.file, job.bytes, job.limits);
      return { ...pdf, rawImages: [], injection: null };
    }
    case 'text': {
      const output = emptyOutput();
      output.pages.push({ index: 0, text: readPlainText(job.file, job.bytes) });
      return output;
    }
    case 'docx': {
      const docx = await extractDocx(job.file, job.bytes, job.limits);
      const output = emptyOutput();
      output.pages.push({ index: 0, text: docx.text });
      output.hiddenText = docx.hiddenText;
      if (docx.hiddenText.length > 0) output.flags.push('hidden_text');
      output.rawImages = docx.pictures;
      return output;
    }
    case 'heic': {
      const output = emptyOutput();
      output.pages.push({ index: 0, text: '' });
      output.rawImages.push(await heicToJpeg(job.file, job.bytes, job.limits.maxPixels));
      return output;
    }
  }
}

/** Any failure as a coded error naming the file; an unexpected exception is an unreadable file. */
export function toErrorData(job: Pick<WorkerJob, 'file' | 'kind'>, error: unknown): AppErrorData {
  if (isAppError(error)) return error.toData();
  const kind = WORKER_KIND_NAMES[job.kind];
  return documentErrors.unreadable(job.file, kind, error instanceof Error ? error.message : String(error)).toData();
}
