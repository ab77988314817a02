import { Worker } from 'node:worker_threads';
import type { ContentProblem } from '../types.ts';
import type { DiagramSource } from './markdown.ts';

interface WorkerResult {
  ok: boolean;
  message?: string;
  line?: number;
}

export interface LocatedDiagram extends DiagramSource {
  file: string;
}

/** Parses every diagram with mermaid's real parser; returns one problem per broken diagram. */
export async function checkDiagrams(diagrams: LocatedDiagram[]): Promise<ContentProblem[]> {
  if (diagrams.length === 0) return [];
  const results = await new Promise<WorkerResult[]>((resolve, reject) => {
    const worker = new Worker(new URL('./mermaid-worker.mjs', import.meta.url), {
      workerData: diagrams.map((d) => ({ source: d.source })),
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`mermaid checker exited with code ${code}`));
    });
  });
  const problems: ContentProblem[] = [];
  results.forEach((r, i) => {
    if (r.ok) return;
    const d = diagrams[i]!;
    problems.push({ file: d.file, line: d.line + (r.line ?? 1) - 1, message: `mermaid: ${r.message ?? 'invalid diagram'}` });
  });
  return problems;
}
