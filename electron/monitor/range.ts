/**
 * Turning the renderer's date range into epoch milliseconds. A bare date (YYYY-MM-DD) is a
 * local calendar day, the way a teacher reads "from Monday to Friday": `from` is the start of
 * that day and `to` includes the whole of its day. A full ISO date-time is taken as the exact
 * instant (`to` exclusive).
 */
import { AppError } from '../../shared/errors.ts';
import type { DateRange } from '../../shared/ipc/monitor.ts';
import type { TimeRange } from '../store/index.ts';

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function localMidnight(year: number, month: number, day: number): number {
  return new Date(year, month - 1, day).getTime();
}

/** Epoch ms of `text`; a bare date is local midnight, `endOfDay` moves it to the next midnight. */
export function parseDateInput(text: string, endOfDay: boolean): number {
  const m = DAY_RE.exec(text);
  let ms: number;
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    ms = localMidnight(y, mo, d + (endOfDay ? 1 : 0));
  } else {
    ms = Date.parse(text);
  }
  if (!Number.isFinite(ms)) throw new AppError('INVALID_INPUT', `"${text.slice(0, 40)}" is not a date.`);
  return ms;
}

export function toTimeRange(input: DateRange): TimeRange {
  const from = input.from !== undefined ? parseDateInput(input.from, false) : undefined;
  const to = input.to !== undefined ? parseDateInput(input.to, true) : undefined;
  if (from !== undefined && to !== undefined && from >= to) {
    throw new AppError('INVALID_INPUT', 'The start of the range must be before its end.');
  }
  return { from, to };
}

/** Local midnight of the day containing `ms`: where "today" starts. */
export function startOfLocalDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}
