/**
 * Search over the real content, with the index built as the build builds it: Chinese and English
 * queries reach the heading that teaches them, ranking prefers documents holding every word, and a
 * Chinese word segmented differently still matches through its two-character pieces.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileContent } from '../../src/lib/content/build/compile';
import { buildSearchIndex } from '../../src/lib/search/build-index';
import { search } from '../../src/lib/search/engine';
import type { SearchIndex } from '../../src/lib/search/index-types';
import { indexTerms, normalizeTerm, queryTerms } from '../../src/lib/search/tokenize';
import { projectRoot } from './helpers';

let index: SearchIndex;
beforeAll(async () => {
  index = buildSearchIndex(await compileContent(projectRoot));
});

const hrefs = (query: string, limit = 5) => search(index, query, { limit }).map((r) => r.doc.href);

describe('search', () => {
  it('segments Chinese into words with Intl.Segmenter, and English into stemmed words', () => {
    expect(queryTerms('令牌桶限流器')).not.toEqual([...'令牌桶限流器']);
    expect(queryTerms('Token Buckets')).toEqual(['token', 'bucket']);
    expect(normalizeTerm('class')).toBe('class');
    expect(indexTerms('令牌桶')).toEqual(expect.arrayContaining(['令牌']));
  });

  it('finds the rate-limiting lesson\'s token-bucket heading for 令牌桶 and for token bucket', () => {
    expect(hrefs('令牌桶', 3)).toContain('/lessons/rate-limiting#token-bucket');
    expect(hrefs('token bucket', 3)).toContain('/lessons/rate-limiting#token-bucket');
  });

  it('puts what teaches a topic (a term, a section) above the quiz questions that ask about it', () => {
    const [first] = search(index, '熔断器', { limit: 1, lang: 'zh' });
    expect(first!.doc.href).toMatch(/^\/lessons\/circuit-breaking#/);
    expect(first!.doc.kind).not.toBe('quiz');
  });

  it('ranks documents with every word above documents with some', () => {
    const results = search(index, 'half-open probes', { limit: 10 });
    expect(results[0]!.doc.href).toMatch(/^\/lessons\/circuit-breaking#/);
  });

  it('marks the matches in titles and snippets', () => {
    const [first] = search(index, 'outbox', { limit: 1 });
    const { text, marks } = first!.snippet.marks.length > 0 ? first!.snippet : first!.title;
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.map(([s, e]) => text.slice(s, e).toLowerCase())).toContain('outbox');
  });

  it('falls back to the pieces of a Chinese word the index does not have as a whole', () => {
    const word = '牌桶限'; // not a word any segmenter produces, but its pieces 牌桶 and 桶限 may be indexed
    expect(Object.hasOwn(index.body, word)).toBe(false);
    expect(() => search(index, word)).not.toThrow();
    expect(hrefs('令牌桶算法').length).toBeGreaterThan(0);
  });

  it('answers words that are also Object properties without crashing or matching everything', () => {
    expect(() => search(index, 'constructor toString __proto__')).not.toThrow();
    expect(search(index, '   ')).toEqual([]);
  });
});
