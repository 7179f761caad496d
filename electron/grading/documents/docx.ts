/**
 * DOCX → text. Order matters: the zip directory is checked for bombs before a byte is
 * inflated; hidden runs are cut out of the XML before mammoth sees it (so hidden text can
 * never reach `text`); mammoth then reads a stored, already-bounded copy of the archive.
 *
 * mammoth's `extractRawText` covers paragraphs, tables and text boxes but not footnotes or
 * endnotes, which are added from their XML parts. Comments, headers and footers are left out:
 * they are not the body of the work.
 *
 * Runs in the extraction worker (pure JS, so a pathological document can be terminated).
 */
import mammoth from 'mammoth';
import { AppError } from '../../../shared/errors.ts';
import { imageFormat } from './detect.ts';
import { notesText, parseStyles, scanHiddenRuns, NO_STYLES } from './docx-xml.ts';
import { documentErrors } from './messages.ts';
import { normalizeText } from './text.ts';
import { MIN_TEXT_LAYER_CHARS, type ExtractLimits } from './types.ts';
import { checkArchive, listZipEntries, storeZip, unzipEntries } from './zip.ts';

export interface DocxExtraction {
  text: string;
  hiddenText: string[];
  /** Pictures of a document that has (almost) no text, e.g. photos of handwriting pasted into Word; still encoded. */
  pictures: Uint8Array[];
}

const MAIN = 'word/document.xml';
const NOTE_PARTS = [
  { part: 'word/footnotes.xml', note: 'footnote', heading: 'Footnotes' },
  { part: 'word/endnotes.xml', note: 'endnote', heading: 'Endnotes' },
] as const;

/** Parts mammoth's raw-text path never reads: left out of the copy it gets. */
const skippedForText = (name: string): boolean => name.startsWith('word/media/') || name.startsWith('word/embeddings/');

function decodeXml(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/** Our rewritten parts are UTF-8 whatever the original was; the declaration must say so. */
function encodeXml(xml: string): Uint8Array {
  return new TextEncoder().encode(xml.replace(/^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2'));
}

const visibleChars = (text: string): number => text.replace(/\s+/g, '').length;

export async function extractDocx(file: string, bytes: Uint8Array, limits: ExtractLimits): Promise<DocxExtraction> {
  let entries;
  try {
    entries = listZipEntries(bytes);
  } catch (error) {
    throw documentErrors.unreadable(file, 'a Word document', `its zip structure is damaged: ${error instanceof Error ? error.message : String(error)}`);
  }
  checkArchive(file, entries, limits.maxDocxUncompressedBytes, limits.maxCompressionRatio);
  if (!entries.some((entry) => entry.name === MAIN)) throw documentErrors.unreadable(file, 'a Word document', 'the main document part is missing');

  let files: Record<string, Uint8Array>;
  try {
    files = unzipEntries(bytes);
  } catch (error) {
    throw documentErrors.unreadable(file, 'a Word document', error instanceof Error ? error.message : String(error));
  }

  const stylesXml = files['word/styles.xml'];
  const styles = stylesXml ? parseStyles(decodeXml(stylesXml)) : NO_STYLES;
  const hiddenText: string[] = [];
  const cleanedParts = new Map<string, string>();
  for (const part of [MAIN, ...NOTE_PARTS.map((n) => n.part)]) {
    const raw = files[part];
    if (!raw) continue;
    const xml = decodeXml(raw);
    const scan = scanHiddenRuns(xml, styles);
    hiddenText.push(...scan.hidden);
    cleanedParts.set(part, scan.cleaned);
    if (scan.cleaned !== xml) files[part] = encodeXml(scan.cleaned);
  }

  const forMammoth: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(files)) if (!skippedForText(name)) forMammoth[name] = data;
  let body: string;
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(storeZip(forMammoth)) });
    body = normalizeText(result.value);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw documentErrors.unreadable(file, 'a Word document', error instanceof Error ? error.message : String(error));
  }

  const sections = [body];
  for (const { part, note, heading } of NOTE_PARTS) {
    const xml = cleanedParts.get(part);
    if (!xml) continue;
    const notes = notesText(xml, note).map((text, i) => `[${i + 1}] ${normalizeText(text)}`);
    if (notes.length > 0) sections.push(`${heading}:\n${notes.join('\n')}`);
  }
  const text = sections.filter((s) => s.length > 0).join('\n\n');

  const pictures: Uint8Array[] = [];
  if (visibleChars(text) < MIN_TEXT_LAYER_CHARS) {
    const media = Object.keys(files)
      .filter((name) => name.startsWith('word/media/'))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const name of media) {
      const data = files[name];
      if (data && imageFormat(data) && imageFormat(data) !== 'heic' && pictures.length < limits.maxPages) pictures.push(data);
    }
  }
  return { text, hiddenText, pictures };
}
