/**
 * A hedged request: at the end of a batch, a request whose answer has not begun long after the
 * model usually answers gets a second try beside it, and the first answer wins (Dean and
 * Barroso's "hedged requests"). A stalled call would otherwise hold the whole batch for its
 * first-byte timeout. The second try is sent only when no other request waits for a slot, so
 * it uses capacity nothing else wants; it goes through the same choice, pacing, breakers and
 * budget as any try, shares the first try's attempt budget and deadline, and is recorded under
 * its own request id. The try that loses is cancelled; its attempt is recorded as superseded,
 * with what it cost.
 */
import type { CallOptions, CallOutcome } from './call.ts';
import type { RequestRun } from './request-run.ts';

/** The audit trail's decision for an attempt cancelled because the other try answered first. */
export const SUPERSEDED = 'superseded';

export interface HedgeDeps {
  start: (options: CallOptions) => RequestRun;
  loop: (run: RequestRun) => Promise<CallOutcome>;
  now: () => number;
}

interface Try {
  run: RequestRun;
  stop: AbortController;
  outcome: CallOutcome | null;
}

/** Both tries' attempts and costs, on the outcome that answers for the request. */
function merged(chosen: CallOutcome, tries: readonly Try[], started: number, now: number): CallOutcome {
  let attempts = 0;
  let costUsd = 0;
  let costUnpriced = false;
  for (const t of tries) {
    const o = t.outcome;
    if (o === null) continue;
    attempts += o.attempts;
    if (o.costUnpriced || o.costUsd === null) costUnpriced = true;
    else costUsd += o.costUsd;
  }
  const cost = { attempts, costUsd: costUnpriced ? null : costUsd, costUnpriced };
  return chosen.ok ? { ...chosen, ...cost, latencyMs: now - started } : { ...chosen, ...cost };
}

export function hedgedRequest(options: CallOptions, deps: HedgeDeps): Promise<CallOutcome> {
  const outer = options.signal;
  const tries: Try[] = [];
  const open = (opts: CallOptions): Try => {
    const stop = new AbortController();
    const t: Try = { run: deps.start({ ...opts, signal: stop.signal }), stop, outcome: null };
    tries.push(t);
    return t;
  };
  const first = open(options);
  const cancelAll = (): void => {
    for (const t of tries) t.stop.abort();
  };
  if (outer?.aborted) cancelAll();
  outer?.addEventListener('abort', cancelAll, { once: true });

  return new Promise<CallOutcome>((resolve, reject) => {
    let winner: CallOutcome | null = null;
    let ended = false;
    const settle = (): void => {
      const firstOutcome = first.outcome;
      if (ended || firstOutcome === null || tries.some((t) => t.outcome === null)) return;
      ended = true;
      outer?.removeEventListener('abort', cancelAll);
      // No answer at all: the first try's failure speaks for the request.
      resolve(merged(winner ?? firstOutcome, tries, first.run.started, deps.now()));
    };
    const follow = (t: Try): void => {
      deps.loop(t.run).then(
        (outcome) => {
          t.outcome = outcome;
          // The first try has ended or been answered: nothing more starts beside it.
          first.run.onLateFirstByte = null;
          if (outcome.ok && winner === null) {
            winner = outcome;
            for (const other of tries) {
              if (other.outcome !== null) continue;
              other.run.superseded = true;
              other.stop.abort();
            }
          }
          settle();
        },
        (error: unknown) => {
          if (ended) return;
          ended = true;
          outer?.removeEventListener('abort', cancelAll);
          cancelAll();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
    first.run.onLateFirstByte = () => {
      first.run.onLateFirstByte = null;
      const remainingMs = first.run.deadline - deps.now();
      if (winner !== null || outer?.aborted || remainingMs <= 0 || first.run.attempts >= first.run.maxAttempts) return;
      const { requestId: _ownId, ...rest } = options;
      const second = open({ ...rest, deadlineMs: remainingMs, maxAttempts: first.run.maxAttempts });
      second.run.sibling = first.run;
      first.run.sibling = second.run;
      follow(second);
    };
    follow(first);
  });
}
