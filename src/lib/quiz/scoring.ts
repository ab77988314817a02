/**
 * Scores one response to one question. The rules, per type:
 *
 * | type            | score                                                        | correct when      |
 * |-----------------|--------------------------------------------------------------|-------------------|
 * | single, code    | 1 if the chosen index is the answer, else 0                  | score = 1         |
 * | true-false      | 1 if the value is the answer, else 0                         | score = 1         |
 * | multiple        | max(0, (right picks − wrong picks) / number of right choices) | the picks are exactly the answer |
 * | ordering        | fraction of item pairs in the right relative order           | the order is exactly right |
 * | numeric         | 1 if abs(value − answer) ≤ tolerance, else 0                  | score = 1         |
 * | open            | ticked rubric points / rubric length                         | score ≥ OPEN_CORRECT_THRESHOLD |
 *
 * Guessing every choice of a multiple question scores (k − w) / k, which is 0 or less as soon as there
 * are as many wrong choices as right ones, so over-picking never pays. An ordering with one adjacent
 * swap keeps most pairs right and scores high; a reversed order scores 0.
 *
 * A response of the wrong shape (another type, an index out of range, a duplicate, a non-number) is
 * rejected with a MalformedResponseError, never scored: a silent 0 would hide a UI bug. A question
 * whose answer key does not fit its type throws a MalformedQuestionError (the build validates the
 * bank, so this means stale or hand-made data).
 */
import type { Question, Response, Result } from './types.ts';

/** An open answer counts as right when at least this share of the rubric's key points is ticked. */
export const OPEN_CORRECT_THRESHOLD = 0.75;

/**
 * Slack for floating-point error in the numeric check, relative to the size of the answer: 0.4 is
 * within 0.1 of 0.3 even though 0.4 − 0.3 = 0.10000000000000003 in binary floating point.
 */
export const NUMERIC_EPSILON = 1e-9;

export class MalformedResponseError extends Error {
  constructor(question: Question, problem: string) {
    super(`response to question "${question.id}" (${question.type}): ${problem}`);
    this.name = 'MalformedResponseError';
  }
}

export class MalformedQuestionError extends Error {
  constructor(question: Question, problem: string) {
    super(`question "${question.id}" (${question.type}): ${problem}`);
    this.name = 'MalformedQuestionError';
  }
}

/** Scores `response` (null: skipped, which scores 0) against `question`. */
export function scoreResponse(question: Question, response: Response | null): Result {
  const base = { questionId: question.id, type: question.type };
  if (response === null) return { ...base, correct: false, score: 0, response: null };
  assertResponse(question, response);
  const { score, correct } = grade(question, response);
  return { ...base, correct, score, response };
}

function grade(question: Question, response: Response): { score: number; correct: boolean } {
  switch (response.type) {
    case 'single':
    case 'code': {
      const right = response.choice === choiceAnswer(question);
      return { score: right ? 1 : 0, correct: right };
    }
    case 'true-false': {
      const right = response.value === booleanAnswer(question);
      return { score: right ? 1 : 0, correct: right };
    }
    case 'multiple': {
      const answer = new Set(multipleAnswer(question));
      const rightPicks = response.choices.filter((c) => answer.has(c)).length;
      const wrongPicks = response.choices.length - rightPicks;
      const score = Math.max(0, (rightPicks - wrongPicks) / answer.size);
      return { score, correct: rightPicks === answer.size && wrongPicks === 0 };
    }
    case 'ordering': {
      const order = response.order;
      const pairs = (order.length * (order.length - 1)) / 2;
      let inOrder = 0;
      for (let i = 0; i < order.length; i++) {
        for (let j = i + 1; j < order.length; j++) if (order[i]! < order[j]!) inOrder++;
      }
      return { score: inOrder / pairs, correct: inOrder === pairs };
    }
    case 'numeric': {
      const { answer, tolerance } = numericAnswer(question);
      const slack = NUMERIC_EPSILON * Math.max(1, Math.abs(answer), tolerance);
      const right = Math.abs(response.value - answer) <= tolerance + slack;
      return { score: right ? 1 : 0, correct: right };
    }
    case 'open': {
      const score = response.ticked.length / rubricLength(question);
      return { score, correct: score >= OPEN_CORRECT_THRESHOLD };
    }
  }
}

