/**
 * Reads `content/`, validates it and compiles it. Used by the Vite plugin (build and dev) and by the
 * content tests; both get the same problems, as `file:line: message`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isExerciseId, isSimId } from '../catalog.ts';
import { lessonFrontmatterSchema, parseYamlWithSchema, type LessonFrontmatter } from '../schema.ts';
import { LANGS, type ContentProblem, type ExerciseFiles, type ExerciseMeta, type GlossaryEntry, type Lang, type LessonBody, type LessonMeta } from '../types.ts';
import { createMarkdownCompiler, type CompiledMarkdown, type LinkRef, type SectionText } from './markdown.ts';
import { checkDiagrams, type LocatedDiagram } from './mermaid-check.ts';
import { isComparedLanguage, stripComments } from './code-compare.ts';
import { compileQuiz, type QuizQuestion } from './quiz.ts';
import { compileExercises } from './exercises.ts';

export interface CompiledContent {
  lessons: LessonMeta[];
  /** Keyed by `${id}/${lang}`. */
  bodies: Map<string, LessonBody>;
  /** Every tagged term of every lesson, sorted by its English term. */
  glossary: GlossaryEntry[];
  /** Every quiz question of content/quiz, in file order. */
  quiz: QuizQuestion[];
  /** The prose of each section, keyed by `${id}/${lang}`, for the search index. */
  sections: Map<string, SectionText[]>;
  /** Every exercise of content/exercises, by id, and each one's files (loaded lazily by its page). */
  exercises: ExerciseMeta[];
  exerciseFiles: Map<string, ExerciseFiles>;
  problems: ContentProblem[];
}

