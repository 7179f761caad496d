/**
 * DOCX → text. Order matters: the zip directory is checked for bombs before a byte is
 * inflated; hidden runs are cut out of the XML before mammoth sees it (so hidden text can
 * never reach `text`); mammoth then reads a stored, already-bounded copy of the archive.
 *
 * mammoth's `extractRawText` covers paragraphs, tables and text boxes but not footnotes,
 * endnotes, headers, footers or comments, which are read from their XML parts and appended in
 * labelled sections after the body (see README.md for the format). The body stays first and
 * unchanged: a grader reads the work, then what surrounds it (a name in the header, a reviewer's
 * comment). Hidden runs in every part go to `hiddenText` by the same rules as the body.
 *
 * Runs in the extraction worker (pure JS, so a pathological document can be terminated).
 */
import mammoth from 'mammoth';
import { AppError } from '../../../shared/errors.ts';
import { imageFormat } from './detect.ts';
import { parseStyles, scanHiddenRuns, NO_STYLES, type Styles } from './docx-hidden.ts';
import { blockParagraphs, commentAuthor, notesText, parseRelationships, resolvePartName, sectionReferences } from './docx-parts.ts';
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
const MAIN_RELS = 'word/_rels/document.xml.rels';
const RELATIONSHIP_TYPE = /\/(header|footer|comments)$/;
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

/** The zip's parts, inflated only after the directory passed the bomb checks. */
function openArchive(file: string, bytes: Uint8Array, limits: ExtractLimits): Record<string, Uint8Array> {
  let entries;
  try {
    entries = listZipEntries(bytes);
  } catch (error) {
    throw documentErrors.unreadable(file, 'a Word document', `its zip structure is damaged: ${error instanceof Error ? error.message : String(error)}`);
  }
  checkArchive(file, entries, limits.maxDocxUncompressedBytes, limits.maxCompressionRatio);
  if (!entries.some((entry) => entry.name === MAIN)) throw documentErrors.unreadable(file, 'a Word document', 'the main document part is missing');
  try {
    return unzipEntries(bytes);
  } catch (error) {
    throw documentErrors.unreadable(file, 'a Word document', error instanceof Error ? error.message : String(error));
  }
}

interface CleanPart {
  xml: string;
  hidden: string[];
  changed: boolean;
}

/** A part with its hidden runs cut out, or null when the archive does not have it. */
function cleanPart(files: Record<string, Uint8Array>, name: string, styles: Styles): CleanPart | null {
  const raw = files[name];
  if (!raw) return null;
  const xml = decodeXml(raw);
  const scan = scanHiddenRuns(xml, styles);
  return { xml: scan.cleaned, hidden: scan.hidden, changed: scan.cleaned !== xml };
}

interface ExtraParts {
  headers: string[];
  footers: string[];
  comments: string[];
}

/**
 * The header and footer parts the document's sections point to (in section order) and its
 * comments part. A header part nothing refers to is never shown by Word, so it is not read.
 */
function extraParts(files: Record<string, Uint8Array>, mainXml: string): ExtraParts {
  const parts: ExtraParts = { headers: [], footers: [], comments: [] };
  const relsXml = files[MAIN_RELS];
  if (!relsXml) return parts;
  const targets = new Map<string, { kind: string; name: string }>();
  for (const rel of parseRelationships(decodeXml(relsXml))) {
    const kind = RELATIONSHIP_TYPE.exec(rel.type)?.[1];
    if (kind && !rel.external) targets.set(rel.id, { kind, name: resolvePartName(rel.target) });
  }
  const add = (list: string[], name: string) => {
    if (!list.includes(name)) list.push(name);
  };
  for (const ref of sectionReferences(mainXml)) {
    const target = targets.get(ref.id);
    if (target?.kind === ref.kind) add(ref.kind === 'header' ? parts.headers : parts.footers, target.name);
  }
  for (const target of targets.values()) if (target.kind === 'comments') add(parts.comments, target.name);
  return parts;
}

/** Paragraphs of one header, footer or comment on one line: a grader sees one labelled entry each. */
const oneLine = (paragraphs: string[]): string => paragraphs.map((p) => normalizeText(p).replace(/\s*\n\s*/g, ' ')).join(' / ');

/**
 * `[Header] …` and `[Footer] …` lines. A header repeated by several sections (or stored in
 * several identical parts) is listed once, and so is its hidden text.
 */
