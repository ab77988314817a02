/**
 * The mock interview in Chromium: a short interview through the UI to its report (no verdict on the
 * way), the history that opens it again; a reload in the middle that comes back to the same question
 * with the clock still running (and a paused one that stays paused); and an interview that ends by
 * itself when its time runs out (the browser's clock is fast-forwarded, not waited for).
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Question } from '../../src/lib/quiz/types';
import { describeInBrowser, useBrowser } from './harness';
import { countdownSeconds, plain, questionOnScreen, readStore } from './quiz-helpers';

const LOAD = { timeout: 20_000 };

describeInBrowser('mock interview', () => {
  const browser = useBrowser();
  const bank = () => browser.content().quiz;

  async function start(page: Page, minutes: 15 | 30 | 45, topic?: string): Promise<void> {
    await page.getByTestId('iv-start').waitFor();
    await expect.poll(() => page.getByTestId('iv-start').isEnabled(), LOAD).toBe(true);
    await page.locator(`[data-minutes="${minutes}"]`).check();
    if (topic) {
      await page.getByTestId('iv-scope-chosen').check();
      await page.locator(`[data-topic="${topic}"]`).check();
    }
    await page.getByTestId('iv-start').click();
    await expect.poll(() => page.getByTestId('iv-progress').textContent(), LOAD).toContain('Question 1');
  }

  /** Answers the question on screen rightly when its widget is a simple choice; false when it cannot. */
  async function answerRightly(page: Page, q: Question): Promise<boolean> {
    if (q.type === 'true-false') {
      await page.getByLabel(q.answer ? 'True' : 'False', { exact: true }).check();
    } else if (q.type === 'single' || q.type === 'code' || q.type === 'multiple') {
      const right = typeof q.answer === 'number' ? [q.answer] : (q.answer as number[]);
      const labels = page.locator('.quiz-options label');
      const shown = (await labels.allTextContents()).map((text) => text.trim());
      for (const i of right) {
        const at = shown.indexOf(plain(q.en.choices![i]!).trim());
        expect(at, q.en.choices![i]).toBeGreaterThanOrEqual(0);
        await labels.nth(at).locator('input').check();
      }
    } else {
      return false;
    }
    await page.getByTestId('iv-submit').click();
    return true;
  }

  it('runs an interview to its report, with no verdict before the end, and keeps it in the history', async () => {
    const { page, errors } = await browser.open('/interview', { locale: 'en-US' });
    await start(page, 15, 'rate-limiting');

    const first = await questionOnScreen(page, bank());
    expect(first.topic).toBe('rate-limiting');
    const right = await answerRightly(page, first);
    if (!right) await page.getByTestId('iv-skip').click();
    await expect.poll(() => page.getByTestId('iv-progress').textContent()).toContain('Question 2');
    // Nothing about the first answer shows: no verdict, no explanation, no right answer.
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).not.toContain(plain(first.en.explanation).slice(0, 30));
    expect(await page.getByTestId('quiz-feedback').count()).toBe(0);

    const second = await questionOnScreen(page, bank());
    await page.getByTestId('iv-skip').click();
    await expect.poll(() => page.getByTestId('iv-progress').textContent()).toContain('Question 3');

    await page.getByTestId('iv-finish').click();
    await page.getByTestId('iv-finish-confirm').click();
    await page.getByTestId('iv-report').waitFor();
    expect(await page.evaluate(() => location.search)).toMatch(/^\?report=iv-\d+$/);

    // The score, the topic breakdown (a table with the numbers), every answer with the right one,
    // its explanation and its lesson section.
    const score = right ? 50 : 0;
    await expect.poll(() => page.getByTestId('iv-score').textContent()).toContain(`${score}%`);
    expect(await page.getByTestId('iv-score').textContent()).toContain(`${right ? 1 : 0} of 2 right`);
    expect(await page.locator('[data-testid=iv-topics] tr[data-topic=rate-limiting]').textContent()).toMatch(new RegExp(`${score}%.*${right ? 1 : 0} of 2`));
    const answers = page.locator('[data-testid=iv-answers] > li');
    expect(await answers.count()).toBe(2);
    for (const [i, q] of [first, second].entries()) {
      const item = answers.nth(i);
      expect(await item.textContent()).toContain(plain(q.en.explanation).slice(0, 30));
      expect(await item.locator(`a[href="${q.lesson}"]`).count()).toBe(1);
    }
    expect(await answers.nth(1).textContent()).toContain("I don't know (skipped)");
    expect(await page.getByTestId('iv-times').locator('tbody tr').count()).toBe(2);

    // Below 60%: rate limiting is a weak topic, linked to its lesson, labs and exercises.
    const lesson = browser.content().lessons.find((l) => l.id === 'rate-limiting')!;
    const weak = page.getByTestId('iv-weak');
    expect(await weak.locator('a[href="/lessons/rate-limiting"]').count()).toBe(1);
    for (const sim of lesson.sims) expect(await weak.locator(`a[href="/sims/${sim}"]`).count(), sim).toBe(1);
    for (const ex of lesson.exercises) expect(await weak.locator(`a[href="/exercises/${ex}"]`).count(), ex).toBe(1);

    // The history lists it, with the score in the trend chart's label; its row opens the report.
    await page.getByRole('link', { name: 'Back to past interviews' }).click();
    await expect.poll(() => page.getByTestId('iv-history-row').count(), LOAD).toBe(1);
    expect(await page.getByTestId('iv-history-row').textContent()).toMatch(new RegExp(`15 minutes.*Rate limiting.*${score}%`));
    expect(await page.locator('[data-testid=iv-trend] svg').getAttribute('aria-label')).toContain(`${score}%`);
    await page.getByTestId('iv-history-row').locator('a').click();
    await expect.poll(() => page.getByTestId('iv-score').textContent()).toContain(`${score}%`);

    // The answers were recorded: two attempts, and a review card for each missed one.
    const attempts = await readStore(page, 'quizAttempts');
    expect(attempts.map((a) => a.questionId).sort()).toEqual([first.id, second.id].sort());
    expect(attempts.every((a) => a.mode === 'interview')).toBe(true);
    const cards = await readStore(page, 'reviewCards');
    expect(cards.map((c) => c.questionId).sort()).toEqual((right ? [second.id] : [first.id, second.id]).sort());
    expect(errors).toEqual([]);
  });

  it('comes back after a reload at the same question with the clock still running; a paused one stays paused', async () => {
    const { page, errors } = await browser.open('/interview', { locale: 'en-US' });
    await start(page, 15);
    await page.getByTestId('iv-skip').click();
    await expect.poll(() => page.getByTestId('iv-progress').textContent()).toContain('Question 2');
    const question = await questionOnScreen(page, bank());
    const before = await countdownSeconds(page);

    await page.reload();
    await expect.poll(() => page.getByTestId('iv-progress').textContent(), LOAD).toContain('Question 2');
    expect((await questionOnScreen(page, bank())).id).toBe(question.id);
    // Not restarted, and still counting down: the reload did not pause it.
    expect(await countdownSeconds(page)).toBeLessThanOrEqual(before);
    const afterReload = await countdownSeconds(page);
    await expect.poll(() => countdownSeconds(page), { timeout: 10_000 }).toBeLessThan(afterReload);
    expect(await page.getByTestId('iv-pause').count()).toBe(1);

    // Paused: the question is hidden and the clock stands still, also across a reload.
    await page.getByTestId('iv-pause').click();
    await page.getByTestId('iv-paused').waitFor();
    expect(await page.getByTestId('quiz-prompt').count()).toBe(0);
    const paused = await countdownSeconds(page);
    await expect.poll(async () => (await readStore(page, 'interviewSessions'))[0]?.state).toMatchObject({ status: 'paused' });
    await page.reload();
    await page.getByTestId('iv-paused').waitFor(LOAD);
    expect(await countdownSeconds(page)).toBe(paused);
    await page.getByTestId('iv-resume').click();
    expect((await questionOnScreen(page, bank())).id).toBe(question.id);
    await expect.poll(() => countdownSeconds(page), { timeout: 10_000 }).toBeLessThan(paused);

    const sessions = await readStore<{ state: { status: string; answers: unknown[] } }>(page, 'interviewSessions');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.state).toMatchObject({ status: 'running' });
    expect(sessions[0]!.state.answers).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('ends by itself when the time runs out, also while the page was closed', async () => {
    const { page, errors } = await browser.open('/', { locale: 'en-US' });
    await page.clock.install();
    await page.goto('/interview');
    await start(page, 15);
    await page.getByTestId('iv-skip').click();
    await expect.poll(() => page.getByTestId('iv-progress').textContent()).toContain('Question 2');

    // The page stays open: its clock notices.
    await page.clock.fastForward('15:30');
    await page.getByTestId('iv-report').waitFor(LOAD);
    expect(await page.getByTestId('iv-report').textContent()).toContain('The time ran out.');
    expect(await page.getByTestId('iv-report').textContent()).toContain('Time used 15:00 of 15:00');

    // Another, left on another page past its time: it ends when the interview page opens again.
    await page.getByTestId('iv-new').click();
    await start(page, 15);
    await page.locator('.site-header a[href="/review"]').click();
    await page.locator('main h1').getByText('Review').waitFor(LOAD);
    await page.clock.fastForward('20:00');
    await page.locator('.site-header a[href="/interview"]').click();
    await page.getByTestId('iv-report').waitFor(LOAD);
    expect(await page.getByTestId('iv-report').textContent()).toContain('The time ran out.');
    await page.getByRole('link', { name: 'Back to past interviews' }).click();
    await expect.poll(() => page.getByTestId('iv-history-row').count(), LOAD).toBe(2);
    expect(errors).toEqual([]);
  });
});
