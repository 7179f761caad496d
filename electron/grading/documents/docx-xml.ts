/**
 * Just enough WordprocessingML reading for what mammoth does not give us: runs a reader cannot
 * see (white, smaller than 4 pt, or `w:vanish`), which students use to slip instructions to a
 * grading model (docx-hidden.ts); the text of footnotes, endnotes, headers, footers and
 * comments; and the relationships that say which header and footer parts the document really
 * uses (docx-parts.ts). This module is the reading they share.
 *
 * A streaming tag scanner, not a DOM: document.xml can be megabytes, and we only follow run
 * properties. Runs nest (a text box is drawn inside a run), so state is kept on stacks.
 */

export interface XmlTag {
  kind: 'open' | 'close' | 'empty';
  name: string;
  attrs: string;
  start: number;
  end: number;
}

export type XmlToken = { type: 'tag'; tag: XmlTag } | { type: 'text'; text: string };

const TAG = /<(?:!--[\s\S]*?-->|!\[CDATA\[([\s\S]*?)\]\]>|\?[\s\S]*?\?>|![^>]*>|(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>)/g;

/** Tags and character data in document order; comments, PIs and doctypes are skipped, CDATA is text. */
export function* scanXml(xml: string): Generator<XmlToken> {
  TAG.lastIndex = 0;
  let last = 0;
  for (let match = TAG.exec(xml); match; match = TAG.exec(xml)) {
    if (match.index > last) yield { type: 'text', text: decodeEntities(xml.slice(last, match.index)) };
    last = TAG.lastIndex;
    if (match[1] !== undefined) {
      yield { type: 'text', text: match[1] };
      continue;
    }
    const name = match[3];
    if (!name) continue;
    const kind = match[2] ? 'close' : match[5] ? 'empty' : 'open';
    yield { type: 'tag', tag: { kind, name, attrs: match[4] ?? '', start: match.index, end: TAG.lastIndex } };
  }
  if (last < xml.length) yield { type: 'text', text: decodeEntities(xml.slice(last)) };
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body] ?? whole;
  });
}

/** The value of attribute `name` (with its prefix, e.g. `w:val`), entity-decoded, or undefined. */
export function attr(attrs: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
  const match = re.exec(attrs);
  if (!match) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? '');
}

const WORDML_NAMESPACES = ['http://schemas.openxmlformats.org/wordprocessingml/2006/main', 'http://purl.oclc.org/ooxml/wordprocessingml/main'];

/** The prefix the part binds to the WordprocessingML namespace (transitional or strict); `w` when undeclared. */
export function wordPrefix(xml: string): string {
  const head = xml.slice(0, 8192);
  for (const ns of WORDML_NAMESPACES) {
    const match = new RegExp(`xmlns:([A-Za-z_][\\w.-]*)\\s*=\\s*["']${ns.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["']`).exec(head);
    if (match?.[1]) return match[1];
  }
  return 'w';
}

/** A tag's name without its namespace prefix (`w:tab` → `tab`). */
export const localName = (name: string): string => name.slice(name.indexOf(':') + 1);
