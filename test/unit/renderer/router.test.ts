import { describe, expect, it } from 'vitest';
import { hrefFor, parseHash, type Route } from '../../../renderer/src/lib/routes.ts';

describe('the hash router', () => {
  it('reads back every route it writes', () => {
    const routes: Route[] = [
      { name: 'setup' },
      { name: 'new' },
      { name: 'run', batchId: 'b_01HX' },
      { name: 'review', batchId: null, submissionId: null },
      { name: 'review', batchId: 'b_1', submissionId: null },
      { name: 'review', batchId: 'b_1', submissionId: 42 },
      { name: 'compare', batchId: null },
      { name: 'compare', batchId: 'b_2' },
      { name: 'history', batchId: null },
      { name: 'history', batchId: 'b_3' },
      { name: 'costs', submissionId: null },
      { name: 'costs', submissionId: 7 },
      { name: 'settings' },
      { name: 'home' },
    ];
    for (const route of routes) expect(parseHash(hrefFor(route)), hrefFor(route)).toEqual(route);
  });

  it('sends anything it does not know home, and drops ids that are not ids', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/nowhere')).toEqual({ name: 'home' });
    expect(parseHash('#/run/')).toEqual({ name: 'home' });
    expect(parseHash('#/run/<script>')).toEqual({ name: 'home' });
    expect(parseHash('#/review/b_1/not-a-number')).toEqual({ name: 'review', batchId: 'b_1', submissionId: null });
    expect(parseHash('#/compare/a%20b')).toEqual({ name: 'compare', batchId: null });
  });
});
