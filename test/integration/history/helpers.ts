/**
 * Two classes with Latin and Chinese names for the history tests: one graded with the
 * `gradedesk` command, one through the app's grading service, on the same database.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GradeDeskApp } from '../../../electron/app/create-app.ts';
import { createGradingService, readRubricFile } from '../../../electron/grading/service.ts';
import { cli, RUBRIC } from '../cli/helpers.ts';

const CLI_CLASS: Record<string, string> = {
  'Ana Pérez - essay.txt': 'Photosynthesis is how plants turn light into chemical energy. I believe every school should teach it with experiments.',
  'Ben Okafor - essay.txt': 'The French Revolution began in 1789. I argue that bread prices, not ideas alone, started it.',
  '王芳 - 作文.txt': '我认为光合作用是植物利用光能把二氧化碳和水合成有机物的过程。首先，它为地球提供氧气。总之，它非常重要。',
};

const APP_CLASS: Record<string, string> = {
  'Chloe Martin - essay.txt': 'Volcanoes erupt when magma rises through the crust. I believe monitoring saves lives.',
  '张伟明 - 作文.txt': '我认为工业革命改变了世界的面貌。首先，机器代替了手工。总之，生活方式完全不同了。',
};

function writeClass(dir: string, name: string, files: Record<string, string>): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  return folder;
}

/** Grades the first class with `gradedesk grade` (model fast) into `dbPath`; the batch id. */
export async function gradeWithCli(dir: string, configPath: string, dbPath: string): Promise<string> {
  const run = await cli(['grade', writeClass(dir, 'cli-class', CLI_CLASS), '--rubric', RUBRIC, '--config', configPath, '--db', dbPath, '--model', 'fast', '--json']);
  if (run.code !== 0) throw new Error(`gradedesk grade failed (${run.code}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { batch_id: string }).batch_id;
}

/** Grades the second class through the app's grading service (model fast); the batch id. */
export async function gradeInApp(app: GradeDeskApp, dir: string): Promise<string> {
  const service = createGradingService({ db: app.db, calls: app.calls, monitor: app.monitor, config: app.config, configError: app.configError });
  const outcome = await service.grade({
    paths: [writeClass(dir, 'app-class', APP_CLASS)],
    rubric: await readRubricFile(RUBRIC),
    roster: null,
    models: ['fast'],
    compare: false,
    concurrency: 2,
    source: 'app',
  });
  if (outcome.kind !== 'ran' || outcome.status !== 'completed') throw new Error(`the app batch did not complete: ${outcome.kind}`);
  return outcome.batchId;
}

/** Waits (bounded) until the app's run of a batch has ended. */
export async function runEnded(app: GradeDeskApp, batchId: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const run = await app.handlers.getRun({ batchId });
    if (!['running', 'pausing', 'cancelling'].includes(run.state)) return run.state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the run of ${batchId} did not end in 15 s`);
}
