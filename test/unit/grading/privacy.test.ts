import { describe, expect, it } from 'vitest';
import { buildRequestBody } from '../../../electron/api/client/request-body.ts';
import type { AttemptTarget } from '../../../electron/api/client/types.ts';
import {
  EMAIL_REMOVED,
  createPseudonymizer,
  decodeRosterBytes,
  detectWrittenNames,
  fold,
  namesSquashedInto,
  parseRoster,
  privacyForSubmission,
  studentForFile,
  type RosterEntry,
} from '../../../electron/grading/privacy/index.ts';
import { buildGradingRequest } from '../../../electron/grading/prompt/index.ts';
import { essayRubric, sequentialMarkers } from './fixtures.ts';

const SECRET = 'batch-7f3e-secret';

function rosterOf(csv: string): RosterEntry[] {
  const parsed = parseRoster(csv);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.data;
}

function rosterError(csv: string): string {
  const parsed = parseRoster(csv);
  expect(parsed.ok).toBe(false);
  if (parsed.ok) throw new Error('expected an error');
  expect(parsed.error.code).toBe('ROSTER_INVALID');
  return parsed.error.message;
}

describe('decodeRosterBytes', () => {
  it('reads a class list saved as UTF-8, as Excel’s Windows-1252 "CSV", or as UTF-16', () => {
    const csv = 'name\r\nJosé Núñez\r\nZoë Ørsted\r\n';
    const windows1252 = Uint8Array.from([...csv].map((c) => c.charCodeAt(0)));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]);
    for (const bytes of [Buffer.from(csv, 'utf8'), windows1252, utf16]) {
      expect(rosterOf(decodeRosterBytes(bytes).replace(/^\uFEFF/, '')).map((r) => r.name)).toEqual(['José Núñez', 'Zoë Ørsted']);
    }
  });
});

describe('parseRoster', () => {
  it('takes the SIS User ID of a Canvas gradebook export over its internal ID', () => {
    const roster = rosterOf('Student,ID,SIS User ID,SIS Login ID,Section\n"López, Ana",48213,SIS100234,alopez23,Period 3\n');
    expect(roster).toEqual([{ name: 'López, Ana', studentId: 'SIS100234', email: null, row: 2 }]);
  });

  it('reads name, student_id and email, with a BOM, quotes and spare columns', () => {
    const roster = rosterOf('\uFEFFname,student_id,email,period\r\n"García, María",S1,maria@school.edu,3\r\nLi Wei,,,4\r\n\r\n');
    expect(roster).toEqual([
      { name: 'García, María', studentId: 'S1', email: 'maria@school.edu', row: 2 },
      { name: 'Li Wei', studentId: null, email: null, row: 3 },
    ]);
  });

  it('accepts common header spellings and first/last name columns', () => {
    expect(rosterOf('Student Name;ID;E-mail\nAna Li;7;ana@x.org\n')[0]).toMatchObject({ name: 'Ana Li', studentId: '7', email: 'ana@x.org' });
    expect(rosterOf('first_name,last_name\nAna,Li\n')[0]!.name).toBe('Ana Li');
    expect(rosterOf('姓名,学号\n王小明,2024001\n')[0]).toMatchObject({ name: '王小明', studentId: '2024001' });
  });

  it.each([
    ['', 'empty'],
    ['student_id,email\n1,a@b.co\n', 'needs a "name" column; it has "student_id", "email"'],
    ['name,email\nAna,a@b.co\n,b@b.co\n', 'Roster row 3: the name is empty'],
    ['name,email\nAna,not-an-email\n', 'Roster row 2: "not-an-email" is not an email address'],
    ['name,student_id\nAna,S1\nBo,S2\nCy,s1\n', 'rows 2 and 4 have the same student_id "s1"'],
    ['name\n', 'no students'],
  ])('rejects %j naming the row', (csv, expected) => {
    expect(rosterError(csv)).toContain(expected);
  });
});

