/**
 * The one schema module for content metadata: lesson frontmatter, quiz files and exercises'
 * meta.yaml. Validation problems carry the line of the offending YAML node, so
 * that a typo fails the build with `file:line: message`.
 */
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { isExerciseId, isSimId } from './catalog.ts';
import type { ContentProblem } from './types.ts';

const kebab = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const lessonFrontmatterSchema = z.strictObject({
  title: z.string().trim().min(1, 'title must not be empty'),
  summary: z.string().trim().min(1, 'summary must not be empty'),
  order: z.number().int().min(1, 'order must be a positive integer'),
  tags: z.array(z.string().regex(kebab, 'tags are kebab-case')).min(1, 'at least one tag is required'),
  sims: z
    .array(z.string().refine(isSimId, { error: (issue) => `unknown simulation "${String(issue.input)}" (see src/lib/content/catalog.ts)` }))
    .default([]),
  exercises: z
    .array(z.string().refine(isExerciseId, { error: (issue) => `unknown exercise "${String(issue.input)}" (see src/lib/content/catalog.ts)` }))
    .default([]),
  terms: z
    .array(
      z.strictObject({
        id: z.string().regex(kebab, 'term ids are English kebab-case, the same in both languages'),
        term: z.string().trim().min(1, 'term must not be empty'),
        heading: z.string().regex(kebab, 'heading is the id of a heading of this lesson'),
        definition: z
          .string()
          .trim()
          .min(1, 'definition must not be empty')
          .max(200, 'a definition is one line of at most 200 characters')
          .refine((d) => !d.includes('\n'), 'a definition is one line'),
      }),
    )
    .default([]),
});

export type LessonFrontmatter = z.infer<typeof lessonFrontmatterSchema>;

const text = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

/** One language's text of a quiz question. Which keys are needed depends on the type (checked in quiz.ts). */
const quizTextSchema = z.strictObject({
  prompt: text('prompt'),
  /** single, multiple, code: the options, in the same order in both languages. */
  choices: z.array(text('a choice')).min(2, 'at least two choices').optional(),
  /** ordering: the items in their correct order (the UI shuffles them). */
  items: z.array(text('an item')).min(3, 'at least three items to order').optional(),
  explanation: text('explanation'),
  /** open: what a strong answer says, and the key points the learner ticks off. */
  modelAnswer: text('modelAnswer').optional(),
  rubric: z.array(text('a rubric point')).min(2, 'at least two rubric points').optional(),
});

export const QUIZ_TYPES = ['single', 'multiple', 'true-false', 'ordering', 'code', 'numeric', 'open'] as const;

