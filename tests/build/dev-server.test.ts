import { resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('the dev server (`npm run dev`)', () => {
  let server: ViteDevServer;
  let base: string;
  beforeAll(async () => {
    server = await createServer({ root, logLevel: 'silent', server: { port: 0, host: '127.0.0.1' } });
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends the cross-origin isolation headers on deep links and serves the compiled content', async () => {
    for (const path of ['/', '/lessons/registry', '/settings']) {
      const response = await fetch(base + path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
      expect(await response.text(), path).toContain('<div id="app">');
    }
    const index = await fetch(`${base}/@id/virtual:content`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('"id":"registry"');
  });
});
