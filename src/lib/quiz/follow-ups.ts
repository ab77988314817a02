/**
 * Follow-up chains: after a good answer (score ≥ FOLLOW_UP_THRESHOLD), the interviewer drills down
 * and asks the question's followUps next, in their listed order (and, depth first, the follow-ups of
 * those when they are answered well too); after a poor answer, the interview moves on.
 *
 * A follow-up is asked only if it is in the bank, belongs to a topic of the focus, and has not been
 * asked yet (no question is ever asked twice). One already waiting in the queue is moved up rather
 * than added. A new one must fit the time: the planned questions it displaces are dropped, the last
 * planned one of the same difficulty and topic first (keeping the climb and the topic mix), then of
 * the same difficulty, then of the same topic, then the last planned one; if even dropping every
 * planned question would not make room, the follow-up is not asked. So the budgets of everything
 * asked and queued never add up to more than the interview's time.
 */
import { questionBudgetMs } from './budget.ts';
import type { InterviewEntry, Question } from './types.ts';

/** An answer at least this good earns the question's follow-ups. */
export const FOLLOW_UP_THRESHOLD = 0.75;

export interface FollowUpContext {
  /** The question just answered well. */
  question: Question;
  /** The questions still to ask (without the one just answered). */
  queue: readonly InterviewEntry[];
  /** Ids already asked, including the one just answered. */
  asked: ReadonlySet<string>;
  index: ReadonlyMap<string, Question>;
  topics: ReadonlySet<string>;
  /** The interview's time, and the budgets of the questions already asked. */
  budgetMs: number;
  spentMs: number;
}

/** The queue with the question's follow-ups in front, making room for them as described above. */
export function queueFollowUps(ctx: FollowUpContext): InterviewEntry[] {
  const { question, index } = ctx;
  const budgetOf = (e: InterviewEntry) => questionBudgetMs(index.get(e.questionId)!);
  let queue = [...ctx.queue];
  const front: InterviewEntry[] = [];

  for (const id of question.followUps) {
    const next = index.get(id);
    if (!next || !ctx.topics.has(next.topic) || ctx.asked.has(id) || front.some((e) => e.questionId === id)) continue;
    const entry: InterviewEntry = { questionId: id, origin: 'follow-up', followUpOf: question.id };
    const waiting = queue.findIndex((e) => e.questionId === id);
    if (waiting >= 0) {
      queue.splice(waiting, 1);
      front.push(entry);
      continue;
    }
    const need = questionBudgetMs(next);
    const total = () => ctx.spentMs + [...front, ...queue].reduce((sum, e) => sum + budgetOf(e), 0) + need;
    const droppable = queue.filter((e) => e.origin === 'plan').reduce((sum, e) => sum + budgetOf(e), 0);
    if (total() - droppable > ctx.budgetMs) continue;
    while (total() > ctx.budgetMs) queue = dropOne(queue, next, index);
    front.push(entry);
  }
  return [...front, ...queue];
}

/** The queue without the planned question that `next` displaces best. */
function dropOne(queue: InterviewEntry[], next: Question, index: ReadonlyMap<string, Question>): InterviewEntry[] {
  let best = -1;
  let bestRank = -1;
  queue.forEach((e, i) => {
    if (e.origin !== 'plan') return;
    const q = index.get(e.questionId)!;
    const rank = (q.difficulty === next.difficulty ? 2 : 0) + (q.topic === next.topic ? 1 : 0);
    if (rank >= bestRank) {
      best = i;
      bestRank = rank;
    }
  });
  return queue.filter((_, i) => i !== best);
}
