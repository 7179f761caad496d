/**
 * Seeded randomness. Every random choice of the simulator is derived from (seed, purpose),
 * never from Math.random, so a failing test or benchmark replays exactly.
 */
import { createHash } from 'node:crypto';
import type { Dist } from './fault-profile.ts';

/** A stream of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: tiny, fast and good enough for picking test data. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from any parts; sha256 so that long inputs (base64 images) hash fast. */
export function seedFrom(...parts: (string | number)[]): number {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(String(part));
    hash.update('\u0000');
  }
  return hash.digest().readUInt32LE(0);
}

/** A generator for one purpose, e.g. `rngFor(seed, 'latency', n)`. */
export function rngFor(...parts: (string | number)[]): Rng {
  return mulberry32(seedFrom(...parts));
}

/** Integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Draws a duration (ms, never negative) from a {@link Dist}. */
export function sampleDist(dist: Dist, rng: Rng): number {
  if (typeof dist === 'number') return dist;
  if ('mean' in dist) {
    // Box–Muller; 1 - u keeps log() away from 0.
    const u = 1 - rng();
    const v = rng();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, dist.mean + dist.sd * z);
  }
  return dist.min + rng() * (dist.max - dist.min);
}
