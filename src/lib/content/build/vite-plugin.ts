/**
 * Compiles `content/` at build time into virtual modules, so the client ships HTML, not a Markdown
 * parser:
 * - `virtual:content` exports the lesson index (metadata only) and a loader that imports one
 *   lesson body on demand;
 * - `virtual:content/lesson/<id>/<lang>` exports one compiled body, each its own lazy chunk.
 * - `virtual:content/glossary` exports the glossary (the lessons' tagged terms), loaded by its page.
 * - `virtual:content/quiz` exports the question bank, loaded by the quiz pages.
 * - `virtual:content/search` exports the search index (src/lib/search), loaded when a search starts.
 * Any content problem fails the build with every `file:line: message`; in dev it shows in the
 * error overlay and clears when the file is fixed.
 */
import { join } from 'node:path';
import type { Plugin, ViteDevServer } from 'vite';
import { formatProblem } from '../types.ts';
import { compileContent, type CompiledContent } from './compile.ts';
import { buildSearchIndex } from '../../search/build-index.ts';

const INDEX_ID = 'virtual:content';
const LESSON_PREFIX = 'virtual:content/lesson/';
const GLOSSARY_ID = 'virtual:content/glossary';
const SEARCH_ID = 'virtual:content/search';
const QUIZ_ID = 'virtual:content/quiz';
const RESOLVED = '\0';

export class ContentError extends Error {
  constructor(readonly problems: string[]) {
    super(`content has ${problems.length} problem(s):\n${problems.join('\n')}`);
    this.name = 'ContentError';
  }
}

export function contentPlugin(options: { root?: string; contentDir?: string } = {}): Plugin {
  let root = options.root ?? process.cwd();
  let compiled: Promise<CompiledContent> | undefined;
  let server: ViteDevServer | undefined;

  const compile = async () => {
    const content = await compileContent(root, contentDir());
    if (content.problems.length > 0) throw new ContentError(content.problems.map(formatProblem));
    return content;
  };
  const current = () => (compiled ??= compile());
  const contentDir = () => options.contentDir ?? join(root, 'content');

  return {
    name: 'lab-content',
    configResolved(config) {
      root = options.root ?? config.root;
    },
    async buildStart() {
      compiled = undefined;
      try {
        await current();
      } catch (error) {
        if (!server) this.error(error instanceof Error ? error.message : String(error));
        server.config.logger.error(error instanceof Error ? error.message : String(error));
      }
    },
    configureServer(devServer) {
      server = devServer;
      const dir = contentDir();
      devServer.watcher.add(dir);
      const onChange = (path: string) => {
        if (!path.startsWith(dir)) return;
        compiled = undefined;
        for (const mod of devServer.moduleGraph.getModulesByFile(RESOLVED + INDEX_ID) ?? []) {
          devServer.moduleGraph.invalidateModule(mod);
        }
        devServer.moduleGraph.idToModuleMap.forEach((mod, id) => {
          if (id.startsWith(RESOLVED + 'virtual:content')) devServer.moduleGraph.invalidateModule(mod);
        });
        devServer.ws.send({ type: 'full-reload' });
      };
      devServer.watcher.on('change', onChange);
      devServer.watcher.on('add', onChange);
      devServer.watcher.on('unlink', onChange);
    },
    resolveId(id) {
      if (id === INDEX_ID || id === GLOSSARY_ID || id === SEARCH_ID || id === QUIZ_ID || id.startsWith(LESSON_PREFIX)) return RESOLVED + id;
      return undefined;
    },
    async load(id) {
      if (!id.startsWith(RESOLVED + 'virtual:content')) return undefined;
      const content = await current();
      const virtualId = id.slice(RESOLVED.length);
      if (virtualId === INDEX_ID) return indexModule(content);
      if (virtualId === GLOSSARY_ID) return `export const glossary = ${JSON.stringify(content.glossary)};`;
      // JSON.parse of a string literal is faster to load than the same object as JavaScript.
      if (virtualId === QUIZ_ID) {
        const bank = content.quiz.map(({ file: _file, line: _line, ...question }) => question);
        return `export default JSON.parse(${JSON.stringify(JSON.stringify(bank))});`;
      }
      if (virtualId === SEARCH_ID) return `export default JSON.parse(${JSON.stringify(JSON.stringify(buildSearchIndex(content)))});`;
      const key = virtualId.slice(LESSON_PREFIX.length);
      const body = content.bodies.get(key);
      if (!body) throw new Error(`no compiled lesson body for "${key}"`);
      return `export default ${JSON.stringify(body)};`;
    },
  };
}

function indexModule(content: CompiledContent): string {
  const loaders = [...content.bodies.keys()]
    .map((key) => `  ${JSON.stringify(key)}: () => import(${JSON.stringify(LESSON_PREFIX + key)}),`)
    .join('\n');
  return [
    `export const lessons = ${JSON.stringify(content.lessons)};`,
    `const loaders = {\n${loaders}\n};`,
    'export function loadLessonBody(id, lang) {',
    '  const load = loaders[`${id}/${lang}`];',
    '  return load ? load().then((m) => m.default) : Promise.resolve(undefined);',
    '}',
  ].join('\n');
}
