/**
 * Compiles `content/` at build time into virtual modules, so the client ships HTML, not a Markdown
 * parser:
 * - `virtual:content` exports the lesson index (metadata only) and a loader that imports one
 *   lesson body on demand;
 * - `virtual:content/lesson/<id>/<lang>` exports one compiled body, each its own lazy chunk.
 * - `virtual:content/glossary` exports the glossary (the lessons' tagged terms), loaded by its page.
 * - `virtual:content/quiz` exports the question bank, loaded by the quiz pages.
 * - `virtual:content/search` exports the search index (src/lib/search), loaded when a search starts.
 * - `virtual:content/exercises` exports the exercises' metadata and a loader for one exercise's files
 *   (`virtual:content/exercise/<id>`: instructions, starter, solution and tests), each a lazy chunk.
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
const EXERCISES_ID = 'virtual:content/exercises';
const EXERCISE_PREFIX = 'virtual:content/exercise/';
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
      if ([INDEX_ID, GLOSSARY_ID, SEARCH_ID, QUIZ_ID, EXERCISES_ID].includes(id) || id.startsWith(LESSON_PREFIX) || id.startsWith(EXERCISE_PREFIX)) return RESOLVED + id;
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
      if (virtualId === EXERCISES_ID) return exercisesModule(content);
      if (virtualId.startsWith(EXERCISE_PREFIX)) {
        const files = content.exerciseFiles.get(virtualId.slice(EXERCISE_PREFIX.length));
        if (!files) throw new Error(`no exercise "${virtualId.slice(EXERCISE_PREFIX.length)}"`);
        return `export default JSON.parse(${JSON.stringify(JSON.stringify(files))});`;
      }
      if (virtualId === SEARCH_ID) return `export default JSON.parse(${JSON.stringify(JSON.stringify(buildSearchIndex(content)))});`;
      const key = virtualId.slice(LESSON_PREFIX.length);
      const body = content.bodies.get(key);
      if (!body) throw new Error(`no compiled lesson body for "${key}"`);
      return `export default ${JSON.stringify(body)};`;
    },
  };
}

function exercisesModule(content: CompiledContent): string {
  const loaders = content.exercises.map((e) => `  ${JSON.stringify(e.id)}: () => import(${JSON.stringify(EXERCISE_PREFIX + e.id)}),`).join('\n');
  return [
    `export const exercises = ${JSON.stringify(content.exercises)};`,
    `const loaders = {\n${loaders}\n};`,
    'export function loadExerciseFiles(id) {',
    '  const load = loaders[id];',
    '  return load ? load().then((m) => m.default) : Promise.resolve(undefined);',
    '}',
  ].join('\n');
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
