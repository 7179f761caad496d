/**
 * Bad and unusual inputs, made in the test instead of committed: minimal PDFs written by hand,
 * DOCX built from XML parts, image headers that lie about their size.
 */
import { zipSync } from 'fflate';
import sharp from 'sharp';

// ---------------------------------------------------------------------------------------------
// PDF

export interface PdfPage {
  /** Lines of text, drawn with Helvetica (a standard font: no embedding needed). */
  lines?: string[];
  /** A JPEG drawn over the whole page: a scanned page without a text layer. */
  jpeg?: { data: Uint8Array; width: number; height: number };
  /** Raw content-stream operators appended to the page. */
  operators?: string;
  /** More entries for the page's resource dictionary, e.g. `/ExtGState << /Clear << /ca 0 >> >>`. */
  resources?: string;
}

const escapePdfString = (text: string): string => text.replace(/[\\()]/g, (c) => `\\${c}`);

export interface PdfTextOptions {
  /** Font size in points; default 12. */
  size?: number;
  /** Operators set inside the text object before the text is shown, e.g. `1 1 1 rg` or `3 Tr`. */
  style?: string;
}

/** Content operators for one line of Helvetica at (x, y), wrapped in q/Q so its colour and mode do not leak. */
export function pdfText(x: number, y: number, text: string, options: PdfTextOptions = {}): string {
  return `q BT /F1 ${options.size ?? 12} Tf ${x} ${y} Td ${options.style ?? ''} (${escapePdfString(text)}) Tj ET Q\n`;
}

/** A valid PDF 1.4 with a correct cross-reference table. */
export function buildPdf(pages: PdfPage[]): Uint8Array {
  const objects: Array<Uint8Array | string> = [];
  const add = (body: Uint8Array | string): number => objects.push(body);
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const page of pages) {
    let content = '';
    let resources = `/Font << /F1 ${font} 0 R >>${page.resources ? ` ${page.resources}` : ''}`;
    if (page.jpeg) {
      const header = `<< /Type /XObject /Subtype /Image /Width ${page.jpeg.width} /Height ${page.jpeg.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${page.jpeg.data.length} >>\nstream\n`;
      const image = add(concat([ascii(header), page.jpeg.data, ascii('\nendstream')]));
      resources += ` /XObject << /Im1 ${image} 0 R >>`;
      content += 'q 612 0 0 792 0 0 cm /Im1 Do Q\n';
    }
    if (page.lines && page.lines.length > 0) {
      content += 'BT /F1 12 Tf 14 TL 72 720 Td\n';
      for (const line of page.lines) content += `(${escapePdfString(line)}) Tj T*\n`;
      content += 'ET\n';
    }
    content += page.operators ?? '';
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << ${resources} >> /Contents ${stream} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  const parts: Uint8Array[] = [ascii('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const chunk = concat([ascii(`${i + 1} 0 obj\n`), typeof body === 'string' ? ascii(body) : body, ascii('\nendobj\n')]);
    offsets.push(offset);
    offset += chunk.length;
    parts.push(chunk);
  });
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) xref += `${String(at).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(ascii(xref));
  return concat(parts);
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** A JPEG of dark shapes on white: visible content a text layer does not have. */
export async function scribbleJpeg(width = 600, height = 800): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="white"/>
    <path d="M40 100 C 120 20, 200 180, 300 100 S 480 20, 560 100" stroke="black" stroke-width="8" fill="none"/>
    <rect x="60" y="300" width="300" height="120" fill="#223"/>
    <circle cx="420" cy="600" r="90" fill="none" stroke="#600" stroke-width="10"/>
  </svg>`;
  return Uint8Array.from(await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer());
}

// ---------------------------------------------------------------------------------------------
// DOCX

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_TYPES = {
  styles: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles',
  header: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/header',
  footer: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer',
  comments: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments',
} as const;

export interface DocxRelationship {
  id: string;
  type: keyof typeof REL_TYPES;
  /** Relative to `word/`, as Word writes it. */
  target: string;
}

export interface DocxOptions {
  styles?: string;
  /** More parts, by zip path (e.g. `word/header1.xml`, see {@link wordPart}). */
  extra?: Record<string, Uint8Array>;
  /** More entries for word/_rels/document.xml.rels (the styles one is added with `styles`). */
  relationships?: DocxRelationship[];
}

/** A minimal valid DOCX whose body is `bodyXml` (paragraphs in the `w:` namespace; `r:` is declared too). */
export function buildDocx(bodyXml: string, options: DocxOptions = {}): Uint8Array {
  const enc = (s: string) => new TextEncoder().encode(s);
  const rels: DocxRelationship[] = [...(options.styles ? [{ id: 'rIdStyles', type: 'styles' as const, target: 'styles.xml' }] : []), ...(options.relationships ?? [])];
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': enc(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        (options.styles ? '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' : '') +
        '</Types>',
    ),
    '_rels/.rels': enc(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    'word/_rels/document.xml.rels': enc(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        rels.map((rel) => `<Relationship Id="${rel.id}" Type="${REL_TYPES[rel.type]}" Target="${rel.target}"/>`).join('') +
        '</Relationships>',
    ),
    'word/document.xml': enc(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>${bodyXml}</w:body></w:document>`),
    ...(options.styles ? { 'word/styles.xml': enc(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${W_NS}">${options.styles}</w:styles>`) } : {}),
    ...options.extra,
  };
  return zipSync(files);
}

/** A header (`w:hdr`), footer (`w:ftr`) or comments (`w:comments`) part around `innerXml`. */
export function wordPart(root: 'hdr' | 'ftr' | 'comments', innerXml: string): Uint8Array {
  return new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:${root} xmlns:w="${W_NS}" xmlns:r="${R_NS}">${innerXml}</w:${root}>`);
}

/** `<w:p>` of runs; each run is text with optional `w:rPr` children. */
export function paragraph(...runs: Array<string | { text: string; rPr: string }>): string {
  return `<w:p>${runs
    .map((run) => (typeof run === 'string' ? `<w:r><w:t xml:space="preserve">${run}</w:t></w:r>` : `<w:r><w:rPr>${run.rPr}</w:rPr><w:t xml:space="preserve">${run.text}</w:t></w:r>`))
    .join('')}</w:p>`;
}

// ---------------------------------------------------------------------------------------------
// Image headers

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = (CRC_TABLE[(crc ^ b) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat([ascii(type), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  Buffer.from(body).copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return Uint8Array.from(out);
}

/** A PNG that is only a signature, an IHDR claiming `width × height` and an IEND: no pixels at all. */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return concat([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IEND', new Uint8Array(0))]);
}

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return concat([Uint8Array.from(head), body]);
}

/** The start of a HEIC file: `ftyp` (brand heic) and a `meta` box whose `ispe` says `width × height`; then junk. */
export function heicHeader(width: number, height: number, brand = 'heic'): Uint8Array {
  const ispe = Buffer.alloc(12);
  ispe.writeUInt32BE(width, 4);
  ispe.writeUInt32BE(height, 8);
  const ftyp = box('ftyp', ascii(brand), new Uint8Array(4), ascii('mif1'), ascii(brand));
  const meta = box('meta', new Uint8Array(4), box('iprp', box('ipco', box('ispe', Uint8Array.from(ispe)))));
  return concat([ftyp, meta, box('mdat', new Uint8Array(64).fill(7))]);
}
