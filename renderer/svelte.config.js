// Vite's root is renderer/, where vite-plugin-svelte looks for its config; use the repo's one.
export { default } from '../svelte.config.js';
