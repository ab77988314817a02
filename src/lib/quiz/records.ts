/**
 * The quiz's stored records and their guards: the shapes of attempts, review cards and interview
 * states, the checks that decide whether a stored or imported value is one, and the due-date queries.
 * Kept free of ts-fsrs (which patches Date.prototype on load) so that the store and the home page
 * can use them without loading the scheduler.
 */
import { INTERVIEW_MINUTES, type InterviewState } from './types.ts';

export const CARD_STATES = ['new', 'learning', 'review', 'relearning'] as const;
export type CardState = (typeof CARD_STATES)[number];

/** A question's review card, as stored. Times are epoch ms. */
export interface ReviewCard {
  questionId: string;
  due: number;
  stability: number;
  difficulty: number;
  /** Kept for ts-fsrs, which still carries it (deprecated there). */
  elapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: CardState;
  lastReview: number | null;
}

/**
 * One answer given in practice or in an interview, as stored: the history behind weak topics and
 * progress. Its guard (isQuizAttempt) lives with the store's other guards.
 */
export interface QuizAttempt {
  /** Unique and stable across export/import: `${mode}-${at}-${questionId}` (see attemptId). */
  id: string;
  questionId: string;
  topic: string;
  mode: 'practice' | 'interview';
  correct: boolean;
  /** Credit in [0, 1]. */
  score: number;
  /** Epoch ms of the answer. */
  at: number;
}

export function attemptId(mode: QuizAttempt['mode'], at: number, questionId: string): string {
  return `${mode}-${at}-${questionId}`;
}

export function isDue(card: ReviewCard, now: number): boolean {
  return card.due <= now;
}

/** The cards due at `now`, the most overdue first (then by question id). */
export function dueCards(cards: readonly ReviewCard[], now: number): ReviewCard[] {
  return cards.filter((c) => isDue(c, now)).sort((a, b) => a.due - b.due || (a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : 0));
}

export function dueCount(cards: readonly ReviewCard[], now: number): number {
  return cards.reduce((n, c) => n + (isDue(c, now) ? 1 : 0), 0);
}

/**
 * Whether a value read back from storage is an interview state this version can continue (skip it
 * otherwise). Checks the structure, not the questions: `currentQuestion` throws if one has left the bank.
 */
export function isInterviewState(v: unknown): v is InterviewState {
  if (!isObject(v)) return false;
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const entry = (e: unknown): e is Record<string, unknown> =>
    isObject(e) && typeof e.questionId === 'string' && (e.origin === 'plan' || e.origin === 'follow-up') && (e.followUpOf === null || typeof e.followUpOf === 'string');
  const topics = v.topics;
  return (
    v.kind === 'interview' &&
    v.version === 1 &&
    Number.isInteger(v.seed) &&
    (INTERVIEW_MINUTES as readonly unknown[]).includes(v.minutes) &&
    (v.focus === 'all' || (Array.isArray(v.focus) && v.focus.every((t) => typeof t === 'string'))) &&
    Array.isArray(topics) &&
    topics.every((t) => typeof t === 'string') &&
    v.budgetMs === (v.minutes as number) * 60_000 &&
    num(v.startedAt) &&
    (v.status === 'running' || v.status === 'paused' || v.status === 'finished') &&
    (v.endedBy === null || v.endedBy === 'plan' || v.endedBy === 'time' || v.endedBy === 'learner') &&
    num(v.elapsedMs) &&
    (v.status === 'running' ? num(v.clockAt) : v.clockAt === null) &&
    num(v.shownAtMs) &&
    Array.isArray(v.queue) &&
    v.queue.every(entry) &&
    Array.isArray(v.answers) &&
    v.answers.every((a) => entry(a) && num(a.score) && typeof a.correct === 'boolean' && num(a.shownAtMs) && num(a.timeMs) && (a.response === null || isObject(a.response)))
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a stored or imported value is a ReviewCard (skip it otherwise; never trust it). */
export function isReviewCard(v: unknown): v is ReviewCard {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const c = v as Record<string, unknown>;
  const num = (k: string) => typeof c[k] === 'number' && Number.isFinite(c[k]);
  const count = (k: string) => num(k) && Number.isInteger(c[k]) && (c[k] as number) >= 0;
  return (
    typeof c.questionId === 'string' &&
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(c.questionId) &&
    ['due', 'stability', 'difficulty', 'elapsedDays', 'scheduledDays'].every(num) &&
    ['learningSteps', 'reps', 'lapses'].every(count) &&
    (CARD_STATES as readonly unknown[]).includes(c.state) &&
    (c.lastReview === null || num('lastReview'))
  );
}
