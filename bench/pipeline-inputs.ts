/**
 * The class set of bench 3, generated from a seed (nothing downloaded, nothing committed):
 * argumentative essays on the demo rubric's question ("should homework be optional?") as
 * .txt/.md, DOCX (a minimal package zipped with fflate), text PDFs of 1–3 pages (PDF 1.4 written
 * by hand) and phone photos of a handwritten page (JPEG, about 2–3 MP, made with sharp).
 * The same seed gives the same files, byte for byte except the photos' JPEG encoder.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { writePdf } from './pdf-file.ts';

export type InputKind = 'txt' | 'md' | 'docx' | 'pdf' | 'jpeg';

export interface GeneratedFile {
  name: string;
  kind: InputKind;
  bytes: number;
  words: number;
  pages: number | null;
}

export interface Mix {
  txt: number;
  md: number;
  docx: number;
  pdf: number;
  jpeg: number;
}

/** 100 submissions: 60 plain-text essays (half .txt, half .md), 25 DOCX, 10 PDF, 5 photos; `quick` is a fifth of that. */
export function mixFor(total: number): Mix {
  const scale = total / 100;
  const docx = Math.round(25 * scale);
  const pdf = Math.max(1, Math.round(10 * scale));
  const jpeg = Math.max(1, Math.round(5 * scale));
  const text = total - docx - pdf - jpeg;
  return { txt: Math.ceil(text / 2), md: Math.floor(text / 2), docx, pdf, jpeg };
}

/** mulberry32: small, fast and deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ana', 'Ben', 'Chen', 'Dana', 'Elif', 'Farah', 'Gabriel', 'Hana', 'Ivan', 'Jamal', 'Keiko', 'Liam', 'Maya', 'Nikhil', 'Olga', 'Pedro', 'Quinn', 'Rosa', 'Samir', 'Tessa'];
const LAST = ['Lopez', 'Carter', 'Wei', 'Smith', 'Yilmaz', 'Haddad', 'Silva', 'Kim', 'Petrov', 'Okafor', 'Tanaka', 'Murphy', 'Cohen', 'Rao', 'Novak'];

const THESES = [
  'homework should be optional for students in secondary school',
  'homework should stay required, but there should be much less of it',
  'optional homework would help students who already work after school',
  'making homework optional would hurt the students who need practice the most',
  'teachers should let each student choose whether to do homework',
];
const REASONS = [
  'students need time to rest and sleep',
  'many students look after younger siblings in the evening',
  'practice at home helps students remember what they learned',
  'families cannot always help with difficult assignments',
  'sports, music and part-time jobs also teach responsibility',
  'teachers can see who needs help when homework is handed in',
  'long assignments often turn into copying from friends',
  'reading at home builds vocabulary over the years',
  'stress from homework can make students dislike school',
  'students who finish work in class should not be punished with more',
];
const EXAMPLES = [
  'In my class, half of the students said they sleep less than seven hours on school nights.',
  'Last year my brother had three hours of homework every evening and stopped playing football.',
  'A survey at our school found that most students finish math practice faster in class than at home.',
  'My cousin in Finland has almost no homework, and her school still has excellent results.',
  'When our teacher made one week of homework optional, about two thirds of us still did it.',
  'My friend works at a bakery on weekdays, so he often finishes his homework after midnight.',
  'Our science teacher gives short quizzes instead of worksheets, and the grades went up.',
  'I learned more vocabulary from reading novels at home than from any worksheet.',
];
const CONNECTORS = ['First,', 'Second,', 'Another reason is that', 'In addition,', 'Furthermore,', 'On the other hand,', 'For example,', 'However,', 'This shows that', 'As a result,'];
const FILLER = [
  'This matters because school is only one part of a young person’s life.',
  'Some people disagree, and their concerns are understandable.',
  'It is important to look at what actually happens in real classrooms.',
  'Nobody learns well when they are exhausted or stressed.',
  'The goal of school should be learning, not just finishing tasks.',
  'Parents and teachers both want students to succeed, even if they disagree on how.',
  'Of course, every subject is different, and math may need more practice than art.',
  'A good rule would give teachers some freedom while protecting students’ time.',
  'Students often say that the amount of homework depends more on the teacher than on the subject.',
  'If homework were optional, teachers would have to make it more interesting.',
];
const TYPOS: Array<[RegExp, string]> = [
  [/\btheir\b/, 'there'],
  [/\bbecause\b/, 'becuase'],
  [/\bstudents\b/, 'studens'],
  [/\bdefinitely\b/, 'definately'],
];

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

export interface Essay {
  title: string;
  /** Paragraphs; the first is the introduction, the last the conclusion. */
  paragraphs: string[];
  words: number;
}

const countWords = (text: string): number => text.split(/\s+/).filter((w) => w !== '').length;

