/** What the history's filters hold on screen, and the route inputs they become. */
import type { ReviewFilter } from '../../../../shared/ipc/history.ts';

export interface FilterState {
  /** `YYYY-MM-DD` from a date field, or empty. */
  from: string;
  to: string;
  rubricId: string;
  modelId: string;
  status: string;
  review: ReviewFilter;
}

export const emptyFilters = (): FilterState => ({ from: '', to: '', rubricId: '', modelId: '', status: '', review: 'all' });

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A picked day in the teacher's own time zone: its first millisecond, or its last. */
export function dayBound(day: string, end: boolean): number | null {
  if (!DAY.test(day)) return null;
  const at = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}`).getTime();
  return Number.isFinite(at) && at >= 0 ? at : null;
}

const orNull = (value: string): string | null => (value === '' ? null : value);

/** The filters shared by both lists, as the routes take them. */
export function rangeInput(f: FilterState): { from: number | null; to: number | null; rubricId: string | null; modelId: string | null } {
  return { from: dayBound(f.from, false), to: dayBound(f.to, true), rubricId: orNull(f.rubricId), modelId: orNull(f.modelId) };
}

/** Whether anything narrows the list: the reset button shows only then. */
export const filtersSet = (f: FilterState): boolean => Object.entries(f).some(([key, value]) => (key === 'review' ? value !== 'all' : value !== ''));

/** `value` when it is one of `allowed`, else null: a select's value narrowed to a route's enum. */
export function pick<T extends string>(value: string, allowed: readonly T[]): T | null {
  return (allowed as readonly string[]).includes(value) ? (value as T) : null;
}
