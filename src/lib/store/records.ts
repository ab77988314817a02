/**
 * The records the app stores, with guards that decide whether a stored or imported value is one of
 * ours. Anything that fails its guard is skipped and reported, never trusted and never fatal.
 */
import { LANGS, type Lang } from '../content/types';
import { isInterviewState, type QuizAttempt } from '../quiz/records.ts';
import type { InterviewState } from '../quiz/types.ts';

export { isReviewCard, type QuizAttempt, type ReviewCard } from '../quiz/records.ts';

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeSetting = (typeof THEMES)[number];

export interface Settings {
  lang: Lang;
  theme: ThemeSetting;
}

export type SettingRecord =
  | { key: 'lang'; value: Lang }
  | { key: 'theme'; value: ThemeSetting };

export interface LessonProgress {
  lessonId: string;
  /** Epoch milliseconds of the moment it was first read. */
  readAt: number;
  how: 'scroll' | 'manual';
}

type Guard<T> = (value: unknown) => value is T;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isSettingRecord: Guard<SettingRecord> = (v): v is SettingRecord => {
  if (!isObject(v)) return false;
  if (v.key === 'lang') return (LANGS as readonly unknown[]).includes(v.value);
  if (v.key === 'theme') return (THEMES as readonly unknown[]).includes(v.value);
  return false;
};

export const isLessonProgress: Guard<LessonProgress> = (v): v is LessonProgress =>
  isObject(v) &&
  typeof v.lessonId === 'string' &&
  /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v.lessonId) &&
  typeof v.readAt === 'number' &&
  Number.isFinite(v.readAt) &&
  v.readAt > 0 &&
  (v.how === 'scroll' || v.how === 'manual');

// ---- Quiz, interview and review (issue #6) ------------------------------------------------------

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export const isQuizAttempt: Guard<QuizAttempt> = (v): v is QuizAttempt =>
  isObject(v) &&
  typeof v.id === 'string' &&
  typeof v.questionId === 'string' &&
  ID.test(v.questionId) &&
  typeof v.topic === 'string' &&
  ID.test(v.topic) &&
  (v.mode === 'practice' || v.mode === 'interview') &&
  typeof v.correct === 'boolean' &&
  typeof v.score === 'number' &&
  v.score >= 0 &&
  v.score <= 1 &&
  isTime(v.at);

/** A mock interview as stored: its whole state, so it resumes after a reload and feeds the history. */
export interface InterviewSession {
  /** `iv-${startedAt}`. */
  id: string;
  /** Epoch ms of the last change: the newer copy wins when an import meets the same session. */
  updatedAt: number;
  state: InterviewState;
}

export const isInterviewSession: Guard<InterviewSession> = (v): v is InterviewSession =>
  isObject(v) && typeof v.id === 'string' && /^iv-\d+$/.test(v.id) && isTime(v.updatedAt) && isInterviewState(v.state);

// ---- Exercises (issue #5) -----------------------------------------------------------------------

/** The learner's code for one exercise, autosaved as they type. */
export interface ExerciseCode {
  exerciseId: string;
  code: string;
  /** Epoch ms of the save: the newer copy wins on import. */
  savedAt: number;
}

/** The outcome of grading one exercise: its last run, and whether it has ever passed. */
export interface ExerciseResult {
  exerciseId: string;
  status: 'pass' | 'fail' | 'error';
  passed: number;
  total: number;
  /** Epoch ms of the last run. */
  at: number;
  runs: number;
  /** Epoch ms of the first passing run; null until then. Passing once counts as done. */
  passedAt: number | null;
}

export const isExerciseCode: Guard<ExerciseCode> = (v): v is ExerciseCode =>
  isObject(v) && typeof v.exerciseId === 'string' && ID.test(v.exerciseId) && typeof v.code === 'string' && v.code.length <= 1_000_000 && isTime(v.savedAt);

export const isExerciseResult: Guard<ExerciseResult> = (v): v is ExerciseResult =>
  isObject(v) &&
  typeof v.exerciseId === 'string' &&
  ID.test(v.exerciseId) &&
  (v.status === 'pass' || v.status === 'fail' || v.status === 'error') &&
  isCount(v.passed) &&
  isCount(v.total) &&
  v.passed <= v.total &&
  isTime(v.at) &&
  isCount(v.runs) &&
  (v.passedAt === null || isTime(v.passedAt));

/** The result after one more grading run: runs add up, and the first pass is remembered for good. */
export function nextExerciseResult(
  previous: ExerciseResult | undefined,
  exerciseId: string,
  run: Pick<ExerciseResult, 'status' | 'passed' | 'total'>,
  now: number,
): ExerciseResult {
  return { exerciseId, ...run, at: now, runs: (previous?.runs ?? 0) + 1, passedAt: previous?.passedAt ?? (run.status === 'pass' ? now : null) };
}