export const quizQuestionSchema = z.strictObject({
  id: z.string().regex(kebab, 'question ids are kebab-case'),
  type: z.enum(QUIZ_TYPES),
  difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** More specific tags; the file's topic is every question's first tag. */
  tags: z.array(z.string().regex(kebab, 'tags are kebab-case')).default([]),
  /** The lesson section that teaches it: `/lessons/<id>#<heading>`. */
  lesson: z.string().regex(/^\/lessons\/[a-z0-9-]+#[a-z0-9-]+$/, 'lesson is /lessons/<id>#<heading>'),
  /** Questions an interviewer asks next (ids in any quiz file). */
  followUps: z.array(z.string().regex(kebab)).default([]),
  /** code: a complete Go file (checked by `npm run test:go`). */
  code: z.string().min(1).optional(),
  /** single, code: the index of the right choice; multiple: the indexes; true-false: the truth; numeric: the number. */
  answer: z.union([z.number(), z.array(z.number().int().min(0)), z.boolean()]).optional(),
  /** numeric: how far from `answer` still counts as right (0 for an exact count). */
  tolerance: z.number().min(0).optional(),
  unit: z.string().optional(),
  zh: quizTextSchema,
  en: quizTextSchema,
});

export const quizFileSchema = z.strictObject({
  /** The syllabus topic: a lesson id. */
  topic: z.string().regex(kebab, 'topic is a lesson id'),
  questions: z.array(quizQuestionSchema).min(1, 'a quiz file has at least one question'),
});

export type QuizQuestionInput = z.infer<typeof quizQuestionSchema>;
export type QuizFileInput = z.infer<typeof quizFileSchema>;

export interface ParsedYaml<T> {
  value?: T;
  problems: ContentProblem[];
  /** The line of the node at `path` (the document's first line when there is none). */
  lineOf?: (path: (string | number)[]) => number;
}

/**
 * Parses YAML text that starts at `firstLine` of `file` and validates it against `schema`.
 * Every problem points at the line of the node it concerns.
 */
export function parseYamlWithSchema<T>(
  text: string,
  schema: z.ZodType<T>,
  file: string,
  firstLine: number,
): ParsedYaml<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number) => firstLine + lineCounter.linePos(offset).line - 1;

  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    return {
      problems: syntax.map((e) => ({ file, line: lineAt(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` })),
    };
  }

  const lineOf = (path: (string | number)[]) => {
    const node = doc.getIn(path, true) as YamlNode | undefined;
    return node?.range ? lineAt(node.range[0]) : firstLine;
  };
  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return { value: result.data, problems: [], lineOf };

  const problems = result.error.issues.map((issue): ContentProblem => {
    if (issue.code === 'unrecognized_keys') {
      const keyNode = findKeyNode(doc.getIn(issue.path as (string | number)[], true) ?? doc.contents, issue.keys[0]);
      const allowed = Object.keys(shapeAt(schema, issue.path)).join(', ');
      return {
        file,
        line: keyNode?.range ? lineAt(keyNode.range[0]) : firstLine,
        message: `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed})`,
      };
    }
    const node = doc.getIn(issue.path as (string | number)[], true) as YamlNode | undefined;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'document';
    const missing = node === undefined && issue.code === 'invalid_type';
    return {
      file,
      line: node?.range ? lineAt(node.range[0]) : firstLine,
      message: missing ? `missing required key "${where}"` : `${where}: ${issue.message}`,
    };
  });
  return { problems };
}

function findKeyNode(node: unknown, key: string | undefined): YamlNode | undefined {
  if (!isMap(node) || key === undefined) return undefined;
  const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** The keys an object schema allows at `path` (through arrays, optionals and defaults). */
function shapeAt(schema: z.ZodType, path: PropertyKey[]): Record<string, unknown> {
  let current: unknown = schema;
  const unwrap = () => {
    while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap();
  };
  for (const segment of path) {
    unwrap();
    if (current instanceof z.ZodArray && typeof segment === 'number') current = current.element;
    else if (current instanceof z.ZodObject) current = (current.shape as Record<string, unknown>)[String(segment)];
    else return {};
  }
  unwrap();
  return current instanceof z.ZodObject ? current.shape : {};
}

// ---- Exercises: content/exercises/<id>/meta.yaml ----------------------------------------------------

const bilingual = (what: string) => z.strictObject({ zh: text(`${what} (zh)`), en: text(`${what} (en)`) });

export const exerciseMetaSchema = z.strictObject({
  title: bilingual('title'),
  difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'difficulty is 1, 2 or 3' }),
  topic: z.string().regex(kebab, 'topic is a lesson id'),
  /** `<lesson>#<heading>`: the section that teaches it. */
  lesson: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*#[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lesson is "<lesson-id>#<heading-id>"'),
  lab: z
    .string()
    .refine(isSimId, { error: (issue) => `unknown lab "${String(issue.input)}" (see src/lib/content/catalog.ts)` })
    .optional(),
  tasks: z.array(bilingual('a task title')).min(1, 'at least one task').max(8, 'at most eight tasks'),
  hints: z.array(bilingual('a hint')).min(2, 'at least two hints, from vague to nearly the answer').max(6, 'at most six hints'),
  sources: z.array(text('a source')).default([]),
});

export type ExerciseMetaInput = z.infer<typeof exerciseMetaSchema>;
