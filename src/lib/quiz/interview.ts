/**
 * The mock interview as pure functions over a plain JSON state (see InterviewState in types.ts):
 * each takes the state (and the bank, and the time `now` in epoch ms, passed in, never read from the
 * platform) and returns a new state; none mutates its input. Stored and read back in the middle of a
 * session, the state continues exactly as it would have.
 *
 * - startInterview plans the questions (plan.ts) from the seed: climbing difficulty, topics mixed in
 *   proportion to the bank across the focus, filling the chosen 15, 30 or 45 minutes.
 * - answer scores the current question (scoring.ts) without telling the learner, records the time
 *   spent on it, and after a good answer puts its follow-ups next (follow-ups.ts).
 * - The clock counts interview time only: pause banks it, resume restarts it, so paused time is not
 *   counted. A reload without a pause does not stop the clock (the UI may pause on `pagehide`).
 * - It is over when the time is up or the queue is empty; `finish` records the end (also when the
 *   learner stops early), and `report` (report.ts) sums it up.
 */
import { Random } from '../sim/random.ts';
import { indexBank, questionById, resolveTopics } from './bank.ts';
import { FOLLOW_UP_THRESHOLD, queueFollowUps } from './follow-ups.ts';
import { planInterview } from './plan.ts';
import { questionBudgetMs } from './budget.ts';
import { scoreResponse } from './scoring.ts';
import { INTERVIEW_MINUTES, type Bank, type InterviewMinutes, type InterviewState, type Question, type Response } from './types.ts';

export { report } from './report.ts';
export { isInterviewState } from './records.ts';

export interface InterviewOptions {
  minutes: InterviewMinutes;
  /** 'all' topics, or some of them. */
  focus: readonly string[] | 'all';
  /** Any 32-bit unsigned integer; the same seed, bank and options give the same interview. */
  seed: number;
  /** Epoch ms. */
  now: number;
}

/** Thrown when answering an interview that has finished or whose time is up. */
export class InterviewOverError extends Error {
  constructor(why: string) {
    super(`the interview is over: ${why}`);
    this.name = 'InterviewOverError';
  }
}

export function startInterview(bank: Bank, options: InterviewOptions): InterviewState {
  const { minutes, focus, seed, now } = options;
  if (!INTERVIEW_MINUTES.includes(minutes)) throw new Error(`an interview lasts 15, 30 or 45 minutes (got ${String(minutes)})`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be a 32-bit unsigned integer (got ${seed})`);
  assertTime(now);
  const topics = resolveTopics(bank, focus);
  const budgetMs = minutes * 60_000;
  const plan = planInterview(
    bank.filter((q) => topics.includes(q.topic)),
    budgetMs,
    new Random(seed),
  );
  if (plan.length === 0) throw new Error('no question of the focus fits in the time');
  return {
    kind: 'interview',
    version: 1,
    seed,
    minutes,
    focus: focus === 'all' ? 'all' : [...focus],
    topics,
    budgetMs,
    startedAt: now,
    status: 'running',
    endedBy: null,
    elapsedMs: 0,
    clockAt: now,
    shownAtMs: 0,
    queue: plan.map((q) => ({ questionId: q.id, origin: 'plan', followUpOf: null })),
    answers: [],
  };
}

/**
 * The question on screen: the head of the queue, or null once finished. It does not look at the
 * clock: check isOver(state, now) first.
 */
export function currentQuestion(state: InterviewState, bank: Bank): Question | null {
  const head = state.queue[0];
  if (state.status === 'finished' || !head) return null;
  return questionById(indexBank(bank), head.questionId);
}

/**
 * Records the answer to the current question (null: skipped, "I don't know", scoring 0). Throws
 * InterviewOverError once finished or out of time, an Error while paused, and a
 * MalformedResponseError for a response that does not fit the question.
 */
export function answer(state: InterviewState, bank: Bank, response: Response | null, now: number): InterviewState {
  assertTime(now);
  if (state.status === 'finished') throw new InterviewOverError(`it ended (${state.endedBy ?? 'finished'})`);
  if (state.status === 'paused') throw new Error('the interview is paused: resume it before answering');
  const elapsed = rawElapsed(state, now);
  if (elapsed >= state.budgetMs) throw new InterviewOverError('the time is up');
  const [entry, ...rest] = state.queue;
  if (!entry) throw new InterviewOverError('no question is left');

  const index = indexBank(bank);
  const question = questionById(index, entry.questionId);
  const result = scoreResponse(question, response);
  const answers = [
    ...state.answers,
    {
      ...entry,
      response: result.response === null ? null : (JSON.parse(JSON.stringify(result.response)) as Response),
      correct: result.correct,
      score: result.score,
      shownAtMs: state.shownAtMs,
      timeMs: elapsed - state.shownAtMs,
    },
  ];
  const queue =
    result.score >= FOLLOW_UP_THRESHOLD
      ? queueFollowUps({
          question,
          queue: rest,
          asked: new Set(answers.map((a) => a.questionId)),
          index,
          topics: new Set(state.topics),
          budgetMs: state.budgetMs,
          spentMs: answers.reduce((sum, a) => sum + questionBudgetMs(questionById(index, a.questionId)), 0),
        })
      : rest;

  const done = queue.length === 0;
  return {
    ...state,
    status: done ? 'finished' : 'running',
    endedBy: done ? 'plan' : null,
    elapsedMs: elapsed,
    clockAt: done ? null : now,
    shownAtMs: elapsed,
    queue,
    answers,
  };
}

/** Stops the clock (no effect unless running). */
export function pause(state: InterviewState, now: number): InterviewState {
  assertTime(now);
  if (state.status !== 'running') return state;
  return { ...state, status: 'paused', elapsedMs: Math.min(state.budgetMs, rawElapsed(state, now)), clockAt: null };
}

/** Restarts the clock (no effect unless paused). */
export function resume(state: InterviewState, now: number): InterviewState {
  assertTime(now);
  if (state.status !== 'paused') return state;
  return { ...state, status: 'running', clockAt: now };
}

/** Ends the interview: when the time is up, or when the learner stops early. No effect once finished. */
export function finish(state: InterviewState, now: number): InterviewState {
  assertTime(now);
  if (state.status === 'finished') return state;
  const elapsed = rawElapsed(state, now);
  return {
    ...state,
    status: 'finished',
    endedBy: elapsed >= state.budgetMs ? 'time' : 'learner',
    elapsedMs: Math.min(state.budgetMs, elapsed),
    clockAt: null,
  };
}

/** Interview time used at `now` (pauses excluded), at most the budget. */
export function elapsedMs(state: InterviewState, now: number): number {
  return Math.min(state.budgetMs, rawElapsed(state, now));
}

/** Interview time left at `now`: what the countdown shows. */
export function remainingMs(state: InterviewState, now: number): number {
  return state.budgetMs - elapsedMs(state, now);
}

/** Whether the interview is over at `now`: finished, or out of time. */
export function isOver(state: InterviewState, now: number): boolean {
  return state.status === 'finished' || remainingMs(state, now) <= 0;
}


/** The clock keeps going while running; a clock that went backwards (e.g. across a reload) adds nothing. */
function rawElapsed(state: InterviewState, now: number): number {
  return state.clockAt === null ? state.elapsedMs : state.elapsedMs + Math.max(0, now - state.clockAt);
}

function assertTime(now: number): void {
  if (!Number.isFinite(now)) throw new Error(`now must be a time in epoch ms (got ${now})`);
}
