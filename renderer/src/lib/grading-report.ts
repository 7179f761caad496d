/**
 * Pure helpers for showing what grading costs and how long it takes. Every function takes the
 * locale explicitly, like lib/format.ts, so a component re-renders when the teacher switches
 * language.
 */

/** Amounts below this show as "<$0.0001", never rounded down to nothing. */
const SMALLEST = 0.0001;

/**
 * US dollars as a teacher reads them: cents for whole amounts ("$1.25"), four decimals for the
 * small sums grading costs ("$0.0123"), and "<$0.0001" for tinier ones. A null cost is unknown
 * (a model without a price): the caller must say so, never show $0.
 */
export function formatMoney(value: number, locale: string): string {
  const money = (digits: number): Intl.NumberFormat =>
    new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits });
  if (value > 0 && value < SMALLEST) return `<${money(4).format(SMALLEST)}`;
  return money(value >= 1 ? 2 : 4).format(value);
}

/** Seconds as "45 s", "12 min", "1 h 5 min": the parts an ETA needs, through the caller's words. */
export function durationParts(seconds: number): { unit: 'seconds'; n: number } | { unit: 'minutes'; n: number } | { unit: 'hours'; h: number; m: number } {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return { unit: 'seconds', n: s };
  const minutes = Math.round(s / 60);
  if (minutes < 60) return { unit: 'minutes', n: minutes };
  return { unit: 'hours', h: Math.floor(minutes / 60), m: minutes % 60 };
}

/** A typical grading call's seconds, and calls in flight: for a guess before the first answer. */
const SECONDS_PER_CALL = 6;
const IN_FLIGHT = 4;

/** A rough guess of how long a batch takes before any answer came back: whether to ask for notifications. */
export function guessSeconds(submissions: number, modelsPerSubmission: number): number {
  return (submissions * Math.max(1, modelsPerSubmission) * SECONDS_PER_CALL) / IN_FLIGHT;
}
