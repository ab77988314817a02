/**
 * Draws the questions of a mock interview before it starts. The interview CLIMBS: a warm-up of
 * recall questions (difficulty 1), then applied ones (2), then design and deep questions (3), each
 * stage given a share of the time (DIFFICULTY_SHARES; time a stage cannot use rolls over to the next).
 * Whatever time is left at the end goes to the hardest question that still fits, placed at the end
 * of its own stage, so the plan fills the budget to within the shortest budget of a question.
 *
 * Topics are MIXED in proportion to the bank (share = the topic's questions / the focus's
 * questions): each topic's picks are spaced 1 / share apart on a common timeline, starting at a
 * seeded random phase, and each pick goes to the topic that is due first (a topic with no question
 * that fits stays due and catches up later). So every topic is picked in proportion to its share,
 * within about a question in any one interview and exactly on average over seeds, and a short
 * interview over many topics draws WHICH topics it asks in proportion to their shares, rather than
 * always asking the largest. Within a topic and difficulty the question is drawn at random. The sum
 * of the budgets never exceeds the time.
 */
import type { Random } from '../sim/random.ts';
import { questionBudgetMs } from './budget.ts';
import { shuffle } from './shuffle.ts';
import { DIFFICULTIES, type Difficulty, type Question } from './types.ts';

/** The share of the interview's time for each stage of the climb. */
export const DIFFICULTY_SHARES: Readonly<Record<Difficulty, number>> = { 1: 0.2, 2: 0.4, 3: 0.4 };

/** Plans an interview over `pool` (the questions of the focus) that fits in `budgetMs`. */
export function planInterview(pool: readonly Question[], budgetMs: number, random: Random): Question[] {
  const topics = [...new Set(pool.map((q) => q.topic))].sort();
  const share = new Map(topics.map((t) => [t, pool.filter((q) => q.topic === t).length / pool.length]));
  const phase = new Map(topics.map((t) => [t, random.next()]));
  const remaining = new Map(topics.map((t) => [t, new Map(DIFFICULTIES.map((d) => [d, shuffle(pool.filter((q) => q.topic === t && q.difficulty === d), random)]))]));
  const picked = new Map(topics.map((t) => [t, 0]));
  const stages = new Map<Difficulty, Question[]>(DIFFICULTIES.map((d) => [d, []]));
  let used = 0;

  /** Picks one question of difficulty d that fits under `limit`; false when there is none. */
  const pick = (d: Difficulty, limit: number): boolean => {
    let best: { topic: string; list: Question[]; index: number; due: number } | undefined;
    for (const topic of topics) {
      const list = remaining.get(topic)!.get(d)!;
      const index = list.findIndex((q) => used + questionBudgetMs(q) <= limit);
      if (index < 0) continue;
      const due = (picked.get(topic)! + phase.get(topic)!) / share.get(topic)!;
      if (!best || due < best.due) best = { topic, list, index, due };
    }
    if (!best) return false;
    const [question] = best.list.splice(best.index, 1);
    stages.get(d)!.push(question!);
    picked.set(best.topic, picked.get(best.topic)! + 1);
    used += questionBudgetMs(question!);
    return true;
  };

  let cumulative = 0;
  for (const d of DIFFICULTIES) {
    cumulative += DIFFICULTY_SHARES[d];
    const limit = d === 3 ? budgetMs : Math.round(budgetMs * cumulative);
    while (pick(d, limit));
  }
  while (pick(3, budgetMs) || pick(2, budgetMs) || pick(1, budgetMs));

  return DIFFICULTIES.flatMap((d) => stages.get(d)!);
}
