/** What the history's filters and re-grade offer, read once per screen. */
import type { GradeDeskApi, RouteOutput } from '../../../../shared/ipc/contract.ts';
import { call } from '../runs/call.ts';

export type FilterOptions = RouteOutput<'historyFilterOptions'>;

/** The options, or none (the filters still work with "Any") when they cannot be read. */
export async function loadOptions(api: GradeDeskApi): Promise<FilterOptions> {
  const result = await call(api.historyFilterOptions({}));
  return result.ok ? result.data : { rubrics: [], models: [], available: [] };
}
