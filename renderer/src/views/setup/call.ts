import type { AppErrorData } from '../../../../shared/errors.ts';
import type { IpcResult } from '../../../../shared/ipc/contract.ts';
import { errorFromThrown } from '../../lib/checks.ts';

/** A route's answer, with a bridge failure (a thrown value) as an error like any other. */
export async function settle<T>(request: Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await request;
  } catch (thrown) {
    return { ok: false, error: errorFromThrown(thrown) };
  }
}

/** What a panel shows after an action: nothing yet, the action running, its error. */
export type ActionState = { state: 'idle' } | { state: 'running' } | { state: 'failed'; error: AppErrorData };
