import { AppError, type AppErrorData } from '../../shared/errors.ts';
import { isRouteName, routes, type Handlers, type IpcResult } from '../../shared/ipc/contract.ts';
import { LIMITS } from '../../shared/ipc/common.ts';
import { formatPath } from '../../shared/config.ts';

/** Where a request came from, as far as the transport can tell. */
export interface SenderInfo {
  /** The URL of the frame that sent the request (Electron) or the page origin (browser mode). */
  url: string;
  /** Sub-frames never get to talk to the core. */
  isMainFrame: boolean;
}

export interface Router {
  handle(route: string, input: unknown, sender: SenderInfo): Promise<IpcResult<unknown>>;
}

export interface RouterOptions {
  /** Decides whether a sender may talk to the core at all; checked before anything else. */
  isTrustedSender: (sender: SenderInfo) => boolean;
  /** Unexpected errors go here (the log); the renderer only sees INTERNAL_ERROR. */
  onInternalError?: (route: string, error: unknown) => void;
}

const failure = (code: AppErrorData['code'], message: string): IpcResult<never> => ({
  ok: false,
  error: { code, message },
});

/** Byte length of a JSON-serialized value, or Infinity when it cannot be serialized. */
function serializedBytes(value: unknown): number {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * The one router for every renderer request, shared by the Electron IPC glue and browser mode.
 * Order matters: sender first (an untrusted frame learns nothing, not even which routes exist),
 * then route, size, schema, and only then the handler. It never throws.
 */
export function createRouter(handlers: Handlers, options: RouterOptions): Router {
  return {
    async handle(route, input, sender) {
      if (!options.isTrustedSender(sender)) {
        return failure('SENDER_REJECTED', 'This window is not allowed to talk to GradeDesk.');
      }
      if (!isRouteName(route)) {
        const name = typeof route === 'string' ? route.slice(0, 100) : typeof route;
        return failure('UNKNOWN_ROUTE', `There is no request called "${name}".`);
      }
      if (serializedBytes(input) > LIMITS.requestBytes) {
        return failure('PAYLOAD_TOO_LARGE', `The request is larger than ${LIMITS.requestBytes} bytes.`);
      }
      const parsed = routes[route].input.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? formatPath(issue.path) : '(input)';
        return failure('INVALID_INPUT', `Invalid "${where}": ${issue?.message ?? 'invalid value'}.`);
      }
      try {
        const handler = handlers[route] as (input: unknown) => Promise<unknown> | unknown;
        const data = await handler(parsed.data);
        return { ok: true, data };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: error.toData() };
        options.onInternalError?.(route, error);
        return failure('INTERNAL_ERROR', 'Something went wrong inside GradeDesk; the details are in the log.');
      }
    },
  };
}