interface LessonFile {
  file: string;
  lang: Lang;
  /** Undefined when the frontmatter is invalid: the body still counts for link checks. */
  frontmatter: LessonFrontmatter | undefined;
  frontmatterLine: number;
  compiled: CompiledMarkdown;
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Reading speeds for the estimate: Chinese characters and English words per minute. */
const CJK_PER_MINUTE = 350;
const WORDS_PER_MINUTE = 200;

export async function compileContent(projectRoot: string, contentDir = join(projectRoot, 'content')): Promise<CompiledContent> {
  const problems: ContentProblem[] = [];
  const rel = (path: string) => relative(projectRoot, path).split('\\').join('/');
  const lessonsDir = join(contentDir, 'lessons');
  const compiler = await createMarkdownCompiler();
  const files = new Map<string, Partial<Record<Lang, LessonFile>>>();
  const diagrams: LocatedDiagram[] = [];

  const ids = existsSync(lessonsDir)
    ? readdirSync(lessonsDir).filter((name) => statSync(join(lessonsDir, name)).isDirectory()).sort()
    : [];
  if (ids.length === 0) problems.push({ file: rel(lessonsDir), line: 1, message: 'no lessons found' });

  for (const id of ids) {
    const dir = join(lessonsDir, id);
    if (!ID.test(id)) {
      problems.push({ file: rel(dir), line: 1, message: `lesson id "${id}" must be kebab-case (a-z, 0-9, -)` });
      continue;
    }
    const present = readdirSync(dir).filter((f) => f.endsWith('.md'));
    for (const name of present) {
      if (!(LANGS as readonly string[]).includes(name.slice(0, -3))) {
        problems.push({ file: rel(join(dir, name)), line: 1, message: `unknown language file; a lesson has ${LANGS.map((l) => `${l}.md`).join(' and ')}` });
      }
    }
    const perLang: Partial<Record<Lang, LessonFile>> = {};
    for (const lang of LANGS) {
      const path = join(dir, `${lang}.md`);
      if (!existsSync(path)) {
        const other = LANGS.find((l) => existsSync(join(dir, `${l}.md`)));
        problems.push({
          file: rel(other ? join(dir, `${other}.md`) : dir),
          line: 1,
          message: `lesson "${id}" has no ${lang}.md: every lesson needs ${LANGS.map((l) => `${l}.md`).join(' and ')}`,
        });
        continue;
      }
      const file = rel(path);
      const parsed = parseLessonFile(readFileSync(path, 'utf8'), file, lang, compiler.compile);
      problems.push(...parsed.problems);
      if (parsed.lesson) {
        perLang[lang] = parsed.lesson;
        diagrams.push(...parsed.lesson.compiled.diagrams.map((d) => ({ ...d, file })));
      }
    }
    files.set(id, perLang);
  }

  problems.push(...checkLanguagesAgree(files));
  problems.push(...checkOrdersUnique(files));
  problems.push(...checkLinks(files));
  problems.push(...checkTerms(files));
  const quiz = compileQuiz(contentDir, rel, (lesson, lang) => files.get(lesson)?.[lang]?.compiled.headings);
  problems.push(...quiz.problems);
  const exercises = compileExercises(contentDir, rel, (lesson, lang) => files.get(lesson)?.[lang]?.compiled.headings, compiler.compile, checkCodeBlocksAgree);
  problems.push(...exercises.problems);
  problems.push(...(await checkDiagrams(diagrams)));

  const lessons: LessonMeta[] = [];
  const bodies = new Map<string, LessonBody>();
  const sections = new Map<string, SectionText[]>();
  for (const [id, perLang] of files) {
    const zh = perLang.zh;
    const en = perLang.en;
    const fm = zh?.frontmatter;
    if (!zh || !en || !fm || !en.frontmatter) continue;
    lessons.push({
      id,
      order: fm.order,
      tags: fm.tags,
      sims: fm.sims,
      exercises: fm.exercises,
      quizTag: fm.tags[0]!,
      quizCount: 0,
      langs: { zh: summarize(zh), en: summarize(en) },
    });
    for (const lesson of [zh, en]) {
      bodies.set(`${id}/${lesson.lang}`, { html: lesson.compiled.html, diagramCount: lesson.compiled.diagrams.length });
      sections.set(`${id}/${lesson.lang}`, lesson.compiled.sections);
    }
  }
  lessons.sort((a, b) => a.order - b.order);
  for (const lesson of lessons) lesson.quizCount = quiz.questions.filter((q) => q.topic === lesson.quizTag || q.tags.includes(lesson.quizTag)).length;
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { lessons, bodies, glossary: buildGlossary(files), quiz: quiz.questions, sections, exercises: exercises.exercises, exerciseFiles: exercises.files, problems };
}

function summarize(lesson: LessonFile) {
  const { cjkChars, words, headings } = lesson.compiled;
  return {
    title: lesson.frontmatter?.title ?? '',
    summary: lesson.frontmatter?.summary ?? '',
    headings,
    readingMinutes: Math.max(1, Math.round(cjkChars / CJK_PER_MINUTE + words / WORDS_PER_MINUTE)),
  };
}

function parseLessonFile(
  text: string,
  file: string,
  lang: Lang,
  compile: (body: string, file: string, lang: Lang, lineOffset: number) => CompiledMarkdown,
): { lesson?: LessonFile; problems: ContentProblem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    return { problems: [{ file, line: 1, message: 'a lesson starts with YAML frontmatter between "---" lines' }] };
  }
  const end = lines.indexOf('---', 1);
  if (end === -1) return { problems: [{ file, line: 1, message: 'frontmatter is not closed by a "---" line' }] };
  const yamlText = lines.slice(1, end).join('\n');
  const { value, problems } = parseYamlWithSchema(yamlText, lessonFrontmatterSchema, file, 2);
  const compiled = compile(lines.slice(end + 1).join('\n'), file, lang, end + 1);
  problems.push(...compiled.problems);
  return { lesson: { file, lang, frontmatter: value, frontmatterLine: 2, compiled }, problems };
}

