import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode, type BrowserModeServer } from '../../../electron/browser-mode/server.ts';
import { makeHandlers } from '../../support/fake-handlers.ts';

/** Browser mode offers exported files for download: with the app's token, from the exports folder only. */
describe('the exports download route', () => {
  const root = mkdtempSync(join(tmpdir(), 'gd-exports-dl-'));
  const exportsDir = join(root, 'exports');
  let server: BrowserModeServer;

  beforeAll(async () => {
    mkdirSync(join(exportsDir, 'batch-1', 'feedback'), { recursive: true });
    mkdirSync(join(root, 'renderer'), { recursive: true });
    writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>GradeDesk</title>');
    writeFileSync(join(exportsDir, 'batch-1', 'grades-canvas.csv'), 'Student,ID\n');
    writeFileSync(join(exportsDir, 'batch-1', 'feedback', 'Chen Wei 陈伟.docx'), 'PK-doc');
    writeFileSync(join(root, 'gradedesk.db'), 'the database');
    symlinkSync(join(root, 'gradedesk.db'), join(exportsDir, 'batch-1', 'link.csv'));
    server = await startBrowserMode({ app: { handlers: makeHandlers({}), onEvent: () => () => {} }, rendererDir: join(root, 'renderer'), token: 'T0KEN', exportsDir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const get = async (path: string, token: string | null = 'T0KEN') => {
    const res = await request(`${server.origin}${path}${token === null ? '' : `${path.includes('?') ? '&' : '?'}token=${token}`}`);
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  };

  it('serves a file of the exports folder as a download', async () => {
    const csv = await get('/exports/batch-1/grades-canvas.csv');
    expect(csv.status).toBe(200);
    expect(csv.body).toBe('Student,ID\n');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(String(csv.headers['content-disposition'])).toContain('attachment;');
    const doc = await get(`/exports/batch-1/feedback/${encodeURIComponent('Chen Wei 陈伟.docx')}`);
    expect([doc.status, doc.body]).toEqual([200, 'PK-doc']);
    expect(String(doc.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent('Chen Wei 陈伟.docx')}`);
  });

  it('refuses a request without the token', async () => {
    expect((await get('/exports/batch-1/grades-canvas.csv', null)).status).toBe(403);
    expect((await get('/exports/batch-1/grades-canvas.csv', 'WRONG')).status).toBe(403);
  });

  it('refuses every path outside the exports folder', async () => {
    for (const path of [
      '/exports/batch-1/..%2F..%2Fgradedesk.db',
      '/exports/%2e%2e/gradedesk.db',
      '/exports/batch-1/%2e%2e/%2e%2e/gradedesk.db',
      '/exports/batch-1/..%5C..%5Cgradedesk.db',
      '/exports/batch-1/link.csv',
      '/exports/batch-1',
      '/exports/batch-1/feedback',
      '/exports/batch-1/nothing.csv',
      '/exports/batch-1/%00.csv',
    ]) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain('the database');
    }
  });
});
