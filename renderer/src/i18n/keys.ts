import type { enCatalogue } from './catalogues.ts';

/** Every dotted path to a string in a nested message catalogue. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/**
 * A key that exists in the English catalogue (en.json and areas/*.en.json). `t()` accepts only these, so a typo in a component is a
 * type error in svelte-check; a unit test checks zh-CN.json has exactly the same keys.
 */
export type TranslationKey = Leaves<typeof enCatalogue>;

/** Values interpolated into `{{name}}` placeholders. Svelte escapes them when rendering. */
export type TranslationVars = Readonly<Record<string, string | number>>;
