/** Lookups over the question bank shared by practice, interview and review. */
import type { Bank, Question } from './types.ts';

/** The bank's questions by id (the build guarantees ids are unique). */
export function indexBank(bank: Bank): Map<string, Question> {
  return new Map(bank.map((q) => [q.id, q]));
}

/** The topics of the bank, sorted, with how many questions each has. */
export function bankTopics(bank: Bank): { topic: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const q of bank) counts.set(q.topic, (counts.get(q.topic) ?? 0) + 1);
  return [...counts].map(([topic, count]) => ({ topic, count })).sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

/**
 * The topics a selection covers: every topic of the bank for 'all', else the named ones (sorted,
 * deduplicated). Throws on an empty selection or a topic the bank does not have.
 */
export function resolveTopics(bank: Bank, topics: readonly string[] | 'all'): string[] {
  const known = bankTopics(bank).map((t) => t.topic);
  if (topics === 'all') {
    if (known.length === 0) throw new Error('the question bank is empty');
    return known;
  }
  if (topics.length === 0) throw new Error('choose at least one topic');
  const unknown = topics.filter((t) => !known.includes(t));
  if (unknown.length > 0) throw new Error(`no questions for topic ${unknown.map((t) => `"${t}"`).join(', ')}`);
  return known.filter((t) => topics.includes(t));
}

/** Throws unless `id` is in the bank; the question otherwise. */
export function questionById(index: ReadonlyMap<string, Question>, id: string): Question {
  const q = index.get(id);
  if (!q) throw new Error(`question "${id}" is not in the bank (was the content changed?)`);
  return q;
}
