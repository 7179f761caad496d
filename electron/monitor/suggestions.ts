/**
 * Suggestions a teacher can act on, generated from the cost and retry analyses, each with the
 * numbers that justify it (in the message for the teacher, in `numbers` for the UI and tests).
 * The screen words each `kind` from `numbers` (and `errorClass`) in the teacher's language;
 * the English message is its fallback.
 * Conservative on purpose: each rule needs a minimum number of calls, and cost comparisons
 * skip models whose cost is partly unknown (an unpriced model must not look cheap).
 */
import type { SuggestionView } from '../../shared/ipc/monitor.ts';
import { CODE_OF_CLASS, type ErrorClass } from '../api/retry/error-classes.ts';
import type { ModelCost, ModelHealth, RetryStats } from '../store/index.ts';
import type { NameLookup } from './metrics.ts';

export type Suggestion = SuggestionView;

export interface SuggestionRules {
  /** Calls a model needs in the range before any rule judges it. */
  minCalls: number;
  /** rate_limited: share of a model's calls refused with 429. */
  rateLimitedShare: number;
  /** expensive: cost per success at least this many times another model's... */
  expensiveRatio: number;
  /** ...whose success rate is within this many (absolute) of it... */
  sameSuccessRate: number;
  /** ...both with at least this many successes. */
  minSuccesses: number;
  /** failing: share of calls failed in the last hour. */
  failingShare: number;
  /** wasted_retries: share of a model's known cost spent on failed attempts. */
  wastedShare: number;
  /** wasted_retries: ignore waste below this many dollars. */
  minWastedUsd: number;
}

export const DEFAULT_RULES: SuggestionRules = {
  minCalls: 10,
  rateLimitedShare: 0.05,
  expensiveRatio: 2,
  sameSuccessRate: 0.05,
  minSuccesses: 5,
  failingShare: 0.25,
  wastedShare: 0.2,
  minWastedUsd: 0.01,
};

export interface SuggestionInputs {
  /** Over the analysed range. */
  byModel: readonly ModelCost[];
  /** Over the analysed range. */
  retry: RetryStats;
  /** Over the last 60 minutes. */
  lastHour: readonly ModelHealth[];
  name?: NameLookup;
  rules?: Partial<SuggestionRules>;
}

const pct = (v: number): string => `${Math.round(v * 100)}%`;
const usd = (v: number): string => `$${v.toFixed(v !== 0 && Math.abs(v) < 0.01 ? 4 : 2)}`;

const codeOf = (cls: string, code: string | null): string =>
  code ?? (Object.hasOwn(CODE_OF_CLASS, cls) ? CODE_OF_CLASS[cls as ErrorClass] : cls.toUpperCase());

/** What to do about a model that keeps failing with this class. */
function adviceFor(cls: string): string {
  switch (cls) {
    case 'rate_limit':
      return 'lower its max_concurrency or rpm in the config.';
    case 'auth':
      return 'check its API key in Settings.';
    case 'payment':
      return 'add credits with the provider or choose another model.';
    case 'context_length':
      return 'use a model with a larger context window for long submissions.';
    case 'schema_invalid':
    case 'malformed':
    case 'empty':
      return 'turn on structured_output if the model supports it, or choose another model.';
    case 'not_found':
      return 'check the model name in the config.';
    case 'connection':
      return 'check the endpoint address and that the server is running.';
    default:
      return "the provider seems to be struggling; pause this model or check the provider's status page.";
  }
}

type RuleInputs = Pick<SuggestionInputs, 'byModel' | 'retry' | 'lastHour'> & { rules: SuggestionRules; name: NameLookup };

/** failing: the last hour, with the dominant error code and what to do about it. */
function failing({ lastHour, rules, name }: RuleInputs): Suggestion[] {
  const out: Suggestion[] = [];
  for (const h of lastHour) {
    const decided = h.calls - h.cancelledCalls;
    if (decided < rules.minCalls || h.errorRate === null || h.errorRate < rules.failingShare) continue;
    const top = h.errors[0];
    out.push({
      kind: 'failing',
      modelId: h.modelId,
      relatedModelId: null,
      message:
        `${name(h.modelId)} failed ${pct(h.errorRate)} of calls in the last hour` +
        (top ? ` (mostly ${codeOf(top.errorClass, top.errorCode)}): ${adviceFor(top.errorClass)}` : '.'),
      numbers: { share: h.errorRate, failedCalls: h.failedCalls, calls: decided, topErrorCount: top?.count ?? 0 },
      errorClass: top?.errorClass ?? null,
    });
  }
  return out;
}

