import { describe, expect, it } from 'vitest';
import { safeFileName, uniqueNames } from '../../../electron/exports/folder.ts';
import { gradebookStaging } from '../../../electron/exports/staging.ts';
import { canvasAssignments, downloadHref, gradebookKindOf } from '../../../renderer/src/views/exports/gradebook-file.ts';

describe('export file names', () => {
  it('makes a student\'s name a plain file name, keeping letters of any script', () => {
    expect(safeFileName('Chen Wei 陈伟')).toBe('Chen Wei 陈伟');
    expect(safeFileName('../../etc/passwd')).toBe('etc passwd');
    expect(safeFileName('a:b*c?"d<e>f|g\\h')).toBe('a b c d e f g h');
    expect(safeFileName('CON', 'student')).toBe('student');
    expect(safeFileName('...', 'student')).toBe('student');
    expect(safeFileName('x'.repeat(300))).toHaveLength(100);
  });

  it('numbers two students of one name instead of overwriting one', () => {
    expect(uniqueNames(['Ana Lopez', 'Ben', 'ana lopez'])).toEqual(['Ana Lopez', 'Ben', 'ana lopez (2)']);
  });

  it('builds download links that keep every segment inside the exports route', () => {
    expect(downloadHref('b1/feedback/Chen Wei 陈伟.docx')).toBe(`/exports/b1/feedback/${encodeURIComponent('Chen Wei 陈伟.docx')}`);
  });
});

describe('the gradebook file in parts', () => {
  it('joins the parts in order, once, and refuses an upload with a part missing', () => {
    const staging = gradebookStaging();
    staging.put('upload-aaaa', 1, 2, 'world');
    expect(() => staging.take('upload-aaaa')).toThrow(/did not arrive whole/);
    staging.put('upload-bbbb', 1, 2, 'world');
    staging.put('upload-bbbb', 0, 2, 'hello ');
    expect(staging.take('upload-bbbb')).toBe('hello world');
    expect(() => staging.take('upload-bbbb')).toThrow(/did not arrive whole/);
    expect(() => staging.put('upload-cccc', 0, 2, 'a') && staging.put('upload-cccc', 1, 3, 'b')).toThrow(/do not agree/);
  });

  it('reads which LMS wrote the file and Canvas\'s assignment columns from its header', () => {
    const canvas = '\uFEFFStudent,ID,SIS User ID,SIS Login ID,Section,"Essay, part 1 (5501)",Reading log (5502),Current Score\n"Lopez, Ana",1,2,3,4,,,\n';
    expect(gradebookKindOf(canvas)).toBe('canvas');
    expect(canvasAssignments(canvas)).toEqual(['Essay, part 1', 'Reading log']);
    expect(gradebookKindOf('Identifier,Full name,Email address,Status,Grade\n')).toBe('moodle');
    expect(gradebookKindOf('name,score\n')).toBeNull();
  });
});
