import { findSection, type SectionId } from './sections';

/**
 * A small History-API router: paths are the app's URLs (deep links survive reload because the dev
 * server, `vite preview` and the deploy's `_redirects` all fall back to index.html).
 */

export type Route =
  | { page: 'home' }
  | { page: 'lesson'; id: string }
  | { page: 'coming'; section: SectionId; id?: string }
  | { page: 'settings' }
  | { page: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'home' };
  if (path === '/settings') return { page: 'settings' };
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  const [head, id, ...rest] = parts;
  if (rest.length > 0) return { page: 'not-found', path };
  if (head === 'lessons' && id) return { page: 'lesson', id };
  if (head === 'lessons') return { page: 'home' };
  const section = head === undefined ? undefined : findSection(head);
  if (section) {
    if (!id) return { page: 'coming', section: section.id };
    return section.hasItems ? { page: 'coming', section: section.id, id } : { page: 'not-found', path };
  }
  return { page: 'not-found', path };
}

export const router = $state({ route: parseRoute(location.pathname), path: location.pathname, hash: location.hash });

function update(): void {
  router.route = parseRoute(location.pathname);
  router.path = location.pathname;
  router.hash = location.hash;
}

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href);
  if (url.pathname === location.pathname && url.hash && !options.replace) {
    history.pushState(null, '', url);
    router.hash = url.hash;
    return;
  }
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  update();
  if (!url.hash) window.scrollTo(0, 0);
}

/** Turns clicks on same-origin links into client-side navigation. */
export function startRouter(): void {
  addEventListener('popstate', update);
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
}
