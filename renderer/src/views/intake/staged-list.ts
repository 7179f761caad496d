/** The list of staged items as events change it, and what its summary line counts. Pure. */
import type { StagedItem } from '../../../../shared/ipc/intake.ts';

export interface StagedCounts {
  /** Ready, with nothing to look at. */
  ready: number;
  /** A problem (cannot be graded) or a warning (graded, but look first). */
  attention: number;
  reading: number;
}

export function countsOf(items: readonly StagedItem[]): StagedCounts {
  const counts: StagedCounts = { ready: 0, attention: 0, reading: 0 };
  for (const item of items) {
    if (item.status === 'reading') counts.reading += 1;
    else if (item.status === 'problem' || item.warnings.length > 0) counts.attention += 1;
    else counts.ready += 1;
  }
  return counts;
}

/** The list after an event: changed items replaced in place, new ones appended, removed ones gone. */
export function applyChange(items: readonly StagedItem[], change: { items: readonly StagedItem[]; removed: readonly string[] }): StagedItem[] {
  const removed = new Set(change.removed);
  const changed = new Map(change.items.map((item) => [item.id, item]));
  const out = items.filter((item) => !removed.has(item.id)).map((item) => changed.get(item.id) ?? item);
  const known = new Set(out.map((item) => item.id));
  for (const item of change.items) if (!known.has(item.id) && !removed.has(item.id)) out.push(item);
  return out;
}
