/**
 * The days a costs range covers. Days are local calendar days (YYYY-MM-DD), the rollups' key;
 * they are walked as dates, not as 24-hour steps, so a daylight-saving change skips none.
 */
import { AppError } from '../../shared/errors.ts';
import { MAX_RANGE_DAYS, type DayRangeInput } from '../../shared/ipc/costs.ts';
import type { DayRange } from './rollup-queries.ts';

function parts(day: string): [number, number, number] {
  const [y, m, d] = day.split('-').map(Number);
  return [y ?? 0, m ?? 1, d ?? 1];
}

/** Every day from `fromDay` to `toDay`, both included. */
export function daysOf(range: DayRange): string[] {
  const [y, m, d] = parts(range.fromDay);
  const out: string[] = [];
  for (let i = 0; i <= MAX_RANGE_DAYS; i += 1) {
    const date = new Date(Date.UTC(y, m - 1, d + i));
    const text = date.toISOString().slice(0, 10);
    if (text > range.toDay) break;
    out.push(text);
  }
  return out;
}

/** Local midnight starting `day`, epoch ms. */
export function startOfDay(day: string): number {
  const [y, m, d] = parts(day);
  return new Date(y, m - 1, d).getTime();
}

/** Local midnight after `day`, epoch ms. */
export function endOfDay(day: string): number {
  const [y, m, d] = parts(day);
  return new Date(y, m - 1, d + 1).getTime();
}

/** The range checked: in order, and no longer than the screen offers. */
export function checkedRange(input: DayRangeInput): DayRange {
  if (input.fromDay > input.toDay) {
    throw new AppError('INVALID_INPUT', 'The start of the range must not be after its end.');
  }
  const days = daysOf({ fromDay: input.fromDay, toDay: input.toDay });
  if (days[days.length - 1] !== input.toDay) {
    throw new AppError('INVALID_INPUT', `A range can cover at most ${MAX_RANGE_DAYS} days.`);
  }
  return { fromDay: input.fromDay, toDay: input.toDay };
}
