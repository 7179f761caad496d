/**
 * A batch with photos is graded while OCR paints the names in them over: the photo waits as
 * `pending` (nothing of it stored or sent) and joins the queue when its images are done. A batch
 * stopped before that reads the photo again on resume, and only if it is still the same file.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { runPlannedBatch } from '../../../electron/grading/grade-files.ts';
import { newPseudonymSecret, type BatchPlan } from '../../../electron/grading/batch/plan.ts';
import { prepareBatch } from '../../../electron/grading/batch/prepare.ts';
import { loadRubricFile } from '../../../electron/grading/rubric/index.ts';
import { createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import { pendingSubmissions, queryAll, submissionsOfBatch, sql } from '../../../electron/store/index.ts';
import { cli, PHOTO, RUBRIC, simulatorForSuite, writeEssays, writeVisionConfig } from './helpers.ts';
/** Sorts before "Student 01 …": with the photo graded first, the old order would send it first. */
const PHOTO_NAME = 'Ana Lopez - essay.png';

const hasImage = (body: unknown): boolean => JSON.stringify(body).includes('data:image/');

describe('photos are redacted while the rest of the batch is graded', () => {
  const suite = simulatorForSuite();

  function classFolder(name: string): string {
    const folder = writeEssays(join(suite.dir, name), 6);
    copyFileSync(PHOTO, join(folder, PHOTO_NAME));
    return folder;
  }

  function visionConfig(name: string): string {
    const folder = join(suite.dir, `${name}-config`);
    mkdirSync(folder, { recursive: true });
    return writeVisionConfig(folder, suite.sim.baseUrl);
  }

  it('sends the text submissions first, then the photo once its name is painted over', async () => {
    const { sim, dir } = suite;
    const folder = classFolder('cli');
    sim.reset();
    const run = await cli(['grade', folder, '--rubric', RUBRIC, '--config', visionConfig('cli'), '--db', join(dir, 'cli.db'), '--json', '--concurrency', '2']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { status: string; submissions: Array<{ file: string; status: string; flags?: string[] }> };
    expect(report.status).toBe('completed');
    expect(report.submissions.map((s) => s.status)).toEqual(Array(7).fill('graded'));
    expect(report.submissions.find((s) => s.file.endsWith(PHOTO_NAME))?.flags).toContain('name_redacted_in_image');

    const sent = sim.requests();
    expect(sent).toHaveLength(7);
    const photoAt = sent.findIndex((r) => hasImage(r.body));
    // The photo's job was recorded first, yet the text went out while OCR read the photo.
    expect(photoAt).toBeGreaterThan(0);
    expect(sent.filter((r) => hasImage(r.body))).toHaveLength(1);
  });

  describe('a batch stopped before its photo joined the queue', () => {
    let app: GradeDeskApp;

    beforeAll(async () => {
      app = await createApp({ configPath: visionConfig('resume'), dbPath: join(suite.dir, 'resume.db'), demo: false, mode: 'browser', secrets: createMemorySecretStore({ SIM_KEY: 'sk-sim' }) });
    });
    afterAll(async () => {
      await app.close();
    });

    /** Records a batch, then stops as a crash would: the photo is left `pending`, never released. */
    async function stoppedBatch(name: string): Promise<{ batchId: string; plan: BatchPlan; folder: string }> {
      const folder = classFolder(name);
      const rubric = await loadRubricFile(RUBRIC);
      if (!rubric.ok) throw new Error(rubric.error.message);
      const plan: BatchPlan = { rubric: rubric.data, roster: null, pool: ['smart'], compare: false, settings: {}, pseudonymSecret: newPseudonymSecret(), config: app.config };
      const prepared = await prepareBatch(app.db, { paths: [folder], plan, budgetUsd: null, estimateUsd: null, source: 'cli' });
      await prepared.images.stop();
      const pending = pendingSubmissions(app.db, prepared.batchId);
      expect(pending.map((p) => p.file)).toEqual([join(folder, PHOTO_NAME)]);
      expect(pending[0]!.sourcePath).toBe(join(folder, PHOTO_NAME));
      // Nothing of the photo is stored before its names are painted over.
      expect(queryAll(app.db, sql`SELECT page FROM submission_pages WHERE submission_id = ${pending[0]!.id}`)).toEqual([]);
      expect(queryAll(app.db, sql`SELECT id FROM jobs WHERE submission_id = ${pending[0]!.id}`)).toEqual([]);
      return { batchId: prepared.batchId, plan: prepared.plan, folder };
    }

    it('reads the photo again on resume, redacts it and grades it', async () => {
      const { batchId, plan } = await stoppedBatch('resume-same');
      suite.sim.reset();
      const ran = await runPlannedBatch(app, plan, batchId, { concurrency: 2 });
      expect(ran.status).toBe('completed');
      const photo = submissionsOfBatch(app.db, batchId).find((s) => s.file.endsWith(PHOTO_NAME));
      expect(photo?.status).toBe('graded');
      expect(photo?.flags).toContain('name_redacted_in_image');
      expect(suite.sim.requests().filter((r) => hasImage(r.body))).toHaveLength(1);
    });

    it('fails the photo with FILE_CHANGED when the file changed since, and grades the rest', async () => {
      const { batchId, plan, folder } = await stoppedBatch('resume-changed');
      writeFileSync(join(folder, PHOTO_NAME), Buffer.concat([readFileSync(PHOTO), Buffer.from('x')]));
      suite.sim.reset();
      const ran = await runPlannedBatch(app, plan, batchId, { concurrency: 2 });
      expect(ran.status).toBe('partial');
      const photo = submissionsOfBatch(app.db, batchId).find((s) => s.file.endsWith(PHOTO_NAME));
      expect(photo).toMatchObject({ status: 'failed', errorCode: 'FILE_CHANGED' });
      expect(ran.report?.submissions.filter((s) => s.status === 'graded')).toHaveLength(6);
      expect(suite.sim.requests().some((r) => hasImage(r.body))).toBe(false);
    });

    it('fails the photo with FILE_NOT_FOUND when the file is gone', async () => {
      const { batchId, plan, folder } = await stoppedBatch('resume-gone');
      rmSync(join(folder, PHOTO_NAME));
      suite.sim.reset();
      const ran = await runPlannedBatch(app, plan, batchId, { concurrency: 2 });
      expect(ran.status).toBe('partial');
      const photo = submissionsOfBatch(app.db, batchId).find((s) => s.file.endsWith(PHOTO_NAME));
      expect(photo).toMatchObject({ status: 'failed', errorCode: 'FILE_NOT_FOUND' });
      expect(suite.sim.requests()).toHaveLength(6);
    });
  });
});
