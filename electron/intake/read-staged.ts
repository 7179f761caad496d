/**
 * What reading a staged file tells the teacher, through the very pipeline a batch reads it with
 * (extractDocument: the worker, its limits, its injection scan), so the list cannot promise what
 * grading will not do. Only the facts are kept; the text and page images are read again when
 * the batch starts.
 */
import type { AppErrorData } from '../../shared/errors.ts';
import type { StagedItem } from '../../shared/ipc/intake.ts';
import { extractDocument } from '../grading/documents/index.ts';
import { kindFromName } from '../grading/documents/detect.ts';

export interface ReadOutcome {
  kind: StagedItem['kind'];
  pages: number | null;
  /** Stop grading: the file cannot be read as it is. */
  problems: AppErrorData[];
  /** Grading goes on, but the teacher should look (no text layer, possible prompt injection). */
  warnings: AppErrorData[];
}

function noTextLayer(file: string, kind: StagedItem['kind']): AppErrorData {
  const what = kind === 'docx' ? 'contains only pictures' : 'has pages without text (a scan or photos)';
  return {
    code: 'NO_TEXT_LAYER',
    message: `"${file}" ${what}. It will be read from its page images if the model can see images; a text-only model cannot grade it.`,
  };
}

/** Reads one staged file; never throws (a failure is a problem of the item). */
export async function readStaged(path: string, file: string, signal: AbortSignal): Promise<ReadOutcome> {
  const result = await extractDocument({ path }, { signal });
  if (!result.ok) {
    // A file that cannot be read still has the kind its name claims, for the list's icon.
    const message = result.error.message.split(path).join(file);
    return { kind: kindFromName(file) ?? 'unknown', pages: null, problems: [{ code: result.error.code, message }], warnings: [] };
  }
  const doc = result.data;
  const warnings: AppErrorData[] = [];
  if (doc.flags.includes('no_text_layer')) warnings.push(noTextLayer(file, doc.kind));
  if (doc.injection.suspicious) {
    const reasons = doc.injection.reasons.slice(0, 3).join('; ');
    warnings.push({ code: 'POSSIBLE_PROMPT_INJECTION', message: `"${file}" may contain instructions meant for the grading model (${reasons}). Open it and check before trusting its grade.` });
  }
  // Pages are a PDF's; a photo is one page; a Word or text file has none that can be counted.
  const pages = doc.kind === 'pdf' ? doc.pages.length : doc.kind === 'image' ? 1 : null;
  return { kind: doc.kind, pages, problems: [], warnings };
}
