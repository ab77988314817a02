import { svelte } from '@sveltejs/vite-plugin-svelte';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterEach, expect, it } from 'vitest';
import { contentPlugin } from '../../src/lib/content/build/vite-plugin';
import { projectRoot, scratchContent } from './helpers';

let scratch: ReturnType<typeof scratchContent> | undefined;
afterEach(() => scratch?.cleanup());

it('fails `vite build` with file:line messages when content is bad', async () => {
  scratch = scratchContent();
  scratch.edit('lessons/alpha/en.md', (t) => t.replace('(/lessons/beta#details)', '(/lessons/gamma)'));
  const line = scratch.lineOf('lessons/alpha/en.md', '/lessons/gamma');
  const outDir = mkdtempSync(join(tmpdir(), 'lab-dist-'));
  const attempt = build({
    root: projectRoot,
    configFile: false,
    logLevel: 'silent',
    plugins: [contentPlugin({ contentDir: scratch.dir }), svelte()],
    build: { outDir, write: false },
  });
  await expect(attempt).rejects.toThrow(`content/lessons/alpha/en.md:${line}: link to a lesson that does not exist: "gamma"`);
});
