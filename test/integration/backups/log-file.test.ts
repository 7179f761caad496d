import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLog, logFilePath } from '../../../electron/logging/log-file.ts';
import { openHost, tempDir } from './helpers.ts';

const DEMO_KEY = 'sk-demo-simulated';
/** A sentence of a sample student's essay (demo/essays/Chen Wei). */
const STUDENT_SENTENCE = 'When I practise math problems at home';

describe('the log file', () => {
  let temp = tempDir('gd-log-');
  afterEach(() => {
    temp.remove();
    temp = tempDir('gd-log-');
  });

  it('after a graded batch, holds what happened but never the key or a student sentence', async () => {
    const file = createFileLog({ dataDir: temp.dir });
    const host = await openHost(temp.dbPath, { log: file.log, logPath: file.path });
    await host.handlers.gradeDemoClass({});
    // What a careless caller might pass: the log must still keep them out.
    file.log('error', `call failed with key ${DEMO_KEY}`, { headers: { authorization: `Bearer ${DEMO_KEY}` }, text: STUDENT_SENTENCE });
    await host.close();
    expect(file.path).toBe(logFilePath(temp.dir));
    const text = readFileSync(file.path, 'utf8');
    expect(text).toMatch(/"automatic backup made at close".*-automatic\.db/);
    expect(text).toContain('call failed with key [redacted]');
    expect(text).not.toContain(DEMO_KEY);
    expect(text).not.toContain(STUDENT_SENTENCE);
    for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('rotates by size, keeping a few files', () => {
    const file = createFileLog({ dataDir: temp.dir, maxBytes: 2000, keep: 2 });
    for (let i = 0; i < 100; i += 1) file.log('info', `line ${i}`, { i });
    const names = readdirSync(join(temp.dir, 'logs')).sort();
    expect(names).toEqual(['gradedesk.1.log', 'gradedesk.2.log', 'gradedesk.log']);
    for (const name of names) expect(readFileSync(join(temp.dir, 'logs', name)).length).toBeLessThanOrEqual(2000);
    expect(readFileSync(file.path, 'utf8')).toContain('line 99');
    expect(existsSync(join(temp.dir, 'logs', 'gradedesk.3.log'))).toBe(false);
  });
});
