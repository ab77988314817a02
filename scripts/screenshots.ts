/**
 * `npx tsx scripts/screenshots.ts [outDir]`: screenshots of the production build (home and a lesson,
 * both languages, both themes) for looking at and for the README.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { preview } from 'vite';
import { findChromium, launchChromium, waitForFontsToSettle } from '../tests/e2e/browser';

const root = resolve(import.meta.dirname, '..');
const outDir = resolve(process.argv[2] ?? resolve(root, 'docs/screenshots'));
mkdirSync(outDir, { recursive: true });
const chromiumPath = findChromium();
if (!chromiumPath) throw new Error('no Chromium: apt-get install chromium or set CHROME_PATH');

const server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', open: false } });
const address = server.httpServer.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await launchChromium(chromiumPath);
const shots: { name: string; path: string; lang: 'zh-CN' | 'en-US'; theme: 'light' | 'dark' }[] = [
  { name: 'home-zh-light', path: '/', lang: 'zh-CN', theme: 'light' },
  { name: 'home-en-dark', path: '/', lang: 'en-US', theme: 'dark' },
  { name: 'lesson-zh-light', path: '/lessons/rate-limiting', lang: 'zh-CN', theme: 'light' },
  { name: 'lesson-en-dark', path: '/lessons/circuit-breaking#gobreaker-transitions', lang: 'en-US', theme: 'dark' },
  { name: 'diagram-en-light', path: '/lessons/registry#ap-vs-cp', lang: 'en-US', theme: 'light' },
  { name: 'followups-zh-dark', path: '/lessons/rate-limiting#follow-ups', lang: 'zh-CN', theme: 'dark' },
  { name: 'settings-en-light', path: '/settings', lang: 'en-US', theme: 'light' },
  { name: 'glossary-zh-light', path: '/glossary', lang: 'zh-CN', theme: 'light' },
  { name: 'search-en-dark', path: '/search?q=token%20bucket', lang: 'en-US', theme: 'dark' },
  { name: 'exercises-en-light', path: '/exercises', lang: 'en-US', theme: 'light' },
  { name: 'exercises-zh-dark', path: '/exercises', lang: 'zh-CN', theme: 'dark' },
  { name: 'exercise-en-light', path: '/exercises/circuit-breaker', lang: 'en-US', theme: 'light' },
  { name: 'exercise-zh-dark', path: '/exercises/circuit-breaker', lang: 'zh-CN', theme: 'dark' },
  ...(['registry', 'rpc', 'breaker', 'limiter', 'saga'] as const).flatMap((id) => [
    { name: `lab-${id}-en-light`, path: `/sims/${id}`, lang: 'en-US' as const, theme: 'light' as const },
    { name: `lab-${id}-zh-dark`, path: `/sims/${id}`, lang: 'zh-CN' as const, theme: 'dark' as const },
  ]),
];
try {
  for (const shot of shots) {
    const context = await browser.newContext({ locale: shot.lang, colorScheme: shot.theme, viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(base + shot.path);
    await page.locator('main h1').first().waitFor();
    if (shot.path.startsWith('/lessons')) {
      await page.locator('[data-testid="lesson-body"]').waitFor();
      await page.locator('figure[data-rendered]').first().waitFor({ timeout: 20_000 }).catch(() => undefined);
      await page.waitForTimeout(300);
    }
    if (shot.path.startsWith('/search')) await page.locator('.search-results li a').first().waitFor();
    if (shot.path.startsWith('/exercises/')) {
      // The starter run: the results panel with its first failure open, and the first hint shown.
      await page.waitForFunction(() => document.documentElement.dataset.monacoReady === 'true', null, { timeout: 60_000 });
      await page.locator('.work .toolbar button').first().click();
      await page.locator('.results').waitFor({ timeout: 20_000 });
      await page.locator('.hints button').click();
    }
    if (shot.path.startsWith('/sims/')) {
      // Played to 40% of the run, so the charts, the diagram's marks and the log all show something.
      await page.locator('[data-testid=lab] figure[data-rendered]').waitFor({ timeout: 30_000 });
      await page.getByTestId('timeline').evaluate((input: HTMLInputElement) => {
        input.value = String(Number(input.max) * 0.4);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.waitForTimeout(500);
    }
    await waitForFontsToSettle(page);
    await page.screenshot({ path: resolve(outDir, `${shot.name}.png`), fullPage: shot.path.startsWith('/sims/') });
    await context.close();
    console.log(`${shot.name}.png`);
  }
} finally {
  await browser.close();
  await server.close();
}
