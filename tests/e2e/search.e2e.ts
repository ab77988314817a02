/**
 * Search in Chromium: the palette opens from the keyboard, a Chinese and an English query both reach
 * the rate-limiting lesson's token-bucket heading, and /search keeps its query in the URL.
 */
import { expect, it } from 'vitest';
import { describeInBrowser, useBrowser } from './harness';

describeInBrowser('search', () => {
  const browser = useBrowser();

  for (const query of ['令牌桶', 'token bucket']) {
    it(`the Ctrl+K palette finds "${query}" and Enter opens the heading`, async () => {
      const { page, errors } = await browser.open('/', { locale: 'en-US' });
      await page.locator('main h1').waitFor();
      await page.keyboard.press('Control+k');
      const input = page.getByTestId('palette-input');
      await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
      await input.fill(query);
      // The first search loads the index (a lazy chunk of a few MB): give it time on a busy machine.
      await expect.poll(() => page.locator('#palette-list [role=option]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      // Move to the first result that is the lesson's heading, then open it with Enter.
      const hrefs = await page.locator('#palette-list a[role=option]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      const target = hrefs.indexOf('/lessons/rate-limiting#token-bucket');
      expect(target, hrefs.join(', ')).toBeGreaterThanOrEqual(0);
      for (let i = 0; i < target; i++) await input.press('ArrowDown');
      await expect.poll(() => page.locator('#palette-list [aria-selected=true] mark').count()).toBeGreaterThan(0);
      await input.press('Enter');
      await expect.poll(() => page.evaluate(() => location.pathname + location.hash)).toBe('/lessons/rate-limiting#token-bucket');
      await expect.poll(() => page.getByTestId('search-palette').evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
      expect(errors).toEqual([]);
    });
  }

  it('the search page ranks results in both languages, keeps the query in the URL, and Escape closes the palette', async () => {
    const { page, errors } = await browser.open('/search?q=%E7%86%94%E6%96%AD%E5%99%A8', { locale: 'zh-CN' });
    await expect.poll(() => page.locator('.search-results li a').count(), { timeout: 30_000 }).toBeGreaterThan(3);
    expect(await page.locator('.search-results a').first().getAttribute('href')).toMatch(/^\/lessons\/circuit-breaking/);
    await page.getByTestId('search-input').fill('outbox');
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?q=outbox');
    await expect.poll(() => page.locator('.search-results mark').first().textContent()).toMatch(/outbox/i);
    await page.getByTestId('search-button').click();
    await expect.poll(() => page.getByTestId('search-palette').evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('search-palette').evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
    expect(errors).toEqual([]);
  });
});
