/**
 * PDF → text per page, with pages that have no text layer (scans, photos exported as PDF)
 * rendered to JPEG for a vision model, and text a reader cannot see (white, invisible, smaller
 * than 1 pt, off the page) moved to `hiddenText` (`pdf-ink.ts`, `pdf-hidden.ts`). Runs in the
 * extraction worker: pdfjs parses damaged and fuzzed files in pure JS and can loop for a long
 * time, and only a worker can be stopped then.
 *
 * The file is opened twice. The copy that text, form fields and operator lists come from drops
 * every image unread (`maxImageSize: 0`): an operator list otherwise decodes each image on the
 * page, ~0.4 s for a 300 dpi scan, which would make hidden-text detection cost more than the
 * rest of the extraction. The second copy, with images, is opened only when a page must be
 * rendered.
 *
 * pdfjs' own "worker" is the in-thread fake one (we already are off the main thread). It never
 * evaluates code from the file (`isEvalSupported: false`), never installs fonts, never looks at
 * system fonts, and reads its CMaps, standard fonts and wasm decoders from the package folder.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentLoadingTask, PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import { AppError } from '../../../shared/errors.ts';
import { documentErrors } from './messages.ts';
import { separateHiddenText } from './pdf-hidden.ts';
import type { Box } from './pdf-ink-geometry.ts';
import { walkInk, type FontMetrics, type PageInk } from './pdf-ink.ts';
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

const DROPPED_IMAGE_WARNING = 'Image exceeded maximum allowed size';

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
    const message = args.map(String).join(' ');
    // One per image in the text copy, which drops them on purpose (see the top of this file).
    if (warnings.length < 100 && !message.includes(DROPPED_IMAGE_WARNING)) warnings.push(message);
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

/** pdfjs without eval, font faces or system fonts; `withImages: false` drops every image unread. */
function openPdf(data: Uint8Array, limits: ExtractLimits, withImages: boolean): PDFDocumentLoadingTask {
  return pdfjs.getDocument({
    data,
    ...resourceUrls(),
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    maxImageSize: withImages ? Math.floor(limits.maxPixels) : 0,
    verbosity: pdfjs.VerbosityLevel.WARNINGS,
  });
}

const numberArray = (value: unknown): number[] | undefined =>
  Array.isArray(value) && value.every((n) => typeof n === 'number' && Number.isFinite(n)) ? (value as number[]) : undefined;

/** What the walk needs of a loaded font; undefined when pdfjs has not handed it over. */
function readFontMetrics(page: PDFPageProxy, name: string): FontMetrics | undefined {
  try {
    if (!page.commonObjs.has(name)) return undefined;
    const font = page.commonObjs.get(name) as Record<string, unknown> | null;
    if (!font) return undefined;
    return { fontMatrix: numberArray(font.fontMatrix), bbox: numberArray(font.bbox), isType3Font: font.isType3Font === true, vertical: font.vertical === true };
  } catch {
    return undefined;
  }
}

/** How the page draws its text (colour, mode, size, position); annotations are not page text and are left out. */
async function readInk(page: PDFPageProxy): Promise<PageInk | null> {
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
  const view: Box = [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
  const list = await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE });
  const fonts = new Map<string, FontMetrics | undefined>();
  const lookup = (name: string): FontMetrics | undefined => {
    if (!fonts.has(name)) fonts.set(name, readFontMetrics(page, name));
    return fonts.get(name);
  };
  return walkInk(list, view, lookup);
}

interface PageText {
  text: string;
  hidden: string[];
}

/** The page's visible text (text layer without hidden glyphs, then form fields) and its hidden text. */
async function readPageText(page: PDFPageProxy, failed: (error: unknown) => null): Promise<PageText> {
  const content = await page.getTextContent().catch(failed);
  const ink = await readInk(page).catch(() => null);
  const items = content?.items ?? [];
  const separation = ink ? separateHiddenText(items, ink) : { items, hidden: [] };
  const fields = await formFieldText(page).catch(() => '');
  const text = normalizeText([content ? joinTextItems(separation.items) : '', fields].filter(Boolean).join('\n'));
  return { text, hidden: separation.hidden };
}

/** Adds a page's hidden text, keeping the total under the text limit: it is evidence, not content. */
function addHidden(result: PartialExtraction, hidden: string[], maxChars: number): void {
  if (hidden.length === 0) return;
  if (!result.flags.includes('hidden_text')) result.flags.push('hidden_text');
  let total = result.hiddenText.reduce((sum, h) => sum + h.length, 0);
  for (const h of hidden) {
    if (total + h.length > maxChars) return;
    result.hiddenText.push(h);
    total += h.length;
  }
}

async function readPdf(file: string, bytes: Uint8Array, limits: ExtractLimits, warnings: string[]): Promise<PartialExtraction> {
  // Read these before pdfjs takes (and detaches) the buffer; the copy is for the image-bearing document.
  const encrypted = hasAscii(bytes, '/Encrypt');
  const truncated = looksTruncated(bytes);
  const imageBytes = bytes.slice();
  const task = openPdf(bytes, limits, false);
  const withImages: { task: PDFDocumentLoadingTask | null } = { task: null };
  const imageDocument = (): Promise<PDFDocumentProxy> => (withImages.task ??= openPdf(imageBytes, limits, true)).promise;
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
        const { text, hidden } = await readPageText(page, failed);
        chars += text.length;
        if (chars > limits.maxTextChars) throw documentErrors.tooMuchText(file, limits.maxTextChars);
        result.pages.push({ index: number - 1, text });
        addHidden(result, hidden, limits.maxTextChars);
        if (text.replace(/\s+/g, '').length < MIN_TEXT_LAYER_CHARS) {
          const image = await renderPageNumber(imageDocument, number, limits.imageMaxEdge).catch(failed);
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
    await withImages.task?.destroy().catch(() => undefined);
  }
}

/** Page `number` of the document with images, rendered (null when blank). */
async function renderPageNumber(imageDocument: () => Promise<PDFDocumentProxy>, number: number, maxEdge: number): Promise<PageImage | null> {
  const doc = await imageDocument();
  const page = await doc.getPage(number);
  try {
    return await renderPage(doc, page, maxEdge);
  } finally {
    page.cleanup();
  }
}
