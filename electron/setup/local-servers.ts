import { request, type Dispatcher } from 'undici';
import { AppError } from '../../shared/errors.ts';
import type { LocalServer, LocalServerKind } from '../../shared/ipc/setup.ts';

/**
 * Model servers on this computer (Ollama, LM Studio, llama.cpp, vLLM…), spoken to through their
 * OpenAI-compatible API. Only loopback addresses are accepted: a "local server" on another
 * machine would receive students' work without the teacher meaning to send it anywhere.
 */

export interface LocalProbe {
  kind: Exclude<LocalServerKind, 'custom'>;
  baseUrl: string;
}

/** Where Ollama and LM Studio listen when nobody changed them. */
export const DEFAULT_LOCAL_PROBES: readonly LocalProbe[] = [
  { kind: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  { kind: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' },
];

const PROBE_TIMEOUT_MS = 2_000;
const MAX_LISTING_BYTES = 4 * 1024 * 1024;

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The OpenAI-compatible base of a server the teacher typed in (`http://127.0.0.1:8080`,
 * `localhost:1234/v1/models`…): loopback only, `/v1` when no path was given, without a trailing
 * route. Anything else is LOCAL_URL_NOT_ALLOWED.
 */
export function localBaseUrl(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new AppError('LOCAL_URL_NOT_ALLOWED', `"${text.slice(0, 200)}" is not an address. Type one like http://127.0.0.1:8080/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('LOCAL_URL_NOT_ALLOWED', 'A local server is reached over http:// or https://.');
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new AppError('LOCAL_URL_NOT_ALLOWED', `${url.hostname} is not this computer. Only a server running on this computer (127.0.0.1 or localhost) can be added here.`);
  }
  if (url.username !== '' || url.password !== '') throw new AppError('LOCAL_URL_NOT_ALLOWED', 'Leave the user name and password out of the address.');
  let path = url.pathname.replace(/\/+$/, '').replace(/\/(chat\/completions|models)$/, '');
  if (path === '') path = '/v1';
  return `${url.protocol}//${url.host}${path}`;
}

/** The model ids of an OpenAI-style `/models` body (`{data: [{id}]}`), deduplicated, in order. */
function modelIds(body: unknown): string[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  const ids = data.map((item) => (item as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string' && id.trim() !== '' && id.length <= 300);
  return [...new Set(ids)];
}

export interface ProbeOptions {
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/** Asks one server for its models. Never throws: an unreachable server is `reachable: false` with the reason. */
export async function probeLocalServer(kind: LocalServerKind, baseUrl: string, options: ProbeOptions = {}): Promise<Omit<LocalServer, 'added'>> {
  const down = (code: string, message: string): Omit<LocalServer, 'added'> => ({ kind, baseUrl, reachable: false, models: [], error: { code, message } });
  try {
    const res = await request(`${baseUrl}/models`, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? PROBE_TIMEOUT_MS),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return down('BAD_REQUEST', `The server at ${baseUrl} answered HTTP ${res.statusCode} when asked for its models.`);
    }
    const text = await res.body.text();
    if (text.length > MAX_LISTING_BYTES) return down('MALFORMED_RESPONSE', `The server at ${baseUrl} sent a model list too large to be one.`);
    const ids = modelIds(JSON.parse(text));
    return { kind, baseUrl, reachable: true, models: ids.map((id) => ({ id })), error: null };
  } catch (error) {
    if (error instanceof SyntaxError) return down('MALFORMED_RESPONSE', `The server at ${baseUrl} did not answer with a model list.`);
    return down('CONNECTION_FAILED', `Nothing answered at ${baseUrl}. Start the server (or check the address), then look again.`);
  }
}
