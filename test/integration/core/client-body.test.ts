import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAttempt } from '../../../electron/api/client/send-attempt.ts';
import type { AttemptTarget, ChatRequest } from '../../../electron/api/client/types.ts';

/**
 * Bodies the provider simulator does not send: an error page far larger than anything useful,
 * an answer over the size cap, an answer cut off by the server, and endpoints that are not
 * http(s) URLs. Each must come back as a classified attempt, never as a throw.
 */

const CHAT: ChatRequest = { system: 'Grade.', parts: [{ type: 'text', text: 'An essay.' }], maxTokens: 50 };
const TIMEOUTS = { connectMs: 2_000, firstByteMs: 2_000, idleMs: 2_000, totalMs: 5_000 };

const target = (endpoint: string): AttemptTarget => ({
  modelId: 'm',
  endpoint,
  slug: 'sim/fast',
  dialect: 'openai',
  apiKey: 'sk-test',
  prices: { input: 1e-7, output: 4e-7 },
  structuredOutput: false,
  dataCollection: null,
});

let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/huge-error') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('x'.repeat(300 * 1024));
    } else if (req.url === '/too-large') {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Over the 8 MiB cap, sent in pieces so the cap is hit mid-body.
      const piece = 'y'.repeat(1024 * 1024);
      res.write('{"id":"gen-big","choices":[{"message":{"content":"');
      let sent = 0;
      const more = (): void => {
        while (sent < 9) {
          sent += 1;
          if (!res.write(piece)) {
            res.once('drain', more);
            return;
          }
        }
        res.end('"}}]}');
      };
      more();
    } else if (req.url === '/cut-off') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"id":"gen-cut","model":"sim/fast","choices":[{"message":{"content":"The ess');
      setTimeout(() => res.socket?.destroy(), 20);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'gen-ok', model: 'sim/fast', choices: [{ message: { content: 'fine' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1 } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('sendAttempt bodies', () => {
  it('reads a plain answer, with the path and query of the endpoint kept', async () => {
    const result = await sendAttempt(target(`${base}/v1/chat?x=1`), CHAT, { stream: false, timeouts: TIMEOUTS });
    expect(result).toMatchObject({ ok: true, content: 'fine', generationId: 'gen-ok', httpStatus: 200 });
  });

  it('keeps only the start of a huge error body, and classifies the status', async () => {
    const result = await sendAttempt(target(`${base}/huge-error`), CHAT, { stream: false, timeouts: TIMEOUTS });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errorClass).toBe('server_error');
    expect(result.httpStatus).toBe(500);
    expect(result.detail.length).toBeLessThanOrEqual(500);
  });

  it('cuts an answer over the size cap instead of buffering it, without an uncaught error', async () => {
    const result = await sendAttempt(target(`${base}/too-large`), CHAT, { stream: false, timeouts: TIMEOUTS });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errorClass).toBe('malformed');
    // Let the destroyed body's late error event fire; the test fails if it escapes.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('keeps the generation id of an answer cut off mid-body, so its cost can be looked up', async () => {
    const result = await sendAttempt(target(`${base}/cut-off`), CHAT, { stream: false, timeouts: TIMEOUTS });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.generationId).toBe('gen-cut');
    expect(['stall_mid_stream', 'connection', 'truncated']).toContain(result.errorClass);
  });

  it.each(['ftp://127.0.0.1/chat', 'not a url'])('classifies the endpoint %j instead of throwing', async (endpoint) => {
    const result = await sendAttempt(target(endpoint), CHAT, { stream: false, timeouts: TIMEOUTS });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.httpStatus).toBeNull();
    expect(result.detail).not.toBe('');
  });
});
