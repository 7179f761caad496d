import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeExtractionWorkers } from '../../../electron/grading/documents/index.ts';
import type { RosterView, StagedItem } from '../../../shared/ipc/intake.ts';
import { byFile, refusal, settled, startIntake, upload, type Intake } from './helpers.ts';

/**
 * A class list in the forms teachers have one (a Canvas gradebook export, a Moodle grading
 * worksheet, a plain CSV from Excel in UTF-16 or GBK): every staged item is matched again the
 * moment it arrives, and the teacher's own corrections survive it.
 */

afterAll(() => closeExtractionWorkers());

const essay = (text: string): Buffer => Buffer.from(`${text}\n\nHomework should be optional; choice builds responsibility and rest matters too.`);
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const CANVAS = [
  'Student,ID,SIS User ID,SIS Login ID,Section,Essay 1 (1234)',
  '    Points Possible,,,,,16',
  '"López, Ana",48213,SIS100234,alopez23,Period 3,',
  '"Carter, Ben",48214,SIS100235,bcarter,Period 3,',
  '"Wei, Chen",48215,SIS100236,cwei,Period 3,',
  '"Student, Test",48299,,test_student,Period 3,',
].join('\n');

const MOODLE = ['Identifier,Full name,Email address,Status,Grade,Maximum Grade,Feedback comments', 'Participant 11,Ana López,ana@school.edu,Submitted,,16,', 'Participant 12,Ben Carter,ben@school.edu,Submitted,,16,'].join('\n');

let intake: Intake;
let items: StagedItem[];

beforeEach(async () => {
  intake = startIntake();
  await upload(intake, 'lopezana_LATE_1234_essay.txt', essay('Ana'));
  await upload(intake, 'Ben Carter - essay.txt', essay('Ben'));
  await upload(intake, 'SIS100236 essay.txt', essay('Chen'));
  await upload(intake, 'Submissions/Dana Smith/final.txt', essay('Dana'));
  await upload(intake, '王小明 作文.txt', essay('王小明'));
  items = await settled(intake);
});

afterEach(async () => {
  await intake.dispose();
});

const rosterEvents = (): Array<RosterView | null> => intake.events.filter((e) => e.event === 'rosterChanged').map((e) => (e.payload as { roster: RosterView | null }).roster);

describe('importing a class list', () => {
  it('a Canvas gradebook export: students only, each item matched by name, squashed name or SIS id, in one event', async () => {
    expect(items.every((i) => !i.inRoster)).toBe(true);
    const before = intake.events.length;
    const roster = await intake.call('importRoster', { fileName: 'Period 3 grades.csv', data: base64(Buffer.from(CANVAS)) });
    expect(roster).toEqual({
      fileName: 'Period 3 grades.csv',
      format: 'canvas',
      students: [
        { name: 'López, Ana', studentId: 'SIS100234' },
        { name: 'Carter, Ben', studentId: 'SIS100235' },
        { name: 'Wei, Chen', studentId: 'SIS100236' },
      ],
    });
    expect(await intake.call('getRoster', {})).toEqual(roster);
    expect(rosterEvents()).toEqual([roster]);

    const after = await intake.call('listStaged', {});
    expect(after.map((i) => [i.file, i.student, i.studentSource, i.inRoster])).toEqual([
      ['lopezana_LATE_1234_essay.txt', 'López, Ana', 'roster', true],
      ['Ben Carter - essay.txt', 'Carter, Ben', 'roster', true],
      ['SIS100236 essay.txt', 'Wei, Chen', 'roster', true],
      ['Submissions/Dana Smith/final.txt', 'Dana Smith', 'file_name', false],
      ['王小明 作文.txt', '王小明 作文', 'file_name', false],
    ]);
    const changed = intake.events.slice(before).filter((e) => e.event === 'stagedChanged');
    expect(changed).toHaveLength(1);
    expect((changed[0]?.payload as { items: StagedItem[] }).items.map((i) => i.file)).toEqual(['lopezana_LATE_1234_essay.txt', 'Ben Carter - essay.txt', 'SIS100236 essay.txt']);
  });

  it('a Moodle grading worksheet', async () => {
    const roster = await intake.call('importRoster', { fileName: 'worksheet.csv', data: base64(Buffer.from(MOODLE)) });
    expect(roster.format).toBe('moodle');
    expect(roster.students.map((s) => s.name)).toEqual(['Ana López', 'Ben Carter']);
    expect(byFile(await intake.call('listStaged', {}), 'Ben Carter - essay.txt')).toMatchObject({ student: 'Ben Carter', inRoster: true });
  });

  it('a plain list saved as UTF-16 or GBK by a spreadsheet, with a folder per student', async () => {
    const csv = '姓名,学号\n王小明,2024001\nDana Smith,2024002\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]);
    expect((await intake.call('importRoster', { fileName: 'class.csv', data: base64(utf16) })).students.map((s) => s.name)).toEqual(['王小明', 'Dana Smith']);
    const gbk = new Uint8Array([
      // "姓名,学号\n王小明,2024001\n" in GBK
      0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xd1, 0xa7, 0xba, 0xc5, 0x0a, 0xcd, 0xf5, 0xd0, 0xa1, 0xc3, 0xf7, 0x2c, 0x32, 0x30, 0x32, 0x34, 0x30, 0x30, 0x31, 0x0a,
    ]);
    const fromGbk = await intake.call('importRoster', { fileName: 'class-gbk.csv', data: base64(gbk) });
    expect(fromGbk).toMatchObject({ format: 'plain', students: [{ name: '王小明', studentId: '2024001' }] });
    expect(byFile(await intake.call('listStaged', {}), '王小明 作文.txt')).toMatchObject({ student: '王小明', studentSource: 'roster', inRoster: true });
  });

  it('a Windows-1252 list stays Western: "Müller" is not read as Chinese', async () => {
    const latin1 = Buffer.from('name\nJosé Müller\nZoë Ørsted\n', 'latin1');
    const roster = await intake.call('importRoster', { fileName: 'class.csv', data: base64(latin1) });
    expect(roster.students.map((s) => s.name)).toEqual(['José Müller', 'Zoë Ørsted']);
  });

  it('refuses a list with a mistake, naming the row, and keeps the one it had', async () => {
    await intake.call('importRoster', { fileName: 'good.csv', data: base64(Buffer.from('name\nBen Carter\n')) });
    const refused = await refusal(intake.call('importRoster', { fileName: 'bad.csv', data: base64(Buffer.from('name,email\nAna,not-an-email\n')) }));
    expect(refused).toMatchObject({ code: 'ROSTER_INVALID', message: expect.stringContaining('row 2') });
    expect((await intake.call('getRoster', {}))?.fileName).toBe('good.csv');
    await intake.call('clearRoster', {});
    expect(await intake.call('getRoster', {})).toBeNull();
    expect(rosterEvents().at(-1)).toBeNull();
    expect(byFile(await intake.call('listStaged', {}), 'Ben Carter - essay.txt')).toMatchObject({ student: 'Ben Carter', inRoster: false, studentSource: 'file_name' });
  });
});

