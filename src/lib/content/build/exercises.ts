/**
 * Reads `content/exercises/<id>/` (format: content/exercises/README.md): validates meta.yaml against
 * the schema and what a schema cannot say — the id is in the catalog with the same titles, the topic
 * and lesson section exist, both instruction files have one `## N. Title` per task with meta's titles
 * and the same code blocks, and every file is there. Problems are `file:line`. Whether the tests pass
 * against the solution and fail against the starter is proved by tests/exercises with real Vitest.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXERCISES, isExerciseId } from '../catalog.ts';
import { exerciseMetaSchema, parseYamlWithSchema } from '../schema.ts';
import { LANGS, type ContentProblem, type ExerciseFiles, type ExerciseMeta, type Heading, type Lang } from '../types.ts';
import type { CompiledMarkdown } from './markdown.ts';

export interface CompiledExercises {
  exercises: ExerciseMeta[];
  /** Keyed by exercise id. */
  files: Map<string, ExerciseFiles>;
  problems: ContentProblem[];
}

type CompileMarkdown = (body: string, file: string, lang: Lang, lineOffset: number) => CompiledMarkdown;
type CheckCodeBlocks = (a: { file: string; compiled: CompiledMarkdown }, b: { file: string; compiled: CompiledMarkdown }) => ContentProblem[];

export function compileExercises(
  contentDir: string,
  rel: (path: string) => string,
  headingsOf: (lesson: string, lang: Lang) => Heading[] | undefined,
  compileMarkdown: CompileMarkdown,
  checkCodeBlocksAgree: CheckCodeBlocks,
): CompiledExercises {
  const root = join(contentDir, 'exercises');
  const problems: ContentProblem[] = [];
  const exercises: ExerciseMeta[] = [];
  const files = new Map<string, ExerciseFiles>();
  if (!existsSync(root)) return { exercises, files, problems };

  const ids = readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory()).sort();
  for (const id of ids) {
    const dir = join(root, id);
    const at = (name: string) => rel(join(dir, name));
    if (!isExerciseId(id)) {
      problems.push({ file: rel(dir), line: 1, message: `exercise "${id}" is not in EXERCISES (src/lib/content/catalog.ts)` });
      continue;
    }
    const required = ['meta.yaml', 'zh.md', 'en.md', 'starter.ts', 'solution.ts', `${id}.test.ts`];
    const missing = required.filter((name) => !existsSync(join(dir, name)));
    if (missing.length) {
      problems.push({ file: rel(dir), line: 1, message: `exercise "${id}" is missing ${missing.join(', ')} (see content/exercises/README.md)` });
      continue;
    }
    const metaFile = at('meta.yaml');
    const parsed = parseYamlWithSchema(readFileSync(join(dir, 'meta.yaml'), 'utf8'), exerciseMetaSchema, metaFile, 1);
    problems.push(...parsed.problems);
    if (!parsed.value || !parsed.lineOf) continue;
    const meta = parsed.value;
    const lineOf = parsed.lineOf;
    for (const lang of LANGS) {
      if (meta.title[lang] !== EXERCISES[id][lang]) {
        problems.push({ file: metaFile, line: lineOf(['title', lang]), message: `title (${lang}) "${meta.title[lang]}" differs from the catalog's "${EXERCISES[id][lang]}"` });
      }
    }
    if (!headingsOf(meta.topic, 'en')) problems.push({ file: metaFile, line: lineOf(['topic']), message: `topic "${meta.topic}" is not a lesson (content/lessons/${meta.topic})` });
    const [lesson, heading] = meta.lesson.split('#') as [string, string];
    for (const lang of LANGS) {
      const headings = headingsOf(lesson, lang);
      if (!headings) {
        problems.push({ file: metaFile, line: lineOf(['lesson']), message: `no lesson "${lesson}"` });
        break;
      }
      if (!headings.some((h) => h.id === heading)) problems.push({ file: metaFile, line: lineOf(['lesson']), message: `no heading "#${heading}" in lesson "${lesson}" (${lang})` });
    }

    const instructions = {} as Record<Lang, string>;
    const compiledByLang = {} as Record<Lang, { file: string; compiled: CompiledMarkdown }>;
    for (const lang of LANGS) {
      const file = at(`${lang}.md`);
      const text = readFileSync(join(dir, `${lang}.md`), 'utf8');
      if (text.startsWith('---')) problems.push({ file, line: 1, message: 'instructions have no frontmatter: titles and tasks live in meta.yaml' });
      const compiled = compileMarkdown(withHeadingIds(text), file, lang, 0);
      problems.push(...compiled.problems);
      instructions[lang] = compiled.html;
      compiledByLang[lang] = { file, compiled };
      const tasks = compiled.headings.filter((h) => h.depth === 2);
      if (tasks.length !== meta.tasks.length) {
        problems.push({ file, line: 1, message: `${tasks.length} "## N. Title" task headings, but meta.yaml lists ${meta.tasks.length} tasks` });
      }
      tasks.forEach((h, i) => {
        const expected = `${i + 1}. ${meta.tasks[i]?.[lang] ?? ''}`;
        if (h.text.trim() !== expected) problems.push({ file, line: headingLine(text, h.text), message: `task heading "${h.text}" should be "${expected}" (meta.yaml tasks[${i}])` });
      });
    }
    problems.push(...checkCodeBlocksAgree(compiledByLang.zh, compiledByLang.en));

    exercises.push({
      id,
      difficulty: meta.difficulty,
      topic: meta.topic,
      lesson: meta.lesson,
      lab: meta.lab ?? null,
      title: meta.title,
      tasks: meta.tasks,
      hints: meta.hints,
      sources: meta.sources,
    });
    files.set(id, {
      instructions,
      moduleName: `${id}.ts`,
      testName: `${id}.test.ts`,
      starter: readFileSync(join(dir, 'starter.ts'), 'utf8'),
      solution: readFileSync(join(dir, 'solution.ts'), 'utf8'),
      tests: readFileSync(join(dir, `${id}.test.ts`), 'utf8'),
    });
  }
  for (const id of Object.keys(EXERCISES)) {
    if (!ids.includes(id)) problems.push({ file: rel(root), line: 1, message: `exercise "${id}" is in the catalog but has no directory content/exercises/${id}` });
  }
  return { exercises, files, problems };
}

/**
 * Instructions need no hand-written heading ids: task N's heading is `#task-N` in both languages
 * (the page links hints and results to it), any other heading gets its line. Fenced code is left alone.
 */
function withHeadingIds(text: string): string {
  let fence: string | null = null;
  return text
    .split('\n')
    .map((line, index) => {
      const marker = /^(```+|~~~+)/.exec(line)?.[1];
      if (marker) fence = fence === null ? marker : line.startsWith(fence) ? null : fence;
      if (fence !== null || marker || !/^#{2,3} /.test(line) || /\{#[\w-]+\}\s*$/.test(line)) return line;
      const task = /^## (\d+)\. /.exec(line);
      return `${line.trimEnd()} {#${task ? `task-${task[1]}` : `section-${index + 1}`}}`;
    })
    .join('\n');
}

function headingLine(text: string, heading: string): number {
  const index = text.split('\n').findIndex((line) => line.startsWith('#') && line.includes(heading));
  return index < 0 ? 1 : index + 1;
}
