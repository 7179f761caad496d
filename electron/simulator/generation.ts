/**
 * Runs one admitted generation: waits out TTFT and latency, bills it in the ledger as content
 * is emitted, and writes it as JSON or SSE — or breaks it the way the injected generation
 * fault says.
 *
 * Billing rule: a generation is billed from the moment the provider answers (its response
 * headers go out): the prompt then, and completion tokens as the server emits them. A streamed
 * answer that breaks off is billed for the chunks already sent; a non-streamed answer is
 * generated whole before the first byte, so truncation or a stall on the wire does not make it
 * cheaper. A client that disconnects after the headers pays for what was emitted until then.
 *
 * A request cancelled before any answer came back is not billed. The client cannot tell
 * whether such a request reached a model at all, so it records it at $0; providers differ here
 * (some drop a request whose client left, some finish and bill it), and this is the rule the
 * simulator and the app keep alike, so that a test can cancel mid-call and still compare the
 * app's spend with the ledger to the last bit.
 */
import type { ServerResponse } from 'node:http';
import type { EffectiveProfile, FaultKind } from './fault-profile.ts';
import { rngFor, sampleDist } from './random.ts';
import {
  SSE_DONE,
  SSE_HEADERS,
  SSE_PROCESSING,
  completionBody,
  contentChunk,
  finishChunk,
  splitContent,
  sseData,
  usageChunk,
  usageOf,
  type GenerationMeta,
  type MidStreamError,
} from './sse.ts';
import type { SimulatorState } from './state.ts';
import { textTokens, type PromptCount } from './tokens.ts';
import type { LedgerEntry } from './types.ts';

/** Generation faults: they happen after the generation started and are billed. */
export type GenerationFault = Extract<
  FaultKind,
  | 'stall_mid_stream'
  | 'sse_error_event'
  | 'finish_reason_error'
  | 'truncated_stream'
  | 'malformed_json'
  | 'schema_invalid'
  | 'empty_completion'
>;

export interface GenerationPlan {
  n: number;
  id: string;
  model: string;
  key: string | null;
  stream: boolean;
  includeUsage: boolean;
  prompt: PromptCount;
  content: string;
  finishReason: 'stop' | 'length';
  fault: GenerationFault | null;
  profile: EffectiveProfile;
  /** Extra headers for the 200 (rate-limit state). */
  headers: Record<string, string>;
}

const MID_STREAM_ERROR: MidStreamError = { code: 502, message: 'Upstream provider error: the generation was interrupted.' };

/** Faults that cut a stream in the middle: only the first half of the chunks goes out. */
const CUTTING: ReadonlySet<GenerationFault> = new Set<GenerationFault>([
  'stall_mid_stream',
  'sse_error_event',
  'finish_reason_error',
  'truncated_stream',
]);

export async function runGeneration(
  state: SimulatorState,
  plan: GenerationPlan,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const ttft = sampleDist(plan.profile.ttftMs, rngFor(state.seed, 'ttft', plan.n));
  const latency = Math.max(ttft, sampleDist(plan.profile.latencyMs, rngFor(state.seed, 'latency', plan.n)));
  let entry: LedgerEntry | null = null;
  // Called as the headers go out: billing starts when the provider answers (see above).
  const answering: OpenEntry = () =>
    (entry ??= state.ledger.open({
      id: plan.id,
      n: plan.n,
      model: plan.model,
      key: plan.key,
      streamed: plan.stream,
      outcome: plan.fault ?? 'ok',
      promptTokens: plan.prompt.promptTokens,
      cachedTokens: plan.prompt.cachedTokens,
    }));
  const meta: GenerationMeta = { id: plan.id, model: plan.model, created: Math.floor(Date.now() / 1000) };
  const headers = { ...plan.headers, 'x-generation-id': plan.id };
  try {
    if (plan.stream) await stream(state, plan, res, signal, answering, meta, headers, ttft, latency);
    else await respond(state, plan, res, signal, answering, meta, headers, latency);
  } finally {
    // Whatever happened (client gone, server closing), the entry stops growing here.
    const opened = entry as LedgerEntry | null;
    if (opened !== null) state.ledger.finish(opened, opened.done ? opened.finishReason : null);
  }
}

/** Opens the generation's ledger entry (once) as it starts answering. */
type OpenEntry = () => LedgerEntry;

