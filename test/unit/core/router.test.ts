import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { routeNames, routes } from '../../../shared/ipc/contract.ts';
import { LIMITS } from '../../../shared/ipc/common.ts';
import { createRouter, type SenderInfo } from '../../../electron/ipc/router.ts';
import type { Handlers } from '../../../shared/ipc/contract.ts';
import { makeHandlers } from '../../support/fake-handlers.ts';

const trusted: SenderInfo = { url: 'app://gradedesk/index.html', isMainFrame: true };

function makeRouter(handlers: Handlers = makeHandlers(), onInternalError = vi.fn()) {
  return createRouter(handlers, {
    isTrustedSender: (s) => s.isMainFrame && s.url.startsWith('app://gradedesk/'),
    onInternalError,
  });
}

describe('router', () => {
  it('answers a valid request with {ok: true, data}', async () => {
    const result = await makeRouter().handle('checkModel', { modelId: 'm1' }, trusted);
    expect(result).toMatchObject({ ok: true, data: { modelId: 'm1', ok: true } });
  });

  it('checks the sender before anything else', async () => {
    const handler = vi.fn(() => []);
    const router = makeRouter(makeHandlers({ listModels: handler }));
    for (const sender of [
      { url: 'https://evil.example/', isMainFrame: true },
      { url: 'app://gradedesk/index.html', isMainFrame: false },
    ]) {
      // even an unknown route or bad input is answered with SENDER_REJECTED, revealing nothing
      expect(await router.handle('listModels', {}, sender)).toMatchObject({ ok: false, error: { code: 'SENDER_REJECTED' } });
      expect(await router.handle('nope', 5, sender)).toMatchObject({ ok: false, error: { code: 'SENDER_REJECTED' } });
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('rejects unknown routes, including prototype keys', async () => {
    const router = makeRouter();
    for (const route of ['deleteEverything', '__proto__', 'constructor', 'toString', '']) {
      expect(await router.handle(route, {}, trusted)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ROUTE' } });
    }
  });

  it('rejects wrong-typed and extra input with INVALID_INPUT naming the field', async () => {
    const router = makeRouter();
    const wrongType = await router.handle('checkModel', { modelId: 42 }, trusted);
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!wrongType.ok && wrongType.error.message).toContain('modelId');
    expect(await router.handle('checkModel', { modelId: 'm', extra: 1 }, trusted)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await router.handle('checkModel', null, trusted)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await router.handle('checkModel', { modelId: 'x'.repeat(LIMITS.id + 1) }, trusted)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('rejects oversize input before parsing it', async () => {
    const result = await makeRouter().handle('checkModel', { modelId: 'x'.repeat(LIMITS.requestBytes) }, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('rejects unserializable input (cycles, BigInt) instead of crashing', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const router = makeRouter();
    expect((await router.handle('checkModel', cyclic, trusted)).ok).toBe(false);
    expect((await router.handle('checkModel', { modelId: 10n }, trusted)).ok).toBe(false);
  });

  it('turns AppError into its code and anything else into INTERNAL_ERROR without leaking it', async () => {
    const onInternalError = vi.fn();
    const router = makeRouter(
      makeHandlers({
        listModels: () => {
          throw new AppError('CONFIG_INVALID', 'bad config');
        },
        checkModel: async () => {
          throw new Error('secret stack detail');
        },
      }),
      onInternalError,
    );
    expect(await router.handle('listModels', {}, trusted)).toEqual({ ok: false, error: { code: 'CONFIG_INVALID', message: 'bad config' } });
    const internal = await router.handle('checkModel', { modelId: 'm' }, trusted);
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR' } });
    expect(JSON.stringify(internal)).not.toContain('secret stack detail');
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('serves every route of the contract: input is checked first, then the route reaches its own handler', async () => {
    const reached: string[] = [];
    const spies = Object.fromEntries(
      routeNames.map((route) => [
        route,
        () => {
          reached.push(route);
          throw new AppError('ABORTED', 'stop here');
        },
      ]),
    ) as unknown as Handlers;
    const router = makeRouter(spies);
    for (const route of routeNames) {
      const emptyIsValid = routes[route].input.safeParse({}).success;
      const result = await router.handle(route, {}, trusted);
      expect(result.ok, route).toBe(false);
      if (emptyIsValid) expect(reached.at(-1), route).toBe(route);
      else expect(result, route).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(reached.length).toBeGreaterThan(5);
  });
});
