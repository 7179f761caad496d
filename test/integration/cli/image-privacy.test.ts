import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decideHeldImages } from '../../../electron/grading/batch/held-images.ts';
import { OcrEngine } from '../../../electron/grading/privacy/ocr.ts';
import { closeDatabase, openDatabase } from '../../../electron/store/index.ts';
import type { SimulatorHandle } from '../../../electron/simulator/index.ts';
import { cli, PHOTO, RUBRIC, simulatorForSuite, writeVisionConfig } from './helpers.ts';

/** Every image the simulator received, decoded from the requests' data URLs. */
function imagesSent(sim: SimulatorHandle): Buffer[] {
  const sent = JSON.stringify(sim.requests().map((r) => r.body));
  return [...sent.matchAll(/data:image\/(?:jpeg|png);base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1]!, 'base64'));
}

describe('names in photos never leave the machine', () => {
  const suite = simulatorForSuite();
  // One OCR worker for the file: the checks read what the simulator received.
  const ocr = new OcrEngine();

  afterAll(async () => {
    await ocr.close();
  });

  interface Graded {
    code: number;
    flags: string[];
    images: Buffer[];
    report: Report;
  }
  interface Report {
    batch_id: string;
    status: string;
    submissions: Array<{ file: string; student: string; status: string; flags?: string[]; error?: { code: string; message: string } }>;
  }

  async function gradePhoto(name: string, privacy?: Record<string, unknown>): Promise<Graded> {
    const { sim, dir } = suite;
    const essays = join(dir, name);
    mkdirSync(essays, { recursive: true });
    copyFileSync(PHOTO, join(essays, 'Ana Lopez - essay.png'));
    const config = writeVisionConfig(dir, sim.baseUrl, privacy ? { privacy } : {});
    sim.reset();
    const run = await cli(['grade', essays, '--rubric', RUBRIC, '--config', config, '--db', join(dir, `${name}.db`), '--json']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.submissions.map((s) => s.student)).toEqual(['Ana Lopez']);
    return { code: run.code, flags: report.submissions[0]?.flags ?? [], images: imagesSent(sim), report };
  }

  /** `gradedesk resume <batch>`, or plain `resume` (the latest unfinished batch) without an id. */
  async function resume(name: string, batchId: string | undefined): Promise<Graded> {
    suite.sim.reset();
    const run = await cli(['resume', ...(batchId ? [batchId] : []), '--db', join(suite.dir, `${name}.db`), '--json']);
    const report = JSON.parse(run.stdout) as Report;
    return { code: run.code, flags: report.submissions[0]?.flags ?? [], images: imagesSent(suite.sim), report };
  }

  /** Nothing of the photo in any request: neither its bytes as sent nor any data URL. */
  function expectNoImageSent(): void {
    const raw = JSON.stringify(suite.sim.requests().map((r) => r.body));
    expect(raw).not.toContain(readFileSync(PHOTO).toString('base64').slice(0, 200));
    expect(raw).not.toMatch(/data:image\//);
  }

  function decide(name: string, batchId: string, file: string, decision: 'send' | 'skip') {
    const db = openDatabase(join(suite.dir, `${name}.db`));
    try {
      return decideHeldImages(db, batchId, file, decision);
    } finally {
      closeDatabase(db);
    }
  }

  /** OCR gets 1 ms for the photo: it times out, as on a slow machine or a photo it chokes on. */
  const OCR_TIMES_OUT = { ocr_timeout_ms: 1 };

  async function heldPhoto(name: string): Promise<{ batchId: string; file: string }> {
    const { code, flags, report } = await gradePhoto(name, OCR_TIMES_OUT);
    expect(code).toBe(1);
    expect(report.status).toBe('partial');
    const [held] = report.submissions;
    expect(held).toMatchObject({ status: 'pending', error: { code: 'REDACTION_FAILED' } });
    expect(held?.error?.message).toMatch(/send the image as it is .* or skip it/);
    expect(held?.error?.message).toContain(`gradedesk decide ${report.batch_id} "${held?.file}" send|skip`);
    expect(held?.error?.message).toMatch(/privacy\.ocr_timeout_ms/);
    expect(flags).toContain('name_redaction_failed');
    expect(suite.sim.requests()).toEqual([]);
    return { batchId: report.batch_id, file: held!.file };
  }

  it('paints the name over before the photo is sent, and flags it', async () => {
    const { code, flags, images } = await gradePhoto('on');
    expect(code).toBe(0);
    expect(flags).toContain('name_redacted_in_image');
    expect(flags).not.toContain('name_may_be_visible_in_image');
    expect(images).toHaveLength(1);
    const read = (await ocr.words(images[0]!, 20_000)).map((w) => w.text).join(' ');
    expect(read).toMatch(/Homework/); // the essay still reaches the model
    expect(read).not.toMatch(/lopez/i);
    expect(read).not.toMatch(/\bana\b/i);
  });

  it('sends the photo as it is when privacy.pseudonymize_names is off', async () => {
    const { code, flags, images } = await gradePhoto('off', { pseudonymize_names: false });
    expect(code).toBe(0);
    expect(flags).not.toContain('name_redacted_in_image');
    expect(images).toHaveLength(1);
    // The same check finds the name here: it is what catches a name that was not painted over.
    expect((await ocr.words(images[0]!, 20_000)).map((w) => w.text).join(' ')).toMatch(/Lopez/);
  });

  it('holds back a photo whose names OCR could not read: nothing of it is sent until the teacher decides', async () => {
    const { batchId, file } = await heldPhoto('held');
    // Resumed without a decision: still held, still nothing sent.
    const again = await resume('held', batchId);
    expect(again.report.submissions[0]).toMatchObject({ status: 'pending', error: { code: 'REDACTION_FAILED' } });
    expectNoImageSent();
    expect(again.code).toBe(1);
    // The teacher sends it as it is: the next plain `resume` (no batch named) finds the batch,
    // which had ended `partial`, and grades it with the original photo.
    expect(decide('held', batchId, file, 'send')).toEqual({ ok: true, data: { status: 'extracted' } });
    const sent = await resume('held', undefined);
    expect(sent.code).toBe(0);
    expect(sent.report.submissions[0]?.status).toBe('graded');
    expect(sent.flags).toContain('name_may_be_visible_in_image');
    expect(sent.flags).not.toContain('name_redaction_failed');
    expect(sent.images).toHaveLength(1);
    expect((await ocr.words(sent.images[0]!, 20_000)).map((w) => w.text).join(' ')).toMatch(/Lopez/);
  });

  it('skips a held photo at the teacher’s word: never sent, and a photo alone leaves nothing to grade', async () => {
    const { batchId, file } = await heldPhoto('skipped');
    const db = join(suite.dir, 'skipped.db');
    expect((await cli(['decide', batchId, file, 'maybe', '--db', db])).code).toBe(2);
    const decided = await cli(['decide', batchId, file, 'skip', '--db', db]);
    expect(decided.code).toBe(0);
    expect(decided.stdout).toMatch(/will not be sent/);
    // Decided once: a second decision is refused.
    expect((await cli(['decide', batchId, file, 'send', '--db', db])).stderr).toMatch(/^INVALID_INPUT: .*no images waiting for a decision/);
    const after = await resume('skipped', batchId);
    expectNoImageSent();
    expect(after.report.submissions[0]).toMatchObject({ status: 'failed', error: { code: 'EMPTY_DOCUMENT' } });
  });

  it('sends the photo as it is when OCR fails and privacy.pseudonymize_names is off', async () => {
    const { code, flags, images } = await gradePhoto('off-slow', { pseudonymize_names: false, ...OCR_TIMES_OUT });
    expect(code).toBe(0);
    expect(flags).not.toContain('name_redaction_failed');
    expect(images).toHaveLength(1);
  });
});