function furnitureLines(files: Record<string, Uint8Array>, parts: ExtraParts, styles: Styles, hiddenText: string[]): string[] {
  const lines: string[] = [];
  const seenHidden = new Set<string>();
  const furniture = [
    ...parts.headers.map((name) => ({ name, block: 'hdr', label: 'Header' })),
    ...parts.footers.map((name) => ({ name, block: 'ftr', label: 'Footer' })),
  ];
  for (const { name, block, label } of furniture) {
    const part = cleanPart(files, name, styles);
    if (!part) continue;
    for (const hidden of part.hidden) {
      if (seenHidden.has(hidden)) continue;
      seenHidden.add(hidden);
      hiddenText.push(hidden);
    }
    for (const { paragraphs } of blockParagraphs(part.xml, block)) {
      const line = `[${label}] ${oneLine(paragraphs)}`;
      if (paragraphs.length > 0 && !lines.includes(line)) lines.push(line);
    }
  }
  return lines;
}

/** `[Comment by <author>] …` lines (`[Comment] …` when the author is not recorded), in the part's order. */
function commentLines(files: Record<string, Uint8Array>, parts: ExtraParts, styles: Styles, hiddenText: string[]): string[] {
  const lines: string[] = [];
  for (const name of parts.comments) {
    const part = cleanPart(files, name, styles);
    if (!part) continue;
    hiddenText.push(...part.hidden);
    for (const { attrs, paragraphs } of blockParagraphs(part.xml, 'comment')) {
      const author = commentAuthor(part.xml, attrs);
      if (paragraphs.length > 0) lines.push(`[${author ? `Comment by ${author}` : 'Comment'}] ${oneLine(paragraphs)}`);
    }
  }
  return lines;
}

/** The "Headers and footers:" and "Comments:" sections that follow the body and its notes. */
function extraSections(files: Record<string, Uint8Array>, parts: ExtraParts, styles: Styles, hiddenText: string[]): string[] {
  const sections: string[] = [];
  const furniture = furnitureLines(files, parts, styles, hiddenText);
  if (furniture.length > 0) sections.push(`Headers and footers:\n${furniture.join('\n')}`);
  const comments = commentLines(files, parts, styles, hiddenText);
  if (comments.length > 0) sections.push(`Comments:\n${comments.join('\n')}`);
  return sections;
}

async function mammothText(file: string, files: Record<string, Uint8Array>): Promise<string> {
  const forMammoth: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(files)) if (!skippedForText(name)) forMammoth[name] = data;
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(storeZip(forMammoth)) });
    return normalizeText(result.value);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw documentErrors.unreadable(file, 'a Word document', error instanceof Error ? error.message : String(error));
  }
}

/** The embedded pictures, in name order, when the body (not its header or comments) has almost no text. */
function picturesIfNoText(files: Record<string, Uint8Array>, bodyText: string, limits: ExtractLimits): Uint8Array[] {
  const pictures: Uint8Array[] = [];
  if (visibleChars(bodyText) >= MIN_TEXT_LAYER_CHARS) return pictures;
  const media = Object.keys(files)
    .filter((name) => name.startsWith('word/media/'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const name of media) {
    const data = files[name];
    const format = data ? imageFormat(data) : null;
    if (data && format && format !== 'heic' && pictures.length < limits.maxPages) pictures.push(data);
  }
  return pictures;
}

export async function extractDocx(file: string, bytes: Uint8Array, limits: ExtractLimits): Promise<DocxExtraction> {
  const files = openArchive(file, bytes, limits);
  const stylesXml = files['word/styles.xml'];
  const styles = stylesXml ? parseStyles(decodeXml(stylesXml)) : NO_STYLES;
  const hiddenText: string[] = [];
  const cleanedParts = new Map<string, string>();
  // Only these are rewritten for mammoth: it reads nothing else as text.
  for (const name of [MAIN, ...NOTE_PARTS.map((n) => n.part)]) {
    const part = cleanPart(files, name, styles);
    if (!part) continue;
    hiddenText.push(...part.hidden);
    cleanedParts.set(name, part.xml);
    if (part.changed) files[name] = encodeXml(part.xml);
  }

  const body = await mammothText(file, files);
  const sections = [body];
  for (const { part, note, heading } of NOTE_PARTS) {
    const xml = cleanedParts.get(part);
    if (!xml) continue;
    const notes = notesText(xml, note).map((text, i) => `[${i + 1}] ${normalizeText(text)}`);
    if (notes.length > 0) sections.push(`${heading}:\n${notes.join('\n')}`);
  }
  const bodyText = sections.filter((s) => s.length > 0).join('\n\n');
  sections.push(...extraSections(files, extraParts(files, cleanedParts.get(MAIN) ?? ''), styles, hiddenText));
  const text = sections.filter((s) => s.length > 0).join('\n\n');
  return { text, hiddenText, pictures: picturesIfNoText(files, bodyText, limits) };
}