/** rate_limited: over the range. */
function rateLimited({ retry, rules, name }: RuleInputs): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of retry.byModel) {
    if (m.attempts < rules.minCalls) continue;
    const share = m.rateLimitedAttempts / m.attempts;
    if (share < rules.rateLimitedShare) continue;
    out.push({
      kind: 'rate_limited',
      modelId: m.modelId,
      relatedModelId: null,
      message: `${name(m.modelId)} was rate-limited on ${pct(share)} of its calls (${m.rateLimitedAttempts} of ${m.attempts}): lower its max_concurrency or rpm in the config.`,
      numbers: { share, rateLimitedCalls: m.rateLimitedAttempts, calls: m.attempts },
    });
  }
  return out;
}

/** wasted_retries: money spent on attempts that failed. */
function wastedRetries({ retry, rules, name }: RuleInputs): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of retry.byModel) {
    if (m.attempts < rules.minCalls || m.costUsd <= 0 || m.wastedCostUsd < rules.minWastedUsd) continue;
    const share = m.wastedCostUsd / m.costUsd;
    if (share < rules.wastedShare) continue;
    out.push({
      kind: 'wasted_retries',
      modelId: m.modelId,
      relatedModelId: null,
      message:
        `${pct(share)} of what ${name(m.modelId)} cost (${usd(m.wastedCostUsd)} of ${usd(m.costUsd)}) went to attempts that failed: ` +
        'look at its failures in the attempts list, or prefer a more reliable model.',
      numbers: { share, wastedCostUsd: m.wastedCostUsd, costUsd: m.costUsd, failedAttempts: m.failedAttempts },
    });
  }
  return out;
}

/** The model with the same success rate that `m` costs the most times more than, if the ratio reaches the rule. */
function cheaperPeer(m: ModelCost, comparable: readonly ModelCost[], rules: SuggestionRules): { other: ModelCost; ratio: number } | null {
  let best: { other: ModelCost; ratio: number } | null = null;
  for (const other of comparable) {
    if (other === m || other.costPerSuccessUsd! <= 0) continue;
    if (Math.abs(other.successRate! - m.successRate!) > rules.sameSuccessRate) continue;
    const ratio = m.costPerSuccessUsd! / other.costPerSuccessUsd!;
    if (ratio >= rules.expensiveRatio && (best === null || ratio > best.ratio)) best = { other, ratio };
  }
  return best;
}

/** expensive: cost per successful call against the cheapest model with the same success rate. */
function expensive({ byModel, rules, name }: RuleInputs): Suggestion[] {
  const out: Suggestion[] = [];
  const comparable = byModel.filter(
    (m) => m.calls >= rules.minCalls && m.okCalls >= rules.minSuccesses && m.costPerSuccessUsd !== null && m.successRate !== null,
  );
  for (const m of comparable) {
    const best = cheaperPeer(m, comparable, rules);
    if (!best) continue;
    const o = best.other;
    out.push({
      kind: 'expensive',
      modelId: m.modelId,
      relatedModelId: o.modelId,
      message:
        `${name(m.modelId)} costs ${best.ratio.toFixed(1)}× ${name(o.modelId)} per successful grading ` +
        `(${usd(m.costPerSuccessUsd!)} vs ${usd(o.costPerSuccessUsd!)}) with the same success rate ` +
        `(${pct(m.successRate!)} vs ${pct(o.successRate!)}): grading with ${name(o.modelId)} would cost less.`,
      numbers: {
        ratio: best.ratio,
        costPerSuccessUsd: m.costPerSuccessUsd!,
        otherCostPerSuccessUsd: o.costPerSuccessUsd!,
        successRate: m.successRate!,
        otherSuccessRate: o.successRate!,
      },
    });
  }
  return out;
}

/** unpriced: costs and budgets cannot count what has no price. */
function unpriced({ byModel, name }: RuleInputs): Suggestion[] {
  return byModel
    .filter((m) => m.unpricedCalls !== 0)
    .map((m) => ({
      kind: 'unpriced' as const,
      modelId: m.modelId,
      relatedModelId: null,
      message:
        `${name(m.modelId)} made ${m.unpricedCalls} call${m.unpricedCalls === 1 ? '' : 's'} whose cost is unknown: add ` +
        'input_cost_per_token and output_cost_per_token to its config so costs and budgets include them.',
      numbers: { unpricedCalls: m.unpricedCalls, calls: m.calls },
    }));
}

/** Every suggestion that applies, most urgent kinds first. */
export function suggest(inputs: SuggestionInputs): Suggestion[] {
  const rule: RuleInputs = {
    byModel: inputs.byModel,
    retry: inputs.retry,
    lastHour: inputs.lastHour,
    rules: { ...DEFAULT_RULES, ...inputs.rules },
    name: inputs.name ?? ((id: string) => id),
  };
  const out = [...failing(rule), ...rateLimited(rule), ...wastedRetries(rule), ...expensive(rule), ...unpriced(rule)];
  return out.slice(0, 100);
}
