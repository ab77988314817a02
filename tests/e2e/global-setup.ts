/**
 * Serves the production build with `vite preview` (`npm run test:e2e` builds it first; a missing
 * `dist/` is built here too) and
 * checks for a browser. Without one the end-to-end tests say so loudly and are skipped locally; in CI
 * (CI=true) a missing browser fails the run.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { findChromium } from './browser';

const root = resolve(import.meta.dirname, '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    chromiumPath: string;
    distDir: string;
  }
}

let server: PreviewServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const chromiumPath = findChromium();
  if (!chromiumPath) {
    const message =
      'No Chromium found (looked at CHROME_PATH, /usr/bin/chromium, chromium-browser, google-chrome). ' +
      'Install it with `apt-get install chromium` or set CHROME_PATH.';
    if (process.env.CI) throw new Error(`${message} CI must run the end-to-end tests.`);
    console.warn(`\n${'!'.repeat(100)}\n!! END-TO-END TESTS SKIPPED: ${message}\n${'!'.repeat(100)}\n`);
  }
  const distDir = resolve(root, 'dist');
  if (!existsSync(resolve(distDir, 'index.html'))) {
    console.log('dist/ is missing: building the app first');
    await build({ root, logLevel: 'warn' });
  }
  server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not listen on a TCP port');
  project.provide('baseURL', `http://127.0.0.1:${address.port}`);
  project.provide('chromiumPath', chromiumPath ?? '');
  project.provide('distDir', distDir);
  return async () => {
    await server?.close();
  };
}
