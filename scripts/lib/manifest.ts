/**
 * Reads Vite's build manifest to find what a page loads before anything lazy: the entry chunk and its
 * static imports, transitively. Shared by the budget test and `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

export interface InitialChunk {
  key: string;
  file: string;
  src?: string | undefined;
  bytes: number;
  gzipBytes: number;
}

export function readManifest(distDir: string): Record<string, ManifestChunk> {
  return JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8'));
}

export function initialChunks(distDir: string, entry = 'index.html'): InitialChunk[] {
  const manifest = readManifest(distDir);
  const seen = new Set<string>();
  const out: InitialChunk[] = [];
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no chunk "${key}"`);
    const code = readFileSync(join(distDir, chunk.file));
    out.push({ key, file: chunk.file, src: chunk.src, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length });
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  return out;
}

export function lazyChunkSources(distDir: string): string[] {
  return Object.values(readManifest(distDir))
    .filter((c) => c.isDynamicEntry)
    .map((c) => c.src ?? c.file);
}
