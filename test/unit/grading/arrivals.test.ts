import { describe, expect, it } from 'vitest';
import { Arrivals } from '../../../electron/grading/batch/arrivals.ts';

describe('arrivals the batch runner waits for', () => {
  it('answers false at once when nothing is to come', async () => {
    await expect(new Arrivals(0).next()).resolves.toBe(false);
  });

  it('wakes every waiting worker when one arrives, and ends the wait when the last has', async () => {
    const arrivals = new Arrivals(2);
    const woken: boolean[] = [];
    const waiting = [arrivals.next().then((b) => woken.push(b)), arrivals.next().then((b) => woken.push(b))];
    await Promise.resolve();
    expect(woken).toEqual([]);
    arrivals.settle();
    await Promise.all(waiting);
    expect(woken).toEqual([true, true]);
    expect(arrivals.pending).toBe(1);
    arrivals.settle();
    expect(arrivals.pending).toBe(0);
    await expect(arrivals.next()).resolves.toBe(false);
    arrivals.settle();
    expect(arrivals.pending).toBe(0);
  });

  it('stops waiting on abort, and answers false', async () => {
    const arrivals = new Arrivals(1);
    const stop = new AbortController();
    const waiting = arrivals.next(stop.signal);
    stop.abort();
    await expect(waiting).resolves.toBe(false);
    await expect(arrivals.next(stop.signal)).resolves.toBe(false);
    expect(arrivals.pending).toBe(1);
  });

  it('wake() lets waiting workers look again without an arrival (a budget stop)', async () => {
    const arrivals = new Arrivals(1);
    const waiting = arrivals.next();
    arrivals.wake();
    await expect(waiting).resolves.toBe(true);
    expect(arrivals.pending).toBe(1);
  });
});
