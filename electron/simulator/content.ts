/**
 * What the simulated model says. With `response_format: json_schema` the answer is JSON
 * valid against the schema. Models without structured output get the schema in the prompt
 * (DESIGN §7), so when the prompt contains a JSON Schema the answer is that JSON inside a
 * ```json fence — the shape real models answer in, which exercises the client's repair path.
 * Otherwise it is a short plain text.
 */
import { gradeEssay, gradingShape, submissionBetweenMarkers } from './essay-grader.ts';
import { feedbackLanguageOf } from './feedback-words.ts';
import { gradePages, workIsInImages } from './page-grader.ts';
import { isRecord } from './json-schema.ts';
import { type Rng, pick } from './random.ts';
import { fillSchema } from './schema-filler.ts';
import { violateSchema } from './schema-violation.ts';
import { messageParts } from './tokens.ts';

/** `response_format.json_schema.schema`, if the request has one. */
export function responseFormatSchema(body: Record<string, unknown>): unknown {
  const format = body.response_format;
  if (!isRecord(format) || format.type !== 'json_schema') return undefined;
  const jsonSchema = format.json_schema;
  return isRecord(jsonSchema) ? jsonSchema.schema : undefined;
}

export function wantsJsonObject(body: Record<string, unknown>): boolean {
  const format = body.response_format;
  return isRecord(format) && format.type === 'json_object';
}

const SCHEMA_MARKERS = ['properties', '$defs'];
const MAX_CANDIDATES = 50;

/**
 * The largest JSON object in `text` that looks like a JSON Schema (has `type: "object"`,
 * `properties`, `$schema` or `$defs`). Scans at most {@link MAX_CANDIDATES} opening braces
 * so a long student essay full of braces cannot make a request slow.
 */
export function findSchemaInText(text: string): Record<string, unknown> | undefined {
  let best: { schema: Record<string, unknown>; length: number } | undefined;
  let from = 0;
  for (let attempts = 0; attempts < MAX_CANDIDATES; attempts += 1) {
    const start = text.indexOf('{', from);
    if (start < 0) break;
    const end = matchingBrace(text, start);
    if (end < 0) {
      from = start + 1;
      continue;
    }
    const candidate = parseObject(text.slice(start, end + 1));
    if (candidate !== undefined && looksLikeSchema(candidate)) {
      if (best === undefined || end + 1 - start > best.length) best = { schema: candidate, length: end + 1 - start };
      from = end + 1;
    } else {
      from = start + 1;
    }
  }
  return best?.schema;
}

function looksLikeSchema(value: Record<string, unknown>): boolean {
  if (typeof value.$schema === 'string') return true;
  if (value.type === 'object' || value.type === 'array') return true;
  return SCHEMA_MARKERS.some((marker) => isRecord(value[marker]));
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the brace closing the one at `start`, skipping braces inside JSON strings. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const PLAIN_SENTENCES = [
  'The submission addresses the task and follows the required structure.',
  'Its main argument is supported by relevant evidence.',
  'A few claims would benefit from clearer citations.',
  'The conclusion summarises the key points concisely.',
  'Overall this is solid work with room for deeper analysis.',
  'Spelling and grammar are mostly correct.',
];

export interface AnswerRequest {
  body: Record<string, unknown>;
  model: string;
  /** Prompt text of all messages (for a schema given in the prompt). */
  prompt: string;
  fault: 'schema_invalid' | 'empty_completion' | null;
}

/** The assistant message content for a request; random choices come from `rng`. */
export function composeAnswer(request: AnswerRequest, rng: Rng): string {
  if (request.fault === 'empty_completion') return '';
  const invalid = request.fault === 'schema_invalid';
  const formatSchema = responseFormatSchema(request.body);
  if (formatSchema !== undefined) {
    return JSON.stringify(invalid ? violateSchema(formatSchema, rng) : (essayAnswer(formatSchema, request) ?? fillSchema(formatSchema, rng, quotableSentences(request.body))));
  }
  const promptSchema = findSchemaInText(request.prompt);
  if (promptSchema !== undefined) {
    const value = invalid
      ? violateSchema(promptSchema, rng)
      : (essayAnswer(promptSchema, request) ?? fillSchema(promptSchema, rng, quotableSentences(request.body)));
    const json = JSON.stringify(value, null, 2);
    return wantsJsonObject(request.body) ? json : `\`\`\`json\n${json}\n\`\`\``;
  }
  const text = plainText(request.model, rng);
  if (invalid) return JSON.stringify({ unexpected: text });
  return wantsJsonObject(request.body) ? JSON.stringify({ answer: text }) : text;
}

/** A grading answer read from the submission (essay-grader.ts), when the schema is one and there is text to read. */
function essayAnswer(schema: unknown, request: AnswerRequest): Record<string, unknown> | null {
  const shape = gradingShape(schema);
  if (shape === null) return null;
  const last = lastUserMessage(request.body);
  const submission = submissionBetweenMarkers(isRecord(last) ? textOf(last.content) : '');
  const images = isRecord(last) ? messageParts(last.content).images : [];
  const language = feedbackLanguageOf(request.prompt);
  if (workIsInImages(images, submission)) return gradePages(shape, images, request.model, language);
  return submission === null ? null : gradeEssay(shape, submission, request.model, language);
}

function lastUserMessage(body: Record<string, unknown>): unknown {
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  return messages.findLast((m) => isRecord(m) && m.role === 'user');
}

/** At most this many sentences are offered as quotes: a long document needs no more. */
const MAX_QUOTES = 200;

/**
 * Sentences of the last user message that a model could quote as evidence: its text without the
 * first paragraph when there are others (the instruction) and without delimiter lines such as
 * `<<<SUBMISSION …>>>`.
 */
export function quotableSentences(body: Record<string, unknown>): string[] {
  const last = lastUserMessage(body);
  const text = isRecord(last) ? textOf(last.content) : '';
  const paragraphs = text.split(/\n\s*\n/);
  const material = paragraphs.length > 1 ? paragraphs.slice(1) : paragraphs;
  const sentences: string[] = [];
  for (const line of material.join('\n').split('\n')) {
    if (/^\s*(<<<|>>>|---|===)|(<<<|>>>)\s*$/.test(line)) continue;
    for (const sentence of line.split(/(?<=[.!?])\s+/)) {
      const trimmed = sentence.trim();
      if (trimmed.length >= 12) sentences.push(trimmed);
      if (sentences.length >= MAX_QUOTES) return sentences;
    }
  }
  return sentences;
}

/** A message's text: the string itself, or its text parts one paragraph each. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('\n\n');
}

function plainText(model: string, rng: Rng): string {
  const count = 2 + Math.floor(rng() * 3);
  const sentences = Array.from({ length: count }, () => pick(rng, PLAIN_SENTENCES));
  return `(${model}, simulated) ${sentences.join(' ')}`;
}
