/**
 * The prompt-injection scan of a document, run where the document is read: in the extraction
 * worker for every file parsed there, so that a long scan (linear, but about half a second per
 * megabyte) neither freezes the window nor outlives the file's deadline.
 */
import { scanForInjection, type InjectionScan } from '../prompt/injection.ts';

/** A document's text as `extractDocument` hands it on: its non-blank pages, a blank line apart. */
export function joinPageText(pages: ReadonlyArray<{ text: string }>): string {
  return pages
    .map((page) => page.text)
    .filter((pageText) => pageText.trim().length > 0)
    .join('\n\n');
}

/** The scan of a document's visible and hidden text, exactly as grading would scan it. */
export function scanDocument(text: string, hiddenText: readonly string[]): InjectionScan {
  return scanForInjection({ text, hiddenText: hiddenText.join('\n') });
}

/**
 * The scan of what a worker extracted, or null when its text is over the limit: the calling
 * thread refuses such a document, and scanning it would only spend the file's time.
 */
export function scanExtraction(output: { pages: ReadonlyArray<{ text: string }>; hiddenText: readonly string[] }, maxTextChars: number): InjectionScan | null {
  const text = joinPageText(output.pages);
  return text.length > maxTextChars ? null : scanDocument(text, output.hiddenText);
}
