import { describe, expect, it } from 'vitest';
import {
  assertResponse,
  correctResponse,
  MalformedQuestionError,
  MalformedResponseError,
  OPEN_CORRECT_THRESHOLD,
  scoreResponse,
} from '../../../src/lib/quiz/scoring.ts';
import type { Question, Response } from '../../../src/lib/quiz/types.ts';
import { makeQuestion, realBank, wrongResponse } from './fixtures.ts';

const q = {
  single: makeQuestion({ id: 's', topic: 't', type: 'single', difficulty: 1 }), // answer 2 of 4
  code: makeQuestion({ id: 'c', topic: 't', type: 'code', difficulty: 2 }), // answer 1 of 4
  multiple: makeQuestion({ id: 'm', topic: 't', type: 'multiple', difficulty: 2 }), // answer [0, 2, 3] of 5
  trueFalse: makeQuestion({ id: 'tf', topic: 't', type: 'true-false', difficulty: 1 }), // true
  ordering: makeQuestion({ id: 'o', topic: 't', type: 'ordering', difficulty: 2 }), // 4 items
  numeric: makeQuestion({ id: 'n', topic: 't', type: 'numeric', difficulty: 1 }), // 20 ± 2
  open: makeQuestion({ id: 'op', topic: 't', type: 'open', difficulty: 3 }), // rubric of 4
};

const score = (question: Question, response: Response | null) => {
  const r = scoreResponse(question, response);
  return [r.score, r.correct] as const;
};

describe('single and code', () => {
  it('is right only for the answer index', () => {
    expect(score(q.single, { type: 'single', choice: 2 })).toEqual([1, true]);
    expect(score(q.single, { type: 'single', choice: 0 })).toEqual([0, false]);
    expect(score(q.code, { type: 'code', choice: 1 })).toEqual([1, true]);
    expect(score(q.code, { type: 'code', choice: 3 })).toEqual([0, false]);
  });

  it('returns the whole result', () => {
    expect(scoreResponse(q.single, { type: 'single', choice: 2 })).toEqual({
      questionId: 's',
      type: 'single',
      correct: true,
      score: 1,
      response: { type: 'single', choice: 2 },
    });
  });
});

describe('true-false', () => {
  it('compares the truth value', () => {
    expect(score(q.trueFalse, { type: 'true-false', value: true })).toEqual([1, true]);
    expect(score(q.trueFalse, { type: 'true-false', value: false })).toEqual([0, false]);
  });
});

describe('multiple: partial credit max(0, (right − wrong) / answer count), right only when exact', () => {
  const pick = (...choices: number[]) => score(q.multiple, { type: 'multiple', choices });
  it.each([
    [[0, 2, 3], 1, true],
    [[3, 0, 2], 1, true], // any order
    [[0, 2], 2 / 3, false],
    [[0], 1 / 3, false],
    [[0, 2, 3, 1], 2 / 3, false], // all right plus one wrong
    [[0, 1], 0, false],
    [[0, 1, 4], 0, false], // clamped at 0: (1 − 2) / 3
    [[0, 1, 2, 3, 4], 1 / 3, false], // picking everything
    [[], 0, false],
  ])('%j scores %d', (choices, expected, correct) => {
    const [s, c] = pick(...choices);
    expect(s).toBeCloseTo(expected, 12);
    expect(c).toBe(correct);
  });
});

describe('ordering: right only when exact, partial credit by pairs in the right relative order', () => {
  const order = (...o: number[]) => score(q.ordering, { type: 'ordering', order: o });
  it.each([
    [[0, 1, 2, 3], 1, true],
    [[1, 0, 2, 3], 5 / 6, false], // one adjacent swap breaks 1 of 6 pairs
    [[0, 1, 3, 2], 5 / 6, false],
    [[3, 0, 1, 2], 3 / 6, false], // last moved to the front: 3 pairs broken
    [[0, 3, 2, 1], 3 / 6, false],
    [[3, 2, 1, 0], 0, false], // reversed
  ])('%j scores %d', (o, expected, correct) => {
    const [s, c] = order(...o);
    expect(s).toBeCloseTo(expected, 12);
    expect(c).toBe(correct);
  });
});

describe('numeric: |value − answer| ≤ tolerance', () => {
  const value = (v: number) => score(q.numeric, { type: 'numeric', value: v });
  it('counts exactly at the tolerance, on both sides, and not beyond', () => {
    expect(value(20)).toEqual([1, true]);
    expect(value(22)).toEqual([1, true]);
    expect(value(18)).toEqual([1, true]);
    expect(value(22.0001)).toEqual([0, false]);
    expect(value(17.9999)).toEqual([0, false]);
  });

  it('with tolerance 0 only the exact number counts', () => {
    const exact = makeQuestion({ id: 'n0', topic: 't', type: 'numeric', difficulty: 1, answer: 5, tolerance: 0 });
    expect(score(exact, { type: 'numeric', value: 5 })).toEqual([1, true]);
    expect(score(exact, { type: 'numeric', value: 5.000001 })).toEqual([0, false]);
    expect(score(exact, { type: 'numeric', value: 4 })).toEqual([0, false]);
  });

  it('is not fooled by binary floating point exactly at the tolerance', () => {
    const decimal = makeQuestion({ id: 'n1', topic: 't', type: 'numeric', difficulty: 1, answer: 0.3, tolerance: 0.1 });
    expect(Math.abs(0.4 - 0.3) > 0.1).toBe(true); // the trap
    expect(score(decimal, { type: 'numeric', value: 0.4 })).toEqual([1, true]);
    expect(score(decimal, { type: 'numeric', value: 0.2 })).toEqual([1, true]);
    expect(score(decimal, { type: 'numeric', value: 0.4001 })).toEqual([0, false]);
  });
});

