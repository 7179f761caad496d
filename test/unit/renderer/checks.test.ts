import { describe, expect, it } from 'vitest';
import type { ModelCheck } from '../../../shared/ipc/models.ts';
import { checkFromError, errorFromThrown, latestCheck } from '../../../renderer/src/lib/checks.ts';

const check = (checkedAt: string, ok = true): ModelCheck => ({
  modelId: 'm',
  checkedAt,
  ok,
  latencyMs: ok ? 120 : null,
  httpStatus: ok ? 200 : 401,
  errorClass: ok ? null : 'auth',
  error: ok ? null : { code: 'INVALID_API_KEY', message: 'The key was refused.' },
});

describe('latestCheck', () => {
  it('takes the incoming result when there is none yet', () => {
    const incoming = check('2026-01-01T10:00:00.000Z');
    expect(latestCheck(null, incoming)).toBe(incoming);
    expect(latestCheck(undefined, incoming)).toBe(incoming);
  });

  it('keeps the newer of two results whatever order they arrive in', () => {
    const older = check('2026-01-01T10:00:00.000Z', false);
    const newer = check('2026-01-01T10:05:00.000Z', true);
    expect(latestCheck(older, newer)).toBe(newer);
    expect(latestCheck(newer, older)).toBe(newer);
  });

  it('lets the later arrival win a tie or an unparsable time', () => {
    const a = check('2026-01-01T10:00:00.000Z');
    const b = check('2026-01-01T10:00:00.000Z', false);
    expect(latestCheck(a, b)).toBe(b);
    const bad = check('not a time');
    expect(latestCheck(a, bad)).toBe(bad);
  });
});

describe('checkFromError', () => {
  it('shows a bridge-level failure like a failed check', () => {
    const at = new Date('2026-02-03T04:05:06.000Z');
    expect(checkFromError('m', { code: 'BRIDGE_CLOSED', message: 'Lost.' }, at)).toEqual({
      modelId: 'm',
      checkedAt: '2026-02-03T04:05:06.000Z',
      ok: false,
      latencyMs: null,
      httpStatus: null,
      errorClass: null,
      error: { code: 'BRIDGE_CLOSED', message: 'Lost.' },
    });
  });

  it('turns anything thrown into an INTERNAL_ERROR value', () => {
    expect(errorFromThrown(new Error('boom'))).toEqual({ code: 'INTERNAL_ERROR', message: 'boom' });
    expect(errorFromThrown('text')).toEqual({ code: 'INTERNAL_ERROR', message: 'text' });
  });
});
