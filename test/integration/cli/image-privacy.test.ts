import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OcrEngine } from '../../../electron/grading/privacy/ocr.ts';
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

  async function gradePhoto(name: string, privacy?: Record<string, unknown>): Promise<{ code: number; flags: string[]; images: Buffer[] }> {
    const { sim, dir } = suite;
    const essays = join(dir, name);
    mkdirSync(essays, { recursive: true });
    copyFileSync(PHOTO, join(essays, 'Ana Lopez - essay.png'));
    const config = writeVisionConfig(dir, sim.baseUrl, privacy ? { privacy } : {});
    sim.reset();
    const run = await cli(['grade', essays, '--rubric', RUBRIC, '--config', config, '--db', join(dir, `${name}.db`), '--json']);
    const report = JSON.parse(run.stdout) as { submissions: Array<{ student: string; flags?: string[] }> };
    expect(report.submissions.map((s) => s.student)).toEqual(['Ana Lopez']);
    return { code: run.code, flags: report.submissions[0]?.flags ?? [], images: imagesSent(sim) };
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
});
