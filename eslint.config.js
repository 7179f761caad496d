import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/** Only these files may touch Electron; everything else must run (and be tested) under plain Node. */
const ELECTRON_GLUE = ['electron/shell/main.ts', 'electron/shell/preload.ts', 'electron/shell/safe-storage-store.ts'];

/**
 * A size-limit exception must say why (`-- generated`, `-- table data`, ...): ESLint's own
 * directives accept a `-- reason` but do not require one.
 */
const explainedSizeExceptions = {
  meta: { type: 'problem', schema: [], messages: { why: 'Say why this file or function may pass the size limit: `-- <why>` after the rule name.' } },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const text = comment.value.trim();
          if (!/^eslint-disable(-next-line|-line)?\s/.test(text) || !/\bmax-lines/.test(text)) continue;
          const why = text.split(/\s--\s/)[1]?.trim() ?? '';
          if (why.length < 3) context.report({ loc: comment.loc, messageId: 'why' });
        }
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'dist-electron/**', 'release/**', 'node_modules/**', 'test-results/**', 'bench/results/**'] },
  // A disable comment that no longer disables anything is an exception nobody needs.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
    rules: { 'svelte/no-at-html-tags': 'error' },
  },
  {
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.svelte'],
    ignores: ELECTRON_GLUE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Core code runs under plain Node: only main.ts, preload.ts and the keychain adapter may import electron.' }],
          patterns: [{ group: ['electron/*'], message: 'Core code must not import electron.' }],
        },
      ],
    },
  },
  {
    // Small modules a reader can hold in their head. Tests are exempt: a long table of cases reads
    // fine. Exceptions only for table data or generated code, with a `-- why` on the disable comment.
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/src/**/*.ts', 'renderer/src/**/*.svelte', 'bench/**/*.ts'],
    plugins: { local: { rules: { 'explained-size-exceptions': explainedSizeExceptions } } },
    rules: {
      'local/explained-size-exceptions': 'error',
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks only to window.gradedesk.' }],
          patterns: [
            { group: ['node:*'], message: 'Renderer and shared code run in the browser too: no Node built-ins.' },
            { group: ['**/electron/**'], message: 'The renderer must not import main-process code.' },
          ],
        },
      ],
    },
  },
);