/** The response that scores 1: what the report shows as the right answer. */
export function correctResponse(question: Question): Response {
  switch (question.type) {
    case 'single':
    case 'code':
      return { type: question.type, choice: choiceAnswer(question) };
    case 'multiple':
      return { type: 'multiple', choices: [...multipleAnswer(question)].sort((a, b) => a - b) };
    case 'true-false':
      return { type: 'true-false', value: booleanAnswer(question) };
    case 'ordering':
      return { type: 'ordering', order: Array.from({ length: itemCount(question) }, (_, i) => i) };
    case 'numeric':
      return { type: 'numeric', value: numericAnswer(question).answer };
    case 'open':
      return { type: 'open', ticked: Array.from({ length: rubricLength(question) }, (_, i) => i) };
  }
}

/**
 * Throws a MalformedResponseError unless `response` (possibly read back from storage) is a
 * well-formed answer to `question`.
 */
export function assertResponse(question: Question, response: unknown): asserts response is Response {
  const fail = (problem: string): never => {
    throw new MalformedResponseError(question, problem);
  };
  if (typeof response !== 'object' || response === null || Array.isArray(response)) fail('not an object');
  const r = response as Record<string, unknown>;
  if (r.type !== question.type) fail(`its type is ${JSON.stringify(r.type)}, expected "${question.type}"`);
  const expectKeys = (...keys: string[]) => {
    const extra = Object.keys(r).filter((k) => k !== 'type' && !keys.includes(k));
    if (extra.length > 0) fail(`unexpected key ${extra.map((k) => `"${k}"`).join(', ')}`);
  };
  const index = (v: unknown, count: number, what: string) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${what} ${JSON.stringify(v)} is not an integer index`);
    if ((v as number) < 0 || (v as number) >= count) fail(`${what} ${String(v)} is out of range 0–${count - 1}`);
  };
  const indexList = (v: unknown, count: number, what: string) => {
    if (!Array.isArray(v)) fail(`${what} must be an array of indexes`);
    const list = v as unknown[];
    list.forEach((x) => index(x, count, what));
    if (new Set(list).size !== list.length) fail(`${what} lists an index twice`);
  };

  switch (question.type) {
    case 'single':
    case 'code':
      expectKeys('choice');
      index(r.choice, choiceCount(question), 'choice');
      break;
    case 'multiple':
      expectKeys('choices');
      indexList(r.choices, choiceCount(question), 'choice');
      break;
    case 'true-false':
      expectKeys('value');
      if (typeof r.value !== 'boolean') fail('value must be true or false');
      break;
    case 'ordering': {
      expectKeys('order');
      const n = itemCount(question);
      indexList(r.order, n, 'item');
      if ((r.order as unknown[]).length !== n) fail(`order must place all ${n} items`);
      break;
    }
    case 'numeric':
      expectKeys('value');
      if (typeof r.value !== 'number' || !Number.isFinite(r.value)) fail('value must be a finite number');
      break;
    case 'open':
      expectKeys('ticked');
      indexList(r.ticked, rubricLength(question), 'rubric point');
      break;
  }
}

// The answer key of each type, checked: the build validates the bank, but a stale or hand-made
// question must fail loudly rather than score everything as wrong.

function choiceCount(q: Question): number {
  const n = q.en.choices?.length ?? 0;
  if (n < 2) throw new MalformedQuestionError(q, 'has fewer than two choices');
  return n;
}

function itemCount(q: Question): number {
  const n = q.en.items?.length ?? 0;
  if (n < 2) throw new MalformedQuestionError(q, 'has fewer than two items to order');
  return n;
}

function rubricLength(q: Question): number {
  const n = q.en.rubric?.length ?? 0;
  if (n < 1) throw new MalformedQuestionError(q, 'has no rubric');
  return n;
}

function choiceAnswer(q: Question): number {
  const a = q.answer;
  if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= choiceCount(q)) throw new MalformedQuestionError(q, 'answer is not the index of a choice');
  return a;
}

function multipleAnswer(q: Question): readonly number[] {
  const a = q.answer;
  const n = choiceCount(q);
  if (!Array.isArray(a) || a.length === 0 || new Set(a).size !== a.length || !a.every((i) => Number.isInteger(i) && i >= 0 && i < n)) {
    throw new MalformedQuestionError(q, 'answer is not a list of distinct choice indexes');
  }
  return a;
}

function booleanAnswer(q: Question): boolean {
  if (typeof q.answer !== 'boolean') throw new MalformedQuestionError(q, 'answer is not true or false');
  return q.answer;
}

function numericAnswer(q: Question): { answer: number; tolerance: number } {
  const { answer, tolerance } = q;
  if (typeof answer !== 'number' || !Number.isFinite(answer)) throw new MalformedQuestionError(q, 'answer is not a number');
  if (tolerance === undefined || !(tolerance >= 0)) throw new MalformedQuestionError(q, 'has no tolerance');
  return { answer, tolerance };
}

