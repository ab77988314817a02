/** The search index's shape, shared by the build (which writes it) and the browser (which reads it). */
import type { Lang } from '../content/types.ts';

export type SearchKind = 'lesson' | 'term' | 'quiz' | 'exercise';

export interface SearchDoc {
  kind: SearchKind;
  lang: Lang;
  href: string;
  /** The heading, term, question or exercise name. */
  title: string;
  /** Where it belongs: the lesson's title, or the topic. */
  context: string;
  /** Plain text, for snippets. */
  text: string;
}

export interface SearchIndex {
  docs: SearchDoc[];
  /** Body postings: term → [doc, frequency, doc, frequency, …]. */
  body: Record<string, number[]>;
  /** Title postings: term → [doc, doc, …]. */
  titles: Record<string, number[]>;
  /** Body length of each doc in terms, for BM25. */
  lengths: number[];
}
