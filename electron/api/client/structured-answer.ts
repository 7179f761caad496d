import { jsonrepair } from 'jsonrepair';
import type { StructuredOutput, Validation } from './types.ts';

export type AnswerCheck =
  | { ok: true; value: unknown; repaired: boolean }
  | { ok: false; errorClass: 'malformed' | 'schema_invalid'; message: string };

/** Strips a Markdown code fence, which models add even when told not to. */
function unfence(text: string): string {
  const m = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return m?.[1] ?? text;
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Parses and validates a structured answer; a near-miss (code fence, trailing comma, cut-off
 * bracket) is repaired with jsonrepair before validation, so a fixable answer costs no re-ask.
 * Not an answer the token limit cut off (`finishReason` "length"): repairing it would close a
 * sentence, or a number, halfway and pass it off as the model's.
 */
export function checkStructuredAnswer(content: string, output: StructuredOutput, finishReason: string | null = null): AnswerCheck {
  const text = unfence(content);
  let parsed = parse(text);
  let repaired = false;
  if (!parsed.ok && finishReason === 'length') {
    return { ok: false, errorClass: 'schema_invalid', message: 'the answer was cut off at the token limit (max_tokens) before it was complete' };
  }
  if (!parsed.ok) {
    try {
      parsed = parse(jsonrepair(text));
      repaired = parsed.ok;
    } catch {
      parsed = { ok: false };
    }
  }
  if (!parsed.ok) return { ok: false, errorClass: 'malformed', message: 'the answer is not JSON, even after repair' };
  const valid: Validation = output.validate(parsed.value);
  if (!valid.ok) return { ok: false, errorClass: 'schema_invalid', message: valid.message };
  return { ok: true, value: valid.value, repaired };
}
