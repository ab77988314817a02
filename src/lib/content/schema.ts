/**
 * The one schema module for content metadata: lesson frontmatter now; exercises' meta.yaml and quiz
 * files join it when those land. Validation problems carry the line of the offending YAML node, so
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

export interface ParsedYaml<T> {
  value?: T;
  problems: ContentProblem[];
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

  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return { value: result.data, problems: [] };

  const problems = result.error.issues.map((issue): ContentProblem => {
    if (issue.code === 'unrecognized_keys') {
      const keyNode = findKeyNode(doc.contents, issue.path, issue.keys[0]);
      const allowed = Object.keys(schemaShape(schema)).join(', ');
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

function findKeyNode(root: unknown, path: PropertyKey[], key: string | undefined): YamlNode | undefined {
  let node = root;
  for (const segment of path) {
    if (!isMap(node)) return undefined;
    node = node.get(segment as string, true);
  }
  if (!isMap(node) || key === undefined) return undefined;
  const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

function schemaShape(schema: z.ZodType): Record<string, unknown> {
  return schema instanceof z.ZodObject ? schema.shape : {};
}
