/**
 * The end-of-interview report: the overall score (the mean of the answers' scores, each answer
 * weighing the same, skipped ones counting 0), a breakdown per topic, the time spent on each question
 * against its budget, every answer next to the right one, and the weak topics: those whose score is
 * below WEAK_TOPIC_THRESHOLD, weakest first. The question on screen when the interview ended
 * (time up, or the learner stopped) is listed as unanswered and does not count.
 */
import { indexBank, questionById } from './bank.ts';
import { questionBudgetMs } from './budget.ts';
import { correctResponse } from './scoring.ts';
import type { Bank, Difficulty, InterviewAnswer, InterviewState, QuestionType, Response } from './types.ts';

/** A topic scoring below this share is weak: more than 40 % of its credit was missed. */
export const WEAK_TOPIC_THRESHOLD = 0.6;

export interface TopicScore {
  topic: string;
  asked: number;
  correct: number;
  /** Mean score of its answers, in [0, 1]. */
  score: number;
}

export interface ReportAnswer extends InterviewAnswer {
  topic: string;
  type: QuestionType;
  difficulty: Difficulty;
  /** The response that scores 1, to show next to the learner's. */
  expected: Response;
  budgetMs: number;
}

export interface InterviewReport {
  answered: number;
  correct: number;
  /** Mean score over the answers, in [0, 1]; 0 when nothing was answered. */
  score: number;
  /** Interview time used (pauses excluded), as of the last recorded event. */
  elapsedMs: number;
  budgetMs: number;
  endedBy: InterviewState['endedBy'];
  /** Every topic with an answer, weakest first (then by name). */
  topics: TopicScore[];
  /** The topics below WEAK_TOPIC_THRESHOLD, weakest first. */
  weakTopics: TopicScore[];
  /** In the order asked. */
  answers: ReportAnswer[];
  /** The question on screen and not answered (cut off by the end), if any. */
  unanswered: string | null;
  /** Queued questions never shown. */
  notReached: number;
}

export function report(state: InterviewState, bank: Bank): InterviewReport {
  const index = indexBank(bank);
  const answers: ReportAnswer[] = state.answers.map((a) => {
    const q = questionById(index, a.questionId);
    return { ...a, topic: q.topic, type: q.type, difficulty: q.difficulty, expected: correctResponse(q), budgetMs: questionBudgetMs(q) };
  });

  const byTopic = new Map<string, TopicScore>();
  for (const a of answers) {
    const t = byTopic.get(a.topic) ?? { topic: a.topic, asked: 0, correct: 0, score: 0 };
    t.asked++;
    if (a.correct) t.correct++;
    t.score += a.score;
    byTopic.set(a.topic, t);
  }
  const topics = [...byTopic.values()]
    .map((t) => ({ ...t, score: t.score / t.asked }))
    .sort((a, b) => a.score - b.score || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));

  return {
    answered: answers.length,
    correct: answers.filter((a) => a.correct).length,
    score: answers.length === 0 ? 0 : answers.reduce((sum, a) => sum + a.score, 0) / answers.length,
    elapsedMs: Math.min(state.budgetMs, state.elapsedMs),
    budgetMs: state.budgetMs,
    endedBy: state.endedBy,
    topics,
    weakTopics: topics.filter((t) => t.score < WEAK_TOPIC_THRESHOLD),
    answers,
    unanswered: state.queue[0]?.questionId ?? null,
    notReached: Math.max(0, state.queue.length - 1),
  };
}
