/**
 * Review scheduling through the real ts-fsrs, with a fixed clock. Expected values are computed by
 * ts-fsrs itself, configured here independently of src/lib/quiz/review.ts, and compared with the
 * wrapper; ordering properties are asserted on top.
 */
import { createEmptyCard, fsrs, Rating, State, type Card, type Grade } from 'ts-fsrs';
import { describe, expect, it } from 'vitest';
import {
  cardFor,
  dueCards,
  dueCount,
  fromFsrsCard,
  grade,
  isDue,
  isReviewCard,
  isSlow,
  RATING,
  ratingForResult,
  recordResult,
  REVIEW_PARAMETERS,
  shouldEnterReview,
  toFsrsCard,
  type ReviewCard,
  type ReviewRating,
} from '../../../src/lib/quiz/review.ts';
import type { Result } from '../../../src/lib/quiz/types.ts';
import { MINUTE, T0 } from './fixtures.ts';

const DAY = 24 * 60 * MINUTE;
/** The settings the app promises: ts-fsrs defaults, no fuzz, short-term steps, 365-day cap. */
const reference = fsrs({ enable_fuzz: false, maximum_interval: 365, request_retention: 0.9, enable_short_term: true, learning_steps: ['1m', '10m'], relearning_steps: ['10m'] });

const result = (fields: Partial<Result>): Result => ({ questionId: 'q', type: 'single', correct: true, score: 1, response: { type: 'single', choice: 0 }, ...fields });

describe('settings', () => {
  it('are deterministic: no fuzz', () => {
    expect(REVIEW_PARAMETERS.enable_fuzz).toBe(false);
    expect(REVIEW_PARAMETERS.maximum_interval).toBe(365);
    expect(REVIEW_PARAMETERS.request_retention).toBe(0.9);
    expect([...REVIEW_PARAMETERS.learning_steps]).toEqual(['1m', '10m']);
  });
});

describe('cards are plain JSON', () => {
  it('a new card is due at once, survives JSON, and converts to the same ts-fsrs card', () => {
    const card = cardFor('rl-where-to-limit', T0);
    expect(card).toMatchObject({ questionId: 'rl-where-to-limit', due: T0, state: 'new', reps: 0, lapses: 0, lastReview: null });
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
    expect(toFsrsCard(card)).toEqual(createEmptyCard(new Date(T0)));
    expect(isReviewCard(card)).toBe(true);
  });

  it('converts to ts-fsrs and back without loss', () => {
    const { card } = grade(grade(cardFor('q', T0), RATING.good, T0).card, RATING.good, T0 + 10 * MINUTE);
    expect(card.lastReview).toBe(T0 + 10 * MINUTE);
    expect(fromFsrsCard('q', toFsrsCard(card))).toEqual(card);
    const fsrsCard = toFsrsCard(card);
    expect(fsrsCard.due).toBeInstanceOf(Date);
    expect(fsrsCard.state).toBe(State.Review);
  });

  it('the guard accepts cards and rejects anything else', () => {
    const card = cardFor('q', T0);
    expect(isReviewCard(grade(card, RATING.again, T0).card)).toBe(true);
    expect(isReviewCard(null)).toBe(false);
    expect(isReviewCard({ ...card, due: 'soon' })).toBe(false);
    expect(isReviewCard({ ...card, state: 'Review' })).toBe(false);
    expect(isReviewCard({ ...card, reps: -1 })).toBe(false);
    expect(isReviewCard({ ...card, questionId: 'Not Kebab' })).toBe(false);
    expect(isReviewCard({ ...card, lastReview: undefined })).toBe(false);
  });
});

