import { randomFillSync } from 'node:crypto';

/** Random bytes per id: 74 of the 80 bits are used (12 rand_a + 62 rand_b). */
const BYTES_PER_ID = 10;
const IDS_PER_FILL = 256;
const pool = Buffer.alloc(BYTES_PER_ID * IDS_PER_FILL);
let nextInPool = IDS_PER_FILL;
let prefixMs = -1;
let prefix = '';
const VARIANT = ['8', '9', 'a', 'b'] as const;

/**
 * A UUIDv7 (RFC 9562): 48 bits of epoch milliseconds, then randomness. Rows keyed by such ids
 * append to the end of their SQLite index instead of landing on random pages, which more than
 * halves the cost of writing the audit trail. Every call makes two, so the randomness comes
 * from a pool filled 256 ids at a time and is turned to hex once; the time part is reused
 * within a millisecond.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (nextInPool === IDS_PER_FILL) {
    randomFillSync(pool);
    nextInPool = 0;
  }
  const offset = BYTES_PER_ID * nextInPool++;
  const hex = pool.toString('hex', offset, offset + BYTES_PER_ID); // 20 random hex digits
  if (now !== prefixMs) {
    const ms = Math.max(0, Math.min(Math.floor(now), 0xffff_ffff_ffff)).toString(16).padStart(12, '0');
    prefix = `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7`;
    prefixMs = now;
  }
  // The variant's two bits are 10: the digit after the third dash is one of 8, 9, a, b.
  const variant = VARIANT[(pool[offset + BYTES_PER_ID - 1] ?? 0) & 3];
  return `${prefix}${hex.slice(0, 3)}-${variant}${hex.slice(3, 6)}-${hex.slice(6, 18)}`;
}
