/** A route's answer, with a failure of the bridge itself turned into an error value like any other. */
import type { IpcResult } from '../../../../shared/ipc/contract.ts';
import { errorFromThrown } from '../../lib/checks.ts';

export async function call<T>(pending: Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await pending;
  } catch (thrown) {
    return { ok: false, error: errorFromThrown(thrown) };
  }
}
