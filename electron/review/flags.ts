/**
 * Which review signals put work at the top of the queue, most urgent first. A name painted over
 * in an image is information, not a reason to look first.
 */
const URGENCY = ['possible_prompt_injection', 'model_failed', 'models_disagree', 'in_doubt', 'low_confidence', 'no_text_layer', 'hidden_text', 'name_may_be_visible_in_image'];
const INFORMATIONAL: ReadonlySet<string> = new Set(['name_redacted_in_image']);

/** `model_failed:<model>:<code>` is one kind of signal, whatever the model. */
const kindOf = (flag: string): string => flag.split(':')[0] ?? flag;

export const isFlagged = (flags: readonly string[]): boolean => flags.some((f) => !INFORMATIONAL.has(kindOf(f)));

/** Lower is more urgent; unflagged work ranks after every signal. */
export function urgency(flags: readonly string[]): number {
  let best = URGENCY.length + 1;
  for (const flag of flags) {
    if (INFORMATIONAL.has(kindOf(flag))) continue;
    const at = URGENCY.indexOf(kindOf(flag));
    best = Math.min(best, at < 0 ? URGENCY.length : at);
  }
  return best;
}

/** The signal a compared model that failed leaves, as the batch report writes it. */
export const modelFailedFlag = (model: string, code: string): string => `model_failed:${model}:${code}`;