async function respond(
  state: SimulatorState,
  plan: GenerationPlan,
  res: ServerResponse,
  signal: AbortSignal,
  answering: OpenEntry,
  meta: GenerationMeta,
  headers: Record<string, string>,
  latency: number,
): Promise<void> {
  if (!(await state.timers.sleep(latency, signal))) return;
  if (signal.aborted || res.destroyed) return;
  const entry = answering();
  const usage = () => usageOf(entry, state.reportCost);

  if (plan.fault === 'sse_error_event' || plan.fault === 'finish_reason_error') {
    // The non-streaming form of a mid-generation error: 200, partial content, finish "error".
    const pieces = splitContent(plan.content, plan.profile.chunks);
    const partial = pieces.slice(0, cutIndex(pieces.length)).join('');
    state.ledger.emitted(entry, textTokens(partial));
    state.ledger.finish(entry, 'error');
    writeJson(res, 200, JSON.stringify(completionBody(meta, partial, 'error', usage(), MID_STREAM_ERROR)), headers);
    return;
  }

  state.ledger.emitted(entry, textTokens(plan.content));
  state.ledger.finish(entry, plan.finishReason);
  const text = JSON.stringify(completionBody(meta, plan.content, plan.finishReason, usage()));

  switch (plan.fault) {
    case 'malformed_json':
      // A complete HTTP response whose body is not JSON: a trailing comma and a cut-off tail.
      writeJson(res, 200, `${text.slice(0, -1)},"usage_note":}`, headers);
      return;
    case 'truncated_stream': {
      // Content-Length promises the whole body; the connection ends after half of it.
      const bytes = Buffer.from(text);
      writeHead(res, 200, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.end());
      return;
    }
    case 'stall_mid_stream': {
      const bytes = Buffer.from(text);
      writeHead(res, 200, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      await state.timers.sleep(plan.profile.stallMs, signal);
      res.socket?.destroy();
      return;
    }
    default:
      writeJson(res, 200, text, headers);
  }
}

async function stream(
  state: SimulatorState,
  plan: GenerationPlan,
  res: ServerResponse,
  signal: AbortSignal,
  answering: OpenEntry,
  meta: GenerationMeta,
  headers: Record<string, string>,
  ttft: number,
  latency: number,
): Promise<void> {
  if (!(await state.timers.sleep(ttft, signal))) return;
  if (signal.aborted || res.destroyed) return;
  const entry = answering();
  const pieces = splitContent(plan.content, plan.profile.chunks);
  const fault = plan.fault;
  const cut = fault !== null && CUTTING.has(fault) ? cutIndex(pieces.length) : pieces.length;
  const malformedAt = fault === 'malformed_json' ? Math.floor(pieces.length / 2) : -1;
  const interval = pieces.length > 1 ? (latency - ttft) / (pieces.length - 1) : 0;

  writeHead(res, 200, { ...SSE_HEADERS, ...headers });
  write(res, SSE_PROCESSING);
  let emitted = '';
  for (let index = 0; index < cut; index += 1) {
    if (index > 0 && !(await state.timers.sleep(interval, signal))) return;
    if (signal.aborted) return;
    const piece = pieces[index] ?? '';
    const line = sseData(contentChunk(meta, piece, index === 0));
    // A data line that is not JSON: the event is cut in the middle of its object.
    write(res, index === malformedAt ? `${line.slice(0, Math.max(8, Math.floor(line.length / 2)))}\n\n` : line);
    emitted += piece;
    state.ledger.emitted(entry, textTokens(emitted));
  }
  const usage = () => usageOf(entry, state.reportCost);

  switch (fault) {
    case 'stall_mid_stream':
      await state.timers.sleep(plan.profile.stallMs, signal);
      res.socket?.destroy();
      return;
    case 'sse_error_event':
      state.ledger.finish(entry, 'error');
      write(res, sseData({ error: MID_STREAM_ERROR }));
      res.end();
      return;
    case 'truncated_stream':
      // The HTTP response ends cleanly, but without finish_reason, usage or [DONE].
      res.end();
      return;
    case 'finish_reason_error':
      state.ledger.finish(entry, 'error');
      write(res, sseData(finishChunk(meta, 'error', MID_STREAM_ERROR)));
      if (plan.includeUsage) write(res, sseData(usageChunk(meta, usage())));
      write(res, SSE_DONE);
      res.end();
      return;
    default:
      state.ledger.finish(entry, plan.finishReason);
      write(res, sseData(finishChunk(meta, plan.finishReason)));
      if (plan.includeUsage) write(res, sseData(usageChunk(meta, usage())));
      write(res, SSE_DONE);
      res.end();
  }
}

/** How many of `count` chunks go out before a mid-stream fault: half, at least one. */
function cutIndex(count: number): number {
  return Math.max(1, Math.floor(count / 2));
}

function writeHead(res: ServerResponse, status: number, headers: Record<string, string>): void {
  if (!res.headersSent && !res.destroyed) res.writeHead(status, headers);
}

function write(res: ServerResponse, text: string): void {
  if (!res.destroyed && !res.writableEnded) res.write(text);
}

function writeJson(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (res.destroyed) return;
  writeHead(res, status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
