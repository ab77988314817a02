/** The browser's side of search: the index is imported on the first search and kept for the page's life. */
import type { Lang } from '../content/types.ts';
import { search, type SearchResult } from './engine.ts';
import type { SearchIndex } from './index-types.ts';

let loading: Promise<SearchIndex> | undefined;

export function loadSearchIndex(): Promise<SearchIndex> {
  loading ??= import('virtual:content/search').then((m) => m.default).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export async function runSearch(query: string, lang: Lang, limit: number): Promise<SearchResult[]> {
  return search(await loadSearchIndex(), query, { lang, limit });
}