describe('studentForFile (DESIGN §6)', () => {
  const roster = rosterOf('name,student_id\nMaría García,S10234\nAna Li,S10237\nAna Lima,\n王小明,S10236\nJo Park,S1\n');

  it('without a roster: file name without extension, cut at " - ", underscores as spaces', () => {
    expect(studentForFile('essays/ana.docx')).toEqual({ student: 'ana', entry: null, matchedBy: 'file_name' });
    expect(studentForFile('C:\\class\\Maria_Garcia - Essay 2 - final.pdf').student).toBe('Maria Garcia');
    expect(studentForFile('no_extension').student).toBe('no extension');
  });

  it.each([
    ['essays/maria_garcia_essay.docx', 'María García', 'name'],
    ['MARIA GARCIA - homework.pdf', 'María García', 'name'],
    ['garcia-maria.txt', 'María García', 'name'],
    ['GarciaMaria_12345_678_essay.pdf', 'María García', 'name'],
    ['scan S10237 page1.jpg', 'Ana Li', 'student_id'],
    ['ana_lima.docx', 'Ana Lima', 'name'],
    ['Ana Li.docx', 'Ana Li', 'name'],
    ['作文-王小明.docx', '王小明', 'name'],
  ])('%s → %s (by %s)', (file, student, by) => {
    expect(studentForFile(file, roster)).toMatchObject({ student, matchedBy: by });
  });

  it('does not match a name inside a longer word, and falls back on ties', () => {
    expect(studentForFile('anastasia_li.docx', roster).matchedBy).toBe('file_name');
    // "S1" is too short to count as an id match; "jo park" vs nothing else.
    expect(studentForFile('Jo Park S1.docx', roster).student).toBe('Jo Park');
    const twins = rosterOf('name\nSam Lee\nSam Lee\n');
    expect(studentForFile('sam_lee.docx', twins)).toMatchObject({ student: 'sam lee', matchedBy: 'file_name' });
  });
});

describe('names squashed into an LMS file name', () => {
  it('finds the name the text writes out, and hides it, without a roster', () => {
    const text = 'Ana López wrote this essay. As Ana said, López agrees. My homework is late.';
    for (const fileName of ['lopezana_12345_678901_Essay.docx', 'lopezana_LATE_12345_678901_Essay.docx']) {
      const privacy = privacyForSubmission({ fileName, text, roster: null, secret: SECRET });
      const sent = privacy.pseudonymizer.pseudonymize(text);
      expect(sent).not.toMatch(/Ana|López/);
      expect(sent).toContain('My homework is late.');
    }
    expect(namesSquashedInto('lopezana', 'Dear Ana López, hello')).toEqual(['Ana López']);
    expect(namesSquashedInto('ana', 'Ana López')).toEqual([]);
  });
});

describe('detectWrittenNames', () => {
  it.each([
    ['Name: Maria Garcia   Class: 10B\nEssay text', ['Maria Garcia']],
    ['Student name: Tomasz Kowalczyk, Period 3\n', ['Tomasz Kowalczyk']],
    ['By Siobhán O’Neill\n\nThe essay', ['Siobhán O’Neill']],
    ['姓名：王小明　班级：三年二班\n我的家乡', ['王小明']],
    ['Aiyana Redcloud\n\nWhy school should start later', ['Aiyana Redcloud']],
    ['The Case Against Homework\n\nBody', []],
    ['Why School Should Start Later\nBody', []],
    ['Photosynthesis\nBody', []],
    ['ANA LÓPEZ\nHomework essay', ['ANA LÓPEZ']],
    ['THE CASE AGAINST HOMEWORK\nBody', []],
    ['López, Ana\nThe essay', ['Ana López']],
    ['Ana M. López\nThe essay', ['Ana M. López']],
    ['Ana López 3/12/2024\nThe essay', ['Ana López']],
    ['Ana López - Period 3\nThe essay', ['Ana López']],
    ['Nombre: Ana López\nEl ensayo', ['Ana López']],
    // A DOCX's page header and comment authors, which its extractor puts after the body.
    ['The essay begins.\nIt goes on.\n[Header] Ana López   Period 3\n[Comment by Ben Carter] a better ending?', ['Ben Carter', 'Ana López']],
  ])('%j → %j', (text, expected) => {
    expect(detectWrittenNames(text)).toEqual(expected);
  });
});

