import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMonitor, createMonitorHandlers, type Monitor } from '../../../electron/monitor/index.ts';
import { createRouter, type SenderInfo } from '../../../electron/ipc/router.ts';
import type { Handlers } from '../../../shared/ipc/contract.ts';
import { LIMITS } from '../../../shared/ipc/common.ts';
import { events, routes } from '../../../shared/ipc/contract.ts';
import { monitorEvents, monitorRoutes } from '../../../shared/ipc/monitor.ts';
import { attempt, failed, tempDb } from './helpers.ts';
import { makeHandlers } from '../../support/fake-handlers.ts';

const trusted: SenderInfo = { url: 'app://gradedesk/index.html', isMainFrame: true };
let t: ReturnType<typeof tempDb>;
let monitor: Monitor;

function router() {
  const handlers: Handlers = makeHandlers(createMonitorHandlers({ monitor, quality: () => new Map([['m1', 0.8]]) }));
  return createRouter(handlers, { isTrustedSender: (s) => s.isMainFrame });
}

beforeEach(() => {
  t = tempDb();
  monitor = createMonitor({
    db: t.db,
    config: { models: { m1: { endpoint: 'https://example.test/v1/chat/completions', name: 'Model One' } }, monitoring: { error_rate_threshold: 0.1 } },
    idleTickMs: 0,
  });
});
afterEach(() => {
  monitor.close();
  t.cleanup();
});

describe('monitor routes in the contract', () => {
  it('are spread into the one contract, with the alertRaised event', () => {
    for (const name of Object.keys(monitorRoutes)) expect(routes).toHaveProperty(name);
    expect(events).toHaveProperty('alertRaised', monitorEvents.alertRaised);
    expect(Object.keys(createMonitorHandlers({ monitor })).sort()).toEqual(Object.keys(monitorRoutes).sort());
  });

  it('reject oversize, extra and malformed input', () => {
    const bad: Array<[keyof typeof monitorRoutes, unknown]> = [
      ['getOverview', { extra: 1 }],
      ['getModelMetrics', { modelId: 'x'.repeat(LIMITS.id + 1) }],
      ['getModelMetrics', { modelId: '' }],
      ['getCostAnalysis', { from: 'yesterday' }],
      ['getCostAnalysis', { from: `2025-01-01T00:00:00.${'0'.repeat(40)}Z` }],
      ['getCostAnalysis', { to: '2025-02-30' }],
      ['getCostAnalysis', { from: '2025-01-01', extra: true }],
      ['listAlerts', { limit: 201 }],
      ['listAlerts', { limit: 0 }],
      ['listAlerts', { limit: 1.5 }],
      ['listAlerts', { before: -1 }],
      ['listAttempts', { limit: 10_000 }],
      ['listAttempts', { beforeId: 'x'.repeat(LIMITS.id + 1) }],
      ['listAttempts', { modelId: 42 }],
      ['getRetryStats', { from: 20250101 }],
    ];
    for (const [route, input] of bad) {
      expect(monitorRoutes[route].input.safeParse(input).success, `${route} ${JSON.stringify(input).slice(0, 60)}`).toBe(false);
    }
    expect(monitorRoutes.listAlerts.input.parse({})).toEqual({ limit: 50 });
    expect(monitorRoutes.getCostAnalysis.input.safeParse({ from: '2025-01-01', to: '2025-01-31T23:59:59+02:00' }).success).toBe(true);
  });

  it('answer through the router with values their output schemas accept', async () => {
    const now = Date.now();
    for (const row of [
      attempt({ modelId: 'm1', startedAt: now - 1000, batchId: 'b_1' }),
      failed('rate_limit', 'RATE_LIMITED', { modelId: 'm1', startedAt: now - 900 }),
      attempt({ modelId: 'm2', startedAt: now - 800, costUsd: null, costSource: 'unpriced' }),
    ]) {
      monitor.recorder.record(row);
    }
    for (let i = 0; i < 12; i++) monitor.recorder.record(failed('server_error', 'PROVIDER_ERROR', { modelId: 'm1' }));
    monitor.alerts.evaluate();
    const r = router();
    const inputs: Record<keyof typeof monitorRoutes, unknown> = {
      getOverview: {},
      getModelMetrics: {},
      getCostAnalysis: { from: '2000-01-01' },
      listAlerts: { limit: 10 },
      listAttempts: { limit: 2, modelId: 'm1' },
      getRetryStats: {},
    };
    for (const [route, input] of Object.entries(inputs) as Array<[keyof typeof monitorRoutes, unknown]>) {
      const result = await r.handle(route, input, trusted);
      expect(result.ok, route).toBe(true);
      if (!result.ok) continue;
      const parsed = monitorRoutes[route].output.safeParse(result.data);
      expect(parsed.success, `${route}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues[0])}`).toBe(true);
    }
    const overview = await r.handle('getOverview', {}, trusted);
    expect(overview).toMatchObject({ ok: true, data: { openAlerts: 1, models: [{ modelId: 'm1', name: 'Model One' }, { modelId: 'm2' }] } });
    const alerts = await r.handle('listAlerts', {}, trusted);
    expect(alerts).toMatchObject({ ok: true, data: [{ kind: 'error_rate', modelId: 'm1' }] });
    expect(monitorEvents.alertRaised.safeParse((alerts as { data: unknown[] }).data[0]).success).toBe(true);
    const costs = await r.handle('getCostAnalysis', {}, trusted);
    expect(costs).toMatchObject({ ok: true, data: { total: { calls: 15, unpricedCalls: 1 }, qualityPerCost: expect.arrayContaining([expect.objectContaining({ modelId: 'm1', qualitySource: 'agreement', quality: 0.8 })]) } });
    const attempts = await r.handle('listAttempts', { limit: 2, modelId: 'm1' }, trusted);
    expect((attempts as { data: unknown[] }).data).toHaveLength(2);
  });

  it('refuses a range that ends before it starts', async () => {
    const result = await router().handle('getRetryStats', { from: '2025-02-01', to: '2025-01-01' }, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
