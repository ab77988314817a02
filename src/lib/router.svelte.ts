/**
 * A small History-API router: paths are the app's URLs (deep links survive reload because the dev
 * server, `vite preview` and the deploy's `_redirects` all fall back to index.html). Links to another
 * path are handled here; links to a fragment of the current page are left to the browser, which
 * scrolls, moves focus (the skip link) and records history natively.
 */

export type Route =
  | { page: 'home' }
  | { page: 'lesson'; id: string }
  | { page: 'sims' }
  | { page: 'glossary' }
  | { page: 'search' }
  | { page: 'quiz' }
  | { page: 'exercises' }
  | { page: 'exercise'; id: string }
  | { page: 'interview' }
  | { page: 'review' }
  | { page: 'sim'; id: string }
  | { page: 'settings' }
  | { page: 'not-found'; path: string };

/** decodeURIComponent that answers undefined for malformed input instead of throwing. */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'home' };
  if (path === '/settings') return { page: 'settings' };
  if (path === '/glossary') return { page: 'glossary' };
  if (path === '/search') return { page: 'search' };
  if (path === '/quiz') return { page: 'quiz' };
  if (path === '/interview') return { page: 'interview' };
  if (path === '/review') return { page: 'review' };
  const parts = path.split('/').slice(1).map(safeDecode);
  if (parts.some((p) => p === undefined)) return { page: 'not-found', path };
  const [head, id, ...rest] = parts as string[];
  if (rest.length > 0) return { page: 'not-found', path };
  if (head === 'lessons' && id) return { page: 'lesson', id };
  if (head === 'lessons') return { page: 'home' };
  if (head === 'sims') return id ? { page: 'sim', id } : { page: 'sims' };
  if (head === 'exercises') return id ? { page: 'exercise', id } : { page: 'exercises' };
  return { page: 'not-found', path };
}

// `search` is kept for pages whose view depends on the query (a past interview's report), since a
// link from one query to another of the same page keeps the page mounted.
export const router = $state({ route: parseRoute(location.pathname), path: location.pathname, search: location.search, hash: location.hash });

function update(): void {
  router.route = parseRoute(location.pathname);
  router.path = location.pathname;
  router.search = location.search;
  router.hash = location.hash;
}

/** Goes to another page of the app; focus moves to the main region, as after a page load. */
export function navigate(href: string): void {
  const url = new URL(href, location.href);
  history.pushState(null, '', url);
  update();
  if (!url.hash) window.scrollTo(0, 0);
  queueMicrotask(() => document.getElementById('main')?.focus({ preventScroll: true }));
}

/** Turns clicks on links to other pages of the app into client-side navigation. */
export function startRouter(): void {
  addEventListener('popstate', update);
  addEventListener('hashchange', () => (router.hash = location.hash));
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!(anchor instanceof HTMLAnchorElement) || !anchor.hasAttribute('href') || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
}
