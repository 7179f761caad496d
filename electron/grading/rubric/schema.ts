/**
 * The rubric contract of DESIGN §5 as a zod schema. Limits are deliberate: every criterion
 * becomes a property of the answer schema the model must fill, so 50 criteria × 10 levels
 * already makes a long structured answer; ids become JSON property names, so they are kept
 * to characters every provider's strict mode accepts.
 */
import { z } from 'zod';

export const MAX_CRITERIA = 50;
export const MAX_LEVELS = 10;
export const MIN_LEVELS = 2;
/** Ids are JSON property names in the answer schema: ASCII letters, digits, `_`, `-`. */
export const CRITERION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Trimmed, NFC-normalized text, so that a rubric typed twice hashes the same. */
const text = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(z.string().max(max, `is longer than ${max} characters`));

const requiredText = (max: number, what: string) => text(max).pipe(z.string().min(1, `${what} is empty`));

export const LevelSchema = z.strictObject({
  points: z.number({ error: 'points must be a number' }).finite().nonnegative('points must be 0 or more'),
  label: requiredText(100, 'the label'),
  description: requiredText(2000, 'the description'),
});

export const CriterionSchema = z
  .strictObject({
    id: z.string().regex(CRITERION_ID_PATTERN, 'the id may only use letters, digits, "_" and "-" (at most 64)'),
    name: requiredText(200, 'the name'),
    description: text(4000).default(''),
    levels: z
      .array(LevelSchema)
      .min(MIN_LEVELS, `needs at least ${MIN_LEVELS} levels`)
      .max(MAX_LEVELS, `has more than ${MAX_LEVELS} levels`),
  })
  .superRefine((criterion, ctx) => {
    const seen = new Set<number>();
    criterion.levels.forEach((level, index) => {
      if (seen.has(level.points)) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', index, 'points'],
          message: `two levels are worth ${level.points} points; each level needs its own points`,
        });
      }
      seen.add(level.points);
    });
  });

export const RubricSchema = z
  .strictObject({
    title: requiredText(300, 'the title'),
    instructions: text(20_000).default(''),
    criteria: z
      .array(CriterionSchema)
      .min(1, 'needs at least one criterion')
      .max(MAX_CRITERIA, `has more than ${MAX_CRITERIA} criteria`),
  })
  .superRefine((rubric, ctx) => {
    const seen = new Set<string>();
    rubric.criteria.forEach((criterion, index) => {
      if (seen.has(criterion.id)) {
        ctx.addIssue({ code: 'custom', path: ['criteria', index, 'id'], message: `the id "${criterion.id}" is used twice` });
      }
      seen.add(criterion.id);
    });
  });

export type Level = z.output<typeof LevelSchema>;
export type Criterion = z.output<typeof CriterionSchema>;
export type Rubric = z.output<typeof RubricSchema>;
/** What a rubric file may contain before defaults are applied. */
export type RubricInput = z.input<typeof RubricSchema>;
