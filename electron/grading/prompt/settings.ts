/**
 * Grading settings chosen once per batch. They are written into the system message, which
 * must stay identical for every submission of a batch so providers' prefix caching applies:
 * nothing per-submission may ever go here.
 */
import { z } from 'zod';

/** Feedback languages, by BCP 47 tag, with the name the model is told. */
export const FEEDBACK_LANGUAGES = {
  en: 'English',
  'zh-CN': 'Simplified Chinese (简体中文)',
  'zh-TW': 'Traditional Chinese (繁體中文)',
  es: 'Spanish',
  fr: 'French',
  de: 'German',
  pt: 'Portuguese',
  it: 'Italian',
  ja: 'Japanese',
  ko: 'Korean',
} as const;

export type FeedbackLanguage = keyof typeof FEEDBACK_LANGUAGES;

const languages = Object.keys(FEEDBACK_LANGUAGES) as [FeedbackLanguage, ...FeedbackLanguage[]];

export const GradingSettingsSchema = z.strictObject({
  strictness: z.enum(['lenient', 'standard', 'strict']).default('standard'),
  language: z.enum(languages).default('en'),
  tone: z.enum(['encouraging', 'neutral', 'direct']).default('neutral'),
  /** Free text as the teacher says it: "Grade 10", "Year 7", "first-year university". */
  gradeLevel: z
    .string()
    .trim()
    .max(80)
    .regex(/^[^\n\r<>]*$/, 'one line, without < or >')
    .optional(),
});

export type GradingSettings = z.output<typeof GradingSettingsSchema>;
export type GradingSettingsInput = z.input<typeof GradingSettingsSchema>;

export const DEFAULT_SETTINGS: GradingSettings = GradingSettingsSchema.parse({});

export const STRICTNESS_RULES: Record<GradingSettings['strictness'], string> = {
  lenient:
    'Lenient. Give the benefit of the doubt: when the work sits between two levels, choose the higher one, and do not let minor slips lower a level.',
  standard: 'Standard. Apply each level description as written; when the work sits between two levels, choose the one whose description fits more of it.',
  strict:
    'Strict. A level is earned only when every part of its description is clearly met; when the work sits between two levels, choose the lower one.',
};

export const TONE_RULES: Record<GradingSettings['tone'], string> = {
  encouraging: 'Encouraging. Start from what works, then give the most useful next step; stay honest about weaknesses.',
  neutral: 'Neutral. Plain, factual and specific.',
  direct: 'Direct. Name the problems first and plainly, without softening, but never be unkind.',
};
