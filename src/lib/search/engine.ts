/**
 * Ranked search over the prebuilt index: BM25 over the body, a boost for title hits, and documents
 * that contain every query word ahead of those that contain some. A query word the index lacks (a
 * Chinese word segmented differently) is looked up by its two-character pieces instead.
 */
import type { Lang } from '../content/types.ts';
import type { SearchDoc, SearchIndex } from './index-types.ts';
import { cjkBigrams, isCjk, queryTerms, queryWords } from './tokenize.ts';

export interface Snippet {
  text: string;
  /** [start, end) ranges of `text` to highlight. */
  marks: [number, number][];
}

export interface SearchResult {
  doc: SearchDoc;
  score: number;
  title: Snippet;
  snippet: Snippet;
}

/** A posting list, never an inherited property ("constructor" is a word too). */
function postings(map: Record<string, number[]>, term: string): number[] | undefined {
  return Object.hasOwn(map, term) ? map[term] : undefined;
}

const K1 = 1.2;
const B = 0.75;
const TITLE_BOOST = 2.5;
const CONTEXT_BOOST = 1.6;
/** Teaching first: a lesson section or a term answers "where is X explained" better than a question about X. */
const KIND_WEIGHT: Record<SearchDoc['kind'], number> = { lesson: 1, term: 1.2, exercise: 1, quiz: 0.6 };

export function search(index: SearchIndex, query: string, options: { limit?: number; lang?: Lang } = {}): SearchResult[] {
  const words = queryTerms(query);
  if (words.length === 0) return [];
  const counted = new Set(queryWords(query));
  const n = index.docs.length;
  const avgLength = index.lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const scores = new Map<number, number>();
  const matched = new Map<number, number>();

  for (const word of words) {
    // The word itself, or all of its pieces (a document must hold every piece to match the word).
    const variants = postings(index.body, word) || postings(index.titles, word) || !isCjk(word) ? [[word]] : [cjkBigrams(word)];
    for (const terms of variants) {
      const perDoc = new Map<number, number>();
      terms.forEach((term, k) => {
        const docs = new Map<number, number>();
        const list = postings(index.body, term) ?? [];
        const df = list.length / 2;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (let p = 0; p < list.length; p += 2) {
          const doc = list[p]!;
          const tf = list[p + 1]!;
          const norm = tf + K1 * (1 - B + (B * index.lengths[doc]!) / avgLength);
          docs.set(doc, (idf * tf * (K1 + 1)) / norm);
        }
        const titleDocs = postings(index.titles, term) ?? [];
        const titleIdf = Math.log(1 + (n - titleDocs.length + 0.5) / (titleDocs.length + 0.5));
        for (const doc of titleDocs) docs.set(doc, (docs.get(doc) ?? 0) + TITLE_BOOST * titleIdf);
        if (k === 0) for (const [doc, s] of docs) perDoc.set(doc, s);
        else for (const doc of [...perDoc.keys()]) {
          const s = docs.get(doc);
          if (s === undefined) perDoc.delete(doc);
          else perDoc.set(doc, perDoc.get(doc)! + s);
        }
      });
      for (const [doc, s] of perDoc) {
        scores.set(doc, (scores.get(doc) ?? 0) + s);
        if (counted.has(word)) matched.set(doc, (matched.get(doc) ?? 0) + 1);
      }
    }
  }

  // A section of the lesson the query names (服务注册 → 服务注册与发现) beats a passing mention.
  const parts = query.toLowerCase().split(/\s+/).filter(Boolean);
  const boost = (doc: SearchDoc) =>
    KIND_WEIGHT[doc.kind] * (options.lang && doc.lang === options.lang ? 1.15 : 1) * (parts.some((p) => doc.context.toLowerCase().includes(p)) ? CONTEXT_BOOST : 1);
  const ranked = [...scores.entries()]
    .map(([doc, score]) => ({ doc, score: score * boost(index.docs[doc]!), all: matched.get(doc) ?? 0 }))
    .sort((a, b) => b.all - a.all || b.score - a.score)
    .slice(0, options.limit ?? 20);
  const needles = needlesOf(query);
  return ranked.map(({ doc, score }) => {
    const d = index.docs[doc]!;
    return { doc: d, score, title: mark(d.title, needles), snippet: snippetOf(d.text, needles) };
  });
}

/** What to highlight: the query's words as typed (and their pieces, for Chinese). */
function needlesOf(query: string): string[] {
  const out = new Set<string>();
  for (const part of query.toLowerCase().split(/[\s,，。、;；:：]+/)) {
    if (!part) continue;
    out.add(part);
    if (isCjk(part) && [...part].length > 2) for (const piece of cjkBigrams(part)) out.add(piece);
  }
  for (const w of queryTerms(query)) out.add(w);
  return [...out].sort((a, b) => b.length - a.length);
}

function mark(text: string, needles: string[]): Snippet {
  const lower = text.toLowerCase();
  const marks: [number, number][] = [];
  for (const needle of needles) {
    let from = 0;
    for (let at = lower.indexOf(needle, from); at !== -1; at = lower.indexOf(needle, from)) {
      const end = at + needle.length;
      if (!marks.some(([s, e]) => at < e && end > s)) marks.push([at, end]);
      from = end;
    }
  }
  return { text, marks: marks.sort((a, b) => a[0] - b[0]) };
}

const WINDOW = 70;

function snippetOf(text: string, needles: string[]): Snippet {
  const lower = text.toLowerCase();
  const first = needles.map((n) => lower.indexOf(n)).filter((i) => i >= 0).sort((a, b) => a - b)[0];
  const start = first === undefined ? 0 : Math.max(0, first - WINDOW);
  const end = Math.min(text.length, (first ?? 0) + WINDOW * 2);
  const piece = `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  return mark(piece, needles);
}
