import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/app/create-app.ts';
import { createMemorySecretStore } from '../../../electron/secrets/secret-store.ts';
import { localDay, spendForDay } from '../../../electron/store/index.ts';
import { gradingRequest } from './helpers.ts';

/**
 * The demo provider's calls are reserved against the budget as simulated: a teacher who tried
 * the demo in the morning still has the whole of today's real budget in the afternoon.
 */
describe("the demo's made-up spend and today's real budget", () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-demo-spend-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reserves a demo call as simulated and leaves the real day untouched', async () => {
    const app = await createApp({ configPath: null, dbPath: join(dir, 'gd.db'), demo: true, mode: 'browser', secrets: createMemorySecretStore() });
    try {
      // The demo's models say they are simulated, not that a key is set.
      const models = await app.handlers.listModels({});
      expect(models.length).toBeGreaterThan(0);
      expect(models.every((m) => m.keyStatus === 'simulated')).toBe(true);
      const outcome = await app.calls.execute(gradingRequest(), { purpose: 'grading' });
      expect(outcome.ok).toBe(true);
      const day = localDay(Date.now());
      expect(spendForDay(app.db, day, { simulated: true }).committedUsd).toBeGreaterThan(0);
      expect(spendForDay(app.db, day).committedUsd).toBe(0);
      expect(app.monitor.budget.status().today.committedUsd).toBe(0);
    } finally {
      await app.close();
    }
  });
});
