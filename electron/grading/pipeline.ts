import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseGradingSection, type GradingConfig } from '../../shared/config.ts';
import { AppError, fail, ok, type Result } from '../../shared/errors.ts';
import type { ChatRequest } from '../api/client/types.ts';
import {
  enqueueJob,
  insertBatch,
  insertSubmission,
  insertSubmissionPage,
  queryOne,
  setSubmissionStatus,
  sql,
  upsertRubric,
  type SubmissionRow,
  type WritableDB,
} from '../store/index.ts';
import type { GradingKit } from './batch/run-batch.ts';
import type { CombineGradings, CriterionReport } from './batch/report.ts';
import { collectFiles, extractDocument, type ExtractedDocument, type PageImage } from './documents/index.ts';
import type { SubmissionToEstimate } from './estimate/index.ts';
import { BatchImageRedaction, privacyForSubmission, pseudonymizesNames, type RosterEntry } from './privacy/index.ts';
import { buildGradingRequest, scanForInjection } from './prompt/index.ts';
import { GradingSettingsSchema, type GradingSettings, type GradingSettingsInput } from './prompt/settings.ts';
import { maxScore, rubricVersion, type Rubric } from './rubric/index.ts';
import { consensus, scoreAnswer, type ScoredAnswer } from './scoring/index.ts';

/** What a batch was started with; stored with it so `resume` grades the same way. */
export interface BatchPlan {
  rubric: Rubric;
  roster: RosterEntry[] | null;
  /** Models the router may use (`--model`); empty = every configured model. */
  pool: string[];
  compare: boolean;
  /**
   * Given: settings chosen for this batch, over the config's `grading` section. Stored (by
   * prepareBatch): the resolved settings in full, so `resume` grades with the same system prompt.
   */
  settings: GradingSettingsInput;
  /** Keys the pseudonyms: stable for the batch, so a resumed prompt matches its earlier one. */
  pseudonymSecret: string;
  /** The config the batch ran with (models, routing, retry; never keys). */
  config: unknown;
}

export interface PreparedSubmission {
  file: string;
  status: 'extracted' | 'failed' | 'duplicate';
  doc?: ExtractedDocument;
  error?: { code: string; message: string };
}

export interface PrepareResult {
  batchId: string;
  submissions: number;
  jobs: number;
  missing: string[];
  /** The plan as stored with the batch (settings resolved): what `run` must grade with. */
  plan: BatchPlan;
  /**
   * What will be sent, per submission that gets jobs (not failed, not a duplicate): its text and
   * the sizes of its page images (scanned pages rendered, photos), for the cost estimate.
   */
  toSend: SubmissionToEstimate[];
  /** Submissions recorded `pending` while OCR paints the names in their images over. */
  images: ImagesInRedaction;
}

/**
 * A submission with images, recorded `pending` (no pages, no jobs) so that the rest of the batch
 * can be graded while local OCR reads its images; it joins the queue when they are redacted.
 */
export interface RedactingSubmission {
  submissionId: number;
  hash: string;
  doc: ExtractedDocument;
  /** The image flags once `doc.images` holds the redacted images; rejects (ABORTED) if stopped first. */
  redacted: Promise<string[]>;
}

export interface ImagesInRedaction {
  submissions: RedactingSubmission[];
  /** Reads no further image and ends the OCR workers: what is not done stays `pending`. */
  stop(): Promise<void>;
}

/** The model of each job of a submission: every model of the pool to compare, else the router's pick. */
export const jobModels = (plan: Pick<BatchPlan, 'compare' | 'pool'>): string[] => (plan.compare ? [...plan.pool] : ['auto']);

/** The config's `grading` section (snake_case, as in the file) in the prompt's terms. */
export function settingsFromConfig(grading: GradingConfig | undefined): GradingSettingsInput {
  const settings: GradingSettingsInput = {};
  if (grading?.strictness !== undefined) settings.strictness = grading.strictness;
  if (grading?.feedback_language !== undefined) settings.language = grading.feedback_language;
  if (grading?.tone !== undefined) settings.tone = grading.tone;
  if (grading?.grade_level !== undefined) settings.gradeLevel = grading.grade_level;
  return settings;
}

