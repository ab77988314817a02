/**
 * The quiz features' side of the store: recording answers (attempts and review cards, in one
 * transaction), saving and listing mock interviews, reading and saving the review deck.
 *
 * It loads ts-fsrs (through quiz/progress.ts), which patches Date.prototype when it loads: import it
 * only from the lazily loaded practice, interview and review pages, never from the app shell or the
 * home page (they use quiz/records.ts). Without IndexedDB, writes do nothing and reads return
 * nothing, and the pages keep working in memory (the storage notice says why).
 */
import { app, currentStorage, persist } from './app.svelte';
import { answerRecords, type AnsweredQuestion } from './quiz/progress.ts';
import type { ReviewCard } from './quiz/records.ts';
import type { InterviewState } from './quiz/types.ts';
import type { InterviewSession } from './store/records';
import type { LabStorage } from './store/store';

let pending: Promise<unknown> = Promise.resolve();

/**
 * Runs store work one call at a time, in call order, so that recording answers (read the deck, then
 * write) never interleaves with another recording, and an older interview state is never written
 * after a newer one.
 */
function serial(work: () => Promise<void>): Promise<void> {
  const run = pending.then(work, work);
  pending = run.catch(() => undefined);
  return run;
}

/** Records that were skipped on reading show up in the storage notice, as the app's own reads do. */
function noteProblems(storage: LabStorage): void {
  if (storage.problems.length !== app.storeProblems.length) app.storeProblems = [...storage.problems];
}

/** Stores the answers' attempts and the review cards they create or move, in one transaction. */
export function recordAnswers(answers: readonly AnsweredQuestion[]): Promise<void> {
  if (answers.length === 0) return Promise.resolve();
  return serial(() =>
    persist(async (s) => {
      const deck = await s.reviewCards();
      noteProblems(s);
      const { attempts, cards } = answerRecords(answers, deck);
      await s.recordAnswers(attempts, cards);
    }),
  );
}

export function sessionId(state: InterviewState): string {
  return `iv-${state.startedAt}`;
}

/** The session record for `state` as of `now`; saved in the background, in order. */
export function saveInterview(state: InterviewState, now = Date.now()): InterviewSession {
  const session: InterviewSession = { id: sessionId(state), updatedAt: now, state };
  void serial(() => persist((s) => s.saveInterview(session)));
  return session;
}

// Reads wait for the writes already asked for: a page left and opened again at once must see its
// last save, not the one before.

export async function loadInterviews(): Promise<InterviewSession[]> {
  await pending;
  const storage = currentStorage();
  if (!storage) return [];
  const sessions = await storage.interviewSessions();
  noteProblems(storage);
  return sessions;
}

export async function loadDeck(): Promise<ReviewCard[]> {
  await pending;
  const storage = currentStorage();
  if (!storage) return [];
  const cards = await storage.reviewCards();
  noteProblems(storage);
  return cards;
}

/** Saves a card just graded in review (no attempt: a review is not an answer to score). */
export function saveCard(card: ReviewCard): Promise<void> {
  return serial(() => persist((s) => s.recordAnswers([], [card])));
}
