import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles, isSkippedName } from '../../../electron/grading/documents/index.ts';
import { originalsFirst, withoutCopySuffix } from '../../../electron/grading/documents/collect.ts';

let root: string;
const cwd = process.cwd();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gradedesk-collect-'));
  const files = [
    'essays/ana.docx',
    'essays/essay 10.pdf',
    'essays/essay 2.pdf',
    'essays/Bruno.txt',
    'essays/late/carla.pdf',
    'essays/late/deep/dan.md',
    'essays/.hidden.pdf',
    'essays/.git/config',
    'essays/Thumbs.db',
    'essays/desktop.ini',
    'essays/.DS_Store',
    'essays/~$ana.docx',
    'essays/__MACOSX/._ana.docx',
    'single.pdf',
  ];
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), file);
  }
  symlinkSync(join(root, 'essays', 'late'), join(root, 'essays', 'late', 'deep', 'loop')); // a cycle
  symlinkSync(join(root, 'single.pdf'), join(root, 'essays', 'late', 'deep', 'same-as-single.pdf'));
  process.chdir(root);
});

afterAll(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
});

describe('collectFiles', () => {
  it('walks folders recursively in natural order, skipping hidden and system files; paths stay as given', async () => {
    const { files, missing, truncated } = await collectFiles(['essays']);
    expect(files.map((f) => f.file)).toEqual([
      `essays${sep}ana.docx`,
      `essays${sep}Bruno.txt`,
      `essays${sep}essay 2.pdf`,
      `essays${sep}essay 10.pdf`,
      `essays${sep}late${sep}carla.pdf`,
      `essays${sep}late${sep}deep${sep}dan.md`,
      `essays${sep}late${sep}deep${sep}same-as-single.pdf`,
    ]);
    expect(files[0]?.absolutePath).toBe(join(process.cwd(), 'essays', 'ana.docx'));
    expect(missing).toEqual([]);
    expect(truncated).toBe(false);
  });

  it('keeps a folder argument as written (trailing slash, ./ prefix) and files in argument order; reports missing ones', async () => {
    const { files, missing } = await collectFiles(['single.pdf', `./essays/late${sep}`, 'nope.pdf', 'essays/late/carla.pdf']);
    // carla.pdf named again and single.pdf reached through a link are the same files: listed once.
    expect(files.map((f) => f.file)).toEqual(['single.pdf', `./essays/late${sep}carla.pdf`, `./essays/late${sep}deep${sep}dan.md`]);
    expect(missing).toEqual(['nope.pdf']);
  });

  it('an explicitly named file is taken even if a folder walk would skip it', async () => {
    const { files } = await collectFiles(['essays/.hidden.pdf']);
    expect(files.map((f) => f.file)).toEqual(['essays/.hidden.pdf']);
  });

  it('stops at maxFiles and says so', async () => {
    const { files, truncated } = await collectFiles(['essays'], { maxFiles: 2 });
    expect(files).toHaveLength(2);
    expect(truncated).toBe(true);
  });

  it('knows the debris names', () => {
    for (const name of ['.DS_Store', 'Thumbs.db', 'THUMBS.DB', 'desktop.ini', '~$essay.docx', '__MACOSX', '.git']) expect(isSkippedName(name), name).toBe(true);
    for (const name of ['essay.docx', 'thumbs.pdf', 'macosx.txt']) expect(isSkippedName(name), name).toBe(false);
  });
});

describe('copies come right after their original', () => {
  it('recognises the copy suffixes of file managers and browsers', () => {
    const cases: Array<[string, string | null]> = [
      ['essay (copy).txt', 'essay.txt'],
      ['essay copy.txt', 'essay.txt'],
      ['essay copy 2.txt', 'essay.txt'],
      ['essay (1).txt', 'essay.txt'],
      ['essay - Copy.docx', 'essay.docx'],
      ['essay - Copy (2).docx', 'essay.docx'],
      ['Essay (Copy 3)', 'Essay'],
      ['essay.txt', null],
      ['essay 2.txt', null],
      ['copy.txt', null],
      ['(1).txt', null],
    ];
    for (const [name, original] of cases) expect(withoutCopySuffix(name), name).toBe(original);
  });

  it('grades the original: its copy follows it, and no other file moves', async () => {
    mkdirSync(join(root, 'copies'));
    const names = ['essay (copy).txt', 'essay.txt', 'essay (1).txt', 'essay 2.txt', 'Bea - Copy.docx', 'Bea.docx', 'lone (copy).pdf', 'zed.md'];
    for (const name of names) writeFileSync(join(root, 'copies', name), 'same text');
    const { files } = await collectFiles(['copies']);
    expect(files.map((f) => f.file.slice(`copies${sep}`.length))).toEqual([
      'Bea.docx',
      'Bea - Copy.docx',
      'essay 2.txt',
      'essay.txt',
      'essay (1).txt', // copies keep their natural order among themselves
      'essay (copy).txt',
      'lone (copy).pdf', // no original here: stays where natural order put it
      'zed.md',
    ]);
  });

  it('a copy of a copy follows the copy; a list without copies is returned as it was', () => {
    const name = (s: string) => s;
    expect(originalsFirst(['a (copy) (1).txt', 'a (copy).txt', 'a.txt', 'b.txt'], name)).toEqual(['a.txt', 'a (copy).txt', 'a (copy) (1).txt', 'b.txt']);
    expect(originalsFirst(['b.txt', 'a.txt'], name)).toEqual(['b.txt', 'a.txt']);
  });
});
