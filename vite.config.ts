import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { contentPlugin } from './src/lib/content/build/vite-plugin.ts';

/**
 * Cross-origin isolation from day one: WebContainers need SharedArrayBuffer, which needs COOP + COEP.
 * The same pair is in public/_headers for the static deploy.
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * "Nothing from another origin", enforced rather than only tested. mermaid writes inline styles into
 * its SVG, hence 'unsafe-inline' for styles only; Vite inlines the smallest font subsets as data:
 * URLs, hence data: for fonts. Dev is left without it: Vite's client injects
 * inline scripts. Keep in sync with public/_headers (a test compares them).
 */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'self' blob:; object-src 'none'; base-uri 'self'";

export default defineConfig({
  plugins: [contentPlugin(), svelte()],
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy } },
  build: {
    target: 'es2022',
    manifest: true,
    chunkSizeWarningLimit: 3000,
  },
});
