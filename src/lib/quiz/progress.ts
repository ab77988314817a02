/**
 * From answers to what is stored, and from stored interviews to their history. Pure: the caller
 * reads the deck (or the sessions), passes it in with the time, and writes back what comes out.
 *
 * Every answer, in practice or in an interview, becomes a QuizAttempt. Its question's review card
 * then follows review.ts's recordResult: a missed question, or one the learner marked hard, gets a
 * card (the answer counts as its first review); a question that already has a card is graded on
 * every later answer, Hard when the right answer was slow (over its time budget) or partial.
 */
import { isSlow, grade, recordResult, type ReviewRating } from './review.ts';
import { attemptId, type QuizAttempt, type ReviewCard } from './records.ts';
import { indexBank } from './bank.ts';
import { report, type InterviewReport } from './report.ts';
import type { Bank, InterviewState, Question, Result } from './types.ts';

export interface AnsweredQuestion {
  question: Question;
  result: Result;
  mode: QuizAttempt['mode'];
  /** Epoch ms of the answer. */
  at: number;
  /** How long the answer took, to tell a slow right answer; null when unknown. */
  timeMs: number | null;
  /** The learner said the question was hard for them. */
  hard: boolean;
}

export interface AnswerRecords {
  attempts: QuizAttempt[];
  /** The cards created or moved (each question once, in its latest state). */
  cards: ReviewCard[];
}

/** The attempts and card changes for `answers` (in the order given), against the current `deck`. */
export function answerRecords(answers: readonly AnsweredQuestion[], deck: readonly ReviewCard[]): AnswerRecords {
  const cards = new Map(deck.map((c) => [c.questionId, c]));
  const changed = new Map<string, ReviewCard>();
  const attempts: QuizAttempt[] = [];
  for (const a of answers) {
    const id = a.question.id;
    if (a.result.questionId !== id) throw new Error(`result for "${a.result.questionId}" given as an answer to "${id}"`);
    attempts.push({ id: attemptId(a.mode, a.at, id), questionId: id, topic: a.question.topic, mode: a.mode, correct: a.result.correct, score: a.result.score, at: a.at });
    const existing = cards.get(id);
    // A card last reviewed after this answer (on a device whose clock runs ahead, then restored from
    // a backup) is graded as of that review: the scheduler refuses to go back in time.
    const when = Math.max(a.at, existing?.lastReview ?? a.at);
    const slow = a.timeMs !== null && isSlow(a.question, a.timeMs);
    const graded = recordResult(existing, a.result, when, { slow, ...(a.hard ? { learnerSays: 'hard' as const } : {}) });
    if (graded) {
      cards.set(id, graded.card);
      changed.set(id, graded.card);
    }
  }
  return { attempts, cards: [...changed.values()] };
}

/** The interview's latest answer as an AnsweredQuestion (for answerRecords), made at `at`. */
export function lastInterviewAnswer(state: InterviewState, bank: Bank, at: number, hard: boolean): AnsweredQuestion {
  const last = state.answers.at(-1);
  if (!last) throw new Error('the interview has no answer yet');
  const question = indexBank(bank).get(last.questionId);
  if (!question) throw new Error(`question "${last.questionId}" is not in the bank`);
  return {
    question,
    result: { questionId: last.questionId, type: question.type, correct: last.correct, score: last.score, response: last.response },
    mode: 'interview',
    at,
    timeMs: last.timeMs,
    hard,
  };
}

/** When a card would next be due after each rating, graded at `now`: what the grade buttons show. */
export function nextDue(card: ReviewCard, now: number): Record<ReviewRating, number> {
  const at = Math.max(now, card.lastReview ?? now);
  return { 1: grade(card, 1, at).card.due, 2: grade(card, 2, at).card.due, 3: grade(card, 3, at).card.due, 4: grade(card, 4, at).card.due };
}

export interface HistoryEntry {
  state: InterviewState;
  report: InterviewReport;
}

/**
 * The finished interviews, oldest first, with their reports. A session that names a question no
 * longer in the bank (the content changed since) cannot be reported and is counted in `unreadable`.
 */
export function interviewHistory(states: readonly InterviewState[], bank: Bank): { entries: HistoryEntry[]; unreadable: number } {
  const entries: HistoryEntry[] = [];
  let unreadable = 0;
  for (const state of states) {
    if (state.status !== 'finished') continue;
    try {
      entries.push({ state, report: report(state, bank) });
    } catch {
      unreadable++;
    }
  }
  entries.sort((a, b) => a.state.startedAt - b.state.startedAt);
  return { entries, unreadable };
}
