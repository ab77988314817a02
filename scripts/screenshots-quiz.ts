/**
 * `npx tsx scripts/screenshots-quiz.ts [outDir]`: screenshots of the mock interview (start, during,
 * report, history) and review (question, answer, nothing due) pages of the production build, in
 * English with the light theme and Chinese with the dark one. The history and the review deck are
 * seeded into IndexedDB from the real bank through the app's own quiz logic, so the pages show
 * realistic data; the rest is driven through the UI.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { preview } from 'vite';
import { compileContent } from '../src/lib/content/build/compile';
import { answer, finish, startInterview } from '../src/lib/quiz/interview';
import { answerRecords } from '../src/lib/quiz/progress';
import { correctResponse, scoreResponse } from '../src/lib/quiz/scoring';
import type { InterviewState, Question } from '../src/lib/quiz/types';
import { findChromium, launchChromium, waitForFontsToSettle } from '../tests/e2e/browser';

const root = resolve(import.meta.dirname, '..');
const outDir = resolve(process.argv[2] ?? resolve(root, 'docs/screenshots'));
mkdirSync(outDir, { recursive: true });
const chromiumPath = findChromium();
if (!chromiumPath) throw new Error('no Chromium: apt-get install chromium or set CHROME_PATH');

const bank: Question[] = (await compileContent(root)).quiz;
const DAY = 24 * 3600_000;

/** Four finished interviews over the last weeks, improving, each answered right about as often as `share`. */
function pastInterviews(now: number): InterviewState[] {
  return [0.35, 0.5, 0.45, 0.7].map((share, k) => {
    const start = now - (4 - k) * 5 * DAY;
    let state = startInterview(bank, { minutes: 30, focus: k === 2 ? ['rate-limiting', 'circuit-breaking', 'retries'] : 'all', seed: 100 + k, now: start });
    let t = start;
    for (let i = 0; i < 9 && state.status === 'running'; i++) {
      const q = bank.find((x) => x.id === state.queue[0]!.questionId)!;
      t += 90_000 + ((i * 37_000) % 120_000);
      state = answer(state, bank, (i * 0.37 + k * 0.11) % 1 < share ? correctResponse(q) : null, t);
    }
    return finish(state, t + 30_000);
  });
}

/** Review cards for a few missed questions, all due now. */
function dueDeck(now: number) {
  const missed = ['rate-limiting', 'circuit-breaking', 'registry', 'messaging'].map((topic) => bank.find((q) => q.topic === topic && q.type === 'single')!);
  return answerRecords(
    missed.map((question, i) => ({ question, result: scoreResponse(question, null), mode: 'practice' as const, at: now - (i + 1) * 3600_000, timeMs: 60_000, hard: false })),
    [],
  ).cards;
}

async function seed(page: Page, sessions: InterviewState[], cards: unknown[]): Promise<void> {
  await page.evaluate(
    ({ sessions, cards }) =>
      new Promise<void>((done, fail) => {
        const open = indexedDB.open('go-interview-lab');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['interviewSessions', 'reviewCards'], 'readwrite');
          for (const state of sessions) tx.objectStore('interviewSessions').put({ id: `iv-${state.startedAt}`, updatedAt: state.startedAt + 3600_000, state });
          for (const card of cards) tx.objectStore('reviewCards').put(card);
          tx.oncomplete = () => {
            open.result.close();
            done();
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
    { sessions, cards },
  );
}

const server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', open: false } });
const address = server.httpServer.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await launchChromium(chromiumPath);

const combos = [
  { lang: 'en-US', theme: 'light', tag: 'en-light' },
  { lang: 'zh-CN', theme: 'dark', tag: 'zh-dark' },
] as const;

try {
  for (const { lang, theme, tag } of combos) {
    // Seed one context, then carry its IndexedDB into a fresh one, and move around the app with its
    // own links from then on: a second full load of a page in one context was seen to leave the
    // header's "中文" as boxes in headless Chromium (a font-cache quirk outside these pages).
    const options = { locale: lang, colorScheme: theme, viewport: { width: 1280, height: 860 } } as const;
    const seeding = await browser.newContext(options);
    const first = await seeding.newPage();
    await first.goto(`${base}/`);
    await first.locator('main h1').waitFor();
    await seed(first, pastInterviews(Date.now()), dueDeck(Date.now()));
    const storageState = await seeding.storageState({ indexedDB: true });
    await seeding.close();

    const context = await browser.newContext({ ...options, storageState });
    const page = await context.newPage();
    const nav = (href: string) => page.locator(`.site-header nav a[href="${href}"]`).click();
    const shot = async (name: string, fullPage = false) => {
      await page.mouse.click(1, 1);
      if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
      await waitForFontsToSettle(page);
      await page.screenshot({ path: resolve(outDir, `${name}-${tag}.png`), fullPage });
      console.log(`${name}-${tag}.png`);
    };

    // Start screen, with the history of past interviews.
    await page.goto(`${base}/interview`);
    await page.getByTestId('iv-history-row').first().waitFor({ timeout: 20_000 });
    await shot('interview-start', true);

    // During: a 30-minute interview on every topic, two questions in.
    await page.getByTestId('iv-start').click();
    for (let i = 0; i < 2; i++) await page.getByTestId('iv-skip').click();
    await page.getByTestId('quiz-prompt').waitFor();
    await shot('interview-during');

    // The report: answer two more (the first choice, if any), then finish now.
    for (let i = 0; i < 2; i++) {
      const option = page.locator('.quiz-options input').first();
      if (await option.count()) await option.check();
      if (await page.getByTestId('iv-submit').isEnabled()) await page.getByTestId('iv-submit').click();
      else await page.getByTestId('iv-skip').click();
    }
    await page.getByTestId('iv-finish').click();
    await page.getByTestId('iv-finish-confirm').click();
    await page.getByTestId('iv-report').waitFor();
    await shot('interview-report', true);

    // The history, now with five interviews.
    await nav('/interview');
    await page.getByTestId('iv-history').scrollIntoViewIfNeeded();
    await shot('interview-history');

    // Review: a due card answered, then its answer, then nothing due.
    await nav('/review');
    await page.getByTestId('rv-card').waitFor({ timeout: 20_000 });
    await page.locator('.quiz-options input').first().check();
    await shot('review-question');
    await page.mouse.click(1, 1);
    await page.keyboard.press('Space');
    await page.getByTestId('rv-answer').waitFor();
    await shot('review-answer', true);
    for (let i = 0; i < 10 && (await page.getByTestId('rv-card').count()) > 0; i++) {
      await page.mouse.click(1, 1);
      await page.keyboard.press('Space');
      await page.keyboard.press('3');
      await page.waitForTimeout(100);
    }
    await page.getByTestId('rv-empty').waitFor();
    await shot('review-empty');
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
