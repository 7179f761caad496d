import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../electron/config/load-config.ts';
import { updateConfigFile } from '../../../electron/config/write-config.ts';
import { AppError } from '../../../shared/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'gd-config-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const fresh = (): string => join(dir, `config-${++n}.json`);
const endpoint = 'http://127.0.0.1:9/v1/chat/completions';

describe('config writer', () => {
  it('creates the file when there is none, readable by its owner only, and the loader reads it back', async () => {
    const path = fresh();
    const config = await updateConfigFile(path, (raw) => ({ ...raw, models: { m: { endpoint, name: 'M' } } }));
    expect(config.models.m?.name).toBe('M');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const loaded = loadConfigFile(path);
    expect(loaded.ok && loaded.data).toEqual(config);
  });

  it('keeps every field it does not change, known or unknown, at every level', async () => {
    const path = fresh();
    const original = {
      future_top: { a: [1, 2, { b: 'c' }] },
      models: { keep: { endpoint, colour: 'blue', weight: 2 }, edit: { endpoint, name: 'Old', tags: ['x'] } },
      routing: { strategy: 'cost', sticky: true },
      privacy: { pseudonymize_names: true, note: 'from the school' },
    };
    writeFileSync(path, JSON.stringify(original));
    await updateConfigFile(path, (raw) => {
      (raw.models as Record<string, Record<string, unknown>>).edit!.name = 'New';
      return raw;
    });
    const written = JSON.parse(readFileSync(path, 'utf8')) as typeof original;
    expect(written).toEqual({ ...original, models: { ...original.models, edit: { endpoint, name: 'New', tags: ['x'] } } });
  });

  it('refuses an invalid result with a coded error that names the field, and leaves the file as it was', async () => {
    const path = fresh();
    writeFileSync(path, JSON.stringify({ models: { m: { endpoint } } }));
    const before = readFileSync(path, 'utf8');
    const error = await updateConfigFile(path, (raw) => ({ ...raw, models: { m: { endpoint, max_concurrency: 0 } } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    expect((error as AppError).message).toContain('models.m.max_concurrency');
    const notUrl = await updateConfigFile(path, (raw) => ({ ...raw, models: { m: { endpoint: 'not a url' } } })).catch((e: unknown) => e);
    expect((notUrl as AppError).code).toBe('CONFIG_INVALID');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('does not overwrite a file the teacher broke by hand', async () => {
    const path = fresh();
    writeFileSync(path, '{"models": {');
    await expect(updateConfigFile(path, (raw) => raw)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(readFileSync(path, 'utf8')).toBe('{"models": {');
  });

  it('writes atomically: no temp file is left, a failing change writes nothing, and concurrent changes all land', async () => {
    const path = fresh();
    await updateConfigFile(path, () => ({ models: {} }));
    await expect(
      updateConfigFile(path, () => {
        throw new Error('change failed half way');
      }),
    ).rejects.toThrow('change failed half way');
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        updateConfigFile(path, (raw) => {
          (raw.models as Record<string, unknown>)[`m${i}`] = { endpoint };
          return raw;
        }),
      ),
    );
    const loaded = loadConfigFile(path);
    expect(loaded.ok && Object.keys(loaded.data.models).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps a mode the teacher chose for an existing file', async () => {
    const path = fresh();
    writeFileSync(path, '{"models": {}}', { mode: 0o640 });
    await updateConfigFile(path, (raw) => raw);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });
});
