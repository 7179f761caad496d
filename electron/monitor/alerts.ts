/**
 * Threshold alerts from `monitoring` in the config:
 * - response_time: p95 total latency of a model's successful calls over the live window,
 *   against `response_time_threshold` (seconds);
 * - error_rate: a model's failures / (calls − cancellations) over the window, against
 *   `error_rate_threshold` (0..1), only once it has `minCalls` calls (one failure in two calls
 *   is not a 50 % error rate worth waking anyone for);
 * - cost_per_hour: USD of the attempts in the last 60 minutes, against
 *   `cost_threshold_per_hour`.
 * Latency and error rate are judged per model, because the teacher acts per model (pause it,
 * lower its concurrency); an overall rate can never exceed the worst model's anyway.
 *
 * Hysteresis: an alert fires above the threshold and clears only at or below `clearRatio`
 * (80 %) of it, so a value hovering at the line does not flap. Cool-down: the same kind and
 * model does not fire again within `cooldownMs` (10 min) of the last time it fired, even if it
 * cleared meanwhile; restored from the table after a restart. Raised alerts are stored in the
 * alerts table, resolved there when they clear, and pushed to `onAlert`.
 *
 * Cost: `onAttempt` is called after every recorded attempt but only schedules: evaluations run
 * from a timer, at most once per `evaluateEveryMs` (1 s), one trailing a burst; an evaluation
 * sorts each model's window once (bounded size).
 */
import { CODE_OF_CLASS, type ErrorClass } from '../api/retry/error-classes.ts';
import { ALERT_KINDS, type AlertView } from '../../shared/ipc/monitor.ts';
import {
  insertAlert,
  lastAlertTimes,
  listAlerts,
  openAlerts,
  resolveAlert,
  type AlertRow,
  type AlertSeverity,
  type ListAlertsOptions,
  type WritableDB,
} from '../store/index.ts';
import type { LiveMetrics, NameLookup } from './metrics.ts';

export type ManagedAlertKind = (typeof ALERT_KINDS)[number];

export interface AlertThresholds {
  /** Seconds, compared with p95 latency; null/undefined = off. */
  responseTimeSeconds?: number | null | undefined;
  /** 0..1; null/undefined = off. */
  errorRate?: number | null | undefined;
  /** USD in the last 60 minutes; null/undefined = off. */
  costPerHourUsd?: number | null | undefined;
}

export interface AlertEngineOptions {
  db: WritableDB;
  metrics: LiveMetrics;
  thresholds: AlertThresholds;
  now?: () => number;
  name?: NameLookup;
  onAlert?: (alert: AlertView) => void;
  onError?: (error: unknown) => void;
  /** Calls in the window before an error rate may fire. */
  minCalls?: number;
  /** Successful calls in the window before a p95 may fire. */
  minLatencySamples?: number;
  /** An active alert clears at or below this share of its threshold. */
  clearRatio?: number;
  cooldownMs?: number;
  evaluateEveryMs?: number;
}

export const DEFAULT_ALERT_SETTINGS = {
  minCalls: 10,
  minLatencySamples: 5,
  clearRatio: 0.8,
  cooldownMs: 10 * 60_000,
  evaluateEveryMs: 1_000,
} as const;

interface AlertState {
  activeId: number | null;
  lastFiredAt: number | null;
}

interface Observation {
  kind: ManagedAlertKind;
  modelId: string | null;
  /** null: nothing to judge (an empty window), which also clears an active alert. */
  value: number | null;
  /** Enough data to fire (clearing needs none). */
  canFire: boolean;
  threshold: number;
  message: (value: number) => string;
  details: Record<string, number | string>;
}

export function toAlertView(row: AlertRow): AlertView {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    createdAt: new Date(row.createdAt).toISOString(),
    kind: row.kind,
    severity: row.severity,
    modelId: row.modelId,
    batchId: row.batchId,
    message: row.message,
    value: row.value,
    threshold: row.threshold,
    acknowledgedAt: iso(row.acknowledgedAt),
    resolvedAt: iso(row.resolvedAt),
  };
}

const pct = (v: number): string => `${Math.round(v * 100)}%`;
const seconds = (v: number): string => `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} s`;
const money = (v: number): string => `$${v.toFixed(2)}`;

function codeOf(errorClass: string): string {
  return Object.hasOwn(CODE_OF_CLASS, errorClass) ? CODE_OF_CLASS[errorClass as ErrorClass] : errorClass.toUpperCase();
}

