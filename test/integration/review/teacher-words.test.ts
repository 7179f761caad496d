import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { loadBatch, studentFeedback } from '../../../electron/exports/batch-data.ts';
import { feedbackDocument } from '../../../electron/exports/feedback-docx.ts';
import { documentWords } from '../../../electron/exports/words.ts';
import { gradingRecords } from '../../../electron/grading/records.ts';
import { createReviewHandlers } from '../../../electron/review/handlers.ts';
import { createRouter, type Router } from '../../../electron/ipc/router.ts';
import { createEnvSecretStore } from '../../../electron/secrets/secret-store.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import type { IpcResult, RouteName, RouteOutput } from '../../../shared/ipc/contract.ts';
import { BatchReportSchema } from '../../../shared/ipc/grading.ts';
import { gradeClass, makeInDoubt, writeTwoModelConfig } from './graded-batch.ts';

const SENDER = { url: 'app://gradedesk/index.html', isMainFrame: true };

/** The text of a DOCX's paragraphs, one line each. */
const docxText = (docx: Uint8Array): string =>
  strFromU8(unzipSync(docx)['word/document.xml'] as Uint8Array)
    .split('</w:p>')
    .map((p) => [...p.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .join('\n')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The teacher's words per criterion, and work in doubt graded by hand: saved, audited, reported and exported. */
describe("the teacher's words per criterion and grading by hand", () => {
  let sim: SimulatorHandle;
  let dir: string;
  let app: GradeDeskApp;
  let router: Router;
  let batchId: string;

  async function call<K extends RouteName>(route: K, input: unknown): Promise<RouteOutput<K>> {
    const result = (await router.handle(route, input, SENDER)) as IpcResult<RouteOutput<K>>;
    if (!result.ok) throw new Error(`${route}: ${result.error.code} ${result.error.message}`);
    return result.data;
  }
  const idOf = (student: string): number => (app.db.prepare('SELECT id FROM submissions WHERE batch_id = ? AND student = ?').get(batchId, student) as { id: number }).id;
  const storedWords = (id: number): Record<string, string | null> =>
    Object.fromEntries((app.db.prepare('SELECT criterion_id, feedback FROM reviews WHERE submission_id = ?').all(id) as Array<{ criterion_id: string; feedback: string | null }>).map((r) => [r.criterion_id, r.feedback]));
  const csvRows = (): { col: (name: string) => number; row: (student: string) => string[] } => {
    const [header, ...rows] = parse(gradingRecords(app.db).exportBatch(batchId, 'csv').text.replace(/^\uFEFF/, '')) as string[][];
    const col = (name: string): number => header?.indexOf(name) ?? -1;
    return { col, row: (student) => rows.find((r) => r[col('student')] === student) ?? [] };
  };
  async function documentOf(student: string): Promise<string> {
    const loaded = loadBatch(app.db, batchId);
    const feedback = studentFeedback(app.db, loaded, false).find((s) => s.student === student);
    if (!feedback) throw new Error(`no document for ${student}`);
    const { language, words } = documentWords(loaded.language, 'en');
    return docxText(await feedbackDocument(loaded.rubric, feedback, words, language));
  }

  beforeAll(async () => {
    sim = await startSimulator({ keys: { 'sk-sim': {} } });
    dir = mkdtempSync(join(tmpdir(), 'gd-review-words-'));
    app = await createApp({ configPath: writeTwoModelConfig(dir, sim.baseUrl), dbPath: join(dir, 'gd.db'), demo: false, mode: 'browser', secrets: createEnvSecretStore({ SIM_KEY: 'sk-sim' }) });
    router = createRouter({ ...app.handlers, ...createReviewHandlers({ db: app.db, who: () => 'ms-teacher' }).handlers }, { isTrustedSender: () => true });
    batchId = await gradeClass(app, dir);
    makeInDoubt(app.db, idOf('Chen Wei'));
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("stores the teacher's words for one criterion with the final, keeps the model's for the rest, and audits only the teacher's", async () => {
    const id = idOf('Ana Lopez');
    const view = await call('getSubmissionReview', { submissionId: id });
    const consensus = view.consensus?.criteria ?? [];
    const aiWords = Object.fromEntries(consensus.map((c) => [c.criterionId, c.feedback]));
    expect(aiWords['thesis']).not.toBe('');
    const choice = consensus.map((c) => ({ criterionId: c.criterionId, points: c.points, sourceModelId: c.fromModel }));
    const mine = 'Your claim is clear; name the counter-argument you answer.';
    const saved = await call('saveReview', {
      submissionId: id,
      basedOn: 0,
      criteria: choice.map((c) => (c.criterionId === 'thesis' ? { ...c, feedback: mine } : c.criterionId === 'evidence' ? { ...c, feedback: aiWords['evidence'] } : c)),
      feedback: view.consensus?.overallFeedback ?? '',
      accept: true,
    });
    expect(saved.criteria.find((c) => c.criterionId === 'thesis')?.feedback).toBe(mine);
    expect(saved.criteria.find((c) => c.criterionId === 'organization')?.feedback).toBe(aiWords['organization']);
    expect(storedWords(id)).toEqual({ ...aiWords, thesis: mine });
    // Only the thesis words are the teacher's: sending the model's own words back is no edit.
    const audit = await call('getReviewAudit', { submissionId: id });
    expect(audit.filter((a) => a.field === 'criterion_feedback').map((a) => [a.criterionId, a.from, a.to])).toEqual([['thesis', aiWords['thesis'], mine]]);

    // The words come back with the grade, and a second window's save based on the first version is refused.
    expect((await call('getSubmissionReview', { submissionId: id })).review?.criteria.find((c) => c.criterionId === 'thesis')?.feedback).toBe(mine);
    const late = await router.handle('saveReview', { submissionId: id, basedOn: 0, criteria: choice.map((c) => ({ ...c, feedback: 'From another window' })), feedback: '', accept: true }, SENDER);
    expect(late).toMatchObject({ ok: false, error: { code: 'REVIEW_CONFLICT' } });
    expect(storedWords(id)['thesis']).toBe(mine);

    // Changed again: one more audit row, from the teacher's words to the new ones; the same save again writes nothing.
    const again = choice.map((c) => (c.criterionId === 'thesis' ? { ...c, feedback: `${mine} Good title.` } : c));
    await call('saveReview', { submissionId: id, basedOn: 1, criteria: again, feedback: view.consensus?.overallFeedback ?? '', accept: true });
    await call('saveReview', { submissionId: id, basedOn: 2, criteria: again, feedback: view.consensus?.overallFeedback ?? '', accept: true });
    const later = (await call('getReviewAudit', { submissionId: id })).filter((a) => a.field === 'criterion_feedback');
    expect(later.map((a) => [a.version, a.from, a.to])).toEqual([
      [1, aiWords['thesis'], mine],
      [2, mine, `${mine} Good title.`],
    ]);
  });

  it("prints the teacher's words per criterion in the CSV and the feedback document", async () => {
    const mine = 'Your claim is clear; name the counter-argument you answer. Good title.';
    const { col, row } = csvRows();
    expect(row('Ana Lopez')[col('thesis_feedback')]).toBe(mine);
    expect(row('Ana Lopez')[col('organization_feedback')]).not.toBe('');
    // Work the teacher has not saved a grade for carries no words in these columns.
    expect(row('Ben Carter')[col('thesis_feedback')]).toBe('');
    const document = await documentOf('Ana Lopez');
    expect(document).toContain(`Thesis: ${mine}`);
  });

  it('opens work in doubt with no suggestion, grades it by hand as a final, audits "graded by hand", and refuses a level the rubric lacks', async () => {
    const id = idOf('Chen Wei');
    const view = await call('getSubmissionReview', { submissionId: id });
    expect([view.gradingStatus, view.models, view.consensus, view.review]).toEqual(['in_doubt', [], null, null]);
    const queueBefore = (await call('getReviewQueue', { batchId })).rows.find((r) => r.submissionId === id);
    expect(queueBefore).toMatchObject({ gradingStatus: 'in_doubt', status: 'unreviewed', aiScore: null, finalScore: null, flags: ['in_doubt'] });

    const offRubric = await router.handle('saveReview', { submissionId: id, basedOn: 0, criteria: view.criteria.map((c) => ({ criterionId: c.id, points: 3, sourceModelId: null })), feedback: '', accept: true }, SENDER);
    expect(offRubric).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const levels: Record<string, number> = { thesis: 4, evidence: 2, organization: 2, conventions: 4 };
    const criteria = view.criteria.map((c) => ({ criterionId: c.id, points: levels[c.id] ?? 0, sourceModelId: 'smart', feedback: c.id === 'evidence' ? 'Quote the source you mention.' : '' }));
    const saved = await call('saveReview', { submissionId: id, basedOn: 0, criteria, feedback: 'Graded by your teacher.', accept: true });
    expect(saved).toMatchObject({ version: 1, status: 'reviewed', finalScore: 12, maxScore: 16, feedback: 'Graded by your teacher.' });
    // No model graded it, so none is named as the source, and blank words are no words.
    expect(saved.criteria.map((c) => [c.criterionId, c.sourceModelId, c.feedback])).toEqual([
      ['thesis', null, null],
      ['evidence', null, 'Quote the source you mention.'],
      ['organization', null, null],
      ['conventions', null, null],
    ]);
    const audit = await call('getReviewAudit', { submissionId: id });
    expect(audit[0]).toMatchObject({ field: 'by_hand', version: 1, who: 'ms-teacher', from: null, to: null });
    expect(audit.filter((a) => a.field === 'points').map((a) => [a.criterionId, a.from, a.to])).toEqual([
      ['thesis', null, '4'],
      ['evidence', null, '2'],
      ['organization', null, '2'],
      ['conventions', null, '4'],
    ]);
    expect(audit.filter((a) => a.field === 'by_hand')).toHaveLength(1);

    const row = (await call('getReviewQueue', { batchId })).rows.find((r) => r.submissionId === id);
    expect(row).toMatchObject({ gradingStatus: 'in_doubt', status: 'reviewed', aiScore: null, finalScore: 12, maxScore: 16 });
    // No model's grading appeared: the final is the teacher's alone.
    expect(app.db.prepare('SELECT count(*) AS n FROM gradings WHERE submission_id = ?').get(id)).toEqual({ n: 0 });
  });

  it('reports, exports and counts the hand grade like any other final', async () => {
    const report = gradingRecords(app.db).report(batchId);
    if (!report) throw new Error('no report');
    expect(BatchReportSchema.parse(report)).toEqual(report);
    const chen = report.submissions.find((s) => s.student === 'Chen Wei');
    expect(chen).toMatchObject({ status: 'graded', score: 12, max_score: 16, reviewed: true, models: [], feedback: 'Graded by your teacher.' });
    expect(chen?.ai_score).toBeUndefined();
    expect(chen?.criteria?.map((c) => [c.id, c.points, c.max_points])).toEqual([
      ['thesis', 4, 4],
      ['evidence', 2, 4],
      ['organization', 2, 4],
      ['conventions', 4, 4],
    ]);

    const { col, row } = csvRows();
    expect([row('Chen Wei')[col('status')], row('Chen Wei')[col('score')], row('Chen Wei')[col('evidence')], row('Chen Wei')[col('reviewed')], row('Chen Wei')[col('ai_score')]]).toEqual(['graded', '12', '2', 'yes', '']);
    expect(row('Chen Wei')[col('evidence_feedback')]).toBe('Quote the source you mention.');
    expect(gradingRecords(app.db).exportBatch(batchId, 'csv').unreviewed).not.toContain('Chen Wei');
    const document = await documentOf('Chen Wei');
    expect(document).toContain('12 / 16');
    expect(document).toContain('Evidence: Quote the source you mention.');
    expect(document).toContain('Graded by your teacher.');
    expect(gradingRecords(app.db).history().batches.find((b) => b.batch_id === batchId)?.reviewed).toBe(2);
  });

  it('keeps work in doubt in doubt in the report while its hand grade is only a draft', async () => {
    const id = idOf('Ben Carter');
    makeInDoubt(app.db, id);
    const view = await call('getSubmissionReview', { submissionId: id });
    await call('saveReview', { submissionId: id, basedOn: 0, criteria: view.criteria.map((c) => ({ criterionId: c.id, points: 4, sourceModelId: null })), feedback: 'Half done', accept: false });
    expect(gradingRecords(app.db).report(batchId)?.submissions.find((s) => s.student === 'Ben Carter')).toEqual({ file: expect.any(String) as unknown, student: 'Ben Carter', status: 'in_doubt' });
    expect((await call('getReviewQueue', { batchId })).rows.find((r) => r.submissionId === id)).toMatchObject({ status: 'draft', finalScore: 16 });
  });
});
