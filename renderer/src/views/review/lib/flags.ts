/** A review signal in the teacher's words: which message, and what to fill into it. */
import type { TranslationKey } from '../../../i18n/index.svelte.ts';

const KNOWN = [
  'possible_prompt_injection',
  'models_disagree',
  'low_confidence',
  'no_text_layer',
  'in_doubt',
  'hidden_text',
  'name_redacted_in_image',
  'name_may_be_visible_in_image',
] as const;
type Known = (typeof KNOWN)[number];

export interface FlagWords {
  label: TranslationKey;
  help: TranslationKey;
  vars: Record<string, string>;
  /** Signals that need a look first; a name painted over is only information. */
  urgent: boolean;
}

export function flagWords(flag: string): FlagWords {
  const [kind, model = '', code = ''] = flag.split(':');
  if (kind === 'model_failed') return { label: 'review.flags.model_failed', help: 'review.flagHelp.model_failed', vars: { model, code }, urgent: true };
  if ((KNOWN as readonly string[]).includes(kind ?? '')) {
    const known = kind as Known;
    return { label: `review.flags.${known}`, help: `review.flagHelp.${known}`, vars: {}, urgent: known !== 'name_redacted_in_image' };
  }
  return { label: 'review.flags.other', help: 'review.flagHelp.other', vars: {}, urgent: true };
}
