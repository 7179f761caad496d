/**
 * Document extraction benchmark: how long `extractDocument` takes on what teachers hand it.
 *
 *   npx tsx bench/extraction.ts [--runs 5]
 *
 * Inputs are generated here, nothing is downloaded:
 * - a 100-page text PDF (an essay-like page of Helvetica text, written by hand as PDF 1.4);
 * - a 10-page scanned PDF (one JPEG per page, no text layer: every page is rendered);
 * - a 12-megapixel photo (4000×3000 JPEG of a gradient with noise, EXIF orientation 6).
 *
 * Each case runs once to warm up (reported as "first", it includes starting the worker and,
 * from source, tsx compiling it), then `--runs` times; the median, min and max are reported,
 * with bytes in/out for the photo. Writes bench/results/extraction.json with the machine.
 * Standalone on purpose: it imports only the module it measures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { closeExtractionWorkers, extractDocument, type ExtractedDocument } from '../electron/grading/documents/index.ts';
import { writePdf } from './pdf-file.ts';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

// ---------------------------------------------------------------------------------------------
// Inputs

const WORDS = 'the river city argument evidence because however students water trade history bridge harbour growth population therefore'.split(' ');

function essayPage(page: number): string[] {
  const lines = [`Page ${page}: how rivers shaped the growth of cities`];
  for (let line = 0; line < 45; line += 1) {
    const words: string[] = [];
    for (let w = 0; w < 13; w += 1) words.push(WORDS[(page * 31 + line * 7 + w * 3) % WORDS.length]!);
    lines.push(words.join(' '));
  }
  return lines;
}

/** A 4000×3000 gradient with noise: compresses like a photo, not like a flat colour. */
async function photo12mp(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const gradient = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
      '<stop offset="0" stop-color="#d8c8a8"/><stop offset="1" stop-color="#3a4a6a"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>',
  );
  const noise = await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 18 } } })
    .png()
    .toBuffer();
  return sharp(gradient)
    .composite([{ input: noise, blend: 'overlay' }])
    .jpeg({ quality: 92 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

async function scannedPage(page: number): Promise<{ data: Uint8Array; width: number; height: number }> {
  const width = 1275; // US Letter at 150 dpi
  const height = 1650;
  let strokes = '';
  for (let line = 0; line < 30; line += 1) {
    const y = 120 + line * 48;
    strokes += `<path d="M100 ${y} q 40 ${-10 - (line % 5)} 80 0 t 80 0 t 80 0 t 80 0 t 80 0 t 80 0 t 80 0 t 80 0 t 80 0 t 80 0 t 80 0 t 80 0" stroke="#1a2a6a" stroke-width="3" fill="none"/>`;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f7f4ec"/><text x="100" y="80" font-size="40">${page}</text>${strokes}</svg>`;
  return { data: new Uint8Array(await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer()), width, height };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface CaseResult {
  name: string;
  inputBytes: number;
  runs: number;
  firstMs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  pages: number;
  images: number;
  textChars: number;
  imageBytesIn: number;
  imageBytesOut: number;
  outputImage?: { width: number; height: number };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function measure(name: string, bytes: Uint8Array, fileName: string, runs: number): Promise<CaseResult> {
  const once = async (): Promise<{ ms: number; doc: ExtractedDocument }> => {
    const started = performance.now();
    const result = await extractDocument({ bytes, name: fileName });
    const ms = performance.now() - started;
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    return { ms, doc: result.data };
  };
  const first = await once();
  const times: number[] = [];
  let doc = first.doc;
  for (let i = 0; i < runs; i += 1) {
    const run = await once();
    times.push(run.ms);
    doc = run.doc;
  }
  const image = doc.images[0];
  return {
    name,
    inputBytes: bytes.length,
    runs,
    firstMs: first.ms,
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    pages: doc.pages.length,
    images: doc.images.length,
    textChars: doc.text.length,
    imageBytesIn: doc.imageBytesIn,
    imageBytesOut: doc.imageBytesOut,
    ...(image && doc.kind === 'image' ? { outputImage: { width: image.width, height: image.height } } : {}),
  };
}

const kb = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`);
const ms = (value: number): string => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  const runs = argValue('--runs', 5);
  console.error('generating inputs…');
  const textPdf = writePdf(Array.from({ length: 100 }, (_, i) => ({ lines: essayPage(i + 1) })));
  const scanPdf = writePdf(await Promise.all(Array.from({ length: 10 }, (_, i) => scannedPage(i + 1).then((jpeg) => ({ jpeg })))));
  const photo = await photo12mp();

  const results: CaseResult[] = [];
  for (const [name, bytes, fileName] of [
    ['100-page text PDF', textPdf, 'essay.pdf'],
    ['10-page scanned PDF (rendered)', scanPdf, 'scan.pdf'],
    ['12 MP photo (4000×3000 JPEG)', photo, 'IMG_0001.jpg'],
  ] as const) {
    console.error(`measuring ${name}…`);
    results.push(await measure(name, bytes, fileName, runs));
  }
  await closeExtractionWorkers();

  const cpus = os.cpus();
  const machine = {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    date: new Date().toISOString(),
  };

  const header = ['case', 'input', `median of ${runs}`, 'min', 'max', 'first (cold)', 'pages', 'images', 'image bytes in → out'];
  const rows = results.map((r) => [
    r.name,
    kb(r.inputBytes),
    ms(r.medianMs),
    ms(r.minMs),
    ms(r.maxMs),
    ms(r.firstMs),
    String(r.pages),
    String(r.images),
    r.imageBytesIn || r.imageBytesOut
      ? `${r.imageBytesIn ? kb(r.imageBytesIn) : 'rendered'} → ${kb(r.imageBytesOut)}${r.outputImage ? ` (${r.outputImage.width}×${r.outputImage.height})` : ''}`
      : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));

  mkdirSync(RESULTS, { recursive: true });
  const out = `${RESULTS}extraction.json`;
  writeFileSync(out, `${JSON.stringify({ bench: 'extraction', machine, runs, results }, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

await main();