describe('the teacher corrects a name', () => {
  it('wins over the roster, survives a new roster, and is matched to it; blank goes back to the detected name', async () => {
    const dana = byFile(items, 'Submissions/Dana Smith/final.txt');
    const corrected = await intake.call('setStagedStudent', { id: dana.id, student: '  Dana   Smyth ' });
    expect(corrected).toMatchObject({ student: 'Dana Smyth', detectedStudent: 'Dana Smith', studentSource: 'teacher', inRoster: false });
    await intake.call('importRoster', { fileName: 'class.csv', data: base64(Buffer.from('name\nDana Smyth\nBen Carter\n')) });
    expect(byFile(await intake.call('listStaged', {}), dana.file)).toMatchObject({ student: 'Dana Smyth', studentSource: 'teacher', inRoster: true });
    const reset = await intake.call('setStagedStudent', { id: dana.id, student: ' ' });
    expect(reset).toMatchObject({ student: 'Dana Smith', studentSource: 'file_name', inRoster: false });
    expect((await refusal(intake.call('setStagedStudent', { id: 'nope', student: 'X' }))).code).toBe('STAGED_NOT_FOUND');
  });
});

describe('what a batch takes (select)', () => {
  it('the paths in list order, the roster, and the name shown for each; unknown or unreadable ids refused', async () => {
    await intake.call('importRoster', { fileName: 'class.csv', data: base64(Buffer.from(CANVAS)) });
    const list = await intake.call('listStaged', {});
    const ana = byFile(list, 'lopezana_LATE_1234_essay.txt');
    const dana = byFile(list, 'Submissions/Dana Smith/final.txt');
    await intake.call('setStagedStudent', { id: dana.id, student: 'Dana Smyth' });
    const selection = intake.session.select([dana.id, ana.id, dana.id]);
    expect(selection.paths).toHaveLength(2);
    expect(selection.paths[0]?.endsWith('lopezana_LATE_1234_essay.txt')).toBe(true);
    expect(selection.paths[1]?.endsWith('final.txt')).toBe(true);
    expect(selection.students).toEqual({ [selection.paths[0] ?? '']: 'López, Ana', [selection.paths[1] ?? '']: 'Dana Smyth' });
    expect(selection.roster?.map((e) => e.name)).toEqual(['López, Ana', 'Carter, Ben', 'Wei, Chen']);

    const session = intake.session;
    expect(await refusal((async () => session.select(['s_unknown']))())).toMatchObject({ code: 'STAGED_NOT_FOUND', message: expect.stringContaining('no longer in the list') });
    const broken = await upload(intake, 'broken.pdf', Buffer.from('%PDF-1.7\n garbage that is not a PDF at all'));
    expect(await refusal((async () => session.select([ana.id, broken.id]))())).toMatchObject({ code: 'STAGED_NOT_FOUND' });
    await settled(intake);
    expect(await refusal((async () => session.select([ana.id, broken.id]))())).toMatchObject({ code: 'STAGED_NOT_FOUND', message: expect.stringContaining('cannot be graded') });
  });
});
