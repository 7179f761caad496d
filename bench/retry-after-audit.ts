/**
 * Requests sent inside a Retry-After window, counted from the simulator's request log.
 *
 * The log has, per request: arrival time `at` (epoch ms), key, model and outcome, but not the
 * Retry-After the server sent. We reconstruct it the way the simulator decides (chat.ts):
 *   1. the down model inside its `downBetweenMs` window answers 503 with Retry-After = the time
 *      left until the window ends, so its window ends at epoch + to;
 *   2. otherwise the sliding-window limiter runs (replayed here per key on the `at` times): a
 *      refused request gets 429 with the honest Retry-After = when the oldest admitted request
 *      leaves the window;
 *   3. otherwise an injected fault: `rate_limit_429` and `unavailable_503` carry the profile's
 *      `retryAfterMs`.
 * The replay runs on arrival times taken a moment before the simulator's own clock reads
 * (it reads after the body arrived), so a request within a millisecond or two of a boundary may
 * be classified differently: such disagreements between the replay and the logged outcome are
 * counted as `replayMismatches`.
 *
 * A request to the same key that arrives after a 429/503 was answered at t and before the end
 * of that window counts once ("strict"), however many windows cover it. A request that arrives
 * within `graceMs` of the answer was almost certainly already on the wire when the answer left
 * the server, so a second count leaves those out.
 */
import type { ReceivedRequest } from '../electron/simulator/index.ts';

export interface AuditParams {
  /** Date.now() of the simulator's epoch for `downBetweenMs` (setProfile). */
  epochWall: number;
  downModel: string;
  downBetweenMs: [number, number];
  rpm: number;
  windowMs: number;
  retryAfter429Ms: number;
  retryAfter503Ms: number;
  graceMs: number;
}

export interface RetryAfterAudit {
  requests: number;
  answered429: { limiter: number; fault: number };
  answered503: { down: number; fault: number };
  /** Later requests to the same key inside a window (each counted once). */
  insideWindowStrict: number;
  /** The same, leaving out arrivals within graceMs of the answer that opened the window. */
  insideWindowAfterGrace: number;
  replayMismatches: number;
  /** A few examples for the report. */
  examples: string[];
  /** A few of the arrivals counted only by the strict rule (within the grace of the answer). */
  strictExamples: string[];
}

/** One Retry-After window the simulator opened for a key. */
export interface RetryWindow {
  /** The request whose answer opened the window. */
  n: number;
  key: string;
  model: string | null;
  answeredAt: number;
  endsAt: number;
  kind: string;
}

type Window = RetryWindow;

