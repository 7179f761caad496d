/**
 * PDF → text per page, with pages that have no text layer (scans, photos exported as PDF)
 * rendered to JPEG for a vision model. Runs in the extraction worker: pdfjs parses damaged and
 * fuzzed files in pure JS and can loop for a long time, and only a worker can be stopped then.
 *
 * pdfjs' own "worker" is the in-thread fake one (we already are off the main thread). It never
 * evaluates code from the file (`isEvalSupported: false`), never installs fonts, never looks at
 * system fonts, and reads its CMaps, standard fonts and wasm decoders from the package folder.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import { AppError } from '../../../shared/errors.ts';
import { documentErrors } from './messages.ts';
import { normalizeText } from './text.ts';
import { MIN_TEXT_LAYER_CHARS, type ExtractLimits, type PageImage, type PartialExtraction } from './types.ts';

/** Never render a tiny page bigger than this many times its size in points (288 dpi). */
const MAX_RENDER_SCALE = 4;
const JPEG_QUALITY = 85;
/** A rendered page whose every pixel channel is at least this is blank paper. */
const BLANK_THRESHOLD = 245;

let workerReady: Promise<void> | null = null;

/** Installs pdfjs' worker code in this thread, so getDocument never spawns or fetches anything. */
function ensurePdfjsWorker(): Promise<void> {
  workerReady ??= (async () => {
    const handler = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = handler;
  })();
  return workerReady;
}

function resourceUrls(): { cMapUrl: string; standardFontDataUrl: string; wasmUrl: string; iccUrl: string } {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')).replace(/\\/g, '/');
  return { cMapUrl: `${root}/cmaps/`, standardFontDataUrl: `${root}/standard_fonts/`, wasmUrl: `${root}/wasm/`, iccUrl: `${root}/iccs/` };
}

const isTextItem = (item: TextItem | TextMarkedContent): item is TextItem => 'str' in item;

/**
 * Joins a page's text items: a line break where pdfjs saw one or where the baseline moves by
 * more than half the font height, a space where a gap is wider than a sliver of a character.
 */
export function joinTextItems(items: Array<TextItem | TextMarkedContent>): string {
  let out = '';
  let lastY: number | null = null;
  let lastEnd: number | null = null;
  for (const item of items) {
    if (!isTextItem(item)) continue;
    const transform = item.transform as number[];
    const x = transform[4] ?? 0;
    const y = transform[5] ?? 0;
    const size = item.height || Math.hypot(transform[2] ?? 0, transform[3] ?? 0) || 10;
    if (item.str.length > 0) {
      const atLineStart = out.length === 0 || out.endsWith('\n');
      if (lastY !== null && Math.abs(y - lastY) > size * 0.5 && !atLineStart) out += '\n';
      else if (lastEnd !== null && !atLineStart && x - lastEnd > size * 0.15 && !/\s$/.test(out) && !/^\s/.test(item.str)) out += ' ';
      out += item.str;
      lastY = y;
      lastEnd = x + item.width;
    }
    if (item.hasEOL && !out.endsWith('\n')) out += '\n';
  }
  return out;
}

interface FormAnnotation {
  subtype?: string;
  fieldType?: string;
  fieldValue?: unknown;
  alternativeText?: string;
  fieldName?: string;
}

/** Filled-in form fields are annotations, not page text: a completed worksheet needs them. */
async function formFieldText(page: PDFPageProxy): Promise<string> {
  const annotations = (await page.getAnnotations({ intent: 'display' })) as FormAnnotation[];
  const lines: string[] = [];
  for (const a of annotations) {
    if (a.subtype !== 'Widget' || (a.fieldType !== 'Tx' && a.fieldType !== 'Ch')) continue;
    const value = Array.isArray(a.fieldValue) ? a.fieldValue.join(', ') : typeof a.fieldValue === 'string' ? a.fieldValue : '';
    if (!value.trim()) continue;
    const label = (a.alternativeText || a.fieldName || '').trim();
    lines.push(label ? `${label}: ${value.trim()}` : value.trim());
  }
  return lines.join('\n');
}

interface NodeCanvas {
  width: number;
  height: number;
  toBuffer(mime: 'image/jpeg', quality?: number): Buffer;
}
interface CanvasAndContext {
  canvas: NodeCanvas;
  context: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}
interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(canvasAndContext: CanvasAndContext): void;
}

function isBlank(data: Uint8ClampedArray): boolean {
  for (let i = 0; i < data.length; i += 4) {
    if ((data[i] ?? 255) < BLANK_THRESHOLD || (data[i + 1] ?? 255) < BLANK_THRESHOLD || (data[i + 2] ?? 255) < BLANK_THRESHOLD) return false;
  }
  return true;
}

/** The page as a JPEG whose long edge is at most `maxEdge`, or null when it is blank paper. */
async function renderPage(doc: PDFDocumentProxy, page: PDFPageProxy, maxEdge: number): Promise<PageImage | null> {
  const base = page.getViewport({ scale: 1 });
  const longEdge = Math.max(base.width, base.height, 1);
  const viewport = page.getViewport({ scale: Math.min(MAX_RENDER_SCALE, maxEdge / longEdge) });
  const width = Math.max(1, Math.min(maxEdge, Math.floor(viewport.width)));
  const height = Math.max(1, Math.min(maxEdge, Math.floor(viewport.height)));
  const factory = doc.canvasFactory as CanvasFactory;
  const target = factory.create(width, height);
  try {
    await page.render({ canvas: target.canvas as unknown as HTMLCanvasElement, viewport, background: 'rgb(255,255,255)' }).promise;
    if (isBlank(target.context.getImageData(0, 0, width, height).data)) return null;
    return { mime: 'image/jpeg', data: target.canvas.toBuffer('image/jpeg', JPEG_QUALITY), width, height, page: page.pageNumber };
  } finally {
    factory.destroy(target);
  }
}

