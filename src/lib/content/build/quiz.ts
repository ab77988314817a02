/**
 * Reads `content/quiz/<topic>.yaml`: validates each file against the schema, then what a schema
 * cannot say: the answer key fits the type (an index within the choices, a permutation for ordering,
 * a number with a tolerance), both languages have the same number of choices, items and rubric
 * points, ids are unique, follow-ups exist, and the lesson section exists. Problems are `file:line`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quizFileSchema, parseYamlWithSchema, type QuizQuestionInput } from '../schema.ts';
import type { ContentProblem, Heading, Lang } from '../types.ts';

export interface QuizQuestion extends QuizQuestionInput {
  topic: string;
  file: string;
  line: number;
}

export function compileQuiz(
  contentDir: string,
  rel: (path: string) => string,
  headingsOf: (lesson: string, lang: Lang) => Heading[] | undefined,
): { questions: QuizQuestion[]; problems: ContentProblem[] } {
  const dir = join(contentDir, 'quiz');
  const problems: ContentProblem[] = [];
  const questions: QuizQuestion[] = [];
  if (!existsSync(dir)) return { questions, problems };

  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const file = rel(join(dir, name));
    const parsed = parseYamlWithSchema(readFileSync(join(dir, name), 'utf8'), quizFileSchema, file, 1);
    problems.push(...parsed.problems);
    if (!parsed.value || !parsed.lineOf) continue;
    const { topic } = parsed.value;
    const lineOf = parsed.lineOf;
    if (name !== `${topic}.yaml`) problems.push({ file, line: lineOf(['topic']), message: `topic "${topic}" must match the file name (${topic}.yaml)` });
    if (!headingsOf(topic, 'en')) problems.push({ file, line: lineOf(['topic']), message: `topic "${topic}" is not a lesson (content/lessons/${topic})` });
    parsed.value.questions.forEach((q, i) => {
      const at = (...path: (string | number)[]) => lineOf(['questions', i, ...path]);
      const line = at();
      for (const message of checkQuestion(q)) problems.push({ file, line, message: `question "${q.id}": ${message}` });
      const match = /^\/lessons\/([^#]+)#(.+)$/.exec(q.lesson);
      if (match) {
        for (const lang of ['zh', 'en'] as const) {
          const headings = headingsOf(match[1]!, lang);
          if (!headings) problems.push({ file, line: at('lesson'), message: `question "${q.id}": no lesson "${match[1]}"` });
          else if (!headings.some((h) => h.id === match[2])) problems.push({ file, line: at('lesson'), message: `question "${q.id}": no heading "#${match[2]}" in lesson "${match[1]}" (${lang})` });
          if (!headings || !headings.some((h) => h.id === match[2])) break;
        }
      }
      questions.push({ ...q, topic, file, line });
    });
  }

  const seen = new Map<string, QuizQuestion>();
  for (const q of questions) {
    const first = seen.get(q.id);
    if (first) problems.push({ file: q.file, line: q.line, message: `question id "${q.id}" is already used at ${first.file}:${first.line}` });
    else seen.set(q.id, q);
  }
  for (const q of questions) {
    for (const next of q.followUps) {
      if (!seen.has(next)) problems.push({ file: q.file, line: q.line, message: `question "${q.id}": follow-up "${next}" does not exist` });
      if (next === q.id) problems.push({ file: q.file, line: q.line, message: `question "${q.id}" cannot follow up on itself` });
    }
  }
  return { questions, problems };
}

/** What the answer key and the two languages must satisfy for each type. */
export function checkQuestion(q: QuizQuestionInput): string[] {
  const out: string[] = [];
  const same = (key: 'choices' | 'items' | 'rubric') => {
    const a = q.zh[key]?.length;
    const b = q.en[key]?.length;
    if (a !== b) out.push(`zh has ${a ?? 0} ${key} but en has ${b ?? 0}`);
    return a ?? 0;
  };
  const forbid = (...keys: ('choices' | 'items' | 'modelAnswer' | 'rubric')[]) => {
    for (const key of keys) if (q.zh[key] !== undefined || q.en[key] !== undefined) out.push(`a ${q.type} question has no "${key}"`);
  };
  const isIndex = (n: unknown, count: number) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < count;

  if (q.type !== 'code' && q.code !== undefined) out.push(`only a code question has "code"`);
  if (q.type !== 'numeric' && (q.tolerance !== undefined || q.unit !== undefined)) out.push(`only a numeric question has "tolerance" and "unit"`);
  switch (q.type) {
    case 'single':
    case 'code': {
      forbid('items', 'modelAnswer', 'rubric');
      const count = same('choices');
      if (count < 2) out.push('needs at least two choices in both languages');
      if (!isIndex(q.answer, count)) out.push(`answer must be the index of the right choice (0–${count - 1})`);
      if (q.type === 'code' && !q.code) out.push('a code question needs "code" (a complete Go file)');
      break;
    }
    case 'multiple': {
      forbid('items', 'modelAnswer', 'rubric');
      const count = same('choices');
      const answer = q.answer;
      if (!Array.isArray(answer) || answer.length === 0) out.push('answer must list the indexes of the right choices');
      else if (!answer.every((n) => isIndex(n, count)) || new Set(answer).size !== answer.length) out.push(`answer must be distinct indexes within 0–${count - 1}`);
      break;
    }
    case 'true-false':
      forbid('choices', 'items', 'modelAnswer', 'rubric');
      if (typeof q.answer !== 'boolean') out.push('answer must be true or false');
      break;
    case 'ordering':
      forbid('choices', 'modelAnswer', 'rubric');
      if (same('items') < 3) out.push('needs at least three items in both languages');
      if (q.answer !== undefined) out.push('an ordering question lists its items in the right order and has no "answer"');
      break;
    case 'numeric':
      forbid('choices', 'items', 'modelAnswer', 'rubric');
      if (typeof q.answer !== 'number' || !Number.isFinite(q.answer)) out.push('answer must be a number');
      if (q.tolerance === undefined) out.push('a numeric question states its tolerance (0 for an exact answer)');
      break;
    case 'open':
      forbid('choices', 'items');
      if (!q.zh.modelAnswer || !q.en.modelAnswer) out.push('needs a modelAnswer in both languages');
      if (same('rubric') < 2) out.push('needs a rubric of at least two key points in both languages');
      if (q.answer !== undefined) out.push('an open question has no "answer"');
      break;
  }
  return out;
}