export function auditRetryAfter(log: readonly ReceivedRequest[], p: AuditParams): RetryAfterAudit & { windows: RetryWindow[] } {
  const ordered = [...log].sort((a, b) => a.n - b.n);
  const admitted = new Map<string, number[]>();
  const windows = new Map<string, Window[]>();
  const all: RetryWindow[] = [];
  const audit: RetryAfterAudit = {
    requests: ordered.length,
    answered429: { limiter: 0, fault: 0 },
    answered503: { down: 0, fault: 0 },
    insideWindowStrict: 0,
    insideWindowAfterGrace: 0,
    replayMismatches: 0,
    examples: [],
    strictExamples: [],
  };
  const [downFrom, downTo] = p.downBetweenMs;

  for (const r of ordered) {
    const key = r.key ?? '(none)';
    // Is this request inside a window an earlier answer opened?
    const open = (windows.get(key) ?? []).filter((w) => w.answeredAt <= r.at && r.at < w.endsAt);
    if (open.length > 0) {
      audit.insideWindowStrict += 1;
      const first = open[0] as Window;
      if (audit.strictExamples.length < 8) {
        audit.strictExamples.push(`#${r.n} ${r.model} at +${r.at - first.answeredAt} ms after a ${first.kind} (#${first.n} ${first.model})`);
      }
      const informed = open.filter((w) => r.at - w.answeredAt >= p.graceMs);
      if (informed.length > 0) {
        audit.insideWindowAfterGrace += 1;
        if (audit.examples.length < 8) {
          const w = informed[0] as Window;
          audit.examples.push(`#${r.n} ${r.model} at +${r.at - w.answeredAt} ms after a ${w.kind}, ${w.endsAt - r.at} ms before its Retry-After ended`);
        }
      }
    }

    let window: Window | null = null;
    const elapsed = r.at - p.epochWall;
    if (r.model === p.downModel && elapsed >= downFrom && elapsed < downTo) {
      if (r.outcome === 'unavailable_503') {
        audit.answered503.down += 1;
        window = { n: r.n, key, model: r.model, answeredAt: r.at, endsAt: p.epochWall + downTo, kind: 'down 503' };
      } else {
        audit.replayMismatches += 1;
      }
    } else {
      const times = admitted.get(key) ?? [];
      while (times.length > 0 && (times[0] as number) + p.windowMs <= r.at) times.shift();
      admitted.set(key, times);
      if (times.length >= p.rpm) {
        if (r.outcome === 'rate_limit_429') {
          audit.answered429.limiter += 1;
          window = { n: r.n, key, model: r.model, answeredAt: r.at, endsAt: (times[0] as number) + p.windowMs, kind: 'limiter 429' };
        } else {
          // The simulator admitted it (its clock read a moment later): follow the log.
          audit.replayMismatches += 1;
          times.push(r.at);
        }
      } else {
        times.push(r.at);
        if (r.outcome === 'rate_limit_429') {
          audit.answered429.fault += 1;
          window = { n: r.n, key, model: r.model, answeredAt: r.at, endsAt: r.at + p.retryAfter429Ms, kind: 'fault 429' };
        } else if (r.outcome === 'unavailable_503') {
          audit.answered503.fault += 1;
          window = { n: r.n, key, model: r.model, answeredAt: r.at, endsAt: r.at + p.retryAfter503Ms, kind: 'fault 503' };
        }
      }
    }
    if (window) {
      const list = windows.get(key) ?? [];
      list.push(window);
      windows.set(key, list);
      all.push(window);
    }
  }
  return { ...audit, windows: all };
}

/** One attempt as the client saw it: when it was handed to HTTP, and when its answer was read. */
export interface ClientAttempt {
  slug: string;
  /** Epoch ms, just before the request was handed to undici. */
  startedAt: number;
  /** Epoch ms at which the client had the answer (startedAt + latency). */
  knownAt: number;
  httpStatus: number | null;
}

export interface ClientSideAudit {
  /** Windows whose answer we could match to one of the client's attempts. */
  windowsMatched: number;
  windowsUnmatched: number;
  /** Attempts started after the client had read a 429/503 for that key and before its window ended. */
  startedAfterKnown: number;
  examples: string[];
}

/**
 * The client's side of the same question, from its own attempt log (the core's audit trail):
 * an attempt started while the client already held a 429/503 for that key whose window had not
 * ended was sent in spite of what it knew. Attempts already on the wire when the answer came
 * are not counted here (they are in the strict count above).
 */
export function auditClientDispatch(attempts: readonly ClientAttempt[], windows: readonly RetryWindow[], slack = 2): ClientSideAudit {
  const out: ClientSideAudit = { windowsMatched: 0, windowsUnmatched: 0, startedAfterKnown: 0, examples: [] };
  const flagged = new Set<ClientAttempt>();
  for (const w of windows) {
    const answer = attempts.find(
      (a) => a.slug === w.model && (a.httpStatus === 429 || a.httpStatus === 503) && a.startedAt - slack <= w.answeredAt && w.answeredAt <= a.knownAt + slack,
    );
    if (!answer) {
      out.windowsUnmatched += 1;
      continue;
    }
    out.windowsMatched += 1;
    for (const a of attempts) {
      if (a.slug !== w.model || flagged.has(a)) continue;
      if (a.startedAt > answer.knownAt + slack && a.startedAt < w.endsAt) {
        flagged.add(a);
        if (out.examples.length < 8) {
          out.examples.push(`${a.slug} attempt started ${a.startedAt - answer.knownAt} ms after a ${w.kind} was read, ${w.endsAt - a.startedAt} ms before its window ended`);
        }
      }
    }
  }
  out.startedAfterKnown = flagged.size;
  return out;
}
