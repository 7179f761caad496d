import { routeNames, type Handlers } from '../../shared/ipc/contract.ts';

/**
 * A stub for every route of the contract: the common ones answer a valid empty value, every
 * other one throws, so a test that reaches a route it did not override fails loudly. Tests that
 * care about the bridge or the router override the few routes they exercise.
 */
const emptyWindow = {
  windowMs: 900_000,
  calls: 0,
  okCalls: 0,
  failedCalls: 0,
  cancelledCalls: 0,
  successRate: null,
  errorRate: null,
  errorsByClass: {},
  latencyMs: null,
  ttftMs: null,
  tokens: { prompt: 0, completion: 0, cached: 0 },
  costUsd: 0,
  unpricedCalls: 0,
};

function unstubbed(): Handlers {
  const entries = routeNames.map((route) => [
    route,
    () => {
      throw new Error(`route ${route} is not stubbed in this test`);
    },
  ]);
  return Object.fromEntries(entries) as unknown as Handlers;
}

export function makeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    ...unstubbed(),
    getAppInfo: () => ({ version: '1', mode: 'browser', demo: false, configPath: null, configError: null }),
    listModels: () => [],
    checkModel: ({ modelId }) => ({
      modelId,
      checkedAt: new Date(0).toISOString(),
      ok: true,
      latencyMs: 1,
      httpStatus: 200,
      errorClass: null,
      error: null,
    }),
    getOverview: () => ({
      at: new Date(0).toISOString(),
      window: emptyWindow,
      costLastHour: { calls: 0, costUsd: 0, unpricedCalls: 0 },
      costToday: { calls: 0, costUsd: 0, unpricedCalls: 0 },
      models: [],
      openAlerts: 0,
    }),
    getModelMetrics: () => [],
    getRateLimits: () => [],
    getCostAnalysis: () => ({
      from: null,
      to: null,
      total: { calls: 0, costUsd: 0, unpricedCalls: 0 },
      byModel: [],
      byDay: [],
      byBatch: [],
      bySubmission: [],
      qualityPerCost: [],
      suggestions: [],
    }),
    listAlerts: () => [],
    listAttempts: () => [],
    getRetryStats: () => ({
      requests: 0,
      succeeded: 0,
      failed: 0,
      attempts: 0,
      attemptsPerSuccess: null,
      successAfterRetryRate: null,
      succeededAfterRetry: 0,
      wastedCostUsd: 0,
      wastedUnpricedAttempts: 0,
      byErrorClass: [],
      byModel: [],
    }),
    gradeDemoClass: () => ({ batch_id: 'b_test', status: 'completed', submissions: [], total_cost_usd: 0, estimated_calls: 0, unpriced_calls: 0, api_calls: 0, possible_duplicate_paid_calls: 0 }),
    ...overrides,
  };
}

