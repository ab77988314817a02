import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const goodFixture = join(projectRoot, 'tests/fixtures/content');

/** A scratch copy of the good fixture content, to break on purpose. */
export function scratchContent(): { root: string; dir: string; edit(file: string, change: (text: string) => string): void; lineOf(file: string, needle: string): number; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'lab-content-'));
  const dir = join(root, 'content');
  cpSync(goodFixture, dir, { recursive: true });
  return {
    root,
    dir,
    edit(file, change) {
      const path = join(dir, file);
      writeFileSync(path, change(readFileSync(path, 'utf8')));
    },
    lineOf(file, needle) {
      const lines = readFileSync(join(dir, file), 'utf8').split('\n');
      const index = lines.findIndex((l) => l.includes(needle));
      if (index === -1) throw new Error(`"${needle}" not in ${file}`);
      return index + 1;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
