/**
 * What never reaches the log: API keys (anything shaped like one) and students' text. Details
 * are walked; a field whose name says it holds text or a secret is replaced, and every string is
 * cut short and scrubbed of key-shaped tokens.
 */

/** Field names whose values are students' work, feedback, prompts or secrets. */
const WITHHELD_FIELDS = /^(text|extracted_?text|content|body|prompt|messages|feedback|essay|submission_?text|student_?text|answer|key|api_?key|apikey|secret|token|password|authorization)$/i;

/**
 * Key-shaped tokens: provider prefixes (sk-…, sk-or-…, sk-ant-…), bearer tokens, and any long
 * unbroken run of letters, digits, `-` and `_` (40+), which is what keys look like and words are not.
 */
const KEY_SHAPES: readonly RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /[A-Za-z0-9_-]{40,}/g,
];

/** A message or detail longer than this is cut: a provider's error body may quote the prompt. */
const MAX_STRING = 300;
const MAX_DEPTH = 4;
const MAX_ITEMS = 20;

export function redactString(value: string): string {
  let out = value;
  for (const shape of KEY_SHAPES) out = out.replace(shape, '[redacted]');
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}… [${out.length - MAX_STRING} more characters left out]` : out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => redact(item, depth + 1));
  if (value instanceof Error) return redactString(`${value.name}: ${value.message}`);
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value).slice(0, MAX_ITEMS)) {
    out[name] = WITHHELD_FIELDS.test(name) ? '[withheld]' : redact(item, depth + 1);
  }
  return out;
}
