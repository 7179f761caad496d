import { AppError } from '../../shared/errors.ts';

/** A sleep that a cancelled batch interrupts at once (rejects with ABORTED). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AppError('ABORTED', 'The request was cancelled.'));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AppError('ABORTED', 'The request was cancelled.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `event` to settle, at most `ms`; rejects with ABORTED when the signal fires. The
 * timer is cleared as soon as the event settles, so a long bound keeps nothing alive.
 */
export function waitFor(event: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AppError('ABORTED', 'The request was cancelled.'));
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AppError('ABORTED', 'The request was cancelled.'));
    };
    const timer = setTimeout(finish, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
    event.then(finish, finish);
  });
}

/** One turn of the event loop's I/O phase: answers already in a socket are read first. */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
