/**
 * The client-side shapes of the quiz, mock interview and review features. Everything here is plain
 * data (JSON-serialisable), so that it can be stored in IndexedDB and survive a reload.
 */
// A type-only import: erased at compile time, so no build-time code (yaml, zod) reaches the browser.
// Deriving the fields from the schema keeps them in step with the YAML files of content/quiz.
import type { QuizQuestionInput } from '../content/schema.ts';

export type QuestionType = QuizQuestionInput['type'];
export type Difficulty = QuizQuestionInput['difficulty'];
export const DIFFICULTIES: readonly Difficulty[] = [1, 2, 3];

/** One question of the compiled bank: the schema's fields plus the topic (the file's `topic`). */
export type Question = QuizQuestionInput & { topic: string };

/** The bank the app gets: every question of every topic. */
export type Bank = readonly Question[];

/**
 * What the learner answered, one shape per question type. The `type` must match the question's.
 * - single, code: the index of the chosen choice (in the authored order of `choices`).
 * - multiple: the indexes of the chosen choices (any order, no duplicates; may be empty).
 * - true-false: the learner's truth value.
 * - ordering: the learner's order, top to bottom, as indexes into the CORRECT order (the items are
 *   stored in their correct order and shown shuffled), so `[0, 1, …, n − 1]` is right.
 * - numeric: the number entered.
 * - open: the indexes of the rubric points the learner ticked off (no duplicates; may be empty).
 */
export type Response =
  | { type: 'single'; choice: number }
  | { type: 'code'; choice: number }
  | { type: 'multiple'; choices: number[] }
  | { type: 'true-false'; value: boolean }
  | { type: 'ordering'; order: number[] }
  | { type: 'numeric'; value: number }
  | { type: 'open'; ticked: number[] };

export type ResponseOf<T extends QuestionType> = Extract<Response, { type: T }>;

/** The outcome of one answer. */
export interface Result {
  questionId: string;
  type: QuestionType;
  /** Whether the answer counts as right (see scoring.ts for each type's rule). */
  correct: boolean;
  /** Credit in [0, 1]; partial for multiple, ordering and open. */
  score: number;
  /** What was answered; null when the learner skipped ("I don't know"), which scores 0. */
  response: Response | null;
}

// ---- Mock interview ---------------------------------------------------------------------------

export type InterviewMinutes = 15 | 30 | 45;
export const INTERVIEW_MINUTES: readonly InterviewMinutes[] = [15, 30, 45];

/** A question waiting in, or taken from, the interview's queue. */
export interface InterviewEntry {
  questionId: string;
  /** 'plan': chosen when the interview started; 'follow-up': asked because the previous answer was good. */
  origin: 'plan' | 'follow-up';
  /** For a follow-up, the question whose good answer led to it; null otherwise. */
  followUpOf: string | null;
}

/** One answered question of an interview. */
export interface InterviewAnswer extends InterviewEntry {
  response: Response | null;
  correct: boolean;
  score: number;
  /** Interview time (ms since the start, pauses excluded) when the question appeared. */
  shownAtMs: number;
  /** Interview time spent on it (pauses excluded). */
  timeMs: number;
}

/**
 * A mock interview, as plain JSON: store it as it is, read it back, and every function continues
 * exactly where it left off (the plan was drawn at the start; nothing random happens afterwards).
 */
export interface InterviewState {
  kind: 'interview';
  version: 1;
  seed: number;
  minutes: InterviewMinutes;
  /** As chosen: 'all' or the topics named. */
  focus: string[] | 'all';
  /** The topics in play (the focus, resolved against the bank), sorted. */
  topics: string[];
  budgetMs: number;
  /** Epoch ms of the start. */
  startedAt: number;
  status: 'running' | 'paused' | 'finished';
  /** Why it finished: the queue ran out, the time ran out, or the learner stopped; null until then. */
  endedBy: 'plan' | 'time' | 'learner' | null;
  /** Interview time banked so far (pauses excluded), as of `clockAt`. */
  elapsedMs: number;
  /** Epoch ms when `elapsedMs` was banked, while running; null while paused or finished. */
  clockAt: number | null;
  /** Interview time when the current question (queue[0]) appeared. */
  shownAtMs: number;
  /** The questions still to ask; queue[0] is the one on screen. */
  queue: InterviewEntry[];
  answers: InterviewAnswer[];
}
