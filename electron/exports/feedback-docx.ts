/**
 * One student's feedback document (DOCX): the rubric as a table of criteria × levels with the
 * chosen level marked, the points per criterion and the total, and the feedback that may go out.
 */
import { AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Criterion, Rubric } from '../grading/rubric/schema.ts';
import type { StudentFeedback } from './batch-data.ts';
import type { DocumentWords } from './words.ts';

const CHOSEN_FILL = 'D9EAD3';
const HEADER_FILL = 'E7E6E6';
const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
const BORDERS = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER };

/** "7.5", not "7.500000001": points as a teacher writes them. */
const pts = (n: number): string => String(Math.round(n * 100) / 100);

function cell(children: Paragraph[], fill?: string, columnSpan = 1): TableCell {
  return new TableCell({ children, borders: BORDERS, columnSpan, ...(fill ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill } } : {}) });
}

const text = (value: string, bold = false): Paragraph => new Paragraph({ children: [new TextRun({ text: value, bold })] });

function levelCell(level: Criterion['levels'][number] | undefined, chosen: boolean, words: DocumentWords): TableCell {
  if (!level) return cell([text('')]);
  const head = `${chosen ? '✓ ' : ''}${level.label} (${pts(level.points)})${chosen ? ` — ${words.chosen}` : ''}`;
  return cell([text(head, chosen), text(level.description)], chosen ? CHOSEN_FILL : undefined);
}

function rubricTable(rubric: Rubric, student: StudentFeedback, words: DocumentWords): Table {
  const columns = Math.max(...rubric.criteria.map((c) => c.levels.length));
  const header = new TableRow({
    tableHeader: true,
    children: [cell([text(words.criterion, true)], HEADER_FILL), cell([text(words.levels, true)], HEADER_FILL, columns), cell([text(words.points, true)], HEADER_FILL)],
  });
  const rows = rubric.criteria.map((criterion) => {
    const final = student.criteria.find((c) => c.id === criterion.id);
    const levels = Array.from({ length: columns }, (_, i) => {
      const level = criterion.levels[i];
      return levelCell(level, final !== undefined && level !== undefined && level.points === final.points, words);
    });
    const max = Math.max(...criterion.levels.map((l) => l.points));
    return new TableRow({ children: [cell([text(criterion.name, true)]), ...levels, cell([text(final ? `${pts(final.points)} / ${pts(max)}` : '—')])] });
  });
  const total = new TableRow({
    children: [cell([text(words.total, true)], HEADER_FILL, columns + 1), cell([text(`${pts(student.score)} / ${pts(student.maxScore)}`, true)], HEADER_FILL)],
  });
  return new Table({ rows: [header, ...rows, total], width: { size: 100, type: WidthType.PERCENTAGE } });
}

function feedbackParagraphs(rubric: Rubric, student: StudentFeedback, words: DocumentWords): Paragraph[] {
  const out: Paragraph[] = [];
  const perCriterion = student.criteria.filter((c) => c.feedback !== null);
  if (perCriterion.length > 0) {
    out.push(new Paragraph({ text: words.comments, heading: HeadingLevel.HEADING_2 }));
    for (const c of perCriterion) {
      const name = rubric.criteria.find((r) => r.id === c.id)?.name ?? c.id;
      out.push(new Paragraph({ children: [new TextRun({ text: `${name}: `, bold: true }), new TextRun({ text: c.feedback ?? '' })] }));
    }
  }
  out.push(new Paragraph({ text: words.teacher, heading: HeadingLevel.HEADING_2 }));
  const overall = student.overall?.trim() ?? '';
  const lines = overall === '' ? [words.noFeedback] : overall.split(/\r?\n/);
  for (const line of lines) out.push(text(line));
  return out;
}

export async function feedbackDocument(rubric: Rubric, student: StudentFeedback, words: DocumentWords, language: string): Promise<Uint8Array> {
  const doc = new Document({
    creator: 'GradeDesk',
    title: `${words.title}: ${student.student}`,
    styles: { default: { document: { run: { language: { value: language, eastAsia: language.startsWith('zh') ? language : 'zh-CN' } } } } },
    sections: [
      {
        children: [
          new Paragraph({ text: `${words.title}: ${student.student}`, heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ children: [new TextRun({ text: `${words.rubric}: `, bold: true }), new TextRun({ text: rubric.title })] }),
          new Paragraph({
            alignment: AlignmentType.LEFT,
            spacing: { after: 200 },
            children: [new TextRun({ text: `${words.grade}: `, bold: true }), new TextRun({ text: `${pts(student.score)} / ${pts(student.maxScore)}`, bold: true })],
          }),
          rubricTable(rubric, student, words),
          ...feedbackParagraphs(rubric, student, words),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
