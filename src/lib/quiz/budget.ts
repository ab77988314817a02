/**
 * How long the mock interview allows for each question. A recall question (difficulty 1) takes about
 * a minute and a half to read and answer, an applied one (2) two and a half, a design or deep
 * follow-up question (3) four. An open question adds two minutes, since the learner answers aloud
 * (or on paper) before ticking the rubric; a code question adds one, to read a whole Go file.
 */
import type { Difficulty, Question, QuestionType } from './types.ts';

const MINUTE = 60_000;

export const DIFFICULTY_BUDGET_MS: Readonly<Record<Difficulty, number>> = { 1: 1.5 * MINUTE, 2: 2.5 * MINUTE, 3: 4 * MINUTE };

export const TYPE_EXTRA_MS: Readonly<Record<QuestionType, number>> = {
  single: 0,
  multiple: 0,
  'true-false': 0,
  ordering: 0,
  numeric: 0,
  code: 1 * MINUTE,
  open: 2 * MINUTE,
};

/** The time allowed for `question`, in milliseconds. */
export function questionBudgetMs(question: Pick<Question, 'type' | 'difficulty'>): number {
  return DIFFICULTY_BUDGET_MS[question.difficulty] + TYPE_EXTRA_MS[question.type];
}