/**
 * The settings a batch is graded with: the config's `grading` section, overridden by those the
 * caller chose for this batch, with every default filled in. Stored in full rather than as
 * given, so a resumed batch keeps its prompt even if a later version changes a default.
 */
export function resolveSettings(plan: Pick<BatchPlan, 'config' | 'settings'>): Result<GradingSettings> {
  const section = parseGradingSection(plan.config);
  if (!section.ok) return section;
  const parsed = GradingSettingsSchema.safeParse({ ...settingsFromConfig(section.data), ...plan.settings });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('INVALID_INPUT', `Grading setting "${issue?.path.join('.') ?? '?'}" is not valid: ${issue?.message ?? 'invalid'}.`);
  }
  return ok(parsed.data);
}

/**
 * The plan stored with a batch (`batches.config_json`). Plans stored before settings were
 * resolved may lack them; those batches were graded with the defaults, which `{}` gives again.
 */
export function parseStoredPlan(configJson: string): Result<BatchPlan> {
  let stored: unknown;
  try {
    stored = (JSON.parse(configJson) as { plan?: unknown }).plan;
  } catch {
    return fail('DATABASE_CORRUPT', 'The stored batch settings are not valid JSON.');
  }
  if (typeof stored !== 'object' || stored === null || !('rubric' in stored)) return fail('DATABASE_CORRUPT', 'The batch has no stored plan.');
  const plan = stored as Omit<BatchPlan, 'settings'> & { settings?: GradingSettingsInput | null };
  return ok({ ...plan, settings: plan.settings ?? {} });
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads every file (outside any transaction), then records the batch, its submissions and one
 * job per submission × model in one transaction. Identical files are graded once: the later
 * ones are `duplicate` of the first. Idempotency keys are batch × content × model × rubric
 * version, so enqueueing twice adds nothing. A submission whose images OCR is still reading is
 * recorded `pending`, without pages or jobs: `images` hands it to the run, which queues it when
 * its names are painted over ({@link releaseRedactedSubmission}).
 */
export async function prepareBatch(
  db: WritableDB,
  opts: { paths: string[]; plan: BatchPlan; budgetUsd: number | null; estimateUsd: number | null; source: 'cli' | 'app'; now?: () => number; signal?: AbortSignal },
): Promise<PrepareResult> {
  const now = opts.now ?? Date.now;
  // Settings first: a wrong one is a config error, reported before any file is read.
  const settings = resolveSettings(opts.plan);
  if (!settings.ok) throw new AppError(settings.error.code, settings.error.message);
  const plan: BatchPlan = { ...opts.plan, settings: settings.data };
  const { files, missing } = await collectFiles(opts.paths);
  if (missing.length > 0) throw new AppError('FILE_NOT_FOUND', `Not found: ${missing.join(', ')}`);
  if (files.length === 0) throw new AppError('FILE_NOT_FOUND', 'No files to grade were found in the paths given.');

  // Names in page images are painted over (local OCR) before the images are stored or sent. A
  // document's images are read as soon as it is extracted, while the next files are, and the
  // batch is recorded without waiting for them: such submissions wait as `pending`.
  const redaction = pseudonymizesNames(plan.config)
    ? new BatchImageRedaction({ roster: plan.roster, secret: plan.pseudonymSecret, ...(opts.signal ? { signal: opts.signal } : {}) })
    : null;
  const extracted: Array<{ file: string; absolutePath: string; hash: string; result: Awaited<ReturnType<typeof extractDocument>>; redacted: Promise<string[]> | null }> = [];
  try {
    for (const file of files) {
      if (opts.signal?.aborted) throw new AppError('ABORTED', 'Stopped before the batch was created.');
      const result = await extractDocument({ path: file.absolutePath }, opts.signal ? { signal: opts.signal } : {});
      const hash = result.ok ? result.data.sha256 : sha256(await readFile(file.absolutePath).catch(() => Buffer.from(file.file)));
      const redacted = redaction?.add({ file: file.file, hash, doc: result.ok ? result.data : null }) ?? null;
      extracted.push({ file: file.file, absolutePath: file.absolutePath, hash, result, redacted });
    }
  } catch (error) {
    // The OCR workers end with the batch that failed or was stopped.
    await redaction?.stop();
    throw error;
  }
  redaction?.seal();
  const images: ImagesInRedaction = { submissions: [], stop: () => redaction?.stop() ?? Promise.resolve() };
  if (opts.signal?.aborted) {
    await images.stop();
    throw new AppError('ABORTED', 'Stopped before the batch was created.');
  }

  const batchId = `b_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const version = rubricVersion(plan.rubric);
  const models = jobModels(plan);
  let jobs = 0;
  const toSend: SubmissionToEstimate[] = [];
  // A failure to record ends the OCR workers too; nothing of the batch was stored.
  try {
    db.transaction(() => {
      const at = now();
      const rubricId = upsertRubric(db, {
        id: `r_${version.slice(7, 23)}`,
        title: plan.rubric.title,
        json: JSON.stringify(plan.rubric),
        hash: version,
        maxPoints: maxScore(plan.rubric),
        now: at,
      });
      insertBatch(db, {
        id: batchId,
        rubricId,
        configJson: JSON.stringify({ plan }),
        budgetUsd: opts.budgetUsd,
        estimateUsd: opts.estimateUsd,
        source: opts.source,
        now: at,
      });
      const firstByHash = new Map<string, number>();
      for (const { file, absolutePath, hash, result, redacted } of extracted) {
        const student = privacyForSubmission({ fileName: basename(file), text: result.ok ? result.data.text : '', roster: plan.roster, secret: plan.pseudonymSecret }).student;
        const base = { batchId, file, student: student.student, studentId: student.entry?.studentId ?? null, fileHash: hash, now: at };
        if (!result.ok) {
          insertSubmission(db, { ...base, kind: 'unknown', text: null, pageCount: null, status: 'failed', duplicateOf: null, flags: [], errorCode: result.error.code, errorMessage: result.error.message });
          continue;
        }
        const doc = result.data;
        const duplicateOf = firstByHash.get(hash) ?? null;
        const scan = scanForInjection({ text: doc.text, hiddenText: doc.hiddenText.join('\n') });
        const flags = [...doc.flags, ...(scan.suspicious ? ['possible_prompt_injection'] : [])];
        // Only the first of identical files is redacted (and graded): a copy is never `pending`.
        const waiting = duplicateOf === null && redacted !== null;
        const id = insertSubmission(db, {
          ...base,
          kind: doc.kind,
          text: doc.text,
          pageCount: doc.pages.length,
          status: duplicateOf !== null ? 'duplicate' : waiting ? 'pending' : 'extracted',
          duplicateOf,
          flags,
          errorCode: null,
          errorMessage: null,
          sourcePath: waiting ? absolutePath : null,
        });
        if (duplicateOf !== null) continue;
        firstByHash.set(hash, id);
        // Redaction paints pixels over; it changes neither the number nor the size of the images.
        toSend.push({ text: doc.text, imageCount: doc.images.length, imageSizes: doc.images.map((image) => ({ width: image.width, height: image.height })) });
        jobs += models.length;
        if (waiting) {
          images.submissions.push({ submissionId: id, hash, doc, redacted });
          continue;
        }
        storeSubmissionPages(db, id, doc.images);
        enqueueJobs(db, { batchId, submissionId: id, hash, models, version, now: at });
      }
    }).immediate();
  } catch (error) {
    await images.stop();
    throw error;
  }
  return { batchId, submissions: extracted.length, jobs, missing, plan, toSend, images };
}

function storeSubmissionPages(db: WritableDB, submissionId: number, images: readonly PageImage[]): void {
  images.forEach((image, i) => insertSubmissionPage(db, { submissionId, page: i + 1, mime: image.mime, width: image.width, height: image.height, data: image.data }));
}

/** One job per model; the idempotency key (batch × content × model × rubric version) makes it once. */
function enqueueJobs(db: WritableDB, j: { batchId: string; submissionId: number; hash: string; models: readonly string[]; version: string; now: number }): void {
  for (const model of j.models) {
    enqueueJob(db, { batchId: j.batchId, submissionId: j.submissionId, modelId: model, idempotencyKey: `${j.batchId}:${j.hash}:${model}:${j.version}`, now: j.now });
  }
}

/**
 * A `pending` submission's images are redacted: its pages, its image flags and its jobs are
 * stored in one transaction, and it joins the queue. False when it was not pending any more
 * (another run released it), so nothing is stored twice.
 */
export function releaseRedactedSubmission(
  db: WritableDB,
  r: { batchId: string; submissionId: number; hash: string; images: readonly PageImage[]; imageFlags: readonly string[]; plan: Pick<BatchPlan, 'compare' | 'pool' | 'rubric'>; now: number },
): boolean {
  return db
    .transaction(() => {
      const row = queryOne<{ status: string; flags_json: string }>(db, sql`SELECT status, flags_json FROM submissions WHERE id = ${r.submissionId}`);
      if (!row || row.status !== 'pending') return false;
      const flags = [...new Set([...(JSON.parse(row.flags_json) as string[]), ...r.imageFlags])];
      storeSubmissionPages(db, r.submissionId, r.images);
      setSubmissionStatus(db, r.submissionId, 'extracted', r.now, { flags });
      enqueueJobs(db, { batchId: r.batchId, submissionId: r.submissionId, hash: r.hash, models: jobModels(r.plan), version: rubricVersion(r.plan.rubric), now: r.now });
      return true;
    })
    .immediate();
}

/** A fresh secret for a new batch's pseudonyms. */
export const newPseudonymSecret = (): string => randomBytes(16).toString('hex');

/**
 * The grading logic the batch runner calls: names become pseudonyms before the prompt is built,
 * the answer is scored against the text the model saw, and real names come back only in what
 * the teacher reads.
 */
export function gradingKit(plan: BatchPlan): GradingKit {
  const seen = new Map<number, { text: string; restore: (s: string) => string }>();
  // `privacy.pseudonymize_names: false` is the teacher's explicit choice to send names as written.
  const pseudonymize = pseudonymizesNames(plan.config);
  const privacyOf = (submission: SubmissionRow) => {
    let entry = seen.get(submission.id);
    if (!entry && !pseudonymize) {
      entry = { text: submission.text ?? '', restore: (s) => s };
      seen.set(submission.id, entry);
    }
    if (!entry) {
      const privacy = privacyForSubmission({ fileName: basename(submission.file), text: submission.text ?? '', roster: plan.roster, secret: plan.pseudonymSecret });
      entry = { text: privacy.pseudonymizer.pseudonymize(submission.text ?? ''), restore: (s) => privacy.pseudonymizer.restore(s) };
      seen.set(submission.id, entry);
    }
    return entry;
  };
  return {
    buildRequest(submission, images): ChatRequest {
      const { text } = privacyOf(submission);
      return buildGradingRequest({ rubric: plan.rubric, submissionText: text, images: images.map((i) => ({ mime: i.mime, data: i.data })), settings: plan.settings }).request;
    },
    score(submission, value) {
      const { text, restore } = privacyOf(submission);
      const scored = scoreAnswer(plan.rubric, value as Parameters<typeof scoreAnswer>[1], text);
      if (!scored.ok) throw new AppError(scored.error.code, scored.error.message);
      const s = scored.data;
      const criteria = s.criteria.map((c) => ({ ...c, evidence: restore(c.evidence), feedback: restore(c.feedback) }));
      const restored: ScoredAnswer = { ...s, criteria, overallFeedback: restore(s.overallFeedback) };
      return { score: s.score, maxScore: s.maxScore, criteria, flags: [...s.flags], value: restored };
    },
  };
}

/** One model: its own result; several (compare mode): the consensus of DESIGN §6. */
export function combineWith(rubric: Rubric): CombineGradings {
  return (gradings) => {
    const first = gradings[0];
    const toReport = (c: { id: string; points: number; max_points: number; evidence: string; feedback: string }): CriterionReport => ({
      id: c.id,
      points: c.points,
      max_points: c.max_points,
      evidence: c.evidence,
      feedback: c.feedback,
    });
    if (gradings.length === 1 && first) {
      const value = first.value as ScoredAnswer;
      return { score: first.score, maxScore: first.maxScore, criteria: value.criteria.map(toReport), flags: first.flags };
    }
    const agreed = consensus(rubric, gradings.map((g) => ({ model: g.modelId, scored: g.value as ScoredAnswer })));
    if (!agreed.ok) throw new AppError(agreed.error.code, agreed.error.message);
    return { score: agreed.data.score, maxScore: agreed.data.maxScore, criteria: agreed.data.criteria.map(toReport), flags: [...agreed.data.flags] };
  };
}
