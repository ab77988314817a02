/**
 * Practice mode: the questions of the chosen topics and difficulties, in a seeded order that
 * interleaves the topics evenly (interleaved practice beats blocked practice for retention), so that
 * any prefix of the list, and therefore a `count` limit, mixes the topics in proportion to how many
 * questions each offers. Feedback is immediate: score each answer with scoring.ts and show the
 * question's explanation.
 */
import { Random } from '../sim/random.ts';
import { resolveTopics } from './bank.ts';
import { interleave, shuffle } from './shuffle.ts';
import { DIFFICULTIES, type Bank, type Difficulty, type Question } from './types.ts';

export interface PracticeOptions {
  /** The topics to practise, or 'all'. */
  topics: readonly string[] | 'all';
  /** The difficulties to include; all three when omitted. */
  difficulties?: readonly Difficulty[];
  /** At most this many questions; all that match when omitted. */
  count?: number;
  seed: number;
}

/** The questions to practise, in the order to ask them. Throws on an unknown topic or a bad count. */
export function selectPractice(bank: Bank, options: PracticeOptions): Question[] {
  const topics = resolveTopics(bank, options.topics);
  const difficulties = options.difficulties ?? DIFFICULTIES;
  if (difficulties.length === 0 || !difficulties.every((d) => DIFFICULTIES.includes(d))) {
    throw new Error(`difficulties must be a non-empty list of 1, 2 and 3 (got ${JSON.stringify(difficulties)})`);
  }
  const { count } = options;
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new Error(`count must be a positive integer (got ${count})`);

  const random = new Random(options.seed);
  const groups = shuffle(topics, random).map((topic) =>
    shuffle(
      bank.filter((q) => q.topic === topic && difficulties.includes(q.difficulty)),
      random,
    ),
  );
  const ordered = interleave(groups);
  return count === undefined ? ordered : ordered.slice(0, count);
}
