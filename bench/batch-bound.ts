/**
 * Bench 2's bound: the shortest makespan any client could reach on the faults one run met,
 * without sending inside a Retry-After window. Computed per contestant from the simulator's
 * request log, because which request meets which fault depends on the arrival order.
 *
 * What limits a model i over [0, T]:
 *  - its sliding window: at most `rpm` admitted requests per window, so W·⌈T / window⌉ in all;
 *  - its up-time U_i(T): the down model takes nothing useful inside its down window;
 *  - its concurrency C (the teacher's `max_concurrency`) and the mean latency L: one slot sends
 *    at most once per L, so n ≤ C·(1 + S/L) sends in S seconds of sending time;
 *  - the Retry-After blocks of the faults it answers: nothing may be sent on its key during one,
 *    and blocks cannot overlap (nothing arrives inside one to open another), so a model that
 *    takes n attempts at this run's block density β (blocked seconds per attempt) loses β·n
 *    seconds of sending time: n ≤ C·(1 + (U − β·n)/L), i.e. n ≤ C·(1 + U/L) / (1 + β·C/L).
 * Every request needs one answer, and every fault it met forced one more attempt, so the
 * models must take A = requests + faulted attempts (outside the down window) between them.
 * The bound is the least T at which their capacities add up to A, plus one mean latency for
 * the last answer. Stalls hold a slot for the client's first-byte timeout; they are counted as
 * attempts but their wait is left out, so the bound stays a lower bound.
 */
import type { ReceivedRequest } from '../electron/simulator/index.ts';
import type { BatchScenario } from './scenario.ts';
import { fmt } from './stats.ts';

export interface RunBound {
  seconds: number;
  /** Attempts the faults forced: requests + faulted attempts outside the down window. */
  attemptsNeeded: number;
  /** Retry-After seconds per attempt that this run's faults imposed (outside the down window). */
  blockPerAttemptS: number;
  explanation: string[];
}

export interface BoundInput {
  scenario: BatchScenario;
  models: readonly string[];
  /** The run's request log and the simulator's epoch (Date.now() at setProfile). */
  requests: readonly ReceivedRequest[];
  epochWall: number;
  /** In flight per model (the teacher's max_concurrency). */
  concurrencyPerModel: number;
}

/** Faults answered outside the down window: how many attempts they forced, and the blocks they set. */
function faultsMet(input: BoundInput): { forced: number; attempts: number; blockedS: number } {
  const { scenario: s, requests, epochWall } = input;
  const [downFrom, downTo] = s.downBetweenMs;
  let forced = 0;
  let attempts = 0;
  let blockedS = 0;
  for (const r of requests) {
    const elapsed = r.at - epochWall;
    if (r.model === s.downModel && elapsed >= downFrom && elapsed < downTo) continue;
    attempts += 1;
    if (r.outcome === 'ok') continue;
    forced += 1;
    if (r.outcome === 'rate_limit_429') blockedS += s.retryAfter429Ms / 1000;
    else if (r.outcome === 'unavailable_503') blockedS += s.retryAfter503Ms / 1000;
  }
  return { forced, attempts, blockedS };
}

/** Seconds model `slug` is up within [0, t]. */
function upTime(s: BatchScenario, slug: string, t: number): number {
  if (slug !== s.downModel) return t;
  const [from, to] = s.downBetweenMs.map((v) => v / 1000) as [number, number];
  return t - Math.max(0, Math.min(t, to) - Math.min(t, from));
}

export function runBound(input: BoundInput): RunBound {
  const { scenario: s, models, concurrencyPerModel: c } = input;
  const latency = s.latency.mean / 1000;
  const windowS = s.windowMs / 1000;
  const { forced, attempts, blockedS } = faultsMet(input);
  const needed = s.requests + forced;
  const beta = attempts > 0 ? blockedS / attempts : 0;
  const capacity = (slug: string, t: number): number =>
    Math.min(s.rpm * Math.ceil(Math.max(t, 1e-9) / windowS), (c * (1 + upTime(s, slug, t) / latency)) / (1 + (beta * c) / latency));
  const total = (t: number): number => models.reduce((sum, slug) => sum + capacity(slug, t), 0);
  let lo = 0;
  let hi = 3600;
  for (let i = 0; i < 60; i += 1) {
    const mid = (lo + hi) / 2;
    if (total(mid) >= needed) hi = mid;
    else lo = mid;
  }
  return {
    seconds: hi + latency,
    attemptsNeeded: needed,
    blockPerAttemptS: beta,
    explanation: [
      `${s.requests} requests + ${forced} faulted attempts outside the down window = ${needed} attempts the models must take.`,
      `Retry-After blocks this run's faults imposed: ${fmt(blockedS, 1)} s over ${attempts} attempts = β ${fmt(beta, 3)} s per attempt.`,
      `Per model over [0, T]: n ≤ min(${s.rpm}·⌈T/${windowS}⌉, C·(1 + U(T)/L) / (1 + β·C/L)), C = ${c} in flight, L = ${fmt(latency, 2)} s, ` +
        `U(T) = up-time (${s.downModel} down ${s.downBetweenMs[0] / 1000}–${s.downBetweenMs[1] / 1000} s).`,
      `The least T whose capacities add up to ${needed} is ${fmt(hi, 2)} s; + one mean latency = ${fmt(hi + latency, 2)} s.`,
    ],
  };
}
