/**
 * Bundles one entry into a single self-contained file with rolldown (the bundler inside Vite 8).
 *
 * Two things need exactly one file: the sandbox worker, whose source is posted into an opaque-origin
 * iframe and started from a Blob URL (it cannot import anything by URL), and the live-lab program
 * mounted into a WebContainer without `npm install`. Vite's own worker build splits chunks and, in
 * dev, serves modules one by one, so neither fits; one small rolldown call does, the same way in the
 * dev server, the build, the tests and the bench.
 */
import { rolldown } from 'rolldown';

export interface SingleFileOptions {
  entry: string;
  /** `node` keeps `node:` imports external (the live labs); `browser` allows none (the worker). */
  platform: 'node' | 'browser';
  format: 'esm' | 'iife';
  minify?: boolean;
}

export async function bundleSingleFile(options: SingleFileOptions): Promise<string> {
  const bundle = await rolldown({
    input: options.entry,
    platform: options.platform,
    external: options.platform === 'node' ? [/^node:/] : [],
    logLevel: 'warn',
  });
  try {
    const { output } = await bundle.generate({
      format: options.format,
      codeSplitting: false,
      minify: options.minify ?? false,
      sourcemap: false,
    });
    const chunks = output.filter((o) => o.type === 'chunk');
    if (chunks.length !== 1 || !chunks[0]) throw new Error(`${options.entry}: expected one chunk, got ${chunks.length}`);
    return chunks[0].code;
  } finally {
    await bundle.close();
  }
}