function checkLanguagesAgree(files: Map<string, Partial<Record<Lang, LessonFile>>>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const perLang of files.values()) {
    const [first, ...rest] = LANGS.map((l) => perLang[l]).filter((f): f is LessonFile => f !== undefined);
    if (!first) continue;
    for (const other of rest) {
      for (const key of ['order', 'tags', 'sims', 'exercises'] as const) {
        if (!first.frontmatter || !other.frontmatter) break;
        const mine = JSON.stringify(first.frontmatter[key]);
        const theirs = JSON.stringify(other.frontmatter[key]);
        if (mine !== theirs) {
          problems.push({
            file: other.file,
            line: other.frontmatterLine,
            message: `frontmatter "${key}" differs from ${first.file}: ${theirs} vs ${mine}`,
          });
        }
      }
      const a = first.compiled.headings.map((h) => `h${h.depth}#${h.id}`);
      const b = other.compiled.headings.map((h) => `h${h.depth}#${h.id}`);
      const at = a.findIndex((h, i) => h !== b[i]);
      if (at !== -1 || a.length !== b.length) {
        const index = at === -1 ? Math.min(a.length, b.length) : at;
        problems.push({
          file: other.file,
          line: 1,
          message: `headings differ from ${first.file} at heading ${index + 1}: ${b[index] ?? '(none)'} vs ${a[index] ?? '(none)'}; both languages need the same headings and ids`,
        });
      }
      problems.push(...checkCodeBlocksAgree(first, other));
    }
  }
  return problems;
}

/** Both languages show the same code blocks in the same order; only comments (and `text` blocks) may differ. */
export function checkCodeBlocksAgree(first: Pick<LessonFile, 'file' | 'compiled'>, other: Pick<LessonFile, 'file' | 'compiled'>): ContentProblem[] {
  const mine = first.compiled.codeBlocks;
  const theirs = other.compiled.codeBlocks;
  if (mine.length !== theirs.length) {
    return [{
      file: other.file,
      line: theirs[Math.min(mine.length, theirs.length)]?.line ?? 1,
      message: `${theirs.length} code blocks vs ${mine.length} in ${first.file}; both languages show the same code blocks`,
    }];
  }
  const problems: ContentProblem[] = [];
  mine.forEach((block, i) => {
    const counterpart = theirs[i]!;
    if (block.lang !== counterpart.lang) {
      problems.push({ file: other.file, line: counterpart.line, message: `code block ${i + 1} is ${counterpart.lang} but ${block.lang} in ${first.file}:${block.line}` });
      return;
    }
    if (!isComparedLanguage(block.lang)) return;
    const a = stripComments(block.code, block.lang).split('\n');
    const b = stripComments(counterpart.code, counterpart.lang).split('\n');
    const at = a.findIndex((l, j) => l !== b[j]);
    if (at !== -1 || a.length !== b.length) {
      const j = at === -1 ? Math.min(a.length, b.length) : at;
      problems.push({
        file: other.file,
        line: counterpart.line,
        message: `code block ${i + 1} differs from ${first.file}:${block.line} (comments aside) at code line ${j + 1}: ${JSON.stringify(b[j] ?? '(end)')} vs ${JSON.stringify(a[j] ?? '(end)')}`,
      });
    }
  });
  return problems;
}

function checkOrdersUnique(files: Map<string, Partial<Record<Lang, LessonFile>>>): ContentProblem[] {
  const byOrder = new Map<number, string>();
  const problems: ContentProblem[] = [];
  for (const [id, perLang] of files) {
    const lesson = [perLang.zh, perLang.en].find((l) => l?.frontmatter);
    const order = lesson?.frontmatter?.order;
    if (!lesson || order === undefined) continue;
    const taken = byOrder.get(order);
    if (taken) {
      problems.push({ file: lesson.file, line: lesson.frontmatterLine, message: `order ${order} is already used by lesson "${taken}"` });
    } else {
      byOrder.set(order, id);
    }
  }
  return problems;
}

