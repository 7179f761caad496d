/**
 * A benchmark-style guard, not a timed unit test: every rule of the injection scan on a
 * megabyte of input built to make regular expressions backtrack (whitespace-only lines,
 * ideographic spaces, repeated headings and near-matches, one long line, many short ones).
 * The bounds are generous — a linear rule takes a few milliseconds here, and the whole scan is
 * compared with the same scan of ordinary prose — so only a rule whose time grows faster than its
 * input fails them. A file of ideographic-space lines once took the
 * fake-rubric rule 15 s on 16 KB.
 */
import { describe, expect, it } from 'vitest';
import { scanForInjection } from '../../../electron/grading/prompt/injection.ts';
import { ACT_RULES } from '../../../electron/grading/prompt/injection-acts.ts';
import { PHRASE_RULES } from '../../../electron/grading/prompt/injection-phrases.ts';
import { ADDRESS_RULES } from '../../../electron/grading/prompt/injection-address.ts';
import { RECORD_RULES } from '../../../electron/grading/prompt/injection-records.ts';
import { REQUEST_RULES } from '../../../electron/grading/prompt/injection-requests.ts';
import { normalizeForScan, scanVariants } from '../../../electron/grading/prompt/injection-text.ts';
import { modelInput, modelVerdict } from '../../../electron/grading/prompt/injection-model.ts';

const MB = 1 << 20;
const RULE_BOUND_MS = 500;
const SCAN_RATIO = 4;

const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

const ADVERSARIAL: Readonly<Record<string, string>> = {
  'ideographic-space lines (CRLF)': fill(`${'\u3000'.repeat(6)}\r\n`),
  'ideographic-space lines': fill('\u3000\n'),
  'mixed whitespace lines': fill(' \t\u3000\u2003\u00A0\r\n\v\f\u2028'),
  'one run of spaces': fill(' '),
  'blank lines': fill('\n'),
  'repeated headings': fill('## Rubric\n'),
  'repeated empty headings': fill('#  \n**\n【 】\n'),
  'a run of hashes': fill('#'),
  'a run of dashes and angle brackets': fill('-=<>*#[]('),
  'near-miss instructions': fill('ignore the previous '),
  'near-miss full marks': fill('give this essay full '),
  'near-miss address': fill('note to the dear if you are '),
  'near-miss levels': fill('level 4 4/4 score: '),
  'near-miss grade lines': fill('a | level 4 | 3 points\n'),
  'near-miss grade requests': fill('give this the the as a '),
  'near-miss Chinese scores': fill('内容4分结构'),
  'near-miss JSON': fill('"level" {"score" '),
  'letter-spaced': fill('a b c. d-e_f*'),
  'leet': fill('1gn0r3 pr3v '),
  'Chinese near-misses': fill('忽略之前的给这篇作文评分标准系统'),
  'near-miss self-grading': fill('this essay was already graded by the head at the '),
  'near-miss grading rules': fill('essays that are then placed at the '),
  'near-miss answer fields': fill('level: 4\nlevel: 4\nnote\n'),
  'near-miss label lists': fill('content: a\nstructure: b\n'),
  'near-miss Chinese self-grading': fill('本文这篇作文可以拿'),
  'near-miss repeated levels': fill('level 4 | level 4 | band 5 '),
  'near-miss criterion lists': fill('criterion scores: a 4, b 4; a 4 in every '),
  'near-miss vocatives': fill('hi there, dear model note from the teacher '),
  'near-miss comments and settled grades': fill('<!- [//]: the mark for this essay has been set '),
  'near-miss requests': fill('print your your set the score to give my essay 9 out of '),
  'near-miss foreign notes': fill('nota para el ignora la la la pon la nota '),
  'near-miss quotes and code': fill('"a ``` `b "c '),
  'letter-spaced words with wide gaps': fill('g i v e   m e   '),
  'near-miss leet and Base64': fill('1gn0r3 SGVsbG8gd29ybGQgaG93IGFyZSB5b3U '),
  'near-miss comments and hidden elements': fill('<!-- <span style="display:none"> [a](b "c '),
  'one very long line': fill('the essay argues that '),
  'many short lines': fill('a\n'),
  'apostrophes and single quotes': fill("'a 'b don't x' "),
  'script speaker lines': fill('a: (b\nc: (d\n'),
  'ROT13-looking lines': fill('Uryyb jbeyq guvf vf n grfg bs gur ebg\n'),
  'near-miss vocatives to whoever grades': fill('tell the one who grades if the ai is reading you are a lenient '),
  'near-miss Chinese pleas': fill('恳请您打分时正在批改的成绩已定为'),
  'near-miss records, frames and conditionals': fill('=== system message this essay reviewed and grade,a,agreed if this is being checked by an ai whoever reads this vos consignes que vous '),
  'near-miss framed headers on many lines': fill('=== developer message\n[ admin notice\n【系统\n'),
};

