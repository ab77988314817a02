import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { contentPlugin } from './src/lib/content/build/vite-plugin.ts';
import { runtimeAssetsPlugin } from './src/lib/runtime/build/vite-plugin.ts';

/**
 * Cross-origin isolation from day one: WebContainers need SharedArrayBuffer, which needs COOP + COEP.
 * The runtime-assets plugin writes them, with the CSP below, into the deploy's `_headers`.
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * "Nothing from another origin", enforced rather than only tested. mermaid writes inline styles into
 * its SVG, hence 'unsafe-inline' for styles only; Vite inlines the smallest font subsets as data:
 * URLs, hence data: for fonts. A WebContainer, booted only when a learner starts a live lab, lives in
 * an iframe from StackBlitz, hence its two origins in frame-src. Dev is left without it: Vite's client injects
 * inline scripts. The sandbox iframe's page has its own, stricter-but-eval CSP (see the runtime-assets
 * plugin).
 */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'self' blob: https://stackblitz.com https://*.webcontainer-api.io; object-src 'none'; base-uri 'self'";

/** Every response of the deployed app; `_headers` is generated from this. */
export const deployHeaders = {
  ...isolationHeaders,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': contentSecurityPolicy,
};

export default defineConfig({
  plugins: [contentPlugin(), runtimeAssetsPlugin({ appHeaders: deployHeaders }), svelte()],
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy } },
  build: {
    target: 'es2022',
    manifest: true,
    chunkSizeWarningLimit: 3000,
  },
});
