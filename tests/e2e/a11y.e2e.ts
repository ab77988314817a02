import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { waitForFontsToSettle } from './browser';
import { describeInBrowser, useBrowser } from './harness';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

describeInBrowser('accessibility (axe-core, WCAG 2 AA)', () => {
  const browser = useBrowser();

  for (const theme of ['light', 'dark'] as const) {
    it(`has no violations on the course map, every lesson, settings and every lab in the ${theme} theme`, async () => {
      const lessonPaths = browser.content().lessons.map((l) => `/lessons/${l.id}`);
      const { page } = await browser.open('/', { colorScheme: theme, locale: theme === 'light' ? 'zh-CN' : 'en-US', bypassCSP: true });
      const report: string[] = [];
      const labPaths = ['registry', 'rpc', 'breaker', 'limiter', 'saga'].map((id) => `/sims/${id}`);
      for (const path of ['/', ...lessonPaths, '/settings', '/glossary', '/search?q=token', '/quiz', '/sims', ...labPaths, '/exercises', '/exercises/token-bucket']) {
        await page.goto(path);
        await page.locator('main h1').first().waitFor();
        if (path.startsWith('/lessons')) {
          await page.locator('figure[data-rendered]').first().waitFor({ timeout: 20_000 });
          // Open every follow-up so that their answers are checked too.
          await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
        }
        if (path.startsWith('/sims/')) {
          // A lab page: its run came back from the worker and its diagram and charts are drawn.
          await page.locator('[data-testid=lab] figure[data-rendered]').waitFor({ timeout: 20_000 });
          await page.locator('figure.chart').first().waitFor();
        }
        if (path.startsWith('/exercises/')) {
          // The editor is up and a run's results (failures, diffs) are on the page.
          await page.waitForFunction(() => document.documentElement.dataset.monacoReady === 'true', null, { timeout: 30_000 });
          await page.locator('.work .toolbar button').first().click();
          await page.locator('.results').waitFor({ timeout: 20_000 });
          await page.evaluate(() => document.querySelectorAll('.results details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
        }
        if (path.startsWith('/search')) await page.locator('.search-results li a').first().waitFor({ timeout: 30_000 });
        await waitForFontsToSettle(page);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
          return result.violations;
        });
        for (const v of violations) {
          report.push(`${path} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} (${n.failureSummary?.replace(/\s+/g, ' ')})`).join(' | ')}`);
        }
      }
      expect(report).toEqual([]);
      // Seventeen lessons, five labs and more, each rendered and scanned: minutes, not seconds.
    }, 600_000);
  }
});
