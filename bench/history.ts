/**
 * Bench "history": the history screen's queries on a database of 100,000 submissions (1,000
 * batches of 100, Latin and Chinese names and texts, a grading each, one in ten reviewed),
 * generated with SQL in one transaction, the search index filled by its triggers as in use.
 * Measures, through the history route handlers (everything but the IPC hop): the first page of
 * batches, the first page of student work, and searches by a Latin name, a Latin word of the
 * text, a Chinese name of three characters, one of two characters (the names' index), and a
 * Chinese phrase of the text. Each is run once cold, then `REPEATS` times: p50 and p95.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistoryHandlers } from '../electron/history/handlers.ts';
import { closeDatabase, openDatabase, type WritableDB } from '../electron/store/index.ts';
import { fmt, log, machineInfo, markdownTable, summarize, type LatencySummary, type MachineInfo } from './stats.ts';

const SUBMISSIONS = 100_000;
const PER_BATCH = 100;
const REPEATS = 20;
const T0 = Date.UTC(2025, 8, 1);

const LATIN_FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jade', 'Kofi', 'Lena', 'Marco', 'Nia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq'];
const LATIN_LAST = ['Pérez', 'Okafor', 'Martin', 'Novak', 'Silva', 'Kim', 'Haddad', 'Müller', 'Rossi', 'Dubois', 'Ito', 'Nowak', 'Costa', 'Berg', 'Lund', 'Adams', 'Singh', 'Moreau', 'Ruiz', 'Walsh'];
const CN_FAMILY = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const CN_GIVEN = ['伟明', '秀英', '志强', '静怡', '子涵', '浩然', '雨桐', '俊杰', '欣怡', '博文', '芳', '敏', '磊', '洋', '婷', '杰', '丽', '勇', '艳', '军'];
const EN_SENTENCES = [
  'Photosynthesis turns light into chemical energy that plants store as sugar.',
  'The French Revolution began in 1789 when bread prices rose sharply.',
  'I believe homework should be shorter so that students can rest.',
  'Volcanoes erupt when magma rises through weak parts of the crust.',
  'School uniforms make mornings easier, but they limit self-expression.',
  'A four-day week would give teachers time to plan better lessons.',
  'Phones in class distract students unless teachers use them on purpose.',
  'In conclusion, the evidence supports a gradual change rather than a ban.',
];
const CN_SENTENCES = [
  '我认为光合作用是植物利用光能把二氧化碳和水合成有机物的过程。',
  '工业革命改变了世界的面貌，机器代替了手工劳动。',
  '首先，作业太多会让学生没有时间休息和思考。',
  '其次，校服让早晨更简单，但也限制了个性的表达。',
  '火山喷发是因为岩浆从地壳的薄弱处上升。',
  '总之，证据支持逐步改变，而不是一刀切。',
  '手机在课堂上会分散注意力，除非老师有意使用。',
  '每周四天工作制会让老师有更多时间备课。',
];

/** Rows of (k, text) for the generator to pick from by index. */
function table(db: WritableDB, name: string, values: readonly string[]): void {
  db.exec(`CREATE TEMP TABLE ${name} (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`);
  const insert = db.prepare(`INSERT INTO ${name} (k, v) VALUES (?, ?)`);
  values.forEach((v, k) => insert.run(k, v));
}

