/**
 * The core's IPC handlers: the configured models with their keys and last checks, a model
 * check, and what the pacer enforces. They take narrow dependencies, not the whole app.
 */
import type { Dispatcher } from 'undici';
import type { Config, ModelConfig } from '../../shared/config.ts';
import { AppError } from '../../shared/errors.ts';
import type { Handlers } from '../../shared/ipc/contract.ts';
import type { ModelCheck, ModelView } from '../../shared/ipc/models.ts';
import { timeOrderedId } from '../common/time-ordered-id.ts';
import { attemptRecord } from './attempt-record.ts';
import { costFromUsage } from './client/pricing.ts';
import type { PacerScopeReport } from './pacing/rate-pacer.ts';
import type { AttemptRecord, KeyLookup } from './ports.ts';
import type { ModelResolution } from './routing/catalog-resolution.ts';
import { checkModel } from './routing/check-model.ts';
import { modelEntry, type ModelEntry } from './routing/model-registry.ts';

/** What a recorded check says: an audit-trail row, or the record just made. */
interface StoredCheck {
  modelId: string;
  startedAt: number;
  status: 'ok' | 'error';
  latencyMs: number | null;
  httpStatus: number | null;
  errorClass: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

interface ApiHandlerDeps {
  /** The configuration in force; null when none could be loaded. */
  config: () => Config | null;
  keys: KeyLookup;
  /** What the pacer learned and enforces, per scope (the call manager's `pacer.report`). */
  rateLimits: (now: number) => readonly PacerScopeReport[];
  /** Records a check through the monitor and writes it at once, so a reload right after shows it. */
  recordCheck: (record: AttemptRecord) => void;
  /** The newest recorded check of each model. */
  latestChecks: () => readonly StoredCheck[];
  /** A check finished (the `modelChecked` event). */
  onChecked: (check: ModelCheck) => void;
  /** What the providers' model lists said about the configured models, this session. */
  catalog?: () => readonly ModelResolution[];
  dispatcher?: Dispatcher;
}

type ApiHandlers = Pick<Handlers, 'listModels' | 'checkModel' | 'getRateLimits'>;

function checkView(check: StoredCheck): ModelCheck {
  return {
    modelId: check.modelId,
    checkedAt: new Date(check.startedAt).toISOString(),
    ok: check.status === 'ok',
    latencyMs: check.latencyMs,
    httpStatus: check.httpStatus,
    errorClass: check.errorClass,
    error: check.status === 'ok' || check.errorCode === null ? null : { code: check.errorCode, message: check.errorMessage ?? '' },
  };
}

function modelView(entry: ModelEntry, keyStatus: ModelView['keyStatus'], lastCheck: ModelCheck | null, resolution?: ModelResolution): ModelView {
  const catalog = resolution ? { catalog: { status: resolution.status, requested: resolution.requested, catalogId: resolution.catalogId, filled: [...resolution.filled], message: resolution.message } } : {};
  return {
    id: entry.id,
    name: entry.name,
    provider: entry.config.provider ?? '',
    endpoint: entry.endpoint,
    slug: entry.slug,
    api: entry.dialect,
    inputCostPerToken: entry.prices.input,
    outputCostPerToken: entry.prices.output,
    contextWindow: entry.contextWindow,
    maxTokens: entry.maxTokens,
    vision: entry.vision,
    structuredOutput: entry.structuredOutput,
    supportedTasks: [...entry.tasks],
    keyStatus,
    lastCheck,
    ...catalog,
  };
}

export function createApiHandlers(deps: ApiHandlerDeps): ApiHandlers {
  const models = (): Array<[string, ModelConfig]> => Object.entries(deps.config()?.models ?? {});
  const entryById = (id: string): ModelEntry => {
    const all = deps.config()?.models ?? {};
    const model = all[id];
    if (!model || !Object.hasOwn(all, id)) throw new AppError('MODEL_NOT_FOUND', `There is no model "${id}" in the config.`);
    return modelEntry(id, model);
  };
  const keyStatus = async (entry: ModelEntry): Promise<ModelView['keyStatus']> => {
    if (entry.simulated) return 'simulated';
    if (!entry.keyEnv) return 'not_needed';
    return (await deps.keys(entry.keyEnv)) ? 'set' : 'missing';
  };

  return {
    getRateLimits: () =>
      deps.rateLimits(Date.now()).map((scope) => ({
        ...scope,
        blockedUntil: scope.blockedUntil === null ? null : new Date(scope.blockedUntil).toISOString(),
      })),

    listModels: async () => {
      const checks = new Map(deps.latestChecks().map((row) => [row.modelId, checkView(row)]));
      const resolutions = new Map((deps.catalog?.() ?? []).map((r) => [r.modelId, r]));
      return Promise.all(
        models().map(async ([id, model]) => {
          const entry = modelEntry(id, model);
          return modelView(entry, await keyStatus(entry), checks.get(id) ?? null, resolutions.get(id));
        }),
      );
    },

    checkModel: async ({ modelId }) => {
      const entry = entryById(modelId);
      const apiKey = entry.keyEnv ? await deps.keys(entry.keyEnv) : null;
      if (entry.keyEnv && apiKey === null) {
        throw new AppError('MISSING_API_KEY', `No API key for "${entry.name}": set ${entry.keyEnv} or add the key in Settings.`);
      }
      const startedAt = Date.now();
      const outcome = await checkModel({ endpoint: entry.endpoint, slug: entry.slug, apiKey }, { dispatcher: deps.dispatcher });
      const record = attemptRecord(
        { requestId: timeOrderedId(), purpose: 'check', batchId: null, jobId: null, modelId, endpoint: entry.endpoint, startedAt, attempt: 1, waitedMs: 0, simulated: entry.simulated },
        outcome.attempt,
        // The teacher's message, not the provider's text: it is what the Models screen shows.
        { errorClass: outcome.errorClass, errorMessage: outcome.message, decision: outcome.ok ? 'done' : 'fail', cost: costFromUsage(outcome.attempt.usage, entry.prices) },
      );
      // Through the monitor, so checks show in the live metrics too.
      deps.recordCheck(record);
      const check = checkView(record);
      deps.onChecked(check);
      return check;
    },
  };
}
