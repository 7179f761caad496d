/**
 * Import rules that keep every arrow pointing one way. Run with `npm run check:deps` (part of
 * `npm run lint`). Type-only imports count: a cycle through `import type` still ties two
 * modules together for a reader, and it turns into a runtime cycle the day someone adds a value.
 */

/**
 * Entry points: the only modules that may import the composition root (the Electron main, the
 * browser-mode preview, the CLI). Browser mode's server takes a narrow interface instead.
 */
const ENTRY_POINTS = ['^electron/shell/main\\.ts$', '^electron/browser-mode/preview\\.ts$', '^electron/cli\\.ts$', '^electron/cli/main\\.ts$'];

/** The Electron shell: the only code that needs Electron; everything else runs under plain Node. */
const ELECTRON_SHELL = ['^electron/shell/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'This module is part of an import cycle (type-only imports included): move the shared type to a module both may import, or have one side take a narrow interface.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-composition-root',
      severity: 'error',
      comment: 'Only the entry points (Electron main, browser mode, the CLI) import the composition root; a domain takes what it needs as parameters.',
      from: { path: '^electron/', pathNot: ['^electron/app(\\.ts$|/)', ...ENTRY_POINTS] },
      to: { path: '^electron/app(\\.ts$|/)' },
    },
    {
      name: 'electron-only-in-shell',
      severity: 'error',
      comment: 'Only the Electron shell may import electron: the rest must run, and be tested, under plain Node.',
      from: { pathNot: ELECTRON_SHELL },
      // The resolved path: node_modules may be a symlink, so match the package folder anywhere.
      to: { path: ['(^|/)node_modules/electron/', '^electron$'] },
    },
    {
      name: 'core-below-domains',
      severity: 'error',
      comment: 'The API core is below the monitor, the store and grading: it defines ports they implement, and imports none of them.',
      from: { path: '^electron/api/' },
      to: { path: '^electron/(store|monitor|grading)/' },
    },
    {
      name: 'shared-and-renderer-stay-out-of-electron',
      severity: 'error',
      comment: 'shared/ and the renderer run in the browser too: they import nothing from electron/.',
      from: { path: '^(shared|renderer)/' },
      to: { path: '^electron/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'This import does not resolve to a file or a package: a typo, or a module that moved.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules/', '^dist', '^release/', '^bench/results/', '^test-results/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.svelte', '.d.ts'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
