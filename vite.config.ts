import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The renderer is built to static files: Electron serves them over its app:// protocol and
// browser mode over loopback HTTP; both set the CSP header themselves.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    // Inline assets would need data: in the CSP; keep every asset a file.
    assetsInlineLimit: 0,
  },
});