/** An essay of about `targetWords` words (±10 %), structured like a real one, with a few typos for some students. */
export function essay(r: () => number, targetWords: number): Essay {
  const thesis = pick(r, THESES);
  const title = pick(r, ['Should Homework Be Optional?', 'Homework: A Choice?', 'The Case About Homework', 'Why Homework Needs to Change', 'Homework and Our Time']);
  const intro = `Every evening, students across the country sit down with a pile of assignments. ${pick(r, FILLER)} In this essay I will argue that ${thesis}.`;
  const paragraphs = [intro];
  let words = countWords(intro) + countWords(title);
  const conclusionWords = 45;
  let connector = 0;
  while (words + conclusionWords < targetWords) {
    const sentences = [`${CONNECTORS[connector % CONNECTORS.length]} ${pick(r, REASONS)}.`];
    connector += 1;
    const length = 3 + Math.floor(r() * 5);
    for (let i = 0; i < length && words + countWords(sentences.join(' ')) + conclusionWords < targetWords; i += 1) {
      sentences.push(r() < 0.35 ? pick(r, EXAMPLES) : pick(r, FILLER));
    }
    const body = sentences.join(' ');
    paragraphs.push(body);
    words += countWords(body);
  }
  const conclusion = `In conclusion, ${thesis}. ${pick(r, REASONS).replace(/^./, (c) => c.toUpperCase())}, and ${pick(r, REASONS)}. ${pick(r, FILLER)} I hope our school will think about this carefully before the next year begins.`;
  paragraphs.push(conclusion);
  words += countWords(conclusion);
  if (r() < 0.4) {
    for (let i = 1; i < paragraphs.length; i += 1) {
      const [pattern, typo] = pick(r, TYPOS);
      paragraphs[i] = (paragraphs[i] as string).replace(pattern, typo);
    }
  }
  return { title, paragraphs, words };
}

// ---------------------------------------------------------------------------------------------
// Formats

const xmlEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** A minimal valid DOCX: content types, relationships and a document part with the paragraphs. */
export function docx(student: string, e: Essay): Uint8Array {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const run = (text: string, bold = false): string => `<w:r>${bold ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r>`;
  const body =
    `<w:p>${run(student)}</w:p><w:p>${run(e.title, true)}</w:p>` + e.paragraphs.map((p) => `<w:p>${run(p)}</w:p>`).join('') + '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr>';
  return zipSync({
    '[Content_Types].xml': enc(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '_rels/.rels': enc(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    'word/_rels/document.xml.rels': enc(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>',
    ),
    'word/document.xml': enc(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W_NS}"><w:body>${body}</w:body></w:document>`),
  });
}

/** Words wrapped to lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (line.length + 1 + word.length > width && line !== '') {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A text PDF (Helvetica, WinAnsi, US Letter; single or 1.5 line spacing: 1–3 pages for 300–900 words) with a correct xref table. */
export function pdf(student: string, e: Essay, spacing: 'single' | 'one-and-a-half'): { bytes: Uint8Array; pages: number } {
  const leading = spacing === 'single' ? 14 : 21;
  const linesPerPage = spacing === 'single' ? 48 : 32;
  // Helvetica is WinAnsi: keep to Latin-1 (the typographic apostrophe is not in it).
  const latin = (s: string): string => s.replace(/[’‘]/g, "'");
  const all = [latin(student), '', latin(e.title), ''];
  for (const p of e.paragraphs) all.push(...wrap(latin(p), 92), '');
  const pages: string[][] = [];
  for (let i = 0; i < all.length; i += linesPerPage) pages.push(all.slice(i, i + linesPerPage));

  return { bytes: writePdf(pages.map((lines) => ({ lines })), { leading }), pages: pages.length };
}

const PHOTO_SIZES: ReadonlyArray<[number, number]> = [
  [2016, 1512], // 3.0 MP
  [1920, 1440], // 2.8 MP
  [1800, 1350], // 2.4 MP
  [1728, 1296], // 2.2 MP
];

/**
 * A phone photo of a handwritten page: lined paper in warm light with ink strokes, plus sensor
 * noise so it compresses like a photo, not like a flat drawing. Some carry EXIF orientation 6
 * (taken in portrait, stored sideways), as phones do.
 */
export async function photo(r: () => number, index: number): Promise<{ bytes: Buffer; width: number; height: number }> {
  const [width, height] = PHOTO_SIZES[index % PHOTO_SIZES.length] as [number, number];
  let strokes = '';
  const lineGap = Math.round(height / 26);
  for (let line = 0; line < 22; line += 1) {
    const y = Math.round(height * 0.1) + line * lineGap;
    strokes += `<line x1="0" y1="${y + 8}" x2="${width}" y2="${y + 8}" stroke="#9fb4d8" stroke-width="2"/>`;
    let x = Math.round(width * 0.08);
    const end = width * (0.75 + r() * 0.17);
    let d = `M${x} ${y}`;
    while (x < end) {
      const step = 18 + Math.floor(r() * 30);
      d += ` q ${Math.round(step / 2)} ${-8 - Math.floor(r() * 14)} ${step} 0`;
      x += step;
    }
    strokes += `<path d="${d}" stroke="#1c2c6c" stroke-width="4" fill="none"/>`;
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><radialGradient id="g" cx="0.4" cy="0.35" r="0.9">` +
    '<stop offset="0" stop-color="#fbf7ea"/><stop offset="1" stop-color="#b9b09a"/></radialGradient></defs>' +
    `<rect width="100%" height="100%" fill="url(#g)"/>${strokes}</svg>`;
  const noise = await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 10 } } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const pipeline = sharp(Buffer.from(svg)).composite([{ input: noise, blend: 'overlay' }]).jpeg({ quality: 88 });
  const bytes = await (index % 2 === 0 ? pipeline.withMetadata({ orientation: 6 }) : pipeline).toBuffer();
  return { bytes, width, height };
}

// ---------------------------------------------------------------------------------------------
// The class set

/** Unique "First Last" names, deterministic for the seed. */
function studentNames(r: () => number, n: number): string[] {
  const all: string[] = [];
  for (const f of FIRST) for (const l of LAST) all.push(`${f} ${l}`);
  // Fisher–Yates with the seeded generator.
  for (let i = all.length - 1; i > 0; i -= 1) {
    const j = Math.floor(r() * (i + 1));
    [all[i], all[j]] = [all[j] as string, all[i] as string];
  }
  if (n > all.length) throw new Error(`at most ${all.length} distinct students`);
  return all.slice(0, n);
}

const SUFFIXES = ['essay', 'homework essay', 'argumentative essay', 'essay final', 'essay (final)', 'essay v2'];

/**
 * Writes `total` submissions into `dir` (which must exist) in the mix of {@link mixFor}; returns
 * what was written. Essay length is uniform in [300, 900] words.
 */
export async function writeClassSet(dir: string, total: number, seed: number, onProgress?: (message: string) => void): Promise<GeneratedFile[]> {
  const r = rng(seed);
  const mix = mixFor(total);
  const names = studentNames(r, total);
  const kinds: InputKind[] = [
    ...Array<InputKind>(mix.txt).fill('txt'),
    ...Array<InputKind>(mix.md).fill('md'),
    ...Array<InputKind>(mix.docx).fill('docx'),
    ...Array<InputKind>(mix.pdf).fill('pdf'),
    ...Array<InputKind>(mix.jpeg).fill('jpeg'),
  ];
  const out: GeneratedFile[] = [];
  let photos = 0;
  for (let i = 0; i < kinds.length; i += 1) {
    const kind = kinds[i] as InputKind;
    const student = names[i] as string;
    const base = `${student} - ${pick(r, SUFFIXES)}`;
    const e = essay(r, 300 + Math.floor(r() * 601));
    if (kind === 'txt' || kind === 'md') {
      const text =
        kind === 'md'
          ? `# ${e.title}\n\n*${student}*\n\n${e.paragraphs.join('\n\n')}\n`
          : `${student}\n${e.title}\n\n${e.paragraphs.join(r() < 0.5 ? '\n\n' : '\r\n\r\n')}\n`;
      const name = `${base}.${kind}`;
      writeFileSync(path.join(dir, name), text);
      out.push({ name, kind, bytes: Buffer.byteLength(text), words: e.words, pages: null });
    } else if (kind === 'docx') {
      const bytes = docx(student, e);
      const name = `${base}.docx`;
      writeFileSync(path.join(dir, name), bytes);
      out.push({ name, kind, bytes: bytes.length, words: e.words, pages: null });
    } else if (kind === 'pdf') {
      const { bytes, pages } = pdf(student, e, r() < 0.5 ? 'single' : 'one-and-a-half');
      const name = `${base}.pdf`;
      writeFileSync(path.join(dir, name), bytes);
      out.push({ name, kind, bytes: bytes.length, words: e.words, pages });
    } else {
      const { bytes, width, height } = await photo(r, photos);
      photos += 1;
      const name = `${student} - essay photo IMG_${String(4100 + i)}.jpg`;
      writeFileSync(path.join(dir, name), bytes);
      out.push({ name, kind, bytes: bytes.length, words: 0, pages: 1 });
      onProgress?.(`  photo ${photos}/${mix.jpeg}: ${width}×${height}, ${(bytes.length / 1024 / 1024).toFixed(2)} MB`);
    }
  }
  return out;
}