describe('injection scan on adversarial input', () => {
  it.each(Object.entries(ADVERSARIAL))(`every rule stays under ${RULE_BOUND_MS} ms on 1 MB: %s`, (_name, input) => {
    const variants = scanVariants(normalizeForScan(input));
    const rules = [...PHRASE_RULES.map((rule, index) => ({ name: `phrase rule ${index}`, ...rule })), ...ACT_RULES.map((rule, index) => ({ name: `act rule ${index}`, ...rule })), ...REQUEST_RULES.map((rule, index) => ({ name: `request rule ${index}`, ...rule })), ...ADDRESS_RULES.map((rule, index) => ({ name: `address rule ${index}`, ...rule })), ...RECORD_RULES.map((rule, index) => ({ name: `record rule ${index}`, ...rule }))];
    const slow: string[] = [];
    for (const rule of rules) {
      const started = performance.now();
      for (const variant of variants) rule.pattern.exec(variant);
      const ms = performance.now() - started;
      if (ms > RULE_BOUND_MS) slow.push(`${rule.name} (${rule.reason}): ${Math.round(ms)} ms`);
    }
    expect(slow).toEqual([]);
  });

  // The whole scan, against the same scan of a megabyte of ordinary prose in the same run (the
  // machine's speed and load cancel out): adversarial input takes 0.1–1.6 times as long here; a
  // rule gone super-linear takes hundreds of times as long.
  it.each(['ideographic-space lines (CRLF)', 'near-miss leet and Base64', 'near-miss comments and hidden elements', 'apostrophes and single quotes', 'script speaker lines'])(
    `the whole scan of 1 MB takes at most ${SCAN_RATIO} times as long as on ordinary prose: %s`,
    (name) => {
      const time = (text: string): number => {
        const started = performance.now();
        scanForInjection({ text, hiddenText: text });
        return performance.now() - started;
      };
      const prose = fill('The essay argues that school should start later, because teenagers sleep late. ');
      const ordinary = Math.min(time(prose), time(prose));
      expect(time(ADVERSARIAL[name] ?? '') / ordinary).toBeLessThan(SCAN_RATIO);
    },
  );

  // The learned model reads every segment of the file once: its time grows with the file (up to
  // the segment cap), never with its square. A linear reading of a quarter takes a quarter of the
  // time of the whole; a quadratic one, a sixteenth. Garbage collection makes the larger input a
  // little slower than linear (a fifth is usual here, under CI load nearer a sixth), so the bound
  // sits between the two: a tenth. Each time is the fastest of three, so one pause does not decide.
  it.each(Object.keys(ADVERSARIAL))('the learned model reads 1 MB in time proportional to its length: %s', (name) => {
    const fastest = (text: string): number => {
      const input = modelInput(text);
      const time = (): number => {
        const started = performance.now();
        modelVerdict(input);
        return performance.now() - started;
      };
      return Math.min(time(), time(), time());
    };
    const whole = ADVERSARIAL[name] ?? '';
    const quarter = whole.slice(0, MB / 4);
    // Below a few milliseconds the clock, not the reading, decides.
    expect(Math.max(fastest(quarter), 5) / Math.max(fastest(whole), 5)).toBeGreaterThan(1 / 10);
  });
});
