/**
 * A grown database for the costs bench, written directly with SQL: 500 batches of 200
 * submissions (100,000), two grading jobs each, and five attempts per job (1,000,000) spread
 * over 180 days, a tenth of them simulated, some failing, some of unknown cost.
 */
import type { WritableDB } from '../electron/store/db-types.ts';

const DAY_MS = 86_400_000;

export interface GrownShape {
  submissions: number;
  attempts: number;
  days: number;
}

export function growDatabase(db: WritableDB, now: number, shape: GrownShape): void {
  const { submissions, attempts, days } = shape;
  const jobs = submissions * 2;
  const perJob = Math.max(1, Math.floor(attempts / jobs));
  const start = now - days * DAY_MS;
  const span = days * DAY_MS;
  db.pragma('foreign_keys = OFF');
  db.transaction(() => {
    db.exec(`INSERT INTO rubrics (id, title, rubric_json, content_hash, max_points, created_at) VALUES ('r1', 'Essay', '{}', 'h', 10, ${start})`);
    db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.ceil(submissions / 200) - 1})
      INSERT INTO batches (id, created_at, updated_at, status, rubric_id, config_json)
      SELECT 'b' || i, ${start} + i * ${Math.floor(span / Math.ceil(submissions / 200))}, ${start}, 'completed', 'r1', '{}' FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${submissions})
      INSERT INTO submissions (id, batch_id, file, file_hash, kind, status, created_at, updated_at)
      SELECT i, 'b' || ((i - 1) / 200), 'student-' || i || '.pdf', 'x', 'pdf', 'graded', ${start}, ${start} FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${jobs})
      INSERT INTO jobs (id, batch_id, submission_id, model_id, status, idempotency_key, created_at, updated_at)
      SELECT i, 'b' || (((i + 1) / 2 - 1) / 200), (i + 1) / 2, CASE i % 2 WHEN 0 THEN 'model-a' ELSE 'model-b' END,
             'done', 'k' || i, ${start}, ${start} FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${jobs * perJob}),
      r AS (SELECT i, abs(random()) % 1000 AS x, (i - 1) / ${perJob} + 1 AS job FROM n)
      INSERT INTO api_calls (id, request_id, purpose, batch_id, job_id, model_id, endpoint, started_at, attempt, status,
                             error_class, error_code, waited_ms, latency_ms, prompt_tokens, completion_tokens,
                             cost_usd, cost_source, simulated)
      SELECT 'c' || i, 'q' || job, 'grading', 'b' || (((job + 1) / 2 - 1) / 200), job,
             CASE job % 2 WHEN 0 THEN 'model-a' ELSE CASE WHEN x < 50 THEN 'model-c' ELSE 'model-b' END END,
             'https://example.invalid/v1', ${start} + i * ${span / (jobs * perJob)}, (i - 1) % ${perJob} + 1,
             CASE WHEN x < 850 THEN 'ok' ELSE 'error' END,
             CASE WHEN x < 850 THEN NULL WHEN x < 920 THEN 'rate_limit' WHEN x < 970 THEN 'server' ELSE 'timeout' END,
             CASE WHEN x < 850 THEN NULL ELSE 'E' || (x % 3) END,
             CASE WHEN (i - 1) % ${perJob} > 0 THEN x * 7 END,
             200 + x * 30, 1000 + x, 300 + x % 200,
             CASE WHEN x % 50 = 0 THEN NULL ELSE x / 1e6 END,
             CASE WHEN x % 50 = 0 THEN 'unpriced' ELSE 'provider' END,
             x % 10 = 0
      FROM r;
    `);
  })();
  db.pragma('foreign_keys = ON');
}
