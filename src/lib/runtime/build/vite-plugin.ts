/**
 * Serves and emits what the runtimes load besides the app itself:
 *
 * - `/sandbox/runner.html`: the sandbox iframe's page. Its one script is inlined and allowed by hash
 *   in the page's own CSP, which also allows `eval` (the grader runs learner code) and Blob workers
 *   but no network at all. The app's CSP stays strict; only this page differs.
 * - `/sandbox/worker-<hash>.js`: the worker, one self-contained file (see scripts/lib/bundle.ts).
 * - `/sandbox/grader-<hash>.js`: the grader's worker (src/lib/grader/worker.ts), started in the same
 *   kind of sandbox; a separate file so labs and exercises each load only what they run.
 * - `/lab/lab-<hash>.mjs`: the live-lab Node program for the WebContainer, one file, no npm install.
 * - `_headers` for the static deploy: the app's headers on every path, and the sandbox's CSP on
 *   `/sandbox/*` (`! Content-Security-Policy` detaches the app's, in Cloudflare Pages' syntax).
 *
 * `virtual:runtime-assets` tells the app their URLs. In dev they are bundled on request and rebuilt
 * when a source file changes; in a build they are bundled once, at build start.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { bundleSingleFile } from '../../../../scripts/lib/bundle.ts';

const VIRTUAL_ID = 'virtual:runtime-assets';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;
const RUNNER_PATH = 'sandbox/runner.html';

export interface RuntimeAssetsOptions {
  /** Headers every response of the app carries (isolation, CSP, ...), written to `_headers`. */
  appHeaders: Record<string, string>;
}

interface Assets {
  runnerHtml: string;
  workerFile: string;
  workerCode: string;
  graderFile: string;
  graderCode: string;
  labFile: string | null;
  labCode: string | null;
}

/** The CSP of the sandbox page, given its inline script. */
export function sandboxContentSecurityPolicy(inlineScript: string): string {
  const hash = createHash('sha256').update(inlineScript, 'utf8').digest('base64');
  return (
    `default-src 'none'; script-src 'sha256-${hash}' 'unsafe-eval'; worker-src blob:; connect-src 'none'; ` +
    `img-src 'none'; style-src 'none'; base-uri 'none'; form-action 'none'`
  );
}

