/**
 * Bench 2's bound: how fast any client could have finished on the faults this run met, without
 * sending inside a Retry-After window. Computed per contestant from the simulator's request log,
 * because which request meets which fault depends on the arrival order.
 *
 * What limits model i over [0, T]:
 *  - its sliding window: at most `rpm` admitted requests per window, so W·⌈T / window⌉ in all;
 *  - its up-time U_i(T): the down model takes nothing useful inside its down window;
 *  - its concurrency C (the teacher's `max_concurrency`) and the mean latency L: one slot sends
 *    at most once per L on average, so n ≤ C·(1 + S/L) sends in S seconds of sending time;
 *  - the Retry-After blocks of the faults it answered (B_i): nothing may be sent on its key
 *    during one, and blocks cannot overlap (nothing arrives inside one to open another), so all
 *    but its last block came before a later send of its own and took that much sending time:
 *    n_i ≤ C·(1 + (U_i(T) − B_i)/L), with B_i the model's blocks less its longest one.
 * Every request needs one answer, and every fault it met forced one more attempt, so the
 * models must take A = requests + faulted attempts (outside the down window) between them.
 * The run's own attempts satisfy each model's inequality at its makespan, so the least T at
 * which the capacities add up to A is at most that makespan; one short latency (mean − 2 sd)
 * is added for the last answer. Stalls hold a slot for the client's first-byte timeout; their
 * wait is left out, so the bound stays low. It is a bound in expectation: the latencies are
 * random, and the per-slot rate uses their mean.
 */
import type { ReceivedRequest } from '../electron/simulator/index.ts';
import type { BatchScenario } from './scenario.ts';
import { fmt } from './stats.ts';

export interface RunBound {
  seconds: number;
  /** Attempts the faults forced: requests + faulted attempts outside the down window. */
  attemptsNeeded: number;
  /** Per model: the Retry-After seconds its faults took from its sending time (its longest block left out). */
  blockedS: Record<string, number>;
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

/** Faults answered outside the down window: the attempts they forced, and each model's blocks. */
function faultsMet(input: BoundInput): { forced: number; blocks: Map<string, number[]> } {
  const { scenario: s, requests, epochWall } = input;
  const [downFrom, downTo] = s.downBetweenMs;
  let forced = 0;
  const blocks = new Map<string, number[]>();
  for (const r of requests) {
    const elapsed = r.at - epochWall;
    if (r.model === s.downModel && elapsed >= downFrom && elapsed < downTo) continue;
    if (r.outcome === 'ok') continue;
    forced += 1;
    const seconds = r.outcome === 'rate_limit_429' ? s.retryAfter429Ms / 1000 : r.outcome === 'unavailable_503' ? s.retryAfter503Ms / 1000 : 0;
    if (seconds > 0 && r.model !== null) blocks.set(r.model, [...(blocks.get(r.model) ?? []), seconds]);
  }
  return { forced, blocks };
}

/** A model's blocks that cost sending time: all but the longest (the last one may end after its last send). */
function blockedTime(blocks: readonly number[]): number {
  return blocks.length === 0 ? 0 : blocks.reduce((a, b) => a + b, 0) - Math.max(...blocks);
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
  const lastLatency = Math.max(0, s.latency.mean - 2 * s.latency.sd) / 1000;
  const windowS = s.windowMs / 1000;
  const { forced, blocks } = faultsMet(input);
  const needed = s.requests + forced;
  const blockedS = Object.fromEntries(models.map((m) => [m, blockedTime(blocks.get(m) ?? [])]));
  const capacity = (slug: string, t: number): number =>
    Math.min(s.rpm * Math.ceil(Math.max(t, 1e-9) / windowS), c * (1 + Math.max(0, upTime(s, slug, t) - (blockedS[slug] ?? 0)) / latency));
  const total = (t: number): number => models.reduce((sum, slug) => sum + capacity(slug, t), 0);
  let lo = 0;
  let hi = 3600;
  for (let i = 0; i < 60; i += 1) {
    const mid = (lo + hi) / 2;
    if (total(mid) >= needed) hi = mid;
    else lo = mid;
  }
  const blockList = models.map((m) => `${m} ${fmt(blockedS[m] ?? 0, 0)} s`).join(', ');
  return {
    seconds: hi + lastLatency,
    attemptsNeeded: needed,
    blockedS,
    explanation: [
      `${s.requests} requests + ${forced} faulted attempts outside the down window = ${needed} attempts the models must take.`,
      `Sending time the Retry-After blocks took (each model's longest block left out): ${blockList}.`,
      `Per model over [0, T]: n ≤ min(${s.rpm}·⌈T/${windowS}⌉, C·(1 + (U(T) − B)/L)), C = ${c} in flight, L = ${fmt(latency, 2)} s, ` +
        `U(T) = up-time (${s.downModel} down ${s.downBetweenMs[0] / 1000}–${s.downBetweenMs[1] / 1000} s).`,
      `The least T whose capacities add up to ${needed} is ${fmt(hi, 2)} s; + a short last latency ${fmt(lastLatency, 2)} s = ${fmt(hi + lastLatency, 2)} s.`,
    ],
  };
}
