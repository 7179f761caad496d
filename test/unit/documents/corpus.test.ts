import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { closeExtractionWorkers, extractDocument, type ExtractedDocument } from '../../../electron/grading/documents/index.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus/', import.meta.url));

afterAll(() => closeExtractionWorkers());

type Expectation =
  | { text: Array<string | RegExp>; pages?: number; images?: number; flags?: ExtractedDocument['flags']; hidden?: string[] }
  | { error: ErrorCode };

/** What every corpus file must become: text with known words in it, or one coded error. */
const EXPECTED: Record<string, Expectation> = {
  'pdf/tracemonkey.pdf': { text: ['Trace-based Just-in-Time Type Specialization', 'TraceMonkey'], pages: 14, images: 0, flags: [] },
  'pdf/160F-2019.pdf': { text: ["n° d'identification national", 'salarié'], pages: 1, images: 0, flags: [] },
  'pdf/ArabicCIDTrueType.pdf': { text: [/[\u0600-\u06ff\ufe70-\ufeff]{3}/], pages: 1 },
  'pdf/XiaoBiaoSong.pdf': { text: ['关于红军作战的原则'], pages: 1, images: 0 },
  // TCPDF signs its files with a 1 pt line in render mode 3 (invisible): hidden text, not page text.
  'pdf/alphatrans.pdf': { text: ['Red: stroke=1, fill=1.', 'Gradient: .5'], pages: 1, flags: ['hidden_text'], hidden: ['Powered by TCPDF (www.tcpdf.org)'] },
  'pdf/bad-PageLabels.pdf': { text: ['PDF document with bad Page Labels.'], pages: 1 },
  'pdf/helloworld-bad.pdf': { text: ['Hello, world!'], pages: 1 },
  'pdf/hello_world_rotated.pdf': { text: ['Hello world'], pages: 5 },
  'pdf/bitmap-p32-eof.pdf': { text: [], pages: 1, images: 1, flags: ['no_text_layer'] },
  'pdf/issue11124.pdf': { text: [], pages: 1, images: 1, flags: ['no_text_layer'] },
  'pdf/empty.pdf': { error: 'EMPTY_DOCUMENT' },
  'pdf/empty_protected.pdf': { error: 'ENCRYPTED_DOCUMENT' },
  'pdf/GHOSTSCRIPT-698804-1-fuzzed.pdf': { error: 'UNREADABLE_DOCUMENT' },
  'docx/tables.docx': { text: ['Above', 'Top left', 'Bottom right', 'Below'], pages: 1 },
  'docx/footnotes.docx': { text: ['Ouch.', 'A tachyon walks into a bar.', 'Fin.'], pages: 1 },
  'docx/text-box.docx': { text: ['Datum plane'], pages: 1 },
  'docx/comments.docx': { text: ['Ouch.', 'Comments:\n[Comment by Michael Williamson] A tachyon walks into a bar.\n[Comment by Michael Williamson] Fin.'], pages: 1 },
  'docx/single-paragraph.docx': { text: ['Walking on imported air'], pages: 1 },
  'docx/strict-format.docx': { text: ['Test'], pages: 1 },
  'docx/utf8-bom.docx': { text: ['This XML has a byte order mark.'], pages: 1 },
  'docx/tiny-picture.docx': { text: [], pages: 1, images: 1, flags: ['no_text_layer'] },
  'docx/empty.docx': { error: 'EMPTY_DOCUMENT' },
};

describe('the real-world corpus', () => {
  const files = ['pdf', 'docx'].flatMap((dir) => readdirSync(`${CORPUS}${dir}`).map((name) => `${dir}/${name}`));

  it('has an expectation for every file, and a file for every expectation', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s ends as text or as the right coded error', async (name) => {
    const expected = EXPECTED[name];
    if (!expected) throw new Error(`no expectation for ${name}`);
    const path = `${CORPUS}${name}`;
    const result = await extractDocument({ path });
    if ('error' in expected) {
      expect(result.ok ? `ok: ${result.data.text.slice(0, 80)}` : result.error.code).toBe(expected.error);
      if (!result.ok) expect(result.error.message).toContain(path);
      return;
    }
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    const doc = result.data;
    expect(doc.kind).toBe(name.startsWith('pdf/') ? 'pdf' : 'docx');
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const needle of expected.text) {
      if (typeof needle === 'string') expect(doc.text).toContain(needle);
      else expect(doc.text).toMatch(needle);
    }
    if (expected.pages !== undefined) expect(doc.pages).toHaveLength(expected.pages);
    if (expected.images !== undefined) expect(doc.images).toHaveLength(expected.images);
    if (expected.flags !== undefined) expect(doc.flags).toEqual(expected.flags);
    expect(doc.text.length > 0 || doc.images.length > 0).toBe(true);
    expect(doc.hiddenText).toEqual(expected.hidden ?? []);
    if (expected.hidden) for (const hidden of expected.hidden) expect(doc.text).not.toContain(hidden);
    for (const image of doc.images) {
      expect(image.mime).toBe('image/jpeg');
      expect([...image.data.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(2048);
    }
  });

  it('joins PDF pages with a blank line and keeps one entry per page', async () => {
    const result = await extractDocument({ path: `${CORPUS}pdf/tracemonkey.pdf` });
    if (!result.ok) throw new Error(result.error.message);
    const { pages, text } = result.data;
    expect(pages.map((p) => p.index)).toEqual([...pages.keys()]);
    expect(text).toBe(pages.map((p) => p.text).filter((t) => t.length > 0).join('\n\n'));
    // Words are separated and lines broken where the baseline moves.
    expect(pages[0]?.text.split('\n').length).toBeGreaterThan(40);
    expect(pages[0]?.text).not.toMatch(/TraceMonkey[A-Za-z]{6,}/);
  });

  it('renders a page without a text layer to fit the configured edge', async () => {
    const result = await extractDocument({ path: `${CORPUS}pdf/bitmap-p32-eof.pdf` }, { limits: { imageMaxEdge: 512 } });
    if (!result.ok) throw new Error(result.error.message);
    const [image] = result.data.images;
    expect(image?.page).toBe(1);
    expect(Math.max(image?.width ?? 0, image?.height ?? 0)).toBeLessThanOrEqual(512);
    expect(result.data.imageBytesOut).toBe(image?.data.length);
  });
});
