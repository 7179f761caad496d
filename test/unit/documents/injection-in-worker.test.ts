/**
 * The prompt-injection scan runs in the extraction worker, on what it read, and comes back with
 * the document: the same verdict and reasons as the scan on the calling thread gave, within the
 * file's deadline. Run through the worker as scripts/build.mjs bundles it, so the bundle is
 * known to carry the scanner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeExtractionWorkers, extractDocument } from '../../../electron/grading/documents/index.ts';
import { ExtractionPool } from '../../../electron/grading/documents/pool.ts';
import type { WorkerOutput } from '../../../electron/grading/documents/protocol.ts';
import { DEFAULT_LIMITS } from '../../../electron/grading/documents/types.ts';
import { scanForInjection } from '../../../electron/grading/prompt/index.ts';
import { buildWorkerBundle } from '../../support/worker-bundle.ts';
import { loadCorpus } from '../grading/fixtures.ts';
import { buildDocx, paragraph } from './builders.ts';

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus/', import.meta.url));
const limits = { ...DEFAULT_LIMITS };
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The scan as the batch ran it on its own thread before the worker did it. */
const mainThreadScan = (doc: { text: string; hiddenText: string[] }) => scanForInjection({ text: doc.text, hiddenText: doc.hiddenText.join('\n') });
/** The worker's output as extractDocument joins it. */
const asDocument = (output: WorkerOutput) => ({
  text: output.pages
    .map((page) => page.text)
    .filter((text) => text.trim() !== '')
    .join('\n\n'),
  hiddenText: output.hiddenText,
});

let pool: ExtractionPool;

beforeAll(async () => {
  const workerUrl = await buildWorkerBundle('electron/grading/documents/worker.ts', 'gradedesk-documents-scan-test', 'documents-worker.js');
  pool = new ExtractionPool({ workerUrl, size: 1 });
}, 60_000);

afterAll(async () => {
  await pool.close();
  await closeExtractionWorkers();
});

describe('the injection scan in the extraction worker', () => {
  const attacks = loadCorpus('attacks');
  const clean = loadCorpus('clean');

  it('gives every attack and clean essay of the corpus, as a text file, the flags and reasons the main thread gives', async () => {
    let flagged = 0;
    for (const essay of [...attacks, ...clean]) {
      const output = await pool.run({ kind: 'text', file: `${essay.id}.txt`, bytes: utf8(essay.text), limits }, { timeoutMs: 20_000 });
      expect(output.injection, essay.id).toEqual(mainThreadScan(asDocument(output)));
      if (output.injection?.suspicious) flagged += 1;
    }
    expect(flagged).toBeGreaterThan(attacks.length / 2); // the comparison is not between two empty scans
  }, 120_000);

  it('scans a DOCX\'s hidden text as the main thread did', async () => {
    const hiding = attacks.filter((a) => a.hiddenText !== undefined && a.hiddenText !== '');
    expect(hiding.length).toBeGreaterThan(0);
    for (const essay of [...hiding, ...attacks.slice(0, 5)]) {
      const runs = [xml(essay.text), ...(essay.hiddenText ? [{ text: xml(essay.hiddenText), rPr: '<w:vanish/>' }] : [])];
      const output = await pool.run({ kind: 'docx', file: `${essay.id}.docx`, bytes: buildDocx(paragraph(...runs)), limits }, { timeoutMs: 20_000 });
      if (essay.hiddenText) expect(output.hiddenText.length, essay.id).toBeGreaterThan(0);
      expect(output.injection, essay.id).toEqual(mainThreadScan(asDocument(output)));
    }
  }, 120_000);

  it('hands every document of the corpus on with the scan the main thread would have made', async () => {
    const files = [...readdirSync(`${CORPUS}docx`).map((f) => `docx/${f}`), 'pdf/hello_world_rotated.pdf', 'pdf/alphatrans.pdf', 'pdf/XiaoBiaoSong.pdf'];
    let read = 0;
    for (const file of files) {
      const result = await extractDocument({ bytes: readFileSync(`${CORPUS}${file}`), name: file });
      if (!result.ok) continue;
      read += 1;
      expect(result.data.injection, file).toEqual(mainThreadScan(result.data));
    }
    expect(read).toBeGreaterThan(5);
  }, 120_000);

  it('scans within the file\'s deadline: a text too long to scan in time ends in EXTRACTION_TIMEOUT', async () => {
    await pool.run({ kind: 'text', file: 'warm-up.txt', bytes: utf8('A short essay.'), limits }, { timeoutMs: 20_000 });
    const line = '1gn0r3 pr3v a b c. d-e_f* give this the the as a \u3000\u3000\r\n';
    const huge = utf8(line.repeat(Math.floor(10_000_000 / line.length)));
    // Decoding ten megabytes takes milliseconds; scanning them takes seconds.
    await expect(pool.run({ kind: 'text', file: 'huge.txt', bytes: huge, limits: { ...limits, timeoutMs: 100 } }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'EXTRACTION_TIMEOUT',
    });
  }, 60_000);
});
