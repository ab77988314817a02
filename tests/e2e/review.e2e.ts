/**
 * Spaced review in Chromium: a question missed in a mock interview comes back in /review once due
 * (the browser's clock is fast-forwarded past the one-minute learning step, not waited for); Space
 * reveals the answer and a key grades it, which moves its due date (in the page and in IndexedDB).
 * Then the keys one by one on seeded cards, and the home page's due count.
 */
import { expect, it } from 'vitest';
import { answerRecords } from '../../src/lib/quiz/progress';
import { scoreResponse } from '../../src/lib/quiz/scoring';
import type { ReviewCard } from '../../src/lib/quiz/records';
import { describeInBrowser, useBrowser } from './harness';
import { plain, putRecords, questionOnScreen, readStore } from './quiz-helpers';

const LOAD = { timeout: 20_000 };

describeInBrowser('spaced review', () => {
  const browser = useBrowser();
  const bank = () => browser.content().quiz;

  it('brings back a question missed in an interview, and grading it with a key moves its due date', async () => {
    const { page, errors } = await browser.open('/', { locale: 'en-US' });
    await page.clock.install();
    await page.goto('/interview');
    await expect.poll(() => page.getByTestId('iv-start').isEnabled(), LOAD).toBe(true);
    await page.getByTestId('iv-start').click();
    const missed = await questionOnScreen(page, bank());
    await page.getByTestId('iv-skip').click();
    await page.getByTestId('iv-finish').click();
    await page.getByTestId('iv-finish-confirm').click();
    await page.getByTestId('iv-report').waitFor();

    // Missed a moment ago: in the deck, due in a minute (FSRS's first learning step), so not yet.
    await page.getByRole('link', { name: 'Go to review' }).click();
    await page.getByTestId('rv-empty').waitFor(LOAD);
    await expect.poll(() => page.getByTestId('rv-next-due').textContent()).toContain('in 1 min');
    const [stored] = await readStore<ReviewCard>(page, 'reviewCards');
    expect(stored).toMatchObject({ questionId: missed.id, reps: 1, state: 'learning' });

    // Two minutes later it is due, and the page shows it without a reload.
    await page.clock.fastForward('02:00');
    await expect.poll(() => page.getByTestId('rv-card').getAttribute('data-question'), LOAD).toBe(missed.id);
    expect(await page.getByTestId('rv-count').textContent()).toContain('1 due');
    expect(await page.getByTestId('rv-answer').count()).toBe(0);

    await page.locator('main h1').click();
    await page.keyboard.press('Space');
    await page.getByTestId('rv-answer').waitFor();
    expect(await page.getByTestId('rv-answer').textContent()).toContain(plain(missed.en.explanation).slice(0, 30));
    // Four grade buttons, each with the interval it would give; Good is the default (nothing answered).
    const grades = page.getByTestId('rv-grades').locator('button');
    expect(await grades.count()).toBe(4);
    expect(await grades.allTextContents()).toEqual([
      expect.stringMatching(/Again.*1 min/),
      expect.stringMatching(/Hard.*\d+ min/),
      expect.stringMatching(/Good.*10 min/),
      expect.stringMatching(/Easy.*\d+ (d|h)/),
    ]);
    expect(await page.locator('.grade-default').getAttribute('data-rating')).toBe('3');

    await page.keyboard.press('3');
    await expect.poll(() => page.getByTestId('rv-status').textContent()).toContain('Graded Good; next review in 10 min');
    await page.getByTestId('rv-empty').waitFor();
    expect(await page.getByTestId('rv-next-due').textContent()).toContain('in 10 min');
    await expect.poll(async () => (await readStore<ReviewCard>(page, 'reviewCards'))[0]?.reps).toBe(2);
    const [graded] = await readStore<ReviewCard>(page, 'reviewCards');
    expect(graded!.due).toBeGreaterThan(stored!.due);
    expect(graded!.lastReview).toBeGreaterThan(stored!.lastReview!);

    // Still graded after a reload.
    await page.reload();
    await page.getByTestId('rv-empty').waitFor(LOAD);
    expect(await page.getByTestId('rv-next-due').textContent()).toContain('in 10 min');
    expect(errors).toEqual([]);
  });

  it('keys: Space reveals, nothing fires from a form field, 1–4 grade, Enter takes the default grade; the home page counts what is due', async () => {
    const now = Date.now();
    const singles = bank().filter((q) => q.type === 'single').slice(0, 3);
    // Three questions missed an hour ago, in that order: due now, oldest first.
    const { cards } = answerRecords(
      singles.map((question, i) => ({ question, result: scoreResponse(question, null), mode: 'practice' as const, at: now - 3600_000 + i * 1000, timeMs: 1000, hard: false })),
      [],
    );
    const { page, errors } = await browser.open('/', { locale: 'en-US' });
    await page.locator('main h1').waitFor();
    await putRecords(page, 'reviewCards', cards);

    // The home page counts them (read without the scheduler) and links to the review.
    await page.reload();
    await expect.poll(() => page.getByTestId('home-due').textContent(), LOAD).toContain('3 cards due for review');
    await page.getByTestId('home-due').locator('a').click();
    await expect.poll(() => page.getByTestId('rv-card').getAttribute('data-question'), LOAD).toBe(singles[0]!.id);
    expect(await page.getByTestId('rv-count').textContent()).toContain('3 due');

    // From a radio button, Space picks the choice and digits do nothing: the keys are the form's.
    const radio = page.locator('.quiz-options input').first();
    await radio.focus();
    await page.keyboard.press('Space');
    expect(await radio.isChecked()).toBe(true);
    await page.keyboard.press('1');
    expect(await page.getByTestId('rv-answer').count()).toBe(0);
    // Grade keys do nothing before the answer is shown.
    await page.locator('main h1').click();
    await page.keyboard.press('1');
    expect(await page.getByTestId('rv-card').getAttribute('data-question')).toBe(singles[0]!.id);

    // Space shows the answer; with a choice made, it says whether it was right, and the default
    // grade follows (Again after a wrong choice, Good after a right one). 1 grades Again.
    await page.keyboard.press('Space');
    await page.getByTestId('rv-answer').waitFor();
    const chosenRight = (await page.getByTestId('rv-answer').textContent())!.includes('Your answer was right.');
    expect(await page.locator('.grade-default').getAttribute('data-rating')).toBe(chosenRight ? '3' : '1');
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('rv-card').getAttribute('data-question')).toBe(singles[1]!.id);
    expect(await page.getByTestId('rv-status').textContent()).toContain('Graded Again; next review in 1 min');

    // Enter on the page (not on a control) takes the default grade: Good, with nothing chosen.
    await page.locator('main h1').click();
    await page.keyboard.press('Space');
    await page.getByTestId('rv-answer').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('rv-card').getAttribute('data-question')).toBe(singles[2]!.id);
    expect(await page.getByTestId('rv-status').textContent()).toContain('Graded Good');

    // A grade button works like its key.
    await page.getByTestId('rv-show').click();
    await page.getByTestId('rv-grades').locator('[data-rating="4"]').click();
    await page.getByTestId('rv-empty').waitFor();
    expect(await page.getByTestId('rv-status').textContent()).toContain('Graded Easy');

    const stored = new Map((await readStore<ReviewCard>(page, 'reviewCards')).map((c) => [c.questionId, c]));
    const dues = singles.map((q) => stored.get(q.id)!.due);
    expect(dues.every((due) => due > now)).toBe(true);
    // Again < Good < Easy.
    expect(dues[0]).toBeLessThan(dues[1]!);
    expect(dues[1]).toBeLessThan(dues[2]!);

    await page.locator('.site-header a[href="/"]').first().click();
    await expect.poll(() => page.getByTestId('home-tools').textContent(), LOAD).toContain('0 due');
    expect(await page.getByTestId('home-due').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
