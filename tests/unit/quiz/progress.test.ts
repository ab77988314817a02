/**
 * From answers to stored records (attempts and review cards), the grade preview of the review page,
 * and the interview history. Fixed clock; the expected cards come from review.ts's own functions, so
 * these tests check the glue (which answer makes or moves which card, when, with what hints).
 */
import { describe, expect, it } from 'vitest';
import { questionBudgetMs } from '../../../src/lib/quiz/budget.ts';
import { answer, finish, startInterview } from '../../../src/lib/quiz/interview.ts';
import { answerRecords, interviewHistory, lastInterviewAnswer, nextDue, type AnsweredQuestion } from '../../../src/lib/quiz/progress.ts';
import { isQuizAttempt } from '../../../src/lib/store/records.ts';
import { cardFor, grade, RATING, recordResult } from '../../../src/lib/quiz/review.ts';
import { scoreResponse } from '../../../src/lib/quiz/scoring.ts';
import type { Question, Response } from '../../../src/lib/quiz/types.ts';
import { correctResponse, MINUTE, realBank, syntheticBank, T0, wrongResponse } from './fixtures.ts';

const bank = syntheticBank();
const single = bank.find((q) => q.type === 'single' && q.difficulty === 1)!;
const multiple = bank.find((q) => q.type === 'multiple')!;
const open = bank.find((q) => q.type === 'open')!;

function answered(question: Question, response: Response | null, fields: Partial<AnsweredQuestion> = {}): AnsweredQuestion {
  return { question, result: scoreResponse(question, response), mode: 'practice', at: T0, timeMs: 10_000, hard: false, ...fields };
}

describe('answerRecords', () => {
  it('makes one attempt per answer, with the stored id scheme, valid for the store', () => {
    const { attempts } = answerRecords([answered(single, correctResponse(single)), answered(multiple, null, { mode: 'interview', at: T0 + 5 })], []);
    expect(attempts).toEqual([
      { id: `practice-${T0}-${single.id}`, questionId: single.id, topic: single.topic, mode: 'practice', correct: true, score: 1, at: T0 },
      { id: `interview-${T0 + 5}-${multiple.id}`, questionId: multiple.id, topic: multiple.topic, mode: 'interview', correct: false, score: 0, at: T0 + 5 },
    ]);
    expect(attempts.every(isQuizAttempt)).toBe(true);
  });

  it('gives a missed question a card graded Again (due in a minute); a right one gets none', () => {
    const { cards } = answerRecords([answered(single, wrongResponse(single)), answered(multiple, correctResponse(multiple))], []);
    expect(cards).toEqual([grade(cardFor(single.id, T0), RATING.again, T0).card]);
    expect(cards[0]!.due).toBe(T0 + MINUTE);
  });

  it('treats "I don\'t know" as missed', () => {
    const { cards } = answerRecords([answered(single, null)], []);
    expect(cards.map((c) => c.questionId)).toEqual([single.id]);
  });

  it('gives a right answer the learner marked hard a card graded Hard', () => {
    const { cards } = answerRecords([answered(single, correctResponse(single), { hard: true })], []);
    expect(cards).toEqual([grade(cardFor(single.id, T0), RATING.hard, T0).card]);
  });

  it('a slow right answer makes no new card (review.ts: only missed or hard ones enter) but grades an existing card Hard', () => {
    const slow = questionBudgetMs(single) + 1;
    expect(answerRecords([answered(single, correctResponse(single), { timeMs: slow })], []).cards).toEqual([]);
    const existing = grade(cardFor(single.id, T0 - 60 * MINUTE), RATING.again, T0 - 60 * MINUTE).card;
    const { cards } = answerRecords([answered(single, correctResponse(single), { timeMs: slow })], [existing]);
    expect(cards).toEqual([grade(existing, RATING.hard, T0).card]);
    // The same answer at normal speed earns Good.
    expect(answerRecords([answered(single, correctResponse(single))], [existing]).cards).toEqual([grade(existing, RATING.good, T0).card]);
  });

  it('grades a question that already has a card on every answer, also a right one', () => {
    const existing = grade(cardFor(single.id, T0 - 60 * MINUTE), RATING.again, T0 - 60 * MINUTE).card;
    const { cards } = answerRecords([answered(single, correctResponse(single))], [existing]);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.reps).toBe(existing.reps + 1);
    expect(cards[0]!.due).toBeGreaterThan(existing.due);
  });

  it('chains answers to the same question in one batch and returns its latest card once', () => {
    const { attempts, cards } = answerRecords([answered(single, null), answered(single, correctResponse(single), { at: T0 + 2 * MINUTE })], []);
    expect(attempts).toHaveLength(2);
    const first = recordResult(undefined, scoreResponse(single, null), T0)!.card;
    expect(cards).toEqual([recordResult(first, scoreResponse(single, correctResponse(single)), T0 + 2 * MINUTE)!.card]);
  });

  it('a partial open answer that counts as right grades an existing card Hard, not Good', () => {
    const existing = cardFor(open.id, T0 - MINUTE);
    const partial: Response = { type: 'open', ticked: [0, 1, 2] };
    const result = scoreResponse(open, partial);
    expect(result.correct).toBe(true);
    expect(answerRecords([answered(open, partial)], [existing]).cards).toEqual([grade(existing, RATING.hard, T0).card]);
  });

  it('grades a card reviewed after the answer (another device ran ahead) as of that review, instead of throwing', () => {
    const ahead = grade(cardFor(single.id, T0), RATING.again, T0 + 5 * MINUTE).card;
    const { cards } = answerRecords([answered(single, null)], [ahead]);
    expect(cards).toEqual([grade(ahead, RATING.again, T0 + 5 * MINUTE).card]);
  });

  it('refuses a result that belongs to another question', () => {
    expect(() => answerRecords([{ ...answered(single, null), question: multiple }], [])).toThrow(/given as an answer/);
  });
});

