import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, RUBRIC, simulatorForSuite, writeConfig } from './helpers.ts';

const STUDENTS = [
  { name: 'María García', id: 'S-20931', email: 'maria.garcia@school.example' },
  { name: 'Liam O’Connor', id: 'S-20932', email: 'liam.oconnor@school.example' },
  { name: '王小明', id: 'S-20933', email: 'xiaoming.wang@school.example' },
];

describe('names never leave the machine', () => {
  const suite = simulatorForSuite();

  it('replaces roster, file-name and written names before sending, and restores them for the teacher', async () => {
    const { sim, dir } = suite;
    const essays = join(dir, 'essays');
    mkdirSync(essays, { recursive: true });
    for (const s of STUDENTS) {
      writeFileSync(
        join(essays, `${s.name} - essay.txt`),
        `Name: ${s.name}\nStudent ID: ${s.id}\nContact: ${s.email}\n\nHomework should be optional. ${s.name.split(' ')[0]} thinks practice matters, but rest matters more. In conclusion, choice helps.`,
      );
    }
    const roster = join(dir, 'class.csv');
    writeFileSync(roster, `name,student_id,email\n${STUDENTS.map((s) => `${s.name},${s.id},${s.email}`).join('\n')}\n`);
    const config = writeConfig(dir, sim.baseUrl);
    const run = await cli(['grade', essays, '--rubric', RUBRIC, '--roster', roster, '--config', config, '--db', join(dir, 'gd.db'), '--json']);
    expect(run.code).toBe(0);

    const sent = JSON.stringify(sim.requests().map((r) => r.body));
    expect(sim.requests()).toHaveLength(3);
    for (const s of STUDENTS) {
      for (const part of [...s.name.split(' ').filter((p) => p.length >= 3), s.name, s.id, s.email]) {
        expect(sent, `"${part}" reached the provider`).not.toContain(part);
      }
    }
    expect(sent).toMatch(/Student [A-Z0-9]{3}/);

    const report = JSON.parse(run.stdout) as { submissions: Array<{ student: string }> };
    expect(report.submissions.map((s) => s.student).sort()).toEqual(STUDENTS.map((s) => s.name).sort());
  });

  it('sends names as written when the teacher turns privacy.pseudonymize_names off', async () => {
    const { sim, dir } = suite;
    sim.reset();
    const essays = join(dir, 'essays-named');
    mkdirSync(essays, { recursive: true });
    writeFileSync(join(essays, 'María García - essay.txt'), 'Name: María García\n\nHomework should be optional, because rest helps learning.');
    const off = join(dir, 'off');
    mkdirSync(off, { recursive: true });
    const config = writeConfig(off, sim.baseUrl, { privacy: { pseudonymize_names: false } });
    const run = await cli(['grade', essays, '--rubric', RUBRIC, '--config', config, '--db', join(dir, 'gd-off.db'), '--json']);
    expect(run.code).toBe(0);
    const sent = JSON.stringify(sim.requests().map((r) => r.body));
    expect(sim.requests()).toHaveLength(1);
    // The submission as written (the system prompt's rules still mention a sample pseudonym).
    expect(sent).toContain('Name: María García');
  });
});