function pdfError(file: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'PasswordException') return documentErrors.encrypted(file);
  const message = error instanceof Error ? error.message : String(error);
  return documentErrors.unreadable(file, 'a PDF', message.length > 160 ? `${message.slice(0, 160)}…` : message);
}

function hasAscii(bytes: Uint8Array, needle: string, from = 0): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, from, 'latin1') >= 0;
}

/** No `%%EOF`/`startxref` near the end: cut off (an interrupted download) and rebuilt by pdfjs as best it could. */
function looksTruncated(bytes: Uint8Array): boolean {
  const tail = Math.max(0, bytes.length - 2048);
  return !hasAscii(bytes, '%%EOF', tail) && !hasAscii(bytes, 'startxref', tail);
}

/** What pdfjs says when it had to rebuild a broken cross-reference table. */
const DAMAGE_WARNING = /Indexing all PDF objects|XRef|startxref/i;

/**
 * pdfjs reports recoverable damage only as `console.warn("Warning: …")`. We are alone in this
 * worker thread and run one job at a time, so for the duration of a job its console output is
 * kept (the warnings tell a damaged file from a blank one) instead of printed.
 */
function captureWarnings(): { warnings: string[]; restore: () => void } {
  const { log, warn } = console;
  const warnings: string[] = [];
  const keep = (...args: unknown[]) => {
    if (warnings.length < 100) warnings.push(args.map(String).join(' '));
  };
  console.log = keep;
  console.warn = keep;
  return {
    warnings,
    restore: () => {
      console.log = log;
      console.warn = warn;
    },
  };
}

/**
 * Text of every page, and JPEGs of the pages without a text layer. Throws ENCRYPTED_DOCUMENT,
 * TOO_MANY_PAGES, FILE_TOO_LARGE (text over `maxTextChars`) or UNREADABLE_DOCUMENT.
 */
export async function extractPdf(file: string, bytes: Uint8Array, limits: ExtractLimits): Promise<PartialExtraction> {
  await ensurePdfjsWorker();
  const capture = captureWarnings();
  try {
    return await readPdf(file, bytes, limits, capture.warnings);
  } finally {
    capture.restore();
  }
}

async function readPdf(file: string, bytes: Uint8Array, limits: ExtractLimits, warnings: string[]): Promise<PartialExtraction> {
  // Read these before pdfjs takes (and detaches) the buffer.
  const encrypted = hasAscii(bytes, '/Encrypt');
  const truncated = looksTruncated(bytes);
  const task = pdfjs.getDocument({
    data: bytes,
    ...resourceUrls(),
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    maxImageSize: Math.floor(limits.maxPixels),
    verbosity: pdfjs.VerbosityLevel.WARNINGS,
  });
  try {
    let doc: PDFDocumentProxy;
    try {
      doc = await task.promise;
    } catch (error) {
      throw pdfError(file, error);
    }
    if (doc.numPages > limits.maxPages) throw documentErrors.tooManyPages(file, doc.numPages, limits.maxPages);
    const result: PartialExtraction = { pages: [], images: [], hiddenText: [], flags: [], imageBytesIn: 0, imageBytesOut: 0 };
    let chars = 0;
    // A damaged page loses its text or its picture, not the document; the document fails only
    // when nothing at all is left, with the first failure as the reason.
    let pageFailure: unknown = null;
    const failed = (error: unknown): null => {
      pageFailure ??= error;
      return null;
    };
    for (let number = 1; number <= doc.numPages; number += 1) {
      const page = await doc.getPage(number).catch(failed);
      if (!page) {
        result.pages.push({ index: number - 1, text: '' });
        continue;
      }
      try {
        const content = await page.getTextContent().catch(failed);
        const fields = await formFieldText(page).catch(() => '');
        const text = normalizeText([content ? joinTextItems(content.items) : '', fields].filter(Boolean).join('\n'));
        chars += text.length;
        if (chars > limits.maxTextChars) throw documentErrors.tooMuchText(file, limits.maxTextChars);
        result.pages.push({ index: number - 1, text });
        if (text.replace(/\s+/g, '').length < MIN_TEXT_LAYER_CHARS) {
          const image = await renderPage(doc, page, limits.imageMaxEdge).catch(failed);
          if (image) {
            result.images.push(image);
            result.imageBytesOut += image.data.length;
          }
        }
      } finally {
        page.cleanup();
      }
    }
    if (result.images.length > 0) result.flags.push('no_text_layer');
    if (result.images.length === 0 && result.pages.every((p) => p.text.length === 0)) {
      // Nothing at all came out. Say why when we can: a protected file that opened without its
      // password still hides its content from us, and a damaged one is not "blank".
      if (pageFailure !== null) throw pdfError(file, pageFailure);
      if (encrypted) throw documentErrors.encrypted(file);
      if (truncated || warnings.some((w) => DAMAGE_WARNING.test(w))) {
        throw documentErrors.unreadable(file, 'a PDF', 'its structure is broken and nothing readable could be recovered');
      }
    }
    return result;
  } finally {
    await task.destroy().catch(() => undefined);
  }
}
