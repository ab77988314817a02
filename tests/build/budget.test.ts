import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { initialChunks, lazyChunkSources } from '../../scripts/lib/manifest';
import { contentSecurityPolicy } from '../../vite.config';

const distDir = inject('distDir');
const BUDGET_GZIP_BYTES = 120 * 1024;
const HEAVY = /mermaid|monaco|cytoscape|katex|shiki|markdown-it/i;

describe('the production build', () => {
  const chunks = initialChunks(distDir);

  it(`keeps the lesson page's initial JS within ${BUDGET_GZIP_BYTES / 1024} KB gzip`, () => {
    const total = chunks.reduce((sum, c) => sum + c.gzipBytes, 0);
    console.log(`initial JS: ${chunks.map((c) => `${c.file} ${(c.gzipBytes / 1024).toFixed(1)} KB`).join(', ')}`);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('keeps mermaid, Monaco and the Markdown toolchain out of the initial chunks', () => {
    for (const chunk of chunks) {
      expect(chunk.src ?? '', chunk.file).not.toMatch(HEAVY);
      const code = readFileSync(join(distDir, chunk.file), 'utf8');
      // mermaid's diagram detectors and Monaco's editor API would show up if they were bundled in.
      expect(code, chunk.file).not.toContain('flowchart-v2');
      expect(code, chunk.file).not.toContain('monaco-editor');
    }
    expect(lazyChunkSources(distDir).some((src) => src.includes('mermaid'))).toBe(true);
  });

  it('keeps the FSRS scheduler out of the initial chunks (ts-fsrs patches Date.prototype when it loads) and ships it lazily', () => {
    // `enable_short_term` is a ts-fsrs parameter name, which minification keeps.
    const hasScheduler = (file: string) => readFileSync(join(distDir, file), 'utf8').includes('enable_short_term');
    for (const chunk of chunks) expect(hasScheduler(chunk.file), chunk.file).toBe(false);
    expect(readdirSync(join(distDir, 'assets')).some((f) => f.endsWith('.js') && hasScheduler(join('assets', f)))).toBe(true);
  });

  it('ships the deploy headers for cross-origin isolation and the SPA fallback', () => {
    const headers = readFileSync(join(distDir, '_headers'), 'utf8');
    expect(headers).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(headers).toContain('Cross-Origin-Embedder-Policy: require-corp');
    expect(headers).toContain(`Content-Security-Policy: ${contentSecurityPolicy}`);
    expect(readFileSync(join(distDir, '_redirects'), 'utf8')).toMatch(/^\/\*\s+\/index\.html\s+200/m);
  });
});
