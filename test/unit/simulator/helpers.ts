/**
 * Test helpers: real HTTP against the simulator with undici, and a plain SSE reader that
 * keeps unparseable data lines (so malformed events can be asserted on).
 */
import { Agent, request } from 'undici';

export const KEY = 'sk-sim-test';

export interface Reply {
  /** null when the connection failed before a status line arrived. */
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  /** Whatever body text arrived (possibly partial). */
  text: string;
  /** The transport error, if the exchange did not end cleanly. */
  error: (Error & { code?: string }) | null;
  /** ms from sending to the end (or the error). */
  elapsedMs: number;
}

export function userMessage(text: string): Record<string, unknown> {
  return { role: 'user', content: [{ type: 'text', text }] };
}

export function chatBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'sim/fast',
    messages: [{ role: 'system', content: 'You grade essays.' }, userMessage('Grade this essay: the cat sat on the mat.')],
    ...overrides,
  };
}

export function streamBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return chatBody({ stream: true, stream_options: { include_usage: true }, ...overrides });
}

/** A client with its own connection pool, closed by the test file. */
export function createClient() {
  const agent = new Agent({ connections: 16 });
  async function send(url: string, init: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
    const started = performance.now();
    const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
    const key = init.key === undefined ? KEY : init.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let status: number | null = null;
    let responseHeaders: Reply['headers'] = {};
    const chunks: Buffer[] = [];
    try {
      const response = await request(url, {
        method: (init.method ?? (init.body === undefined ? 'GET' : 'POST')) as 'GET' | 'POST',
        headers,
        body: init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
        dispatcher: agent,
      });
      status = response.statusCode;
      responseHeaders = response.headers;
      for await (const chunk of response.body) chunks.push(chunk as Buffer);
      return { status, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8'), error: null, elapsedMs: performance.now() - started };
    } catch (error) {
      return {
        status,
        headers: responseHeaders,
        text: Buffer.concat(chunks).toString('utf8'),
        error: error as Error & { code?: string },
        elapsedMs: performance.now() - started,
      };
    }
  }
  return {
    send,
    chat: (baseUrl: string, body: unknown, key?: string | null) => send(`${baseUrl}/chat/completions`, { body, key }),
    close: () => agent.close(),
  };
}

export interface SseRead {
  /** Parsed data events; a line that is not JSON appears as `{ unparseable: text }`. */
  events: Record<string, unknown>[];
  done: boolean;
  comments: string[];
}

export function readSse(text: string): SseRead {
  const events: Record<string, unknown>[] = [];
  const comments: string[] = [];
  let done = false;
  for (const block of text.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line);
      if (!line.startsWith('data: ')) continue;
      const data = line.slice('data: '.length);
      if (data === '[DONE]') {
        done = true;
        continue;
      }
      try {
        events.push(JSON.parse(data) as Record<string, unknown>);
      } catch {
        events.push({ unparseable: data });
      }
    }
  }
  return { events, done, comments };
}

interface ChunkChoice {
  delta?: { content?: string };
  finish_reason?: string | null;
}

/** The concatenated `delta.content` of all parseable chunks. */
export function streamedContent(read: SseRead): string {
  return read.events
    .flatMap((event) => (Array.isArray(event.choices) ? (event.choices as ChunkChoice[]) : []))
    .map((choice) => choice.delta?.content ?? '')
    .join('');
}

export function finishReasons(read: SseRead): (string | null | undefined)[] {
  return read.events
    .flatMap((event) => (Array.isArray(event.choices) ? (event.choices as ChunkChoice[]) : []))
    .map((choice) => choice.finish_reason)
    .filter((reason) => reason !== null && reason !== undefined);
}

export interface CompletionJson {
  id: string;
  model: string;
  choices: { message: { content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details: { cached_tokens: number }; cost?: number };
  error?: { code: number; message: string };
}

export function json<T = CompletionJson>(reply: Reply): T {
  return JSON.parse(reply.text) as T;
}

export interface ErrorJson {
  error: { message: string; code: string; type: string; metadata?: { reasons?: string[] } };
}
