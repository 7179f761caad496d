/**
 * The GradeDesk core as a contestant of bench 2: configured the way a teacher would write the
 * config (each model with its rpm and max_concurrency, an overall concurrency, a strategy,
 * tight timeouts), composed with the real monitor on a real SQLite file, and handed the whole
 * batch at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { CallManager, type CallManagerSettings } from '../electron/api/index.ts';
import { modelEntry } from '../electron/api/routing/model-registry.ts';
import type { AttemptSink } from '../electron/api/ports.ts';
import type { ChatRequest, StructuredOutput } from '../electron/api/client/types.ts';
import { createMonitor, type Monitor } from '../electron/monitor/index.ts';
import { closeDatabase, openDatabase, queryAll, sql } from '../electron/store/index.ts';
import { GRADE_JSON_SCHEMA, GradeAnswer, MAX_TOKENS, SYSTEM_PROMPT, type ContestantContext, type ContestantRun, type RequestResult } from './scenario.ts';
import type { ClientAttempt } from './retry-after-audit.ts';
import { log } from './stats.ts';

export interface CoreConfig {
  strategy: CallManagerSettings['strategy'];
  /** Overall calls in flight (the CLI's --concurrency). */
  concurrency: number;
  /** Per model: `max_concurrency`. */
  modelConcurrency: number;
  rpm: number;
  timeouts: CallManagerSettings['timeouts'];
}

export const TEACHER_CONFIG: Omit<CoreConfig, 'strategy'> = {
  concurrency: 24,
  modelConcurrency: 8,
  rpm: 120,
  timeouts: { connectMs: 2000, firstByteMs: 3000, idleMs: 5000, totalMs: 60_000 },
};

const gradeOutput: StructuredOutput = {
  name: 'grade',
  schema: GRADE_JSON_SCHEMA,
  validate: (value) => {
    const r = GradeAnswer.safeParse(value);
    return r.success ? { ok: true, value: r.data } : { ok: false, message: r.error.issues[0]?.message ?? 'invalid' };
  },
};

const gradingRequest = (text: string): ChatRequest => ({
  system: SYSTEM_PROMPT,
  parts: [{ type: 'text', text }],
  schema: gradeOutput,
  maxTokens: MAX_TOKENS,
});

/**
 * The call manager as the app builds it, on the monitor's sink, budget and breakers. Every audit
 * row also goes to `attemptLog`, for the client-side Retry-After check.
 */
function coreManager(ctx: ContestantContext, config: CoreConfig, monitor: Monitor, agent: Agent, attemptLog: ClientAttempt[]): CallManager {
  const endpoint = `${ctx.baseUrl}/chat/completions`;
  const entries = ctx.models.map((m) =>
    modelEntry(m.id, {
      endpoint,
      model: m.slug,
      api_key_env: m.keyEnv,
      structured_output: true,
      context_window: 128_000,
      input_cost_per_token: m.inputCostPerToken,
      output_cost_per_token: m.outputCostPerToken,
      rpm: config.rpm,
      max_concurrency: config.modelConcurrency,
    }),
  );
  const keys = new Map(ctx.models.map((m) => [m.keyEnv, m.key]));
  const slugOf = new Map(ctx.models.map((m) => [m.id, m.slug]));
  const sink: AttemptSink = {
    record: (row) => {
      attemptLog.push({ slug: slugOf.get(row.modelId) ?? row.modelId, startedAt: row.startedAt, knownAt: row.startedAt + (row.latencyMs ?? 0), httpStatus: row.httpStatus });
      monitor.recorder.record(row);
    },
  };
  return new CallManager({
    models: entries,
    keys: async (name) => keys.get(name) ?? null,
    sink,
    budget: monitor.budget,
    breakers: monitor.breakers,
    dispatcher: agent,
    settings: {
      strategy: config.strategy,
      maxConcurrency: config.concurrency,
      timeouts: config.timeouts,
      stream: true,
    },
  });
}

export async function runCore(ctx: ContestantContext, config: CoreConfig): Promise<ContestantRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gradedesk-bench-batch-'));
  const db = openDatabase(path.join(dir, 'batch.sqlite'));
  const monitorErrors: string[] = [];
  const monitor = createMonitor({
    db,
    config: null,
    idleTickMs: 0,
    onError: (error, source) => {
      if (monitorErrors.length < 20) monitorErrors.push(`${source}: ${String(error)}`);
    },
  });
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  try {
    const attemptLog: ClientAttempt[] = [];
    const manager = coreManager(ctx, config, monitor, agent, attemptLog);
    monitor.setBreakerLookup((id) => manager.breakerState(id));

    let attempts = 0;
    const results = await Promise.all(
      ctx.texts.map(async (text): Promise<RequestResult> => {
        try {
          const outcome = await manager.execute(gradingRequest(text), { purpose: 'grading', batchId: 'bench-batch', signal: ctx.signal });
          attempts += outcome.attempts;
          return { ok: outcome.ok, code: outcome.ok ? null : outcome.error.code, finishedAt: performance.now() };
        } catch (error) {
          return { ok: false, code: `THROWN: ${String(error)}`, finishedAt: performance.now() };
        }
      }),
    );
    monitor.flush();
    const decisions = new Map<string, number>();
    for (const row of queryAll<{ decision: string | null; n: number }>(db, sql`SELECT decision, count(*) AS n FROM api_calls GROUP BY decision`)) {
      const name = (row.decision ?? 'null').replace(/:\d+ms$/, '');
      decisions.set(name, (decisions.get(name) ?? 0) + row.n);
    }
    const notes = [
      `strategy ${config.strategy}, concurrency ${config.concurrency}, per model max_concurrency ${config.modelConcurrency} and rpm ${config.rpm}, ` +
        `timeouts firstByte ${config.timeouts.firstByteMs} ms / idle ${config.timeouts.idleMs} ms / total ${config.timeouts.totalMs} ms; ` +
        'sink, budget and breaker persistence from createMonitor on a SQLite file',
      `audit rows by decision: ${[...decisions.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name}×${n}`)
        .join(', ')}`,
    ];
    if (monitorErrors.length > 0) {
      notes.push(`monitor errors: ${monitorErrors.join(' | ')}`);
      log(`  monitor reported errors: ${monitorErrors[0]}`);
    }
    return { results, clientAttempts: attempts, notes, attemptLog };
  } finally {
    monitor.close();
    closeDatabase(db);
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
