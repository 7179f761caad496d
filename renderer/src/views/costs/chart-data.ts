/**
 * Turning the costs routes' answers into chart series and plain sentences. Pure, so the text
 * alternatives say exactly what the charts draw.
 */
import type { CostsCharts } from '../../../../shared/ipc/costs.ts';

/** Mid-tone colours, legible on the light and the dark surface alike. */
export const PALETTE = ['#3d7fd6', '#d9822b', '#2a9d8f', '#b5487e', '#7a6fd0', '#8a9a2b', '#c2543c', '#4b9bb5'];

/** A local calendar day as uPlot's x value: seconds at that day's local noon (no DST edge). */
export function dayToSeconds(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12).getTime() / 1000;
}

export function sum(values: readonly (number | null)[]): number {
  return values.reduce<number>((s, v) => s + (v ?? 0), 0);
}

/** The largest value and the day it was on; null when every day is empty. */
export function peak(days: readonly string[], values: readonly (number | null)[]): { day: string; value: number } | null {
  let best: { day: string; value: number } | null = null;
  values.forEach((v, i) => {
    if (v !== null && v > 0 && (best === null || v > best.value)) best = { day: days[i] ?? '', value: v };
  });
  return best;
}

export type RangeChoice = 7 | 30 | 90 | 365;
export const RANGE_CHOICES: readonly RangeChoice[] = [7, 30, 90, 365];

function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The last `days` local days, today included. */
export function lastDays(days: RangeChoice, now = new Date()): { fromDay: string; toDay: string } {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  return { fromDay: localDay(from), toDay: localDay(now) };
}

/** Real spend series first, each simulated model after, labelled apart. */
export function spendSeries(charts: CostsCharts, simulatedLabel: (name: string) => string): { label: string; values: number[] }[] {
  return [...charts.spend]
    .sort((a, b) => Number(a.simulated) - Number(b.simulated) || sum(b.costUsd) - sum(a.costUsd))
    .map((s) => ({ label: s.simulated ? simulatedLabel(s.name) : s.name, values: s.costUsd }));
}
