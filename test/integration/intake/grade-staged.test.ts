import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type GradeDeskApp } from '../../../electron/app/create-app.ts';
import { gradeFiles } from '../../../electron/grading/grade-files.ts';
import { closeExtractionWorkers } from '../../../electron/grading/documents/index.ts';
import { createGradingService, findBatchToResume, readRubricFile } from '../../../electron/grading/service.ts';
import { createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import type { ReceivedRequest } from '../../../electron/simulator/types.ts';
import { submissionsOfBatch } from '../../../electron/store/index.ts';
import { byFile, settled, startIntake, upload, type Intake } from './helpers.ts';

/**
 * The name the teacher gave in the list is the name grading records, and the name hidden from
 * the model: staged files → select → gradeFiles (the demo provider: the simulator on loopback)
 * → the stored submissions.
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('a staged batch graded with the corrected names', () => {
  let dir: string;
  let app: GradeDeskApp;
  let intake: Intake;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-intake-grade-'));
    app = await createApp({ configPath: null, dbPath: join(dir, 'gd.db'), demo: true, mode: 'browser', secrets: createMemorySecretStore() });
    intake = startIntake({ dir });
  });
  afterAll(async () => {
    await intake?.close();
    await app?.close();
    await closeExtractionWorkers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the corrected student and keeps that name out of what the model is sent', async () => {
    const body = 'Homework should be optional. Students who choose to practise learn more, and rest matters too. I have seen it in my own class.';
    await upload(intake, 'Submissions/Dana Smith/final.txt', Buffer.from(`Dana Smyth\n\n${body}`));
    await upload(intake, 'Ben Carter - essay.txt', Buffer.from(`Ben Carter\n\n${body} Also sports.`));
    const items = await settled(intake);
    const dana = byFile(items, 'Submissions/Dana Smith/final.txt');
    const ben = byFile(items, 'Ben Carter - essay.txt');
    expect(dana.student).toBe('Dana Smith');
    await intake.call('setStagedStudent', { id: dana.id, student: 'Dana Smyth' });

    const selection = intake.session.select([dana.id, ben.id]);
    const outcome = await gradeFiles(
      { db: app.db, calls: app.calls, monitor: app.monitor, config: app.config, configError: app.configError },
      {
        paths: selection.paths,
        students: selection.students,
        displayNames: selection.files,
        roster: selection.roster,
        rubric: await readRubricFile(join(ROOT, 'demo', 'rubric.json')),
        models: [],
        compare: false,
        concurrency: 2,
        source: 'app',
      },
    );
    expect(outcome.kind).toBe('ran');
    const stored = submissionsOfBatch(app.db, outcome.batchId);
    // Recorded as the teacher dropped them, never as the staging folder's paths.
    expect(stored.map((s) => [s.file, s.student, s.status])).toEqual([
      ['Submissions/Dana Smith/final.txt', 'Dana Smyth', 'graded'],
      ['Ben Carter - essay.txt', 'Ben Carter', 'graded'],
    ]);

    const endpoint = app.config?.models['demo-fast']?.endpoint ?? '';
    const requests = (await (await fetch(new URL('/__sim/requests', endpoint))).json()) as ReceivedRequest[];
    expect(requests.length).toBeGreaterThanOrEqual(2);
    const sent = JSON.stringify(requests.map((r) => r.body));
    expect(sent).toContain('Homework should be optional');
    expect(sent).not.toContain('Smyth');
    expect(sent).not.toContain('Ben Carter');
  }, 120_000);

  it('keeps the corrected name out of what is sent when the batch is resumed after a stop', async () => {
    const body = 'School uniforms help nobody learn. Money spent on them could buy books, and comfort helps focus in a long day.';
    await upload(intake, 'Late/Kim Lee/essay.txt', Buffer.from(`Kim Leigh

${body}`));
    const kim = byFile(await settled(intake), 'Late/Kim Lee/essay.txt');
    await intake.call('setStagedStudent', { id: kim.id, student: 'Kim Leigh' });
    const selection = intake.session.select([kim.id]);
    const core = { db: app.db, calls: app.calls, monitor: app.monitor, config: app.config, configError: app.configError };
    // Stopped as soon as it is recorded: nothing graded, the job left queued for resume.
    const stop = new AbortController();
    const first = await gradeFiles(core, {
      paths: selection.paths,
      students: selection.students,
      displayNames: selection.files,
      roster: selection.roster,
      rubric: await readRubricFile(join(ROOT, 'demo', 'rubric.json')),
      models: [],
      compare: false,
      concurrency: 1,
      source: 'app',
      signal: stop.signal,
      onPrepared: () => stop.abort(),
    });
    const endpoint = app.config?.models['demo-fast']?.endpoint ?? '';
    await fetch(new URL('/__sim/reset', endpoint), { method: 'POST' });
    const resumed = await createGradingService(core).resume(findBatchToResume(join(dir, 'gd.db'), first.batchId), { concurrency: 1 });
    expect(resumed.status).toBe('completed');
    expect(submissionsOfBatch(app.db, first.batchId).map((s) => [s.file, s.student, s.status])).toEqual([['Late/Kim Lee/essay.txt', 'Kim Leigh', 'graded']]);
    const requests = (await (await fetch(new URL('/__sim/requests', endpoint))).json()) as ReceivedRequest[];
    const sent = JSON.stringify(requests.map((r) => r.body));
    expect(sent).toContain('School uniforms');
    expect(sent).not.toContain('Leigh');
  }, 120_000);
});