function runnerPage(script: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>sandbox</title></head><body><script>${script}</script></body></html>\n`;
}

/** The inline script of a runner page written by `runnerPage`. */
export function inlineScriptOf(html: string): string {
  const match = /<script>([\s\S]*)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('the sandbox page has no inline script');
  return match[1];
}

function shortHash(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 10);
}

export function runtimeAssetsPlugin(options: RuntimeAssetsOptions): Plugin {
  let config: ResolvedConfig;
  let assets: Promise<Assets> | undefined;
  const source = (path: string) => resolve(config.root, path);

  async function buildAssets(minify: boolean, hashed: boolean): Promise<Assets> {
    const runner = await bundleSingleFile({ entry: source('src/lib/runtime/worker/sandbox-runner.ts'), platform: 'browser', format: 'iife', minify });
    const workerCode = await bundleSingleFile({ entry: source('src/lib/runtime/worker/sandbox-worker.ts'), platform: 'browser', format: 'iife', minify });
    const graderCode = await bundleSingleFile({ entry: source('src/lib/grader/worker.ts'), platform: 'browser', format: 'iife', minify });
    const labEntry = source('src/lab/main.ts');
    const labCode = existsSync(labEntry) ? await bundleSingleFile({ entry: labEntry, platform: 'node', format: 'esm' }) : null;
    // `</script` cannot occur in the inline script; the runner is ours and tiny, so refuse rather than escape.
    if (/<\/script/i.test(runner)) throw new Error('the sandbox runner contains "</script"');
    return {
      runnerHtml: runnerPage(runner.trim()),
      workerFile: hashed ? `sandbox/worker-${shortHash(workerCode)}.js` : 'sandbox/worker.js',
      workerCode,
      graderFile: hashed ? `sandbox/grader-${shortHash(graderCode)}.js` : 'sandbox/grader.js',
      graderCode,
      labFile: labCode === null ? null : hashed ? `lab/lab-${shortHash(labCode)}.mjs` : 'lab/lab.mjs',
      labCode,
    };
  }

  function sendSandboxPage(res: ServerResponse, html: string, isolation: Record<string, string>) {
    for (const [name, value] of Object.entries(isolation)) res.setHeader(name, value);
    res.setHeader('Content-Security-Policy', sandboxContentSecurityPolicy(inlineScriptOf(html)));
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.end(html);
  }

  function isolationOnly(): Record<string, string> {
    return Object.fromEntries(Object.entries(options.appHeaders).filter(([name]) => name.startsWith('Cross-Origin-')));
  }

  return {
    name: 'lab-runtime-assets',
    configResolved(resolved) {
      config = resolved;
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const base = config.base;
      if (config.command === 'serve') {
        return [
          `export const sandboxRunnerUrl = ${JSON.stringify(`${base}${RUNNER_PATH}`)};`,
          `export const sandboxWorkerUrl = ${JSON.stringify(`${base}sandbox/worker.js`)};`,
          `export const graderWorkerUrl = ${JSON.stringify(`${base}sandbox/grader.js`)};`,
          `export const labBundleUrl = ${JSON.stringify(existsSync(source('src/lab/main.ts')) ? `${base}lab/lab.mjs` : null)};`,
        ].join('\n');
      }
      const built = await (assets ??= buildAssets(true, true));
      return [
        `export const sandboxRunnerUrl = ${JSON.stringify(`${base}${RUNNER_PATH}`)};`,
        `export const sandboxWorkerUrl = ${JSON.stringify(`${base}${built.workerFile}`)};`,
        `export const graderWorkerUrl = ${JSON.stringify(`${base}${built.graderFile}`)};`,
        `export const labBundleUrl = ${JSON.stringify(built.labFile === null ? null : `${base}${built.labFile}`)};`,
      ].join('\n');
    },
    buildStart() {
      if (config.command === 'build') assets = buildAssets(true, true);
    },
    async generateBundle() {
      if (config.command !== 'build' || !assets) return;
      const built = await assets;
      this.emitFile({ type: 'asset', fileName: RUNNER_PATH, source: built.runnerHtml });
      this.emitFile({ type: 'asset', fileName: built.workerFile, source: built.workerCode });
      this.emitFile({ type: 'asset', fileName: built.graderFile, source: built.graderCode });
      if (built.labFile && built.labCode !== null) this.emitFile({ type: 'asset', fileName: built.labFile, source: built.labCode });
      const block = (path: string, lines: string[]) => `${path}\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
      this.emitFile({
        type: 'asset',
        fileName: '_headers',
        source: [
          block('/*', Object.entries(options.appHeaders).map(([n, v]) => `${n}: ${v}`)),
          block('/sandbox/*', ['! Content-Security-Policy', `Content-Security-Policy: ${sandboxContentSecurityPolicy(inlineScriptOf(built.runnerHtml))}`]),
        ].join('\n'),
      });
    },
    configureServer(server) {
      server.watcher.on('change', (file) => {
        if (file.startsWith(source('src'))) assets = undefined;
      });
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const wanted = path.startsWith(config.base) ? path.slice(config.base.length) : '';
        if (![RUNNER_PATH, 'sandbox/worker.js', 'sandbox/grader.js', 'lab/lab.mjs'].includes(wanted)) return next();
        (assets ??= buildAssets(false, false)).then(
          (built) => {
            if (wanted === RUNNER_PATH) return sendSandboxPage(res, built.runnerHtml, isolationOnly());
            const code = wanted === 'lab/lab.mjs' ? built.labCode : wanted === 'sandbox/grader.js' ? built.graderCode : built.workerCode;
            if (code === null) {
              res.statusCode = 404;
              return res.end('no live lab (src/lab/main.ts) in this checkout');
            }
            for (const [name, value] of Object.entries(isolationOnly())) res.setHeader(name, value);
            res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
            res.setHeader('Cache-Control', 'no-cache');
            res.end(code);
          },
          (error: unknown) => {
            assets = undefined;
            res.statusCode = 500;
            res.setHeader('Content-Type', 'text/plain; charset=utf-8');
            res.end(`could not bundle ${wanted}: ${error instanceof Error ? error.message : String(error)}`);
            server.config.logger.error(`[lab-runtime-assets] ${wanted}: ${String(error)}`);
          },
        );
      });
    },
    configurePreviewServer(server) {
      // The preview serves dist/ with the app's headers; the sandbox page needs its own CSP.
      const runnerFile = join(resolve(server.config.root, server.config.build.outDir), RUNNER_PATH);
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        if (path !== `${server.config.base}${RUNNER_PATH}` || !existsSync(runnerFile)) return next();
        sendSandboxPage(res, readFileSync(runnerFile, 'utf8'), isolationOnly());
      });
    },
  };
}