describe('createPseudonymizer', () => {
  const p = createPseudonymizer({ names: ['María José Núñez', 'Will Turner', '王小明', { name: 'Ana Li', email: 'ana.li@school.edu', studentId: 'S20001' }], secret: SECRET });
  const pseudonym = (name: string) => p.pseudonymOf(name)!;

  it('gives stable "Student XYZ" pseudonyms per name and secret', () => {
    expect(pseudonym('María José Núñez')).toMatch(/^Student [A-HJ-NP-Z][A-HJ-NP-Z2-9]{2}$/);
    const again = createPseudonymizer({ names: ['Ana Li', '王小明', 'Will Turner', 'María José Núñez'], secret: SECRET });
    for (const entry of p.entries) expect(again.pseudonymOf(entry.name)).toBe(entry.pseudonym);
    const other = createPseudonymizer({ names: ['María José Núñez'], secret: 'another-secret' });
    expect(other.pseudonymOf('María José Núñez')).not.toBe(pseudonym('María José Núñez'));
    expect(pseudonym('MARIA JOSE NUNEZ')).toBe(pseudonym('María José Núñez'));
  });

  it('replaces full names, parts, reversed order, possessives, any case, with or without accents', () => {
    const m = pseudonym('María José Núñez');
    const text = "María José Núñez wrote it. maria jose nunez agrees. NÚÑEZ, MARÍA said so. Maria's dog and Nunez’s cat. Josefina is someone else.";
    expect(p.pseudonymize(text)).toBe(`${m} wrote it. ${m} agrees. ${m} said so. ${m}'s dog and ${m}’s cat. Josefina is someone else.`);
  });

  it('replaces a name that is also a word only when capitalized', () => {
    const w = pseudonym('Will Turner');
    expect(p.pseudonymize('I will ask Will. turner and Turner.')).toBe(`I will ask ${w}. turner and ${w}.`);
  });

  it('replaces Chinese names as substrings, and the given name alone', () => {
    const x = pseudonym('王小明');
    expect(p.pseudonymize('王小明说小明不同意。')).toBe(`${x}说${x}不同意。`);
  });

  it('survives zero-width characters and decomposed accents inside names', () => {
    const m = pseudonym('María José Núñez');
    expect(p.pseudonymize('Ma\u200Bria and Nun\u0303ez.')).toBe(`${m} and ${m}.`);
  });

  it('scrubs roster emails and ids, and any other email', () => {
    const a = pseudonym('Ana Li');
    expect(p.pseudonymize('Mail ana.li@school.edu or bob@example.com; id S20001.')).toBe(
      `Mail student-${a.slice(-3).toLowerCase()}@example.invalid or ${EMAIL_REMOVED}; id ${a}.`,
    );
  });

  it('restores real names in feedback, however the model cased the pseudonym', () => {
    const m = pseudonym('María José Núñez');
    const code = m.slice(-3);
    expect(p.restore(`${m}'s thesis is clear; student ${code.toLowerCase()} should cite. ${code} did well.`)).toBe(
      "María José Núñez's thesis is clear; María José Núñez should cite. María José Núñez did well.",
    );
    expect(p.restore(p.pseudonymize('Contact ana.li@school.edu'))).toBe('Contact ana.li@school.edu');
  });

  it('hides names written run together, without apostrophe or hyphen, or with digits after', () => {
    const q = createPseudonymizer({ names: ["Liam O'Connor", 'Mary-Jane Watson', 'Ana López', 'Jan van der Berg'], secret: SECRET });
    const liam = q.pseudonymOf("Liam O'Connor")!;
    const mary = q.pseudonymOf('Mary-Jane Watson')!;
    const ana = q.pseudonymOf('Ana López')!;
    const jan = q.pseudonymOf('Jan van der Berg')!;
    expect(q.pseudonymize('OConnor and O Connor met MaryJane and Mary Jane; @AnaLopez, lopezana, ana2024, vanderBerg.')).toBe(
      `${liam} and ${liam} met ${mary} and ${mary}; @${ana}, ${ana}, ${ana}2024, ${jan}.`,
    );
    expect(q.pseudonymize('Analysis of anatomy, and a Lopezian idea.')).toBe('Analysis of anatomy, and a Lopezian idea.');
  });

  it('hides a Japanese given name in kana and a Korean given name with its particle', () => {
    const q = createPseudonymizer({ names: ['田中さくら', '김민준'], secret: SECRET });
    const sakura = q.pseudonymOf('田中さくら')!;
    const minjun = q.pseudonymOf('김민준')!;
    expect(q.pseudonymize('田中さくら、さくらさんと田中さん。')).toBe(`${sakura}、${sakura}さんと${sakura}さん。`);
    expect(q.pseudonymize('김민준, 민준이는 학생이다.')).toBe(`${minjun}, ${minjun}이는 학생이다.`);
  });

  it('leaves a word alone that a student’s code happens to spell', () => {
    const names = ['Ana López', 'Ben Carter', 'Chen Wei', 'Dana Smith', 'Eli Park', 'Fatima Khan', 'George Hall', 'Hana Kim', 'Ivan Petrov', 'Jade Wu'];
    const words = ['HAS', 'THE', 'AND', 'CAN', 'ARE', 'ANY', 'ALL', 'USE', 'WAS', 'BUT', 'NEW', 'WAY', 'MAY', 'SAY', 'SEE', 'SET', 'GET', 'LET', 'PUT', 'YET'];
    // Bounded search for a batch secret that gives some student such a code.
    let found: { pseudonymizer: ReturnType<typeof createPseudonymizer>; name: string; word: string } | null = null;
    for (let i = 0; i < 5000 && found === null; i++) {
      const pseudonymizer = createPseudonymizer({ names, secret: `batch-secret-${i}` });
      const entry = pseudonymizer.entries.find((e) => words.includes(e.pseudonym.slice(-3)));
      if (entry) found = { pseudonymizer, name: entry.name, word: entry.pseudonym.slice(-3) };
    }
    expect(found).not.toBeNull();
    const { pseudonymizer, name, word } = found!;
    const lower = word.toLowerCase();
    expect(pseudonymizer.restore(`Any reader ${lower} a clear view of it.`)).toBe(`Any reader ${lower} a clear view of it.`);
    expect(pseudonymizer.restore(`Student ${lower} argues well; ${word} cites two sources.`)).toBe(`${name} argues well; ${name} cites two sources.`);
  });

  it('extends with names written in one submission; a known part stays its owner', () => {
    const extended = p.extend(['Maria', 'Tomasz Kowalczyk']);
    expect(extended.pseudonymOf('Maria')).toBe(pseudonym('María José Núñez'));
    expect(extended.pseudonymOf('Tomasz Kowalczyk')).toMatch(/^Student /);
    expect(p.pseudonymOf('Tomasz Kowalczyk')).toBeUndefined();
  });

  it('refuses a short secret', () => {
    expect(() => createPseudonymizer({ names: [], secret: 'short' })).toThrow(/at least 8/);
  });
});

