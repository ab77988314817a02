/**
 * Question banks for the quiz tests: a synthetic bank in the real schema's shape (every question is
 * validated by quizQuestionSchema and the build's own checkQuestion, so it cannot drift from what
 * content/quiz/*.yaml may hold), and the real bank, loaded from content/quiz/*.yaml.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { checkQuestion } from '../../../src/lib/content/build/quiz.ts';
import { quizFileSchema, quizQuestionSchema } from '../../../src/lib/content/schema.ts';
import { correctResponse } from '../../../src/lib/quiz/scoring.ts';
import type { Difficulty, Question, QuestionType, Response } from '../../../src/lib/quiz/types.ts';

const text = (prompt: string, extra: Record<string, unknown> = {}) => ({ prompt, explanation: `Because: ${prompt}`, ...extra });

/** The type-specific keys of a question of `type`, in both languages. */
function typeKeys(type: QuestionType): Record<string, unknown> {
  const choices = ['first', 'second', 'third', 'fourth'];
  switch (type) {
    case 'single':
      return { answer: 2, zh: text('选一个', { choices }), en: text('Pick one', { choices }) };
    case 'code':
      return {
        answer: 1,
        code: 'package main\n\nfunc main() {}\n',
        zh: text('这段代码做什么?', { choices }),
        en: text('What does this do?', { choices }),
      };
    case 'multiple': {
      const five = [...choices, 'fifth'];
      return { answer: [0, 2, 3], zh: text('选几个', { choices: five }), en: text('Pick some', { choices: five }) };
    }
    case 'true-false':
      return { answer: true, zh: text('对吗?'), en: text('True?') };
    case 'ordering': {
      const items = ['a', 'b', 'c', 'd'];
      return { zh: text('排序', { items }), en: text('Order them', { items }) };
    }
    case 'numeric':
      return { answer: 20, tolerance: 2, unit: 'requests', zh: text('多少?'), en: text('How many?') };
    case 'open': {
      const rubric = ['one', 'two', 'three', 'four'];
      return { zh: text('怎么设计?', { modelAnswer: '这样', rubric }), en: text('How would you design it?', { modelAnswer: 'Like so', rubric }) };
    }
  }
}

/** One question in the real shape, validated. */
export function makeQuestion(fields: { id: string; topic: string; type: QuestionType; difficulty: Difficulty; followUps?: string[] } & Record<string, unknown>): Question {
  const { topic, ...rest } = fields;
  const parsed = quizQuestionSchema.parse({
    tags: [],
    lesson: `/lessons/${topic}#intro`,
    followUps: [],
    ...typeKeys(fields.type),
    ...rest,
  });
  const problems = checkQuestion(parsed);
  if (problems.length > 0) throw new Error(`fixture ${fields.id}: ${problems.join('; ')}`);
  return { ...parsed, topic };
}

const TYPES: QuestionType[] = ['single', 'multiple', 'true-false', 'ordering', 'code', 'numeric', 'open'];

/**
 * A synthetic bank: topics of unequal sizes (so proportions matter), every type at every difficulty,
 * and follow-up chains: within each topic, question k of difficulty 1 is followed up by a question of
 * difficulty 2 and that one by a question of difficulty 3; the first question of each topic also has
 * a follow-up in the next topic (cross-topic), and two in its own topic.
 */
export function syntheticBank(): Question[] {
  const sizes: Record<string, number> = { alpha: 18, beta: 12, gamma: 9, delta: 6, epsilon: 3 };
  const topics = Object.keys(sizes);
  const bank: Question[] = [];
  topics.forEach((topic, t) => {
    const n = sizes[topic]!;
    const perLevel = n / 3;
    const id = (d: number, k: number) => `${topic}-d${d}-q${k}`;
    for (let d = 1 as Difficulty; d <= 3; d = (d + 1) as Difficulty) {
      for (let k = 0; k < perLevel; k++) {
        const followUps: string[] = [];
        if (d < 3) followUps.push(id(d + 1, k));
        if (d === 1 && k === 0) {
          if (perLevel > 1) followUps.push(id(2, 1));
          followUps.push(`${topics[(t + 1) % topics.length]}-d2-q0`);
        }
        bank.push(makeQuestion({ id: id(d, k), topic, type: TYPES[(t * 5 + d * 3 + k) % TYPES.length]!, difficulty: d, followUps }));
      }
    }
  });
  const ids = new Set(bank.map((q) => q.id));
  for (const q of bank) for (const f of q.followUps) if (!ids.has(f)) throw new Error(`fixture follow-up ${f} missing`);
  return bank;
}

/** The real bank, from content/quiz/*.yaml, validated against the schema. */
export function realBank(): Question[] {
  const dir = resolve(import.meta.dirname, '../../../content/quiz');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => {
      const file = quizFileSchema.parse(parse(readFileSync(resolve(dir, f), 'utf8')));
      return file.questions.map((q): Question => ({ ...q, topic: file.topic }));
    });
}

/** A response that scores 0 for the question (assuming no all-choices-right multiple question). */
export function wrongResponse(q: Question): Response {
  const right = correctResponse(q);
  switch (right.type) {
    case 'single':
    case 'code':
      return { type: right.type, choice: (right.choice + 1) % q.en.choices!.length };
    case 'multiple':
      return { type: 'multiple', choices: q.en.choices!.map((_, i) => i).filter((i) => !right.choices.includes(i)) };
    case 'true-false':
      return { type: 'true-false', value: !right.value };
    case 'ordering':
      return { type: 'ordering', order: [...right.order].reverse() };
    case 'numeric':
      return { type: 'numeric', value: right.value + (q.tolerance ?? 0) + 1000 };
    case 'open':
      return { type: 'open', ticked: [] };
  }
}

export { correctResponse };

export const MINUTE = 60_000;
/** A fixed clock: 2025-03-01T09:00:00Z. */
export const T0 = Date.UTC(2025, 2, 1, 9, 0, 0);
