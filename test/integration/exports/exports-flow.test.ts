import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { createReviewHandlers } from '../../../electron/review/handlers.ts';
import { createEnvSecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { GRADEBOOK_PART_CHARS } from '../../../shared/ipc/exports.ts';
import { gradeClass, writeTwoModelConfig } from '../review/graded-batch.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'exports');
const table = (text: string): string[][] => parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
/** The words of a DOCX: word/document.xml's text runs, paragraph by paragraph, entities decoded. */
const documentXml = (docx: Uint8Array): string =>
  strFromU8(unzipSync(docx)['word/document.xml'] as Uint8Array)
    .split('</w:p>')
    .map((p) => [...p.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .join('\n')
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Exports of a graded batch with some finals: the LMS files, and a feedback document per student. */
describe('exports from a graded batch', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let app: GradeDeskApp;
  let batchId: string;
  const call = async <K extends 'getExportSummary' | 'stageGradebookPart' | 'exportGrades' | 'exportFeedbackDocuments'>(route: K, input: Parameters<GradeDeskApp['handlers'][K]>[0]) =>
    (await (app.handlers[route] as (i: unknown) => unknown)(input)) as Awaited<ReturnType<GradeDeskApp['handlers'][K]>>;

  async function stage(text: string, uploadId: string): Promise<void> {
    const count = Math.max(1, Math.ceil(text.length / GRADEBOOK_PART_CHARS));
    for (let i = 0; i < count; i += 1) await call('stageGradebookPart', { uploadId, index: i, count, text: text.slice(i * GRADEBOOK_PART_CHARS, (i + 1) * GRADEBOOK_PART_CHARS) });
  }

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    dir = mkdtempSync(join(tmpdir(), 'gd-exports-'));
    app = await createApp({ configPath: writeTwoModelConfig(dir, sim.baseUrl), dbPath: join(dir, 'gd.db'), demo: false, mode: 'browser', secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }) });
    batchId = await gradeClass(app, dir);
    // Ben reviewed and changed (accepted); Chen changed but only saved as a draft.
    const review = createReviewHandlers({ db: app.db, who: () => 'teacher' }).handlers;
    for (const [student, accept] of [['Ben Carter', true], ['Chen Wei', false]] as const) {
      const id = (app.db.prepare('SELECT id FROM submissions WHERE batch_id = ? AND student = ?').get(batchId, student) as { id: number }).id;
      const view = await review.getSubmissionReview({ submissionId: id });
      const criteria = (view.consensus?.criteria ?? []).map((c) => ({ criterionId: c.criterionId, points: c.criterionId === 'thesis' ? 2 : c.points, sourceModelId: null }));
      await review.saveReview({ submissionId: id, basedOn: 0, criteria, feedback: `Teacher's words for ${student}.`, adjustment: null, accept });
    }
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says before exporting which grades are still unreviewed', async () => {
    const summary = await call('getExportSummary', { batchId });
    expect(summary.graded).toBe(5);
    expect(summary.unreviewed.count).toBe(4);
    expect([...summary.unreviewed.names].sort()).toEqual(['Ana Lopez', 'Chen Wei', 'Dana Smith', 'Eli Moss']);
    expect(summary.feedbackLanguage).toBe('en');
  });

  it('writes the generic CSV with the finals into the exports folder beside the database', async () => {
    const out = await call('exportGrades', { batchId, format: 'csv', gradebook: null, includeAiFeedback: false });
    expect(out.file.relativePath).toBe(`${batchId}/grades.csv`);
    const [header, ...rows] = table(readFileSync(join(dir, 'exports', batchId, 'grades.csv'), 'utf8'));
    const col = (name: string): number => header?.indexOf(name) ?? -1;
    const ben = rows.find((r) => r[col('student')] === 'Ben Carter') ?? [];
    expect([ben[col('score')], ben[col('thesis')], ben[col('reviewed')]]).toEqual(['4', '2', 'yes']);
    expect(out.unreviewed).toHaveLength(4);
  });

  it('fills the teacher\'s Canvas gradebook, matching "Last, First" names, and lists who is not in it', async () => {
    await stage(readFileSync(join(FIXTURES, 'canvas-gradebook.csv'), 'utf8'), 'canvas-upload-1');
    const out = await call('exportGrades', { batchId, format: 'canvas', gradebook: { uploadId: 'canvas-upload-1', fileName: 'gradebook.csv' }, includeAiFeedback: false });
    const rows = table(readFileSync(join(dir, 'exports', out.file.relativePath), 'utf8'));
    const header = rows[0] ?? [];
    const essay = header.indexOf('Argumentative essay, grade 10 (5501)');
    const by = (name: string) => rows.find((r) => r[0] === name) ?? [];
    expect(by('Carter, Ben')[essay]).toBe('4');
    expect(by('Lopez, Ana')[essay]).toMatch(/^\d+$/);
    expect(by('Green, Fay')[essay]).toBe('');
    expect(by('Carter, Ben')[header.indexOf('Reading log (5502)')]).toBe('9.00');
    expect(out.unmatched).toEqual(['Eli Moss']);
  });

  it('fills the Moodle worksheet with finals, and the models\' words only when chosen', async () => {
    const text = readFileSync(join(FIXTURES, 'moodle-worksheet.csv'), 'utf8');
    await stage(text, 'moodle-upload-1');
    const plain = await call('exportGrades', { batchId, format: 'moodle', gradebook: { uploadId: 'moodle-upload-1', fileName: 'w.csv' }, includeAiFeedback: false });
    const rows = table(readFileSync(join(dir, 'exports', plain.file.relativePath), 'utf8'));
    const by = (name: string) => rows.find((r) => r[1] === name) ?? [];
    expect([by('Ben Carter')[4], by('Ben Carter')[9]]).toEqual(['4', "Teacher's words for Ben Carter."]);
    expect(by('Chen Wei')[9]).toBe("Teacher's words for Chen Wei.");
    expect(by('Ana Lopez')[9]).toBe('');
    expect(plain.unmatched).toEqual([]);
    await stage(text, 'moodle-upload-2');
    const withAi = await call('exportGrades', { batchId, format: 'moodle', gradebook: { uploadId: 'moodle-upload-2', fileName: 'w.csv' }, includeAiFeedback: true });
    expect(table(readFileSync(join(dir, 'exports', withAi.file.relativePath), 'utf8')).find((r) => r[1] === 'Ana Lopez')?.[9]).toMatch(/^thesis: 4\/4 /);
  });

  it('refuses Canvas without the gradebook file, and an upload that did not arrive whole', async () => {
    await expect(call('exportGrades', { batchId, format: 'canvas', gradebook: null, includeAiFeedback: false })).rejects.toMatchObject({ code: 'GRADEBOOK_REQUIRED' });
    await call('stageGradebookPart', { uploadId: 'half-upload', index: 0, count: 2, text: 'Student,ID' });
    await expect(call('exportGrades', { batchId, format: 'canvas', gradebook: { uploadId: 'half-upload', fileName: 'g.csv' }, includeAiFeedback: false })).rejects.toMatchObject({ code: 'GRADEBOOK_REQUIRED' });
  });

  it('writes a feedback document per student: the final grade, the chosen levels, the teacher\'s words, never the models\' unreviewed words', async () => {
    const out = await call('exportFeedbackDocuments', { batchId, appLanguage: 'en', includeAiFeedback: false, packaging: 'zip' });
    expect(out.documents).toBe(5);
    expect(out.files.map((f) => f.relativePath)).toEqual([`${batchId}/feedback-documents.zip`]);
    const docs = unzipSync(new Uint8Array(readFileSync(join(dir, 'exports', batchId, 'feedback-documents.zip'))));
    expect(Object.keys(docs).sort()).toEqual(['Ana Lopez.docx', 'Ben Carter.docx', 'Chen Wei.docx', 'Dana Smith.docx', 'Eli Moss.docx']);
    const ben = documentXml(docs['Ben Carter.docx'] as Uint8Array);
    expect(ben).toContain('Feedback: Ben Carter');
    expect(ben).toContain('Grade: 4 / 16');
    expect(ben).toContain('✓ Developing (2) — chosen');
    expect(ben).toContain("Teacher's words for Ben Carter.");
    const aiWords = (app.db.prepare("SELECT g.value_json AS v FROM gradings g JOIN submissions s ON s.id = g.submission_id WHERE s.student = 'Ana Lopez' AND s.batch_id = ?").get(batchId) as { v: string }).v;
    const anaOverall = (JSON.parse(aiWords) as { overallFeedback: string }).overallFeedback;
    expect(anaOverall.length).toBeGreaterThan(5);
    const ana = documentXml(docs['Ana Lopez.docx'] as Uint8Array);
    expect(ana).not.toContain(anaOverall.slice(0, 40));
    expect(ana).toContain('No written feedback.');

    const chosen = await call('exportFeedbackDocuments', { batchId, appLanguage: 'en', includeAiFeedback: true, packaging: 'folder' });
    expect(chosen.files.map((f) => f.name)).toContain('Ana Lopez.docx');
    const anaWithAi = documentXml(new Uint8Array(readFileSync(join(dir, 'exports', batchId, 'feedback', 'Ana Lopez.docx'))));
    expect(anaWithAi).toContain(anaOverall.slice(0, 40));
  });

  it('writes the documents\' headings in the batch\'s feedback language', async () => {
    const row = app.db.prepare('SELECT config_json AS c FROM batches WHERE id = ?').get(batchId) as { c: string };
    const stored = JSON.parse(row.c) as { plan: { settings: Record<string, unknown> } };
    stored.plan.settings = { ...stored.plan.settings, language: 'zh-CN' };
    app.db.prepare('UPDATE batches SET config_json = ? WHERE id = ?').run(JSON.stringify(stored), batchId);
    const out = await call('exportFeedbackDocuments', { batchId, appLanguage: 'en', includeAiFeedback: false, packaging: 'folder' });
    expect(out.language).toBe('zh-CN');
    const ben = documentXml(new Uint8Array(readFileSync(join(dir, 'exports', batchId, 'feedback', 'Ben Carter.docx'))));
    expect(ben).toContain('评语: Ben Carter');
    expect(ben).toContain('教师评语');
    expect(ben).toContain('总分');
    expect(ben).not.toContain("Teacher's feedback");
  });
});
