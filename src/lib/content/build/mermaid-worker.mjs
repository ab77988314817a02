// Parses mermaid diagrams with mermaid's own parser, in a worker thread: mermaid's sanitizer needs a
// `window`, and giving it happy-dom's here keeps that global out of the Vite/Vitest process.
// Input (workerData): [{ source }]; output (message): [{ ok, message?, line? }], line 1-based within
// the diagram when the parser reports one.
import { parentPort, workerData } from 'node:worker_threads';
import { Window } from 'happy-dom';

const window = new Window();
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

const results = [];
for (const { source } of workerData) {
  try {
    const parsed = await mermaid.parse(source);
    results.push(parsed ? { ok: true } : { ok: false, message: 'not a mermaid diagram' });
  } catch (error) {
    const text = String(error?.message ?? error);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const loc = error?.hash?.loc;
    const line = loc?.first_line ?? error?.hash?.line + 1;
    results.push({ ok: false, message: lines.slice(0, 3).join(' ').replace(/\s+/g, ' '), line: Number.isFinite(line) ? line : undefined });
  }
}
parentPort.postMessage(results);
await window.happyDOM.close();
