/**
 * Figures as the command prints them for a person: counts with the right noun, and dollars
 * that never show a real cost as nothing.
 */

/** `1 call`, `2 calls`, `0 calls`. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * Dollars to four places, the precision a teacher budgets in; a cost that is real but would
 * print as `$0.0000` says so instead, and null (a model without a price) is unknown.
 */
export function dollars(usd: number | null, unknown = 'unknown'): string {
  if (usd === null) return unknown;
  if (usd > 0 && usd < 0.00005) return 'less than $0.0001';
  return `$${usd.toFixed(4)}`;
}