/** The whole history, in one transaction, with SQL: the triggers index every row as it is written. */
function generate(db: WritableDB): void {
  const latin = LATIN_FIRST.flatMap((f) => LATIN_LAST.map((l) => `${f} ${l}`));
  const chinese = CN_FAMILY.flatMap((f) => CN_GIVEN.map((g) => `${f}${g}`));
  table(db, 'bench_latin', latin);
  table(db, 'bench_chinese', chinese);
  table(db, 'bench_en', EN_SENTENCES);
  table(db, 'bench_cn', CN_SENTENCES);
  // i / 2: names and texts alternate Latin and Chinese by i's parity, so the pick must not follow it.
  const pick = (t: string, n: number, mul: number, add: number) => `(SELECT v FROM ${t} WHERE k = ((i / 2) * ${mul} + ${add}) % ${n})`;
  const en = [1, 3, 5, 7, 11, 13].map((m, j) => pick('bench_en', EN_SENTENCES.length, m, j)).join(" || ' ' || ");
  const cn = [1, 3, 5, 7, 11, 13].map((m, j) => pick('bench_cn', CN_SENTENCES.length, m, j)).join(' || ');
  db.transaction(() => {
    db.prepare(`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES ('r_bench', 'Argumentative essay', '{}', 'h', 16, 0)`).run();
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${SUBMISSIONS / PER_BATCH - 1})
       INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json, source)
       SELECT printf('b_%05d', i), ${T0} + i * 3600000, ${T0} + i * 3600000, 'completed', 'r_bench', '{}', CASE i % 3 WHEN 0 THEN 'cli' ELSE 'app' END FROM n`,
    ).run();
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${SUBMISSIONS - 1})
       INSERT INTO submissions (batch_id, file, student, file_hash, kind, extracted_text, status, created_at, updated_at)
       SELECT printf('b_%05d', i / ${PER_BATCH}), printf('essays/%06d.txt', i),
         CASE i % 2 WHEN 0 THEN ${pick('bench_latin', latin.length, 7, 0)} ELSE ${pick('bench_chinese', chinese.length, 7, 0)} END,
         printf('h%06d', i), 'text',
         CASE i % 2 WHEN 0 THEN ${en} ELSE ${cn} END,
         'graded', ${T0} + (i / ${PER_BATCH}) * 3600000, ${T0} + (i / ${PER_BATCH}) * 3600000
       FROM n`,
    ).run();
    db.prepare(
      `INSERT INTO gradings (submission_id, model_id, criteria_json, score, max_score, flags_json, value_json, created_at)
       SELECT id, CASE id % 4 WHEN 0 THEN 'smart' ELSE 'fast' END, '[]', id % 17, 16,
         CASE id % 25 WHEN 0 THEN '["low_confidence"]' ELSE '[]' END, '{"criteria":[]}', created_at FROM submissions`,
    ).run();
    db.prepare(
      `INSERT INTO submission_reviews (submission_id, status, final_score, max_score, feedback, version, reviewed_by, updated_at, accepted_at)
       SELECT id, 'accepted', id % 17, 16, '', 1, 'teacher', created_at, created_at FROM submissions WHERE id % 10 = 0`,
    ).run();
  }).immediate();
}

export interface HistoryCase {
  name: string;
  rows: number;
  coldMs: number;
  latency: LatencySummary;
}

export interface HistoryResult {
  bench: 'history';
  machine: MachineInfo;
  submissions: number;
  batches: number;
  generateSeconds: number;
  databaseMb: number;
  cases: HistoryCase[];
}

async function measure(name: string, run: () => Promise<{ rows: unknown[] }>): Promise<HistoryCase> {
  let start = performance.now();
  const first = await run();
  const coldMs = performance.now() - start;
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  log(`  ${name}: ${first.rows.length} rows, p50 ${samples.sort((a, b) => a - b)[REPEATS / 2]?.toFixed(1)} ms`);
  return { name, rows: first.rows.length, coldMs, latency: summarize(samples) };
}

export async function runHistoryBench(): Promise<HistoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bench-history-'));
  const file = join(dir, 'history.db');
  const db = openDatabase(file);
  try {
    log(`bench history: generating ${SUBMISSIONS} submissions…`);
    const started = performance.now();
    generate(db);
    const generateSeconds = (performance.now() - started) / 1000;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const { handlers } = createHistoryHandlers({ db, models: () => ['fast', 'smart'], resumeBatch: () => Promise.reject(new Error('not in this bench')) });
    const none = { from: null, to: null, rubricId: null, modelId: null, offset: 0, limit: 50 };
    const work = (text: string) => () => Promise.resolve(handlers.listHistorySubmissions({ ...none, text, scope: 'all', batchId: null, status: null, review: 'all' }));
    const cases = [
      await measure('first page of batches', () => Promise.resolve(handlers.listHistoryBatches({ ...none, status: null }))),
      await measure('first page of student work', work('')),
      await measure('first page, model filter + flagged', () => Promise.resolve(handlers.listHistorySubmissions({ ...none, modelId: 'smart', text: '', scope: 'all', batchId: null, status: null, review: 'flagged' }))),
      await measure('search Latin name "Okafor"', work('Okafor')),
      await measure('search Latin text "photosynthesis"', work('photosynthesis')),
      await measure('search Chinese name "张伟明"', work('张伟明')),
      await measure('search 2-character Chinese name "王芳"', work('王芳')),
      await measure('search Chinese text "光合作用"', work('光合作用')),
    ];
    return { bench: 'history', machine: machineInfo(), submissions: SUBMISSIONS, batches: SUBMISSIONS / PER_BATCH, generateSeconds, databaseMb: statSync(file).size / 1024 ** 2, cases };
  } finally {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function historyTable(result: HistoryResult): string {
  const rows = result.cases.map((c) => [c.name, String(c.rows), fmt(c.coldMs, 1), fmt(c.latency.p50Ms, 1), fmt(c.latency.p95Ms, 1)]);
  return `History at ${result.submissions.toLocaleString('en')} submissions (${result.databaseMb.toFixed(0)} MB, generated in ${result.generateSeconds.toFixed(1)} s)\n\n${markdownTable(['query (first page of 50)', 'rows', 'cold ms', 'p50 ms', 'p95 ms'], rows)}`;
}
