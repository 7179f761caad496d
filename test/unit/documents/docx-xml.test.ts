import { describe, expect, it } from 'vitest';
import { hiddenReason, parseStyles, scanHiddenRuns } from '../../../electron/grading/documents/docx-hidden.ts';
import { blockParagraphs, commentAuthor, notesText, parseRelationships, resolvePartName, sectionReferences } from '../../../electron/grading/documents/docx-parts.ts';
import { scanXml, wordPrefix } from '../../../electron/grading/documents/docx-xml.ts';

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const doc = (body: string, prefix = 'w') =>
  `<?xml version="1.0"?><${prefix}:document ${W.replace('xmlns:w', `xmlns:${prefix}`)}><${prefix}:body>${body}</${prefix}:body></${prefix}:document>`;

describe('scanXml', () => {
  it('yields tags and decoded text, with > inside attribute values and CDATA', () => {
    const tokens = [...scanXml('<a x="1>2"><b/>fish &amp; chips &#x4E2D;<![CDATA[<raw>]]><!-- c --></a>')];
    expect(tokens.map((t) => (t.type === 'text' ? `text:${t.text}` : `${t.tag.kind}:${t.tag.name}`))).toEqual([
      'open:a',
      'empty:b',
      'text:fish & chips 中',
      'text:<raw>',
      'close:a',
    ]);
  });
});

describe('hiddenReason', () => {
  it('vanish, under 4 pt, near-white unless highlighted or shaded', () => {
    expect(hiddenReason({ vanish: true })).toBe('vanish');
    expect(hiddenReason({ sz: 7 })).toBe('tiny');
    expect(hiddenReason({ sz: 8 })).toBeNull();
    expect(hiddenReason({ color: 'FFFFFF' })).toBe('white');
    expect(hiddenReason({ color: 'F2F5F0' })).toBe('white');
    expect(hiddenReason({ color: 'E0E0E0' })).toBeNull();
    expect(hiddenReason({ color: 'auto' })).toBeNull();
    expect(hiddenReason({ color: '000000', themeColor: 'background1' })).toBe('white');
    expect(hiddenReason({ color: 'FFFFFF', highlight: 'darkBlue' })).toBeNull();
    expect(hiddenReason({ color: 'FFFFFF', shadingFill: '1F3864' })).toBeNull();
    expect(hiddenReason({ color: 'FFFFFF' }, false)).toBeNull(); // a dark page background
  });
});

describe('scanHiddenRuns', () => {
  it('cuts hidden runs out of the XML and returns their text, a paragraph at a time', () => {
    const xml = doc(
      '<w:p><w:r><w:t>Seen. </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>Hid</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>den</w:t><w:tab/><w:t>x</w:t></w:r></w:p>' +
        '<w:p><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>Second &amp; white</w:t></w:r></w:p>',
    );
    const scan = scanHiddenRuns(xml);
    expect(scan.hidden).toEqual(['Hid den x', 'Second & white']);
    expect(scan.cleaned).toContain('Seen. ');
    expect(scan.cleaned).not.toMatch(/Hid|den|white/);
    expect(scan.cleaned).toMatch(/^<\?xml/);
  });

  it('follows paragraph and character styles, their basedOn chain and the document defaults', () => {
    const styles = parseStyles(
      `<w:styles ${W}><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="24"/></w:rPr></w:rPrDefault></w:docDefaults>` +
        '<w:style w:type="paragraph" w:styleId="Quiet"><w:rPr><w:sz w:val="4"/></w:rPr></w:style>' +
        '<w:style w:type="character" w:styleId="Base"><w:rPr><w:vanish/></w:rPr></w:style>' +
        '<w:style w:type="character" w:styleId="Derived"><w:basedOn w:val="Base"/></w:style></w:styles>',
    );
    const xml = doc(
      '<w:p><w:pPr><w:pStyle w:val="Quiet"/></w:pPr><w:r><w:t>tiny by style</w:t></w:r><w:r><w:rPr><w:sz w:val="24"/></w:rPr><w:t>readable</w:t></w:r></w:p>' +
        '<w:p><w:r><w:rPr><w:rStyle w:val="Derived"/></w:rPr><w:t>hidden by inheritance</w:t></w:r></w:p>' +
        '<w:p><w:r><w:rPr><w:rStyle w:val="Derived"/><w:vanish w:val="false"/></w:rPr><w:t>shown again</w:t></w:r></w:p>',
    );
    const scan = scanHiddenRuns(xml, styles);
    expect(scan.hidden).toEqual(['tiny by style', 'hidden by inheritance']);
    expect(scan.cleaned).toContain('readable');
    expect(scan.cleaned).toContain('shown again');
  });

  it('ignores paragraph-mark properties and tab stops, and handles another namespace prefix', () => {
    const xml = doc('<x:p><x:pPr><x:tabs><x:tab x:val="left"/></x:tabs><x:rPr><x:vanish/></x:rPr></x:pPr><x:r><x:t>Visible</x:t></x:r></x:p>', 'x');
    expect(wordPrefix(xml)).toBe('x');
    expect(scanHiddenRuns(xml)).toEqual({ cleaned: xml, hidden: [] });
  });

  it('reports hidden text in a text box once, though Word stores it twice (choice and fallback)', () => {
    const box = '<w:txbxContent><w:p><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>box secret</w:t></w:r></w:p></w:txbxContent>';
    const xml = doc(
      `<w:p><w:r><mc:AlternateContent xmlns:mc="m"><mc:Choice><w:drawing>${box}</w:drawing></mc:Choice><mc:Fallback><w:pict>${box}</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`,
    );
    const scan = scanHiddenRuns(xml);
    expect(scan.hidden).toEqual(['box secret']);
    expect(scan.cleaned).not.toContain('box secret');
  });
});

