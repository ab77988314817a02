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

export default defineConfig({
  plugins: [contentPlugin(), svelte()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    target: 'es2022',
    manifest: true,
    chunkSizeWarningLimit: 3000,
  },
});
