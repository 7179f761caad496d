/**
 * Pure display helpers for the renderer. Every function takes the locale explicitly, so a
 * component that passes the reactive locale re-renders when the teacher switches language,
 * and every function is unit-tested without a DOM.
 */

/** Tokens in a million: prices are quoted per 1M tokens, the unit providers use. */
const PER_MILLION = 1_000_000;

/**
 * The price of one million tokens, in US dollars, or `null` when the model has no price.
 * `null` must be shown as "unpriced" by the caller, never as free: a missing price means the
 * cost is unknown, not zero. A positive price too small to show is written as "<$0.0001" so it
 * never rounds down to "$0.00".
 */
export function formatPricePerMillion(costPerToken: number | null, locale: string): string | null {
  if (costPerToken === null || !Number.isFinite(costPerToken) || costPerToken < 0) return null;
  // Round away binary noise (3e-7 * 1e6 = 0.30000000000000004) before formatting.
  const perMillion = Number((costPerToken * PER_MILLION).toPrecision(12));
  const money = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  });
  const smallest = 0.0001;
  if (perMillion > 0 && perMillion < smallest) return `<${money.format(smallest)}`;
  return money.format(perMillion);
}

/**
 * The host (with port, if any) of an endpoint URL, for a compact display; the full URL goes in
 * a tooltip. A string that is not a URL is returned as it is rather than hidden.
 */
export function endpointHost(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return url.host || endpoint;
  } catch {
    return endpoint;
  }
}

/** A latency in whole milliseconds with the locale's unit ("1,450 ms", "1,450毫秒"). */
export function formatLatency(ms: number, locale: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'millisecond',
    unitDisplay: 'short',
    maximumFractionDigits: 0,
  }).format(Math.max(0, ms));
}

/**
 * A token count for a glance: exact below 100,000 ("8,192"), short above ("1.05M", "128K",
 * "105万") with three significant digits; pair it with `formatInteger` in a tooltip.
 */
export function formatCompactTokens(tokens: number, locale: string): string {
  if (Math.abs(tokens) < 100_000) return formatInteger(tokens, locale);
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumSignificantDigits: 3 }).format(tokens);
}

/** An integer with the locale's digit grouping ("1,048,576"). */
export function formatInteger(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/**
 * A timestamp (ISO 8601, as the main process sends it) as local date and time. An unparsable
 * value is shown as it came rather than as "Invalid Date".
 */
export function formatDateTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}