function checkLinks(files: Map<string, Partial<Record<Lang, LessonFile>>>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const perLang of files.values()) {
    for (const lesson of Object.values(perLang)) {
      for (const link of lesson.compiled.links) {
        const message = checkLink(link, lesson, files);
        if (message) problems.push({ file: lesson.file, line: link.line, message });
      }
    }
  }
  return problems;
}

function checkLink(link: LinkRef, from: LessonFile, files: Map<string, Partial<Record<Lang, LessonFile>>>): string | undefined {
  const { href } = link;
  if (/^(https?:|mailto:)/.test(href)) return undefined;
  if (href.startsWith('#')) {
    return from.compiled.headings.some((h) => h.id === href.slice(1)) ? undefined : `link to unknown heading "${href}"`;
  }
  const match = /^\/(lessons|sims|exercises)\/([^/#?]+)(?:#(.+))?$/.exec(href);
  if (!match) return `unsupported link "${href}" (use /lessons/<id>[#heading], /sims/<id>, /exercises/<id> or an https URL)`;
  const [, kind, id = '', anchor] = match;
  if (kind === 'sims') return isSimId(id) ? undefined : `link to unknown simulation "${id}"`;
  if (kind === 'exercises') return isExerciseId(id) ? undefined : `link to unknown exercise "${id}"`;
  const target = files.get(id)?.[from.lang];
  if (!target) return `link to a lesson that does not exist: "${id}"`;
  if (anchor && !target.compiled.headings.some((h) => h.id === anchor)) {
    return `link to unknown heading "#${anchor}" in lesson "${id}"`;
  }
  return undefined;
}

/**
 * Terms: each names a heading of its own lesson, the two languages tag the same term ids with the
 * same headings, and a term id is defined by one lesson only (the glossary links to one place).
 */
function checkTerms(files: Map<string, Partial<Record<Lang, LessonFile>>>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const owner = new Map<string, string>();
  for (const [id, perLang] of files) {
    const present = LANGS.map((l) => perLang[l]).filter((f): f is LessonFile => f?.frontmatter !== undefined);
    for (const lesson of present) {
      for (const term of lesson.frontmatter?.terms ?? []) {
        if (!lesson.compiled.headings.some((h) => h.id === term.heading)) {
          problems.push({ file: lesson.file, line: lesson.frontmatterLine, message: `term "${term.id}" names unknown heading "${term.heading}"` });
        }
      }
    }
    const [first, ...rest] = present;
    if (!first) continue;
    const key = (f: LessonFile) => (f.frontmatter?.terms ?? []).map((t) => `${t.id}@${t.heading}`).join(', ');
    for (const other of rest) {
      if (key(first) !== key(other)) {
        problems.push({
          file: other.file,
          line: other.frontmatterLine,
          message: `terms differ from ${first.file}: [${key(other)}] vs [${key(first)}]; both languages tag the same term ids and headings`,
        });
      }
    }
    for (const term of first.frontmatter?.terms ?? []) {
      const taken = owner.get(term.id);
      if (taken && taken !== id) {
        problems.push({ file: first.file, line: first.frontmatterLine, message: `term "${term.id}" is already defined by lesson "${taken}"` });
      } else {
        owner.set(term.id, id);
      }
    }
  }
  return problems;
}

function buildGlossary(files: Map<string, Partial<Record<Lang, LessonFile>>>): GlossaryEntry[] {
  const entries = new Map<string, GlossaryEntry>();
  for (const [lesson, perLang] of files) {
    const zh = perLang.zh?.frontmatter?.terms ?? [];
    const en = perLang.en?.frontmatter?.terms ?? [];
    for (const term of zh) {
      const english = en.find((t) => t.id === term.id);
      if (!english || entries.has(term.id)) continue;
      entries.set(term.id, {
        id: term.id,
        lesson,
        heading: term.heading,
        langs: { zh: { term: term.term, definition: term.definition }, en: { term: english.term, definition: english.definition } },
      });
    }
  }
  return [...entries.values()].sort((a, b) => a.langs.en.term.localeCompare(b.langs.en.term, 'en'));
}
