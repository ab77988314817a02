import { describe, expect, it } from 'vitest';

// The router module reads `location` when it loads; give it one, as a browser would.
globalThis.location = new URL('http://lab.test/') as unknown as Location;
const { parseRoute } = await import('../../src/lib/router.svelte');

describe('parseRoute', () => {
  it.each([
    ['/', { page: 'home' }],
    ['/lessons', { page: 'home' }],
    ['/lessons/rate-limiting', { page: 'lesson', id: 'rate-limiting' }],
    ['/lessons/rate-limiting/', { page: 'lesson', id: 'rate-limiting' }],
    ['/settings', { page: 'settings' }],
    ['/sims', { page: 'sims' }],
    ['/glossary', { page: 'glossary' }],
    ['/search', { page: 'search' }],
    ['/sims/breaker', { page: 'sim', id: 'breaker' }],
    ['/exercises/token-bucket', { page: 'exercise', id: 'token-bucket' }],
    ['/exercises', { page: 'exercises' }],
    ['/quiz', { page: 'quiz' }],
    ['/interview', { page: 'interview' }],
    ['/interview/', { page: 'interview' }],
    ['/review', { page: 'review' }],
    ['/quiz/extra', { page: 'not-found', path: '/quiz/extra' }],
    ['/interview/extra', { page: 'not-found', path: '/interview/extra' }],
    ['/review/extra', { page: 'not-found', path: '/review/extra' }],
    ['/lessons/a/b', { page: 'not-found', path: '/lessons/a/b' }],
    ['/nope', { page: 'not-found', path: '/nope' }],
  ])('%s', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });
});

describe('parseRoute on malformed URLs', () => {
  it('answers not-found instead of throwing', () => {
    expect(parseRoute('/lessons/%E0%A4%A')).toEqual({ page: 'not-found', path: '/lessons/%E0%A4%A' });
  });
});