describe('grading matches ts-fsrs', () => {
  it.each([1, 2, 3, 4] as const)('a new card graded %i gets ts-fsrs’s due date, state and log', (rating) => {
    const expected = reference.next(createEmptyCard(new Date(T0)), new Date(T0), rating as Grade);
    const { card, log } = grade(cardFor('q', T0), rating, T0);
    expect(card).toEqual(fromFsrsCard('q', expected.card));
    expect(card.due).toBe(expected.card.due.getTime());
    expect(log).toMatchObject({ questionId: 'q', rating, state: 'new', due: T0, review: T0 });
    expect(log.stability).toBe(expected.log.stability);
  });

  it('a new card graded Again is due sooner than Hard, Hard sooner than Good, Good sooner than Easy', () => {
    const due = ([1, 2, 3, 4] as const).map((r) => grade(cardFor('q', T0), r, T0).card.due);
    expect(due[0]).toBe(T0 + 1 * MINUTE); // the first learning step
    expect(due[2]).toBe(T0 + 10 * MINUTE); // the second
    expect(due[0]!).toBeLessThan(due[1]!);
    expect(due[1]!).toBeLessThan(due[2]!);
    expect(due[2]!).toBeLessThan(due[3]!);
    expect(due[3]! - T0).toBeGreaterThanOrEqual(DAY); // Easy skips learning
  });

  it('Good at every due date: the same dates as ts-fsrs, and the interval grows', () => {
    let card = cardFor('q', T0);
    let ref: Card = createEmptyCard(new Date(T0));
    let now = T0;
    const intervals: number[] = [];
    for (let i = 0; i < 7; i++) {
      const next = grade(card, RATING.good, now);
      ref = reference.next(ref, new Date(now), Rating.Good).card;
      expect(next.card.due, `review ${i}`).toBe(ref.due.getTime());
      expect(next.card.stability).toBe(ref.stability);
      intervals.push(next.card.due - now);
      card = next.card;
      now = card.due;
    }
    for (let i = 1; i < intervals.length; i++) expect(intervals[i]!, `interval ${i}`).toBeGreaterThan(intervals[i - 1]!);
    expect(card.state).toBe('review');
    expect(card.reps).toBe(7);
  });

  it('caps intervals at about 365 days, as ts-fsrs does', () => {
    // ts-fsrs clamps each interval to maximum_interval, then keeps Hard < Good < Easy apart by a
    // day each, so Good may reach 366 days and Easy 367 at the cap.
    let card = cardFor('q', T0);
    let ref: Card = createEmptyCard(new Date(T0));
    let now = T0;
    const days: number[] = [];
    for (let i = 0; i < 12; i++) {
      card = grade(card, RATING.easy, now).card;
      ref = reference.next(ref, new Date(now), Rating.Easy).card;
      expect(card.due).toBe(ref.due.getTime());
      days.push(card.scheduledDays);
      now = card.due;
    }
    expect(Math.max(...days)).toBe(367);
    expect(days.at(-1)).toBe(367);
    // Without the cap the same reviews would go far beyond a year.
    let uncapped: Card = createEmptyCard(new Date(T0));
    let t = T0;
    for (let i = 0; i < 12; i++) {
      uncapped = fsrs({ enable_fuzz: false }).next(uncapped, new Date(t), Rating.Easy).card;
      t = uncapped.due.getTime();
    }
    expect(uncapped.scheduled_days).toBeGreaterThan(2 * 365);
  });

  it('a lapse: Again on a review card sends it back to relearning, due in 10 minutes', () => {
    let card = grade(cardFor('q', T0), RATING.easy, T0).card;
    const at = card.due;
    const lapsed = grade(card, RATING.again, at);
    const expected = reference.next(toFsrsCard(card), new Date(at), Rating.Again);
    expect(lapsed.card.due).toBe(expected.card.due.getTime());
    expect(lapsed.card).toMatchObject({ state: 'relearning', lapses: 1, due: at + 10 * MINUTE });
    expect(lapsed.log).toMatchObject({ state: 'review', rating: 1 });
    card = lapsed.card;
    expect(grade(card, RATING.good, card.due).card.state).toBe('review');
  });

  it('is deterministic and does not mutate the card', () => {
    const card = cardFor('q', T0);
    const copy = structuredClone(card);
    expect(grade(card, RATING.hard, T0 + 5000)).toEqual(grade(card, RATING.hard, T0 + 5000));
    expect(card).toEqual(copy);
  });

  it('rejects a bad rating or a time before the last review', () => {
    expect(() => grade(cardFor('q', T0), 0 as ReviewRating, T0)).toThrow(/rating/);
    expect(() => grade(cardFor('q', T0), 5 as ReviewRating, T0)).toThrow(/rating/);
    const reviewed = grade(cardFor('q', T0), RATING.good, T0 + MINUTE).card;
    expect(() => grade(reviewed, RATING.good, T0)).toThrow(/last reviewed/);
    expect(() => cardFor('q', Number.NaN)).toThrow(/now/);
  });
});

