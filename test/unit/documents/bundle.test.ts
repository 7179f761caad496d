import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_WORKER_FILE } from '../../../electron/grading/documents/index.ts';
import { ExtractionPool, workerUrlFor } from '../../../electron/grading/documents/pool.ts';
import { DEFAULT_LIMITS } from '../../../electron/grading/documents/types.ts';
import { buildWorkerBundle } from '../../support/worker-bundle.ts';
import { buildDocx, buildPdf, paragraph } from './builders.ts';

/**
 * The Electron build runs the worker as plain JS bundled by esbuild (scripts/build.mjs), not
 * through tsx. Build it the same way, next to node_modules so its external packages resolve as
 * they do from dist-electron/, and run real jobs through it.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let pool: ExtractionPool;

beforeAll(async () => {
  const workerUrl = await buildWorkerBundle('electron/grading/documents/worker.ts', 'gradedesk-documents-test', BUNDLED_WORKER_FILE);
  pool = new ExtractionPool({ workerUrl, size: 1 });
}, 60_000);

afterAll(() => pool.close());

describe('the bundled extraction worker', () => {
  it('is the entry scripts/build.mjs bundles next to main.js', () => {
    const script = readFileSync(`${ROOT}scripts/build.mjs`, 'utf8');
    expect(script).toContain("entryPoints: ['electron/grading/documents/worker.ts']");
    expect(script).toContain(`outfile: 'dist-electron/${BUNDLED_WORKER_FILE}'`);
  });

  it('is found next to the running module: worker.ts from source, documents-worker.js beside dist-electron/main.js', () => {
    expect(workerUrlFor('file:///app/electron/grading/documents/pool.ts').href).toBe('file:///app/electron/grading/documents/worker.ts');
    expect(workerUrlFor('file:///app/resources/app.asar/dist-electron/main.js').href).toBe(`file:///app/resources/app.asar/dist-electron/${BUNDLED_WORKER_FILE}`);
  });

  it('extracts a PDF (pdfjs, fonts and the page renderer) and a DOCX', async () => {
    const limits = { ...DEFAULT_LIMITS };
    const pdf = await pool.run({ kind: 'pdf', file: 'a.pdf', bytes: buildPdf([{ lines: ['Bundled worker reads this page.'] }, {}]), limits }, { timeoutMs: 20_000 });
    expect(pdf.pages.map((p) => p.text)).toEqual(['Bundled worker reads this page.', '']);
    const docx = await pool.run({ kind: 'docx', file: 'a.docx', bytes: buildDocx(paragraph('Bundled DOCX text.')), limits }, { timeoutMs: 20_000 });
    expect(docx.pages[0]?.text).toBe('Bundled DOCX text.');
  });
});