describe('no student name or email leaves the machine', () => {
  const roster = rosterOf(
    [
      'name,student_id,email',
      'María José Núñez,S20001,mj.nunez@school.edu',
      'Zoë Fairbrother,S20002,zoe.fairbrother@school.edu',
      "Siobhán O'Neill,S20003,soneill@school.edu",
      '王小明,S20004,wxm@school.cn',
      'Aiyana Redcloud,S20005,aiyana.r@school.edu',
      'Björn Lindqvist,S20006,bjorn.l@school.edu',
      'Li Wei,S20007,li.wei@school.edu',
    ].join('\n'),
  );
  const submissions = [
    {
      file: 'essays/nunez_maria_jose.docx',
      text: 'Name: Maria Jose Nunez   Period 3\n\nWhy School Should Start Later\n\nMy friend Zoe Fairbrother thinks mornings are fine, but María disagrees. NÚÑEZ is my last name and I sign it proudly. Björn said Maria\'s plan is good. You can write to mj.nunez@school.edu with questions. My id is S20001.',
    },
    {
      file: 'Zoe Fairbrother - essay.docx',
      text: 'Zoë Fairbrother\n\nThe Case for Recycling\n\nzoe fairbrother here. Fairbrother’s plan: bins in every room. Siobhan and Li Wei helped count bottles; Wei counted two hundred. Email zoe.fairbrother@school.edu.',
    },
    {
      file: "O'Neill_Siobhan.pdf",
      text: 'By Siobhán O’Neill\n\nMy grandmother calls me Siobhan. O\'Neill family dinners are loud. Aiyana REDCLOUD sits next to me.',
    },
    {
      file: '王小明-作文.docx',
      text: '姓名：王小明　班级：三年二班\n\n我的家乡\n\n小明的家乡在江南。王小明和Li Wei是好朋友。邮箱 wxm@school.cn。',
    },
    {
      file: 'tomasz_kowalczyk.docx',
      text: 'Student name: Tomasz Kowalczyk, Period 2\n\nKowalczyk is a Polish name. Tomasz likes bees. Aiyana Redcloud lent me a book.',
    },
  ];

  it('scans every serialized request for every real name part, email and id', () => {
    const forbidden = new Set<string>();
    const bodies: string[] = [];
    const target: AttemptTarget = { modelId: 'm', endpoint: 'https://openrouter.ai/api/v1/chat/completions', slug: 'x/y', dialect: 'openrouter', apiKey: null, prices: { input: 1, output: 1 }, structuredOutput: false, dataCollection: 'deny' };
    const markers = sequentialMarkers();
    for (const submission of submissions) {
      const privacy = privacyForSubmission({ fileName: submission.file, text: submission.text, roster, secret: SECRET });
      for (const ref of privacy.names) forbidden.add(ref.name);
      const { request } = buildGradingRequest({ rubric: essayRubric(), submissionText: privacy.pseudonymizer.pseudonymize(submission.text), markerRandom: markers });
      bodies.push(JSON.stringify(request), JSON.stringify(buildRequestBody(target, request, true)));
    }
    expect(forbidden).toContain('Tomasz Kowalczyk');
    const serialized = fold(bodies.join('\n'));
    const leaks: string[] = [];
    for (const name of forbidden) {
      const folded = fold(name);
      if (serialized.includes(folded)) leaks.push(name);
      for (const han of folded.match(/\p{Script=Han}+/gu) ?? []) if (serialized.includes(han.slice(-2))) leaks.push(`${name} (${han.slice(-2)})`);
      for (const part of folded.split(/[\s,]+/)) {
        if ((part.match(/\p{L}/gu) ?? []).length < 3 || /\p{Script=Han}/u.test(part)) continue;
        const escaped = part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(serialized)) leaks.push(`${name} (${part})`);
      }
    }
    for (const entry of roster) {
      if (entry.email !== null && serialized.includes(entry.email.toLowerCase())) leaks.push(entry.email);
      if (entry.studentId !== null && serialized.includes(entry.studentId.toLowerCase())) leaks.push(entry.studentId);
    }
    expect(leaks).toEqual([]);
    expect(serialized).toContain('student ');
  });
});