describe('open: ticked / rubric length, right at OPEN_CORRECT_THRESHOLD', () => {
  it('uses a threshold of 0.75', () => {
    expect(OPEN_CORRECT_THRESHOLD).toBe(0.75);
  });

  it.each([
    [[0, 1, 2, 3], 1, true],
    [[3, 1, 0], 0.75, true], // exactly at the threshold
    [[0, 1], 0.5, false],
    [[2], 0.25, false],
    [[], 0, false],
  ])('%j scores %d', (ticked, expected, correct) => {
    expect(score(q.open, { type: 'open', ticked })).toEqual([expected, correct]);
  });

  it('needs 4 of 5 points when the rubric has five', () => {
    const five = makeQuestion({
      id: 'op5',
      topic: 't',
      type: 'open',
      difficulty: 3,
      zh: { prompt: '?', explanation: '.', modelAnswer: '.', rubric: ['1', '2', '3', '4', '5'] },
      en: { prompt: '?', explanation: '.', modelAnswer: '.', rubric: ['1', '2', '3', '4', '5'] },
    });
    expect(score(five, { type: 'open', ticked: [0, 1, 2] })).toEqual([0.6, false]);
    expect(score(five, { type: 'open', ticked: [0, 1, 2, 3] })).toEqual([0.8, true]);
  });
});

describe('skipping', () => {
  it('scores a skipped question 0, not right', () => {
    expect(scoreResponse(q.open, null)).toEqual({ questionId: 'op', type: 'open', correct: false, score: 0, response: null });
  });
});

describe('malformed responses are rejected, never scored', () => {
  const cases: [string, Question, unknown, RegExp][] = [
    ['another type', q.single, { type: 'multiple', choices: [2] }, /type is "multiple", expected "single"/],
    ['single for a code question', q.code, { type: 'single', choice: 1 }, /expected "code"/],
    ['not an object', q.single, 2, /not an object/],
    ['null fields', q.single, { type: 'single' }, /not an integer index/],
    ['index out of range', q.single, { type: 'single', choice: 4 }, /out of range 0–3/],
    ['negative index', q.code, { type: 'code', choice: -1 }, /out of range/],
    ['fractional index', q.single, { type: 'single', choice: 1.5 }, /not an integer/],
    ['index as a string', q.single, { type: 'single', choice: '2' }, /not an integer/],
    ['an extra key', q.single, { type: 'single', choice: 2, value: true }, /unexpected key "value"/],
    ['multiple out of range', q.multiple, { type: 'multiple', choices: [0, 5] }, /out of range 0–4/],
    ['multiple duplicate', q.multiple, { type: 'multiple', choices: [0, 0, 2, 3] }, /twice/],
    ['multiple not a list', q.multiple, { type: 'multiple', choices: 0 }, /array/],
    ['true-false not boolean', q.trueFalse, { type: 'true-false', value: 'true' }, /true or false/],
    ['ordering missing an item', q.ordering, { type: 'ordering', order: [0, 1, 2] }, /all 4 items/],
    ['ordering duplicate', q.ordering, { type: 'ordering', order: [0, 1, 1, 2] }, /twice/],
    ['ordering out of range', q.ordering, { type: 'ordering', order: [0, 1, 2, 4] }, /out of range/],
    ['numeric NaN', q.numeric, { type: 'numeric', value: Number.NaN }, /finite number/],
    ['numeric infinite', q.numeric, { type: 'numeric', value: Number.POSITIVE_INFINITY }, /finite number/],
    ['numeric string', q.numeric, { type: 'numeric', value: '20' }, /finite number/],
    ['open out of range', q.open, { type: 'open', ticked: [4] }, /out of range 0–3/],
    ['open duplicate', q.open, { type: 'open', ticked: [1, 1] }, /twice/],
  ];
  it.each(cases)('%s', (_name, question, response, message) => {
    expect(() => scoreResponse(question, response as Response)).toThrow(MalformedResponseError);
    expect(() => scoreResponse(question, response as Response)).toThrow(message);
    expect(() => assertResponse(question, response)).toThrow(`response to question "${question.id}"`);
  });

  it('rejects a question whose answer key does not fit its type', () => {
    const broken: Question = { ...q.single, answer: 7 };
    expect(() => scoreResponse(broken, { type: 'single', choice: 0 })).toThrow(MalformedQuestionError);
    const noTolerance: Question = { ...q.numeric, tolerance: undefined };
    expect(() => scoreResponse(noTolerance, { type: 'numeric', value: 20 })).toThrow(/no tolerance/);
  });
});

describe('correctResponse', () => {
  it('is the response that scores 1 for each type', () => {
    expect(correctResponse(q.multiple)).toEqual({ type: 'multiple', choices: [0, 2, 3] });
    expect(correctResponse(q.ordering)).toEqual({ type: 'ordering', order: [0, 1, 2, 3] });
    expect(correctResponse(q.open)).toEqual({ type: 'open', ticked: [0, 1, 2, 3] });
    expect(correctResponse(q.numeric)).toEqual({ type: 'numeric', value: 20 });
  });

  it('scores 1 on every question of the real bank, and the fixtures’ wrong answer scores 0', () => {
    const bank = realBank();
    expect(bank.length).toBeGreaterThan(50);
    for (const question of bank) {
      expect(scoreResponse(question, correctResponse(question)), question.id).toMatchObject({ correct: true, score: 1 });
      const wrong = scoreResponse(question, wrongResponse(question));
      expect(wrong.correct, question.id).toBe(false);
      expect(wrong.score, question.id).toBe(0);
    }
  });
});
