/**
 * The text mammoth does not give us: footnotes, endnotes, headers, footers and comments, and the
 * relationships that say which header and footer parts the document really uses.
 */
import { attr, localName, scanXml, wordPrefix } from './docx-xml.ts';

// ---------------------------------------------------------------------------------------------
// Footnotes and endnotes

const NOTE_SEPARATORS = new Set(['separator', 'continuationSeparator', 'continuationNotice']);

/** The text of each real note in footnotes.xml or endnotes.xml (`note` is `footnote` or `endnote`). */
export function notesText(xml: string, note: 'footnote' | 'endnote'): string[] {
  const p = wordPrefix(xml);
  const notes: string[] = [];
  const stack: string[] = [];
  let current: string[] | null = null;
  let paragraph = '';
  for (const token of scanXml(xml)) {
    const top = stack[stack.length - 1];
    if (token.type === 'text') {
      if (current && top === `${p}:t`) paragraph += token.text;
      continue;
    }
    const { tag } = token;
    if (tag.kind !== 'close') {
      if (tag.name === `${p}:${note}` && tag.kind === 'open') {
        current = NOTE_SEPARATORS.has(attr(tag.attrs, `${p}:type`) ?? '') ? null : [];
      } else if (current && top === `${p}:r` && localName(tag.name) === 'tab') {
        paragraph += '\t';
      } else if (current && top === `${p}:r` && localName(tag.name) === 'br') {
        paragraph += '\n';
      }
      if (tag.kind === 'open') stack.push(tag.name);
      continue;
    }
    stack.pop();
    if (tag.name === `${p}:p` && current) {
      if (paragraph.trim()) current.push(paragraph.trim());
      paragraph = '';
    } else if (tag.name === `${p}:${note}`) {
      if (current && current.length > 0) notes.push(current.join('\n'));
      current = null;
    }
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------
// Headers, footers and comments

export interface TextBlock {
  /** The raw attributes of the block element (a comment's author is there). */
  attrs: string;
  paragraphs: string[];
}

/**
 * The paragraphs of every `block` element (local name, e.g. `hdr`, `ftr`, `comment`) of a part
 * whose hidden runs were already cut. A text box is stored twice (DrawingML and a VML fallback):
 * the fallback copy is skipped so its text appears once; its paragraphs come before the
 * paragraph that anchors it.
 */
export function blockParagraphs(xml: string, block: string): TextBlock[] {
  const p = wordPrefix(xml);
  const blocks: TextBlock[] = [];
  const stack: string[] = [];
  const paragraphs: string[] = [];
  let current: TextBlock | null = null;
  let fallbackDepth = 0;
  for (const token of scanXml(xml)) {
    const top = stack[stack.length - 1];
    if (token.type === 'text') {
      if (current && fallbackDepth === 0 && top === `${p}:t` && paragraphs.length > 0) paragraphs[paragraphs.length - 1] += token.text;
      continue;
    }
    const { tag } = token;
    const local = localName(tag.name);
    if (tag.kind !== 'close') {
      if (tag.name === `${p}:${block}` && tag.kind === 'open') current = { attrs: tag.attrs, paragraphs: [] };
      else if (local === 'Fallback' && tag.kind === 'open') fallbackDepth += 1;
      else if (tag.name === `${p}:p` && tag.kind === 'open') paragraphs.push('');
      else if (paragraphs.length > 0 && top === `${p}:r` && (local === 'tab' || local === 'ptab')) paragraphs[paragraphs.length - 1] += '\t';
      else if (paragraphs.length > 0 && top === `${p}:r` && (local === 'br' || local === 'cr')) paragraphs[paragraphs.length - 1] += '\n';
      if (tag.kind === 'open') stack.push(tag.name);
      continue;
    }
    stack.pop();
    if (tag.name === `${p}:p`) {
      const text = (paragraphs.pop() ?? '').trim();
      if (current && fallbackDepth === 0 && text) current.paragraphs.push(text);
    } else if (local === 'Fallback') {
      fallbackDepth = Math.max(0, fallbackDepth - 1);
    } else if (tag.name === `${p}:${block}` && current) {
      blocks.push(current);
      current = null;
    }
  }
  return blocks;
}

/** The author of a `w:comment` from its attributes, whitespace collapsed; '' when unnamed. */
export function commentAuthor(xml: string, attrs: string): string {
  return (attr(attrs, `${wordPrefix(xml)}:author`) ?? '').replace(/\s+/g, ' ').trim();
}

export interface Relationship {
  id: string;
  type: string;
  target: string;
  external: boolean;
}

/** The relationships of a `.rels` part (the namespace is the package one; any prefix is accepted). */
export function parseRelationships(xml: string): Relationship[] {
  const rels: Relationship[] = [];
  for (const token of scanXml(xml)) {
    if (token.type !== 'tag' || token.tag.kind === 'close' || localName(token.tag.name) !== 'Relationship') continue;
    const { attrs } = token.tag;
    const id = attr(attrs, 'Id');
    const target = attr(attrs, 'Target');
    if (id === undefined || target === undefined) continue;
    rels.push({ id, type: attr(attrs, 'Type') ?? '', target, external: attr(attrs, 'TargetMode') === 'External' });
  }
  return rels;
}

const RELATIONSHIP_NAMESPACES = ['http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'http://purl.oclc.org/ooxml/officeDocument/relationships'];

function relationshipPrefix(xml: string): string {
  const head = xml.slice(0, 8192);
  for (const ns of RELATIONSHIP_NAMESPACES) {
    const match = new RegExp(`xmlns:([A-Za-z_][\\w.-]*)\\s*=\\s*["']${ns.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["']`).exec(head);
    if (match?.[1]) return match[1];
  }
  return 'r';
}

export interface SectionReference {
  kind: 'header' | 'footer';
  id: string;
}

/** The header and footer relationship ids the document's sections point to, in document order. */
export function sectionReferences(xml: string): SectionReference[] {
  const p = wordPrefix(xml);
  const r = relationshipPrefix(xml);
  const refs: SectionReference[] = [];
  for (const token of scanXml(xml)) {
    if (token.type !== 'tag' || token.tag.kind === 'close') continue;
    const kind = token.tag.name === `${p}:headerReference` ? 'header' : token.tag.name === `${p}:footerReference` ? 'footer' : null;
    const id = kind ? attr(token.tag.attrs, `${r}:id`) : undefined;
    if (kind && id !== undefined) refs.push({ kind, id });
  }
  return refs;
}

/** A relationship target of a part in `word/` as a zip entry name (`header1.xml`, `/word/header1.xml`, `../word/x.xml`). */
export function resolvePartName(target: string, baseFolder = 'word'): string {
  const segments = target.startsWith('/') ? [] : baseFolder.split('/').filter(Boolean);
  for (const segment of target.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment && segment !== '.') segments.push(segment);
  }
  return segments.join('/');
}