describe('due cards', () => {
  const cards: ReviewCard[] = [
    grade(cardFor('again', T0), RATING.again, T0).card, // due T0 + 1 min
    grade(cardFor('good', T0), RATING.good, T0).card, // due T0 + 10 min
    grade(cardFor('easy', T0), RATING.easy, T0).card, // due in days
    cardFor('fresh', T0 + 5 * MINUTE), // due at T0 + 5 min
  ];
  const easyDue = cards[2]!.due;

  it('counts and lists what is due at given times, the most overdue first', () => {
    expect(dueCount(cards, T0)).toBe(0);
    expect(dueCount(cards, T0 + MINUTE)).toBe(1);
    expect(dueCards(cards, T0 + MINUTE).map((c) => c.questionId)).toEqual(['again']);
    expect(dueCount(cards, T0 + 5 * MINUTE)).toBe(2);
    expect(dueCards(cards, T0 + 10 * MINUTE).map((c) => c.questionId)).toEqual(['again', 'fresh', 'good']);
    expect(dueCount(cards, easyDue - 1)).toBe(3);
    expect(dueCount(cards, easyDue)).toBe(4);
    expect(isDue(cards[2]!, easyDue - 1)).toBe(false);
    expect(isDue(cards[2]!, easyDue)).toBe(true);
  });
});

describe('from a result to a rating', () => {
  it('wrong → Again; right but slow, partial or found hard → Hard; right → Good; Easy only when the learner says so', () => {
    expect(ratingForResult(result({ correct: false, score: 0 }))).toBe(RATING.again);
    expect(ratingForResult(result({ correct: false, score: 0.67 }), { learnerSays: 'easy' })).toBe(RATING.again);
    expect(ratingForResult(result({}), { slow: true })).toBe(RATING.hard);
    expect(ratingForResult(result({ type: 'open', score: 0.75 }))).toBe(RATING.hard);
    expect(ratingForResult(result({}), { learnerSays: 'hard' })).toBe(RATING.hard);
    expect(ratingForResult(result({}), { slow: true, learnerSays: 'easy' })).toBe(RATING.hard);
    expect(ratingForResult(result({}))).toBe(RATING.good);
    expect(ratingForResult(result({}), { slow: false })).toBe(RATING.good);
    expect(ratingForResult(result({}), { learnerSays: 'easy' })).toBe(RATING.easy);
  });

  it('is slow past the question’s time budget', () => {
    expect(isSlow({ type: 'single', difficulty: 1 }, 90_000)).toBe(false);
    expect(isSlow({ type: 'single', difficulty: 1 }, 90_001)).toBe(true);
    expect(isSlow({ type: 'open', difficulty: 3 }, 6 * MINUTE)).toBe(false);
  });

  it('enters review when missed or found hard', () => {
    expect(shouldEnterReview(result({ correct: false, score: 0 }), false)).toBe(true);
    expect(shouldEnterReview(result({}), true)).toBe(true);
    expect(shouldEnterReview(result({}), false)).toBe(false);
  });

  it('records a result: a new card for a miss, graded at once; nothing for an easy right answer; a grade for an existing card', () => {
    const missed = recordResult(undefined, result({ questionId: 'q1', correct: false, score: 0 }), T0)!;
    expect(missed.card).toEqual(grade(cardFor('q1', T0), RATING.again, T0).card);
    expect(missed.card.due).toBe(T0 + MINUTE);

    const hard = recordResult(undefined, result({ questionId: 'q2' }), T0, { learnerSays: 'hard' })!;
    expect(hard.log.rating).toBe(RATING.hard);

    expect(recordResult(undefined, result({ questionId: 'q3' }), T0)).toBeNull();

    const again = recordResult(missed.card, result({ questionId: 'q1' }), missed.card.due)!;
    expect(again.card).toEqual(grade(missed.card, RATING.good, missed.card.due).card);
    expect(() => recordResult(missed.card, result({ questionId: 'other' }), T0 + DAY)).toThrow(/not for question/);
  });
});
