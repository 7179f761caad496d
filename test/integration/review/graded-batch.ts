/**
 * A real graded batch for the review tests: the sample class (one essay carries a prompt
 * injection, so it is flagged) plus a photographed page, graded in compare mode by two models
 * at the simulator, one of which reads no images, through the grading service.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GradeDeskApp } from '../../../electron/app/create-app.ts';
import { createGradingService, readRubricFile } from '../../../electron/grading/service.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DEMO = join(ROOT, 'demo');
const PHOTO = join(ROOT, 'test', 'fixtures', 'images', 'essay-ana-lopez-1200x600.png');

/** Two models at the simulator: `fast` reads text only, `smart` reads images too. Names are sent as written. */
export function writeTwoModelConfig(dir: string, baseUrl: string): string {
  const endpoint = `${baseUrl}/chat/completions`;
  const model = (slug: string, vision: boolean) => ({
    endpoint,
    model: slug,
    api: 'openrouter',
    api_key_env: 'SIM_KEY',
    structured_output: true,
    vision,
    context_window: 128000,
    input_cost_per_token: 1e-7,
    output_cost_per_token: 4e-7,
  });
  const path = join(dir, 'config.json');
  writeFileSync(
    path,
    JSON.stringify({
      models: { fast: model('sim/fast', false), smart: model('sim/smart', true) },
      privacy: { pseudonymize_names: false },
      retry: { max_attempts: 4, base_delay_ms: 20, max_delay_ms: 200 },
    }),
  );
  return path;
}

/** The class folder: the sample essays (without the duplicate) and one photographed page. */
function writeClass(dir: string): string {
  const folder = join(dir, 'class');
  mkdirSync(folder, { recursive: true });
  for (const name of readdirSync(join(DEMO, 'essays')).filter((n) => !n.includes('(copy)'))) copyFileSync(join(DEMO, 'essays', name), join(folder, name));
  copyFileSync(PHOTO, join(folder, 'Eli Moss - photo of essay.png'));
  return folder;
}

/** Grades the class as a new batch and answers its id. */
export async function gradeClass(app: GradeDeskApp, dir: string): Promise<string> {
  const service = createGradingService({ db: app.db, calls: app.calls, monitor: app.monitor, config: app.config, configError: app.configError });
  const outcome = await service.grade({
    paths: [writeClass(dir)],
    rubric: await readRubricFile(join(DEMO, 'rubric.json')),
    roster: null,
    models: [],
    compare: true,
    concurrency: 4,
    source: 'app',
  });
  if (outcome.kind !== 'ran' || outcome.status !== 'completed') throw new Error(`the class was not graded: ${outcome.kind} ${'status' in outcome ? outcome.status : ''}`);
  return outcome.batchId;
}

/**
 * As after a crash while the requests for this work were in flight: each job sent and never
 * answered (in doubt), no grading stored, the work itself in doubt. What the store holds when
 * GradeDesk stopped between sending and storing.
 */
export function makeInDoubt(db: GradeDeskApp['db'], submissionId: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM gradings WHERE submission_id = ?').run(submissionId);
    db.prepare("UPDATE jobs SET status = 'in_doubt', sent_at = coalesce(sent_at, updated_at), finished_at = NULL WHERE submission_id = ?").run(submissionId);
    db.prepare("UPDATE submissions SET status = 'in_doubt' WHERE id = ?").run(submissionId);
  })();
}