describe('notesText', () => {
  it('skips separator notes and joins paragraphs', () => {
    const xml =
      `<w:footnotes ${W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>` +
      '<w:footnote w:id="1"><w:p><w:r><w:t>First note.</w:t></w:r></w:p><w:p><w:r><w:t>Its second paragraph.</w:t></w:r></w:p></w:footnote>' +
      '<w:footnote w:id="2"><w:p><w:r><w:t>Second note.</w:t></w:r></w:p></w:footnote></w:footnotes>';
    expect(notesText(xml, 'footnote')).toEqual(['First note.\nIts second paragraph.', 'Second note.']);
  });
});

describe('blockParagraphs', () => {
  it('returns the paragraphs of each block, a text box once (not its fallback copy), tabs and breaks kept', () => {
    const box = '<w:txbxContent><w:p><w:r><w:t>In a box</w:t></w:r></w:p></w:txbxContent>';
    const xml =
      `<w:hdr ${W}><w:p><w:r><w:t>Name</w:t><w:tab/><w:t>Date</w:t></w:r></w:p>` +
      `<w:p><w:r><mc:AlternateContent xmlns:mc="m"><mc:Choice><w:drawing>${box}</w:drawing></mc:Choice><mc:Fallback><w:pict>${box}</w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>Line</w:t><w:br/><w:t>two</w:t></w:r></w:p>` +
      '<w:p/></w:hdr>';
    expect(blockParagraphs(xml, 'hdr')).toEqual([{ attrs: ` ${W}`, paragraphs: ['Name\tDate', 'In a box', 'Line\ntwo'] }]);
  });

  it('one block per comment, with its author', () => {
    const xml = `<w:comments ${W}><w:comment w:id="0" w:author="Ms. &amp; Co"><w:p><w:r><w:t>Nice.</w:t></w:r></w:p></w:comment><w:comment w:id="1"><w:p><w:r><w:t>Hm.</w:t></w:r></w:p></w:comment></w:comments>`;
    const blocks = blockParagraphs(xml, 'comment');
    expect(blocks.map((b) => [commentAuthor(xml, b.attrs), b.paragraphs])).toEqual([
      ['Ms. & Co', ['Nice.']],
      ['', ['Hm.']],
    ]);
  });
});

describe('relationships and section references', () => {
  it('reads relationship ids, types and targets, and the header/footer references of every section in order', () => {
    const rels =
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>' +
      '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.com" TargetMode="External"/></Relationships>';
    expect(parseRelationships(rels)).toEqual([
      { id: 'rId7', type: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/header', target: 'header1.xml', external: false },
      { id: 'rId9', type: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink', target: 'https://example.com', external: true },
    ]);
    const xml = doc(
      '<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" rel:id="rId7"/></w:sectPr></w:pPr></w:p><w:sectPr><w:footerReference w:type="first" rel:id="rId8"/></w:sectPr>',
    ).replace('<w:document ', '<w:document xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ');
    expect(sectionReferences(xml)).toEqual([
      { kind: 'header', id: 'rId7' },
      { kind: 'footer', id: 'rId8' },
    ]);
  });

  it('resolves targets relative to word/, absolute, and with ..', () => {
    expect(resolvePartName('header1.xml')).toBe('word/header1.xml');
    expect(resolvePartName('/word/footer2.xml')).toBe('word/footer2.xml');
    expect(resolvePartName('../customXml/item1.xml')).toBe('customXml/item1.xml');
    expect(resolvePartName('./sub/./comments.xml')).toBe('word/sub/comments.xml');
  });
});
