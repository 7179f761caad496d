import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles, isSkippedName } from '../../../electron/grading/documents/index.ts';

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
