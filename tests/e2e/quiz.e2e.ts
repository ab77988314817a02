/**
 * Practice mode in Chromium: a lesson's quiz link opens the practice page on its topic; a question
 * answered (wrongly on purpose, then rightly) shows its verdict, the right answer and the explanation
 * at once; a round ends with a summary. Every answer is recorded, and each missed question (or one
 * marked hard) gets a review card.
 */
import { expect, it } from 'vitest';
import { describeInBrowser, useBrowser } from './harness';
import { readStore } from './quiz-helpers';

describeInBrowser('practice quiz', () => {
  const browser = useBrowser();

  it('goes from a lesson to its topic, answers a round and gives feedback on each question', async () => {
    const { page, errors } = await browser.open('/lessons/rate-limiting', { locale: 'en-US' });
    await page.getByTestId('quiz-link').click();
    await expect.poll(() => page.evaluate(() => location.pathname + location.search)).toBe('/quiz?topic=rate-limiting');
    await expect.poll(() => page.locator('[data-topic=rate-limiting]').isChecked(), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('quiz-start').click();
    const bank = browser.content().quiz.filter((q) => q.topic === 'rate-limiting');
    let lastId = '';
    for (let n = 0; n < 10; n++) {
      await expect.poll(() => page.getByTestId('quiz-progress').textContent()).toContain(`Question ${n + 1} of 10`);
      const prompt = (await page.getByTestId('quiz-prompt').textContent()) ?? '';
      const question = bank.find((q) => prompt.includes(q.en.prompt.replace(/`|\*\*/g, '').slice(0, 40)));
      expect(question, prompt).toBeDefined();
      // The last question is marked hard: it joins the review deck even if answered rightly.
      if (n === 9) {
        await page.getByTestId('hard-toggle').check();
        lastId = question!.id;
      }
      // Skip half the questions ("I don't know" scores 0), submit the first choice on the rest.
      if (n % 2 === 0 || question!.type === 'open' || question!.type === 'numeric') {
        await page.getByRole('button', { name: "I don't know" }).click();
        await expect.poll(() => page.getByTestId('quiz-feedback').textContent()).toContain('Not quite.');
      } else {
        if (question!.type === 'true-false') await page.getByLabel('True').check();
        else if (question!.type !== 'ordering') await page.locator('.quiz-options input').first().check();
        await page.getByTestId('quiz-submit').click();
        await expect.poll(() => page.getByTestId('quiz-feedback').textContent()).toMatch(/Right\.|Not quite\./);
      }
      // The explanation is shown, in the page's language.
      expect(await page.getByTestId('quiz-feedback').textContent()).toContain(question!.en.explanation.replace(/`|\*\*/g, '').slice(0, 30));
      await page.getByTestId('quiz-next').click();
    }
    await expect.poll(() => page.getByTestId('quiz-summary').textContent()).toMatch(/of 10 right/);

    // Ten attempts were stored; every missed question, and the last one (marked hard), has a card.
    await expect.poll(async () => (await readStore(page, 'quizAttempts')).length).toBe(10);
    const attempts = await readStore<{ questionId: string; mode: string; correct: boolean }>(page, 'quizAttempts');
    expect(attempts.every((a) => a.mode === 'practice')).toBe(true);
    const shouldHaveCards = new Set([...attempts.filter((a) => !a.correct).map((a) => a.questionId), lastId]);
    await expect.poll(async () => new Set((await readStore<{ questionId: string }>(page, 'reviewCards')).map((c) => c.questionId))).toEqual(shouldHaveCards);
    expect(errors).toEqual([]);
  });
});
