import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GradingCore } from '../../../electron/grading/core.ts';
import { createGradingHandlers, findDemoClass } from '../../../electron/grading/handlers.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const sample = { rubric: join(root, 'demo', 'rubric.json'), essays: join(root, 'demo', 'essays') };
/** Never reached by these tests: every path here ends before the core is touched. */
const noCore = {} as GradingCore;

describe('findDemoClass', () => {
  it('finds the sample class from the sources and from the bundle folder', () => {
    expect(findDemoClass(join(root, 'electron', 'grading'))).toEqual(sample);
    expect(findDemoClass(join(root, 'dist-electron'))).toEqual(sample);
    expect(findDemoClass()).toEqual(sample);
  });

  it('answers null where there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-no-demo-'));
    try {
      expect(findDemoClass(join(dir, 'a', 'b'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createGradingHandlers', () => {
  it('refuses outside demo mode before anything else', async () => {
    const events: string[] = [];
    const grading = createGradingHandlers({ core: noCore, demo: false, emit: (event) => events.push(event), demoClass: null });
    await expect(grading.handlers.gradeDemoClass({})).rejects.toMatchObject({ code: 'DEMO_ONLY' });
    expect(events).toEqual([]);
  });

  it('says so when the sample class is not installed, and the failed run does not keep the lock', async () => {
    const grading = createGradingHandlers({ core: noCore, demo: true, emit: () => {}, demoClass: null });
    await expect(grading.handlers.gradeDemoClass({})).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(grading.handlers.gradeDemoClass({})).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });

  it('reports a broken sample rubric with its own code', async () => {
    const grading = createGradingHandlers({ core: noCore, demo: true, emit: () => {}, demoClass: { rubric: join(root, 'demo', 'README.md'), essays: sample.essays } });
    await expect(grading.handlers.gradeDemoClass({})).rejects.toMatchObject({ code: 'RUBRIC_INVALID' });
  });

  it('refuses new runs once closed', async () => {
    const grading = createGradingHandlers({ core: noCore, demo: true, emit: () => {}, demoClass: null });
    await grading.close();
    await expect(grading.handlers.gradeDemoClass({})).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
