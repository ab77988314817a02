/**
 * Words for the search index and for queries, the same way in Node (at build time) and in the
 * browser: `Intl.Segmenter` word segmentation, which splits Chinese by ICU's dictionary and Latin
 * text at word boundaries. ICU's dictionary lacks many technical words (熔断器 comes out as three
 * characters), so every run of Chinese also gives its two-character pieces, in the index and in the
 * query: a document that holds the query's characters in that order then matches all the pieces and
 * ranks first, and another ICU version segmenting a little differently still finds it.
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
let segmenter: Intl.Segmenter | undefined;

function words(text: string): string[] {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const out: string[] = [];
  for (const part of segmenter.segment(text)) {
    if (!part.isWordLike) continue;
    const term = normalizeTerm(part.segment);
    if (term) out.push(term);
  }
  return out;
}

/** Lower case, and a light English stem: a plural `s` goes (limiters → limiter, but not class). */
export function normalizeTerm(word: string): string | undefined {
  const lower = word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (!lower) return undefined;
  if (/^[a-z]{4,}s$/.test(lower) && !/(ss|us|is)$/.test(lower)) return lower.slice(0, -1);
  return lower;
}

export function isCjk(term: string): boolean {
  return CJK.test(term);
}

/** The two-character pieces of a Chinese word. */
export function cjkBigrams(term: string): string[] {
  const chars = [...term];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]{2,}/g;

/** The two-character pieces of every run of Chinese in a text. */
function runBigrams(text: string): string[] {
  return (text.match(CJK_RUN) ?? []).flatMap(cjkBigrams);
}

/** The terms of a text for the index: its words, plus the two-character pieces of its Chinese. */
export function indexTerms(text: string): string[] {
  return [...words(text), ...runBigrams(text)];
}

/** The terms of a query: its words and the pieces of its Chinese, each once. */
export function queryTerms(query: string): string[] {
  return [...new Set([...words(query), ...runBigrams(query)])];
}

/** The words of a query alone (what "matches every word" counts; the pieces only add to the score). */
export function queryWords(query: string): string[] {
  return [...new Set(words(query))];
}