describe('lastInterviewAnswer', () => {
  it('turns the interview\'s latest answer into an answer to record, with its interview time', () => {
    const real = realBank();
    let state = startInterview(real, { minutes: 15, focus: ['rate-limiting'], seed: 7, now: T0 });
    const first = real.find((q) => q.id === state.queue[0]!.questionId)!;
    state = answer(state, real, null, T0 + 40_000);
    const a = lastInterviewAnswer(state, real, T0 + 40_000, true);
    expect(a).toMatchObject({ mode: 'interview', at: T0 + 40_000, timeMs: 40_000, hard: true });
    expect(a.question).toBe(first);
    expect(a.result).toEqual(scoreResponse(first, null));
    expect(answerRecords([a], []).cards.map((c) => c.questionId)).toEqual([first.id]);
  });

  it('throws before the first answer', () => {
    const state = startInterview(bank, { minutes: 15, focus: 'all', seed: 1, now: T0 });
    expect(() => lastInterviewAnswer(state, bank, T0, false)).toThrow(/no answer/);
  });
});

describe('nextDue', () => {
  it('previews each rating without changing the card: Again < Hard < Good < Easy', () => {
    const card = recordResult(undefined, scoreResponse(single, null), T0)!.card;
    const copy = structuredClone(card);
    const due = nextDue(card, T0 + 2 * MINUTE);
    expect(card).toEqual(copy);
    for (const r of [1, 2, 3, 4] as const) expect(due[r]).toBe(grade(card, r, T0 + 2 * MINUTE).card.due);
    expect(due[1]).toBeLessThan(due[2]);
    expect(due[2]).toBeLessThan(due[3]);
    expect(due[3]).toBeLessThan(due[4]);
  });
});

describe('interviewHistory', () => {
  const run = (seed: number, at: number, right: boolean) => {
    let s = startInterview(bank, { minutes: 15, focus: 'all', seed, now: at });
    const q = bank.find((x) => x.id === s.queue[0]!.questionId)!;
    s = answer(s, bank, right ? correctResponse(q) : null, at + MINUTE);
    return finish(s, at + 2 * MINUTE);
  };

  it('lists finished interviews oldest first with their scores, and leaves out running ones', () => {
    const later = run(2, T0 + 60 * MINUTE, true);
    const earlier = run(1, T0, false);
    const running = startInterview(bank, { minutes: 30, focus: 'all', seed: 3, now: T0 + 120 * MINUTE });
    const { entries, unreadable } = interviewHistory([later, running, earlier], bank);
    expect(unreadable).toBe(0);
    expect(entries.map((e) => e.state.startedAt)).toEqual([T0, T0 + 60 * MINUTE]);
    expect(entries.map((e) => e.report.score)).toEqual([0, 1]);
  });

  it('counts a session whose questions left the bank instead of failing the whole history', () => {
    const ok = run(1, T0, true);
    const stale = { ...run(2, T0 + MINUTE, true) };
    stale.answers = stale.answers.map((a) => ({ ...a, questionId: 'gone-from-the-bank' }));
    const { entries, unreadable } = interviewHistory([ok, stale], bank);
    expect(entries).toHaveLength(1);
    expect(unreadable).toBe(1);
  });
});
