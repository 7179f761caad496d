import { describe, expect, it } from 'vitest';
import { decodeClassList } from '../../../electron/intake/class-list.ts';
import { readDroppedName } from '../../../electron/intake/dropped-path.ts';
import { studentForFile } from '../../../electron/grading/privacy/index.ts';
import { RosterIndex } from '../../../electron/intake/roster-index.ts';
import { detectStudent } from '../../../electron/intake/student-match.ts';
import type { StagedItem } from '../../../shared/ipc/intake.ts';
import { applyChange, countsOf } from '../../../renderer/src/views/intake/staged-list.ts';
import { toBase64 } from '../../../renderer/src/views/intake/upload.ts';

const item = (id: string, over: Partial<StagedItem> = {}): StagedItem => ({
  id,
  file: `${id}.txt`,
  kind: 'text',
  pages: null,
  sizeBytes: 10,
  student: id,
  status: 'ready',
  problems: [],
  warnings: [],
  detectedStudent: id,
  studentSource: 'file_name',
  inRoster: false,
  ...over,
});

describe('a dropped name', () => {
  it('keeps the folders as dropped and makes every segment safe for the disk', () => {
    expect(readDroppedName('Period 3\\Ana/essay: final?.docx')).toEqual({ file: 'Period 3/Ana/essay: final?.docx', segments: ['Period 3', 'Ana', 'essay_ final_.docx'] });
    expect(readDroppedName('CON.txt')?.segments).toEqual(['_CON.txt']);
    expect(readDroppedName('notes. ')?.segments).toEqual(['notes']);
    expect(readDroppedName('a/./b.txt')?.file).toBe('a/b.txt');
  });

  it('leaves out system files and anything in a hidden folder; refuses `..`', () => {
    expect(readDroppedName('.git/config')).toBeNull();
    expect(readDroppedName('Desktop.ini')).toBeNull();
    expect(() => readDroppedName('a/../../b.txt')).toThrow(/not a file name/);
    expect(() => readDroppedName('//')).toThrow(/no name/);
  });

  it('caps the depth and the length of a segment', () => {
    const deep = Array.from({ length: 20 }, (_, i) => `f${i}`).join('/');
    expect(readDroppedName(`${deep}/x.txt`)?.segments).toHaveLength(12);
    const long = readDroppedName(`${'名'.repeat(200)}.txt`)?.segments[0] ?? '';
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
  });
});

describe('the student of a dropped file', () => {
  const roster = new RosterIndex([
    { name: 'López, Ana', studentId: 'S1', email: null, row: 2 },
    { name: 'Gus Hall', studentId: null, email: null, row: 3 },
  ]);
  it('matches the roster by file name, then by folder, nearest first', () => {
    expect(detectStudent('lopez_ana_essay.pdf', roster)).toMatchObject({ student: 'López, Ana', source: 'roster' });
    expect(detectStudent('Period 3/Gus Hall/essay.pdf', roster)).toMatchObject({ student: 'Gus Hall', source: 'roster' });
    expect(detectStudent('Gus Hall_77_assignsubmission_file_/draft.docx', roster)).toMatchObject({ student: 'Gus Hall', source: 'roster' });
  });
  it('without a match, a name-like folder beats a file named only "essay"', () => {
    expect(detectStudent('Period 3/Ana Silva/essay.pdf', null)).toMatchObject({ student: 'Ana Silva', source: 'file_name' });
    expect(detectStudent('Period 3/essay.pdf', null)).toMatchObject({ student: 'essay', source: 'file_name' });
    expect(detectStudent('Ben Carter - essay.pdf', roster)).toMatchObject({ student: 'Ben Carter', source: 'file_name', entry: null });
  });
});

describe('the roster index', () => {
  it('hands the matcher every entry that can match, so it finds what it finds on the whole list', () => {
    const entries = [
      "Ana López", "López, Ana", "Seán O'Brien", 'María José García', 'Li Wei', 'Wei Li', '王小明', '欧阳 娜娜', 'Ana', 'Zoë Ørsted', 'Jean-Luc Picard', 'Ben Carter',
    ].map((name, i) => ({ name, studentId: i % 3 === 0 ? `SIS${1000 + i}` : null, email: null, row: i + 2 }));
    const index = new RosterIndex(entries);
    const files = [
      'lopezana_LATE_123_essay.pdf', 'Ana Lopez - essay.docx', "obrien_sean.pdf", "Sean O'Brien essay.txt", 'garciamariajose.docx', 'Maria Jose Garcia.pdf',
      'li_wei.txt', 'wei-li.txt', '王小明作文.docx', '欧阳娜娜 期中.pdf', 'ana.txt', 'zoe orsted.pdf', 'picard jean luc.docx', 'SIS1009 essay.pdf', 'SIS1000.txt',
      'carter ben final.pdf', 'random file.txt', 'Anastasia.docx',
    ];
    for (const file of files) {
      const whole = studentForFile(file, entries);
      expect(studentForFile(file, index.candidates(file)), file).toEqual(whole);
    }
    expect(index.candidates('random file.txt')).toEqual([]);
    // most of these files do name a student: the comparison is not between two fallbacks
    expect(files.filter((file) => studentForFile(file, entries).entry !== null).length).toBeGreaterThanOrEqual(10);
  });
});

describe('a class list file', () => {
  it('reads UTF-8, UTF-16 with a BOM, GBK, and Windows-1252', () => {
    expect(decodeClassList(Buffer.from('name\nAna\n'))).toBe('name\nAna\n');
    expect(decodeClassList(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name\n王小明\n', 'utf16le')]))).toBe('name\n王小明\n');
    expect(decodeClassList(new Uint8Array([0xcd, 0xf5, 0xd0, 0xa1, 0xc3, 0xf7]))).toBe('王小明');
    expect(decodeClassList(Buffer.from('name\nJosé Müller\n', 'latin1'))).toBe('name\nJosé Müller\n');
    // a lone accented letter before ASCII is not half of a Chinese character
    expect(decodeClassList(Buffer.from('Müller,Ärger\n', 'latin1'))).toBe('Müller,Ärger\n');
  });
});

describe('the list in the renderer', () => {
  it('applies an event: changed in place, new at the end, removed gone', () => {
    const list = [item('a'), item('b'), item('c')];
    const next = applyChange(list, { items: [item('d'), item('b', { status: 'problem' })], removed: ['a'] });
    expect(next.map((i) => [i.id, i.status])).toEqual([
      ['b', 'problem'],
      ['c', 'ready'],
      ['d', 'ready'],
    ]);
  });

  it('counts ready, needing attention (a problem or a warning) and being read', () => {
    const warn = { code: 'NO_TEXT_LAYER', message: 'scan' };
    expect(countsOf([item('a'), item('b', { warnings: [warn] }), item('c', { status: 'problem' }), item('d', { status: 'reading' })])).toEqual({ ready: 1, attention: 2, reading: 1 });
  });

  it('encodes chunks as base64 the main process decodes to the same bytes', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) % 256);
    expect(Buffer.from(toBase64(bytes), 'base64').equals(Buffer.from(bytes))).toBe(true);
  });
});