export class AlertEngine {
  private readonly states = new Map<string, AlertState>();
  private readonly now: () => number;
  private readonly name: NameLookup;
  private readonly settings: typeof DEFAULT_ALERT_SETTINGS;
  private lastEvaluation = Number.NEGATIVE_INFINITY;
  private trailing: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: AlertEngineOptions) {
    this.now = options.now ?? Date.now;
    this.name = options.name ?? ((id) => id);
    this.settings = {
      minCalls: options.minCalls ?? DEFAULT_ALERT_SETTINGS.minCalls,
      minLatencySamples: options.minLatencySamples ?? DEFAULT_ALERT_SETTINGS.minLatencySamples,
      clearRatio: options.clearRatio ?? DEFAULT_ALERT_SETTINGS.clearRatio,
      cooldownMs: options.cooldownMs ?? DEFAULT_ALERT_SETTINGS.cooldownMs,
      evaluateEveryMs: options.evaluateEveryMs ?? DEFAULT_ALERT_SETTINGS.evaluateEveryMs,
    } as typeof DEFAULT_ALERT_SETTINGS;
    this.restore();
  }

  /**
   * After each recorded attempt: an evaluation as soon as the last one is `evaluateEveryMs`
   * old, so the last attempts of a burst are judged within a second instead of waiting for
   * the next attempt. Always from a timer, never on the caller's stack: the caller is the call
   * path, and an evaluation sorts windows.
   */
  onAttempt(): void {
    if (this.trailing !== null || this.closed) return;
    const wait = Math.max(0, this.lastEvaluation + this.settings.evaluateEveryMs - this.now());
    this.trailing = setTimeout(() => {
      this.trailing = null;
      this.evaluate();
    }, wait);
    this.trailing.unref();
  }

  /** Stops the trailing timer. */
  close(): void {
    this.closed = true;
    if (this.trailing !== null) clearTimeout(this.trailing);
    this.trailing = null;
  }

  /** Checks every threshold now; returns the alerts raised by this evaluation. Never throws. */
  evaluate(): AlertView[] {
    if (this.trailing !== null) clearTimeout(this.trailing);
    this.trailing = null;
    const now = this.now();
    this.lastEvaluation = now;
    const raised: AlertView[] = [];
    let observations: Observation[] = [];
    try {
      observations = this.observe(now);
    } catch (error) {
      this.report(error);
    }
    for (const obs of observations) {
      try {
        const alert = this.apply(obs, now);
        if (alert) raised.push(alert);
      } catch (error) {
        // e.g. the database refused the write: the state is unchanged, the next evaluation retries
        this.report(error);
      }
    }
    for (const alert of raised) {
      try {
        this.options.onAlert?.(alert);
      } catch (error) {
        this.report(error);
      }
    }
    return raised;
  }

  /** Stored alerts, newest first, keyset-paged by id. */
  list(options: ListAlertsOptions): AlertView[] {
    return listAlerts(this.options.db, options).map(toAlertView);
  }

  /** Alerts of this engine currently active. */
  activeCount(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.activeId !== null) n += 1;
    return n;
  }

  private observe(now: number): Observation[] {
    const { metrics, thresholds } = this.options;
    const out: Observation[] = [];
    const minutes = Math.round(metrics.windowMs / 60_000);
    const responseTime = thresholds.responseTimeSeconds;
    const errorRate = thresholds.errorRate;
    if (responseTime != null || errorRate != null) {
      // Models with an active alert are judged even when their window is empty, so it clears.
      const ids = new Set(metrics.modelIds());
      for (const [key, state] of this.states) {
        const [kind, modelId] = key.split('\u0000') as [string, string];
        if (state.activeId !== null && kind !== 'cost_per_hour') ids.add(modelId);
      }
      for (const modelId of ids) {
        const w = metrics.window(modelId, now);
        const name = this.name(modelId);
        // Calls but not one answer to time: the model is not faster, it is failing (the error
        // rate speaks for that), so a slowness alert stays as it is instead of clearing.
        if (responseTime != null && !(w.latencyMs === null && w.calls > 0)) {
          const p95 = w.latencyMs ? w.latencyMs.p95 / 1000 : null;
          out.push({
            kind: 'response_time',
            modelId,
            value: p95,
            canFire: (w.latencyMs?.count ?? 0) >= this.settings.minLatencySamples,
            threshold: responseTime,
            message: (v) =>
              `${name} is slow: 95% of its answers in the last ${minutes} min took up to ${seconds(v)} (threshold ${seconds(responseTime)}).`,
            details: { samples: w.latencyMs?.count ?? 0, windowMs: metrics.windowMs },
          });
        }
        if (errorRate != null) {
          const decided = w.okCalls + w.failedCalls;
          const top = Object.entries(w.errorsByClass).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
          out.push({
            kind: 'error_rate',
            modelId,
            value: decided > 0 ? w.failedCalls / decided : null,
            canFire: decided >= this.settings.minCalls,
            threshold: errorRate,
            message: (v) =>
              `${name} failed ${pct(v)} of ${decided} calls in the last ${minutes} min (threshold ${pct(errorRate)})` +
              (top ? `, mostly ${codeOf(top[0])}.` : '.'),
            details: { calls: decided, failed: w.failedCalls, topErrorClass: top?.[0] ?? '', windowMs: metrics.windowMs },
          });
        }
      }
    }
    // An alert whose threshold is no longer set (the config changed since it fired) has
    // nothing left to be judged against: it clears.
    for (const [key, state] of this.states) {
      if (state.activeId === null) continue;
      const [kind, modelId] = key.split('\u0000') as [ManagedAlertKind, string];
      const threshold = kind === 'response_time' ? responseTime : kind === 'error_rate' ? errorRate : thresholds.costPerHourUsd;
      if (threshold != null) continue;
      out.push({ kind, modelId: kind === 'cost_per_hour' ? null : modelId, value: null, canFire: false, threshold: 0, message: () => '', details: {} });
    }
    const costPerHour = thresholds.costPerHourUsd;
    if (costPerHour != null) {
      const hour = metrics.costLastHour(now);
      out.push({
        kind: 'cost_per_hour',
        modelId: null,
        value: hour.calls > 0 ? hour.costUsd : null,
        canFire: true,
        threshold: costPerHour,
        message: (v) =>
          `GradeDesk spent ${money(v)} in the last hour (threshold ${money(costPerHour)})` +
          (hour.unpricedCalls > 0 ? `, plus ${hour.unpricedCalls} calls of unknown cost.` : '.'),
        details: { calls: hour.calls, unpricedCalls: hour.unpricedCalls },
      });
    }
    return out;
  }

  /** Hysteresis and cool-down for one observation; returns the alert if one was raised. */
  private apply(obs: Observation, now: number): AlertView | null {
    const key = stateKey(obs.kind, obs.modelId);
    const state = this.states.get(key) ?? { activeId: null, lastFiredAt: null };
    this.states.set(key, state);
    if (state.activeId !== null) {
      if (obs.value === null || obs.value <= obs.threshold * this.settings.clearRatio) {
        resolveAlert(this.options.db, state.activeId, now);
        state.activeId = null;
      }
      return null;
    }
    if (!obs.canFire || obs.value === null || !(obs.value > obs.threshold)) return null;
    if (state.lastFiredAt !== null && now - state.lastFiredAt < this.settings.cooldownMs) return null;
    const severity: AlertSeverity = obs.value >= obs.threshold * 2 && obs.threshold > 0 ? 'critical' : 'warning';
    const row = insertAlert(this.options.db, {
      createdAt: now,
      kind: obs.kind,
      severity,
      modelId: obs.modelId,
      batchId: null,
      message: obs.message(obs.value),
      value: obs.value,
      threshold: obs.threshold,
      details: obs.details,
    });
    state.activeId = row.id;
    state.lastFiredAt = now;
    return toAlertView(row);
  }

  /** Open alerts stay open (and clear by hysteresis); recent ones keep their cool-down. */
  private restore(): void {
    try {
      const db = this.options.db;
      for (const t of lastAlertTimes(db, this.now() - this.settings.cooldownMs)) {
        if (!isManaged(t.kind)) continue;
        this.states.set(stateKey(t.kind, t.modelId), { activeId: null, lastFiredAt: t.createdAt });
      }
      for (const row of openAlerts(db)) {
        if (!isManaged(row.kind)) continue;
        const key = stateKey(row.kind, row.modelId);
        const state = this.states.get(key) ?? { activeId: null, lastFiredAt: row.createdAt };
        // Two open for one kind and model (the app and the CLI each raised one): the newest
        // (rows come in id order) stands for both, and the older one is closed with it now.
        if (state.activeId !== null) resolveAlert(db, state.activeId, this.now());
        state.activeId = row.id;
        this.states.set(key, state);
      }
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // nothing more to do
    }
  }
}

function isManaged(kind: string): kind is ManagedAlertKind {
  return (ALERT_KINDS as readonly string[]).includes(kind);
}

function stateKey(kind: string, modelId: string | null): string {
  return `${kind}\u0000${modelId ?? ''}`;
}
