/**
 * Spaced review with FSRS (ts-fsrs). Every missed question, and every question the learner found
 * hard, becomes a card; grading it 1–4 (Again, Hard, Good, Easy) moves its due date. Cards and logs
 * are plain JSON with epoch-ms times, for IndexedDB; they are converted to and from ts-fsrs's Card
 * and ReviewLog (with Date objects) at the edge of each call.
 *
 * Settings (REVIEW_PARAMETERS): ts-fsrs's default weights and 90 % requested retention; fuzz OFF, so
 * the same reviews always give the same due dates (testable, and the same on every device after a
 * backup is restored); short-term learning steps on (1 min, 10 min; relearning 10 min), so a missed
 * question comes back within the same sitting before it graduates to days; intervals capped at 365
 * days, since this prepares for interviews, not for a lifetime (ts-fsrs keeps Hard < Good < Easy a
 * day apart at the cap, so Good may get 366 and Easy 367).
 *
 * From a result to a rating (ratingForResult): wrong → Again; right but slow (over the question's
 * time budget), partial (score < 1, e.g. an open answer with 3 of 4 key points) or found hard → Hard;
 * right → Good; Easy only when the learner says so, since a right answer alone does not show it was
 * effortless. A result enters review (shouldEnterReview) when it was missed or the learner rated it
 * hard; a question that already has a card is graded on every later answer.
 */
import { createEmptyCard, fsrs, generatorParameters, State, type Card, type Grade, type ReviewLog } from 'ts-fsrs';
import { questionBudgetMs } from './budget.ts';
import type { Question, Result } from './types.ts';
import { CARD_STATES, type CardState, type ReviewCard } from './records.ts';

export { CARD_STATES, dueCards, dueCount, isDue, isReviewCard, type CardState, type ReviewCard } from './records.ts';

export const REVIEW_PARAMETERS = generatorParameters({
  request_retention: 0.9,
  maximum_interval: 365,
  enable_fuzz: false,
  enable_short_term: true,
  learning_steps: ['1m', '10m'],
  relearning_steps: ['10m'],
});

const scheduler = fsrs(REVIEW_PARAMETERS);

/** 1 Again, 2 Hard, 3 Good, 4 Easy (ts-fsrs's Rating values). */
export type ReviewRating = 1 | 2 | 3 | 4;
export const RATING = { again: 1, hard: 2, good: 3, easy: 4 } as const satisfies Record<string, ReviewRating>;

const STATE_OF: Record<State, CardState> = { [State.New]: 'new', [State.Learning]: 'learning', [State.Review]: 'review', [State.Relearning]: 'relearning' };
const FSRS_STATE: Record<CardState, State> = { new: State.New, learning: State.Learning, review: State.Review, relearning: State.Relearning };

/** One grading, as stored: the card's state and due date before it, and the rating given. */
export interface ReviewLogEntry {
  questionId: string;
  rating: ReviewRating;
  state: CardState;
  due: number;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  lastElapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  /** When it was graded. */
  review: number;
}

export interface Graded {
  card: ReviewCard;
  log: ReviewLogEntry;
}

/** A new card for a question, due at once. */
export function cardFor(questionId: string, now: number): ReviewCard {
  assertTime(now);
  return fromFsrsCard(questionId, createEmptyCard(new Date(now)));
}

/** Grades a card at `now`: the updated card (new due date) and the log of this review. */
export function grade(card: ReviewCard, rating: ReviewRating, now: number): Graded {
  assertTime(now);
  if (!isRating(rating)) throw new Error(`a rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy) (got ${String(rating)})`);
  if (card.lastReview !== null && now < card.lastReview) throw new Error(`card "${card.questionId}" was last reviewed after ${new Date(now).toISOString()}`);
  const { card: next, log } = scheduler.next(toFsrsCard(card), new Date(now), rating as Grade);
  return { card: fromFsrsCard(card.questionId, next), log: fromFsrsLog(card.questionId, log) };
}

export interface RatingHints {
  /** The answer took longer than it should (see isSlow). */
  slow?: boolean;
  /** What the learner said about it, if anything. */
  learnerSays?: 'hard' | 'easy';
}

/** The FSRS rating a result earns (rules at the top of this file). */
export function ratingForResult(result: Result, hints: RatingHints = {}): ReviewRating {
  if (!result.correct) return RATING.again;
  if (hints.slow || result.score < 1 || hints.learnerSays === 'hard') return RATING.hard;
  return hints.learnerSays === 'easy' ? RATING.easy : RATING.good;
}

/** Whether answering took longer than the question's time budget (budget.ts). */
export function isSlow(question: Pick<Question, 'type' | 'difficulty'>, timeMs: number): boolean {
  return timeMs > questionBudgetMs(question);
}

/** Whether a result makes a new card: it was missed, or the learner found it hard. */
export function shouldEnterReview(result: Result, selfRatedHard: boolean): boolean {
  return !result.correct || selfRatedHard;
}

/**
 * Applies an answer to the review deck: a question that has a card is graded; one that has none
 * gets a card, graded at once, if it should enter review (the answer counts as its first review).
 * Null when nothing changes.
 */
export function recordResult(existing: ReviewCard | undefined, result: Result, now: number, hints: RatingHints = {}): Graded | null {
  if (existing && existing.questionId !== result.questionId) throw new Error(`card "${existing.questionId}" is not for question "${result.questionId}"`);
  const card = existing ?? (shouldEnterReview(result, hints.learnerSays === 'hard') ? cardFor(result.questionId, now) : undefined);
  return card ? grade(card, ratingForResult(result, hints), now) : null;
}

export function toFsrsCard(card: ReviewCard): Card {
  const out: Card = {
    due: new Date(card.due),
    stability: card.stability,
    difficulty: card.difficulty,
    elapsed_days: card.elapsedDays,
    scheduled_days: card.scheduledDays,
    learning_steps: card.learningSteps,
    reps: card.reps,
    lapses: card.lapses,
    state: FSRS_STATE[card.state],
  };
  if (card.lastReview !== null) out.last_review = new Date(card.lastReview);
  return out;
}

export function fromFsrsCard(questionId: string, card: Card): ReviewCard {
  return {
    questionId,
    due: card.due.getTime(),
    stability: card.stability,
    difficulty: card.difficulty,
    elapsedDays: card.elapsed_days,
    scheduledDays: card.scheduled_days,
    learningSteps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    state: STATE_OF[card.state],
    lastReview: card.last_review ? card.last_review.getTime() : null,
  };
}

function fromFsrsLog(questionId: string, log: ReviewLog): ReviewLogEntry {
  return {
    questionId,
    rating: log.rating as ReviewRating,
    state: STATE_OF[log.state],
    due: log.due.getTime(),
    stability: log.stability,
    difficulty: log.difficulty,
    elapsedDays: log.elapsed_days,
    lastElapsedDays: log.last_elapsed_days,
    scheduledDays: log.scheduled_days,
    learningSteps: log.learning_steps,
    review: log.review.getTime(),
  };
}

function isRating(r: unknown): r is ReviewRating {
  return r === 1 || r === 2 || r === 3 || r === 4;
}

function assertTime(now: number): void {
  if (!Number.isFinite(now)) throw new Error(`now must be a time in epoch ms (got ${now})`);
}
