import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { classifyThrown } from '../retry/classify.ts';
import type { AttemptProgress } from './attempt-progress.ts';
import { parseUsage, type CompletionJson } from './completion-json.ts';
import { MAX_BODY_BYTES } from './read-body.ts';
import type { AttemptResult } from './types.ts';

/** What the events of one stream have said so far. */
interface StreamState {
  content: string;
  streamError: string | null;
  malformed: boolean;
  done: boolean;
}

/** One SSE event: text for the live view, and the ids, usage and finish reason the chunks carry. */
function onEvent(event: EventSourceMessage, state: StreamState, progress: AttemptProgress, onDelta: ((text: string) => void) | undefined): void {
  if (event.data === '[DONE]') {
    state.done = true;
    return;
  }
  let chunk: CompletionJson;
  try {
    chunk = JSON.parse(event.data) as CompletionJson;
  } catch {
    state.malformed = true;
    return;
  }
  if (typeof chunk.id === 'string' && progress.generationId === null) progress.generationId = chunk.id.slice(0, 200);
  if (typeof chunk.model === 'string' && progress.answeredBy === null) progress.answeredBy = chunk.model.slice(0, 300);
  if (chunk.usage) progress.usage = parseUsage(chunk.usage);
  if (chunk.error) state.streamError = JSON.stringify(chunk.error).slice(0, 500);
  const choice = chunk.choices?.[0];
  const delta = choice?.delta?.content;
  if (typeof delta === 'string' && delta.length > 0) {
    if (!progress.contentStarted) progress.contentBegan();
    state.content += delta;
    progress.receivedContent = state.content;
    onDelta?.(delta);
  }
  if (typeof choice?.finish_reason === 'string') progress.finishReason = choice.finish_reason;
}

/** How a stream that broke off ended, unless it had already said [DONE]. */
function broken(error: unknown, progress: AttemptProgress): AttemptResult {
  const cls = progress.cancelledByCaller ? 'aborted' : classifyThrown(error, 'mid_body');
  if (cls === 'aborted') return progress.fail(progress.contentStarted ? progress.abortClass('mid_body') : progress.abortClass('before_first_byte'), 'aborted');
  // Silence before the first content is a stall before the first byte, whoever noticed it.
  return progress.fail(cls === 'stall_mid_stream' && !progress.contentStarted ? 'stall_first_byte' : cls, String((error as Error)?.message ?? error));
}

/** A stream that ended: a success only if it finished and said something. */
function judged(state: StreamState, progress: AttemptProgress): AttemptResult {
  // A body that ended because the caller cancelled is not the provider's truncation.
  if (!state.done && progress.cancelledByCaller) return progress.fail('aborted', 'cancelled');
  if (state.malformed) return progress.fail('malformed', 'an SSE data line was not JSON');
  if (state.streamError) return progress.fail('stream_error', state.streamError);
  if (progress.finishReason === 'error') return progress.fail('stream_error', 'finish_reason error');
  if (!state.done && progress.finishReason === null) return progress.fail('truncated', 'the stream ended without finish_reason or [DONE]');
  if (state.content.trim() === '') return progress.fail('empty', 'empty content');
  return progress.succeed(state.content);
}

/** An SSE answer, parsed as it arrives; the final chunk carries usage. */
export async function sseAnswer(body: AsyncIterable<Buffer>, progress: AttemptProgress, onDelta: ((text: string) => void) | undefined): Promise<AttemptResult> {
  const state: StreamState = { content: '', streamError: null, malformed: false, done: false };
  const parser = createParser({ onEvent: (event) => onEvent(event, state, progress, onDelta) });
  try {
    // A streaming decoder keeps a multi-byte character split across chunks intact.
    const decoder = new TextDecoder();
    let received = 0;
    for await (const piece of body) {
      received += piece.length;
      if (received > MAX_BODY_BYTES) return progress.fail('malformed', 'stream larger than the limit');
      progress.chunkArrived();
      parser.feed(decoder.decode(piece, { stream: true }));
      if (state.streamError || state.malformed) break;
      if (state.done) progress.closeSoon();
    }
  } catch (error) {
    // After [DONE] nothing more was owed: how the connection ended does not matter, and the
    // answer is judged below like any other.
    if (!state.done || progress.cancelledByCaller) return broken(error, progress);
  }
  return judged(state, progress);
}
