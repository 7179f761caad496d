import { request, type Dispatcher } from 'undici';
import { AppError, type ErrorCode } from '../../shared/errors.ts';

/** OpenRouter's API root; tests and a provider simulator replace it. */
export const OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';

/** The secret name OpenRouter models added on screen read their key from. */
export const OPENROUTER_KEY_NAME = 'OPENROUTER_API_KEY';

const CHECK_TIMEOUT_MS = 15_000;

/**
 * A key as the screen may show it: the prefix that tells which provider it is for and the last
 * four characters, so a teacher can tell two keys apart. Short keys are not masked at all (four
 * characters would be too much of them), and the renderer just says "set".
 */
export function maskKey(key: string): string | null {
  if (key.length < 16) return null;
  const prefix = /^sk-or-v\d-/.test(key) ? key.slice(0, 6) : key.slice(0, 3);
  return `${prefix}…${key.slice(-4)}`;
}

/** What a refused check means for the teacher, by HTTP status. */
function refusal(status: number): { code: ErrorCode; message: string } {
  if (status === 401 || status === 403) return { code: 'INVALID_API_KEY', message: 'OpenRouter did not accept this key. Check that it was copied in full and has not been deleted.' };
  if (status === 402) return { code: 'OUT_OF_CREDITS', message: 'The OpenRouter account of this key has no credits left. Add credits on openrouter.ai, then check again.' };
  if (status === 429) return { code: 'RATE_LIMITED', message: 'OpenRouter asked to slow down. Wait a moment, then check again.' };
  if (status >= 500) return { code: 'PROVIDER_UNAVAILABLE', message: `OpenRouter is not answering properly right now (HTTP ${status}). Try again in a few minutes.` };
  return { code: 'BAD_REQUEST', message: `OpenRouter refused the check (HTTP ${status}).` };
}

/** OpenRouter's key endpoint answers `{data: {limit_remaining}}`; a spent limit means no credits. */
function creditsLeft(body: unknown): boolean {
  const data = (body as { data?: { limit_remaining?: unknown } } | null)?.data;
  const remaining = data?.limit_remaining;
  return typeof remaining !== 'number' || remaining > 0;
}

export interface KeyCheckOptions {
  baseUrl?: string;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/**
 * Checks an OpenRouter key with the cheapest call there is: `GET /key`, which describes the key
 * and costs nothing. Resolves with the round-trip time; a refusal is an AppError whose message
 * says what to do. The key is never part of an error message.
 */
export async function checkOpenRouterKey(key: string, options: KeyCheckOptions = {}): Promise<{ latencyMs: number }> {
  const url = `${(options.baseUrl ?? OPENROUTER_BASE_URL).replace(/\/+$/, '')}/key`;
  const started = performance.now();
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? CHECK_TIMEOUT_MS),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
    throw timedOut
      ? new AppError('REQUEST_TIMEOUT', 'OpenRouter did not answer in time. Check the internet connection, then try again.')
      : new AppError('CONNECTION_FAILED', 'GradeDesk could not reach OpenRouter. Check the internet connection, then try again.');
  }
  const latencyMs = Math.round(performance.now() - started);
  if (res.statusCode !== 200) {
    await res.body.dump();
    const { code, message } = refusal(res.statusCode);
    throw new AppError(code, message, { httpStatus: res.statusCode });
  }
  const body: unknown = await res.body.json().catch(() => null);
  if (!creditsLeft(body)) throw new AppError('OUT_OF_CREDITS', refusal(402).message);
  return { latencyMs };
}
