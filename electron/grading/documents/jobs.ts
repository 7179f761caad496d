/**
 * What the extraction worker does with one job. Kept apart from the worker entry so it can be
 * called in-process too (tests of the parsers, and the fallback when a worker cannot start).
 */
import { isAppError } from '../../../shared/errors.ts';
import { extractDocx } from './docx.ts';
import { heicToJpeg } from './heic.ts';
import { documentErrors } from './messages.ts';
import { extractPdf } from './pdf.ts';
import type { WorkerJob, WorkerOutput } from './protocol.ts';
import type { AppErrorData } from '../../../shared/errors.ts';

const emptyOutput = (): WorkerOutput => ({ pages: [], images: [], rawImages: [], hiddenText: [], flags: [], imageBytesIn: 0, imageBytesOut: 0 });

export async function runJob(job: WorkerJob): Promise<WorkerOutput> {
  switch (job.kind) {
    case 'pdf': {
      const pdf = await extractPdf(job.file, job.bytes, job.limits);
      return { ...pdf, rawImages: [] };
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
  const kind = job.kind === 'pdf' ? 'a PDF' : job.kind === 'docx' ? 'a Word document' : 'a HEIC photo';
  return documentErrors.unreadable(job.file, kind, error instanceof Error ? error.message : String(error)).toData();
}
