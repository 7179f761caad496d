/**
 * What the core records (error classes, retry decisions, pacer scopes) as catalogue keys, so
 * the screen shows a teacher's words and keeps the raw value for "technical details". Pure:
 * the keys and values only, translated by `teacher-words.ts`; a unit test holds every class
 * and decision the core can record to a key in both languages.
 */

export interface Message {
  key: string;
  vars: Readonly<Record<string, string | number>>;
}

/** The key of an error class's short name (`costs.classes.rate_limit`). */
export function classKey(errorClass: string): string {
  return `costs.classes.${errorClass}`;
}

/**
 * A decision as the audit trail records it: `done`, `fail`, `retry_same:<ms>ms`,
 * `switch_model`, `switch_larger_context`. Null for anything else (an older or newer label),
 * which the screen shows as it came.
 */
export function decisionMessage(decision: string): Message | null {
  const retry = /^retry_same:(\d+)ms$/.exec(decision);
  if (retry) {
    const waitMs = Number(retry[1]);
    return waitMs === 0 ? { key: 'costs.decisions.retryNow', vars: {} } : { key: 'costs.decisions.retry', vars: { waitMs } };
  }
  switch (decision) {
    case 'done':
      return { key: 'costs.decisions.done', vars: {} };
    case 'fail':
      return { key: 'costs.decisions.fail', vars: {} };
    case 'switch_model':
      return { key: 'costs.decisions.switchModel', vars: {} };
    case 'switch_larger_context':
      return { key: 'costs.decisions.switchLarger', vars: {} };
    default:
      return null;
  }
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host || origin;
  } catch {
    return origin;
  }
}

/**
 * A pacer scope: `model:<id>` names a model, `key:<origin>#<key name>` the key used at an
 * address (the key itself is never in it). Null for a scope of another shape.
 */
export function scopeMessage(scope: string, nameOf: (modelId: string) => string): Message | null {
  if (scope.startsWith('model:') && scope.length > 6) return { key: 'costs.scopes.model', vars: { model: nameOf(scope.slice(6)) } };
  const key = /^key:(.+)#[^#]*$/.exec(scope);
  if (key) return { key: 'costs.scopes.key', vars: { host: hostOf(key[1] ?? '') } };
  return null;
}
