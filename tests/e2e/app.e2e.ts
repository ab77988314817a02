import { readFile, writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { waitForFontsToSettle } from './browser';
import { baseURL, describeInBrowser, useBrowser } from './harness';
import { countChangedPixels } from './pixels';

describeInBrowser('the app in Chromium', () => {
  const browser = useBrowser();
  const lessons = () => browser.content().lessons;
  const lessonWithDiagram = () => {
    const found = lessons().find((l) => (browser.content().bodies.get(`${l.id}/zh`)?.diagramCount ?? 0) > 0);
    if (!found) throw new Error('no lesson has a diagram');
    return found;
  };

  it('serves every page with the cross-origin isolation headers and loads nothing from another origin', async () => {
    for (const path of ['/', `/lessons/${lessons()[0]!.id}`, '/settings', '/sims/breaker']) {
      const response = await fetch(baseURL + path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
    }
    const { page, foreignRequests, errors } = await browser.open(`/lessons/${lessonWithDiagram().id}`);
    await page.locator('figure[data-diagram] .diagram-output svg').first().waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(foreignRequests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows the course map with every lesson and opens a lesson by clicking it', async () => {
    const { page, errors } = await browser.open('/');
    await expect.poll(() => page.locator('.course-map li').count()).toBe(lessons().length);
    for (const lesson of lessons()) {
      await expect.poll(() => page.locator(`[data-lesson="${lesson.id}"] .lesson-title`).textContent()).toBe(lesson.langs.zh.title);
    }
    const first = lessons()[0]!;
    await page.locator(`[data-lesson="${first.id}"] a`).click();
    await page.waitForURL(`**/lessons/${first.id}`);
    await expect.poll(() => page.locator('article.lesson h1').textContent()).toBe(first.langs.zh.title);
    const firstHeading = first.langs.zh.headings[0]!;
    await expect.poll(() => page.locator(`h2#${firstHeading.id}`).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('renders mermaid diagrams as SVG, highlights code, and folds follow-up answers', async () => {
    const lesson = lessonWithDiagram();
    const { page, errors } = await browser.open(`/lessons/${lesson.id}`);
    const figures = page.locator('figure[data-diagram]');
    await expect.poll(() => page.locator('figure[data-rendered] .diagram-output svg').count(), { timeout: 20_000 }).toBe(
      browser.content().bodies.get(`${lesson.id}/zh`)!.diagramCount,
    );
    expect(await figures.locator('.diagram-error').count()).toBe(0);
    expect(await page.locator('pre.shiki span[style*="--shiki-light"]').count()).toBeGreaterThan(0);
    const followups = page.locator('details.callout-followup');
    expect(await followups.count()).toBeGreaterThanOrEqual(3);
    expect(await followups.first().evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await followups.first().locator('summary').click();
    expect(await followups.first().evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('keeps a deep link to a heading across reloads', async () => {
    // A heading in the middle of the last lesson: the page can always scroll it to the top half
    // (the very last heading may sit too near the end of the page to get there).
    const lesson = lessons().at(-1)!;
    const headings = lesson.langs.zh.headings;
    const heading = headings[Math.floor(headings.length / 2)]!;
    const { page } = await browser.open(`/lessons/${lesson.id}#${heading.id}`);
    const inView = () =>
      page.evaluate((id) => {
        const r = document.getElementById(id)?.getBoundingClientRect();
        return r !== undefined && r.top >= 0 && r.top < innerHeight / 2;
      }, heading.id);
    await expect.poll(inView).toBe(true);
    await page.reload();
    await expect.poll(inView).toBe(true);
    expect(new URL(page.url()).hash).toBe(`#${heading.id}`);
  });

  it('jumps to a heading from the table of contents, again after scrolling away', async () => {
    const lesson = lessons()[0]!;
    const heading = lesson.langs.zh.headings[3]!;
    const { page } = await browser.open(`/lessons/${lesson.id}`);
    await page.getByTestId('lesson-body').waitFor();
    const headingTop = () => page.evaluate((id) => document.getElementById(id)!.getBoundingClientRect().top, heading.id);
    for (let round = 0; round < 2; round++) {
      await page.locator(`.toc a[href="#${heading.id}"]`).click();
      await expect.poll(headingTop).toBeLessThan(120);
      await expect.poll(headingTop).toBeGreaterThanOrEqual(0);
      expect(new URL(page.url()).hash).toBe(`#${heading.id}`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await expect.poll(headingTop).toBeGreaterThan(300);
    }
  });

  it('moves focus into the page: the skip link, and after following a link to another page', async () => {
    const lesson = lessons()[0]!;
    const { page } = await browser.open('/');
    await page.locator('.course-map li').first().waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.locator(`[data-lesson="${lesson.id}"] a`).click();
    await page.waitForURL(`**/lessons/${lesson.id}`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('goes back and forward through the history', async () => {
    const [first, second] = lessons();
    const { page } = await browser.open('/');
    await page.locator(`[data-lesson="${first!.id}"] a`).click();
    await expect.poll(() => page.locator('article.lesson h1').textContent()).toBe(first!.langs.zh.title);
    await page.locator('a[rel="next"]').click();
    await expect.poll(() => page.locator('article.lesson h1').textContent()).toBe(second!.langs.zh.title);
    await page.goBack();
    await expect.poll(() => page.locator('article.lesson h1').textContent()).toBe(first!.langs.zh.title);
    await page.goBack();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('课程地图');
    await page.goForward();
    await expect.poll(() => page.locator('article.lesson h1').textContent()).toBe(first!.langs.zh.title);
  });

  it('does not count a jump to the last heading as reading the lesson', async () => {
    const lesson = lessons()[0]!;
    const last = lesson.langs.zh.headings.at(-1)!;
    const { page } = await browser.open(`/lessons/${lesson.id}#${last.id}`);
    await page.getByTestId('lesson-body').waitFor();
    await page.waitForTimeout(1500);
    expect(await page.getByTestId('read-badge').count()).toBe(0);
    expect(await page.getByTestId('mark-read').count()).toBe(1);
  });

  it('switches language and theme, and both survive a reload', async () => {
    const lesson = lessons()[0]!;
    const { page, errors } = await browser.open(`/lessons/${lesson.id}`, { locale: 'zh-CN', colorScheme: 'light' });
    await expect.poll(() => page.locator('article.lesson h1').textContent()).toBe(lesson.langs.zh.title);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.getAttribute('html', 'data-theme')).toBe('light');

    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.locator('article.lesson h1').textContent()).toBe(lesson.langs.en.title);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect.poll(() => page.locator('.site-header nav').textContent()).toContain('Lessons');

    // system → light → dark
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('theme-toggle').click();
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    const bodyBackground = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await bodyBackground()).toBe('rgb(15, 20, 25)');

    await page.reload();
    await expect.poll(() => page.locator('article.lesson h1').textContent()).toBe(lesson.langs.en.title);
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await bodyBackground()).toBe('rgb(15, 20, 25)');
    expect(errors).toEqual([]);
  });

  it('follows the system theme until the learner overrides it', async () => {
    const { page } = await browser.open('/', { colorScheme: 'dark' });
    await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe('light');
  });

  it('marks a lesson read by hand and by scrolling to its end, and shows it on the course map', async () => {
    const [first, second] = lessons();
    const { page } = await browser.open(`/lessons/${first!.id}`);
    await page.getByTestId('mark-read').click();
    await page.getByTestId('read-badge').waitFor();

    await page.goto(`/lessons/${second!.id}`);
    await page.getByTestId('lesson-body').waitFor();
    await expect.poll(() => page.getByTestId('read-badge').count()).toBe(0);
    for (let i = 0; i < 60 && (await page.getByTestId('read-badge').count()) === 0; i++) {
      await page.mouse.wheel(0, 2000);
      await page.waitForTimeout(50);
    }
    await page.getByTestId('read-badge').waitFor();

    await page.goto('/');
    const read = (id: string) => page.locator(`[data-lesson="${id}"] [data-testid="lesson-status"]`).textContent();
    await expect.poll(() => read(first!.id)).toBe('已读');
    await expect.poll(() => read(second!.id)).toBe('已读');
    await expect.poll(() => page.getByTestId('progress-summary').textContent()).toContain(`已读 2 / ${lessons().length} 课`);
    await page.reload();
    await expect.poll(() => read(first!.id)).toBe('已读');
  });

  it('exports progress to a file and imports it into another browser profile, merging', async () => {
    const [first, second] = lessons();
    const a = await browser.open(`/lessons/${first!.id}`);
    await a.page.getByTestId('mark-read').click();
    await a.page.getByTestId('read-badge').waitFor();
    await a.page.goto('/settings');
    const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.getByTestId('export').click()]);
    const file = await download.path();
    const exported = JSON.parse(await readFile(file, 'utf8'));
    expect(exported.format).toBe('go-interview-lab-backup');
    expect(exported.data.lessonProgress.map((p: { lessonId: string }) => p.lessonId)).toEqual([first!.id]);

    // A second profile has read another lesson; importing adds the first and keeps the second.
    const b = await browser.open(`/lessons/${second!.id}`);
    await b.page.getByTestId('mark-read').click();
    await b.page.getByTestId('read-badge').waitFor();
    await b.page.goto('/settings');
    await b.page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => b.page.getByTestId('data-message').textContent()).toMatch(/新增 1 条/);
    await b.page.goto('/');
    const status = (id: string) => b.page.locator(`[data-lesson="${id}"] [data-testid="lesson-status"]`).textContent();
    await expect.poll(() => status(first!.id)).toBe('已读');
    await expect.poll(() => status(second!.id)).toBe('已读');

    // A file that is not an export is refused with a reason and changes nothing.
    await b.page.goto('/settings');
    await b.page.getByTestId('import-file').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
    await expect.poll(() => b.page.getByTestId('data-message').textContent()).toContain('导入失败');
  });

  it('reports corrupt stored records instead of failing', async () => {
    const { page, errors } = await browser.open('/');
    await page.locator('.course-map li').first().waitFor();
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open('go-interview-lab');
          request.onsuccess = () => {
            const tx = request.result.transaction('lessonProgress', 'readwrite');
            tx.objectStore('lessonProgress').put({ lessonId: 'registry', readAt: 'yesterday' });
            tx.oncomplete = () => {
              request.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          request.onerror = () => reject(request.error);
        }),
    );
    await page.reload();
    await expect.poll(() => page.locator('.notice-warning').textContent()).toContain('1 条本地记录无法读取');
    await expect.poll(() => page.locator('.course-map li').count()).toBe(lessons().length);
    expect(errors).toEqual([]);
  });

  it('shows "coming" placeholders for the sections still to be built, and a not-found page', async () => {
    const { page } = await browser.open('/exercises/token-bucket', { locale: 'en-US' });
    await expect.poll(() => page.getByTestId('coming').textContent()).toContain('Coming soon');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Token bucket limiter');
    await page.goto('/exercises');
    await expect.poll(() => page.getByTestId('coming').textContent()).toContain('Coming soon');
    for (const path of ['/no/such/page', '/sims/teleporter', '/lessons/no-such-lesson', '/interview/extra']) {
      await page.goto(path);
      await expect.poll(() => page.locator('main h1').textContent(), { message: path }).toMatch(/Page not found|No such lesson/);
    }
  });

  it('ships a CJK font, and Chinese painted before it arrived is redrawn with it (never tofu)', async () => {
    const { page } = await browser.open('/');
    const faces = await page.evaluate(async () => (await document.fonts.load('16px "Noto Sans SC"', '令牌桶熔断')).length);
    expect(faces).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans SC"', '令牌桶熔断'))).toBe(true);

    // Text painted at first render may have been shaped before its font subset arrived. Once the
    // app's re-shape pass has run, forcing another re-shape of every element must change nothing but
    // anti-aliasing noise (one character turning from a box into a glyph changes hundreds of pixels).
    for (const path of ['/', `/lessons/${lessons()[0]!.id}`]) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.locator('html[data-font-pass]').waitFor({ state: 'attached' });
      await waitForFontsToSettle(page);
      const settled = await page.screenshot();
      await page.addStyleTag({ content: "* { font-feature-settings: 'kern' 1, 'liga' 1, 'clig' 1 !important; }" });
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const reshaped = await page.screenshot();
      const changed = countChangedPixels(settled, reshaped);
      if (changed > 30) {
        await writeFile('/tmp/tofu-settled.png', settled);
        await writeFile('/tmp/tofu-reshaped.png', reshaped);
      }
      expect(changed, `${path} changed when its text was shaped again (see /tmp/tofu-*.png)`).toBeLessThanOrEqual(30);
    }
  });

  it('is keyboard reachable: the skip link and the toggles take focus', async () => {
    const { page } = await browser.open('/');
    await page.locator('.site-header').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('skip-link');
    const focusable = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      focusable.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName));
    }
    expect(focusable).toContain('lang-toggle');
    expect(focusable).toContain('theme-toggle');
  });
});
