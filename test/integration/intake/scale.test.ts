import { afterAll, describe, expect, it } from 'vitest';
import { closeExtractionWorkers } from '../../../electron/grading/documents/index.ts';
import type { StagedItem } from '../../../shared/ipc/intake.ts';
import { settled, startIntake, upload } from './helpers.ts';

/**
 * A class of 300 with a school-sized class list: every change recomputes the list, so matching
 * must not be redone for every item on every change (it is cached per roster).
 */

afterAll(() => closeExtractionWorkers());

describe('a batch of 300', () => {
  it('stages 300 files and re-matches them all against a roster of 3000 in one short step', async () => {
    const intake = startIntake();
    try {
      const started = Date.now();
      for (let n = 0; n < 300; n++) {
        await upload(intake, `Section ${n % 3}/Student${n} Example - essay ${n}.txt`, Buffer.from(`Essay number ${n} about homework, long enough to be read as a real essay.`));
      }
      const items = await settled(intake);
      expect(items).toHaveLength(300);
      expect(items.every((i) => i.status === 'ready')).toBe(true);
      expect(Date.now() - started).toBeLessThan(60_000);

      const names = Array.from({ length: 3000 }, (_, n) => `Student${n} Example`);
      const csv = `name\n${names.join('\n')}\n`;
      const before = intake.events.length;
      const importStarted = Date.now();
      await intake.call('importRoster', { fileName: 'school.csv', data: Buffer.from(csv).toString('base64') });
      expect(Date.now() - importStarted).toBeLessThan(5_000);
      const changed = intake.events.slice(before).filter((e) => e.event === 'stagedChanged');
      expect(changed).toHaveLength(1);
      const rematched = (changed[0]?.payload as { items: StagedItem[] }).items;
      expect(rematched).toHaveLength(300);
      expect(rematched.every((i) => i.inRoster && i.studentSource === 'roster')).toBe(true);
      expect(rematched[7]?.student).toBe('Student7 Example');

      // a rename after that is quick: nothing is matched again
      const renameStarted = Date.now();
      await intake.call('setStagedStudent', { id: items[0]?.id ?? '', student: 'Someone Else' });
      expect(Date.now() - renameStarted).toBeLessThan(1_000);
    } finally {
      await intake.dispose();
    }
  }, 120_000);
});
