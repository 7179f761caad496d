import { randomUUID } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562): 48 bits of epoch milliseconds, then randomness. Rows keyed by such ids
 * append to the end of their SQLite index instead of landing on random pages, which more than
 * halves the cost of writing the audit trail. Built on `randomUUID` because Node serves it
 * from a cached entropy pool; a fresh `getRandomValues` per id costs many times more.
 */
export function timeOrderedId(now: number = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; its variant bits stay
  const ms = Math.max(0, Math.min(now, 0xffff_ffff_ffff)).toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${random.slice(15)}`;
}
