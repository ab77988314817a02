/**
 * Exercises in Chromium: code typed into Monaco is graded in the sandbox and the results change from
 * failing to passing; an infinite loop is stopped by the time limit while the page stays responsive;
 * code survives a reload; learner code cannot reach the app's storage, cookies or DOM; and for every
 * exercise the in-browser harness reports what real Vitest reported for the starter and the solution
 * (tests/exercises/verify.test.ts, part of the unit run, writes those statuses).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, useBrowser } from './harness';

const root = resolve(import.meta.dirname, '../..');
const source = (id: string, file: string) => readFileSync(resolve(root, 'content/exercises', id, file), 'utf8');

async function editorReady(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.monacoReady), { timeout: 30_000 }).toBe('true');
}

/**
 * Replaces the editor's text the way a learner pasting would (typing it would let Monaco auto-close
 * brackets and re-indent every line, as it should for a human typing).
 */
async function typeCode(page: Page, code: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  await page.locator('.monaco .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
}

/** The lines Monaco renders (those in view), with its non-breaking spaces turned back into spaces. */
function editorText(page: Page): Promise<string> {
  return page.evaluate(() => (document.querySelector('.monaco .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' '));
}

async function runAndWait(page: Page, via: 'button' | 'keys' = 'button'): Promise<string> {
  // Read without waiting: before the first run there is no results panel yet.
  const runNumber = () => page.evaluate(() => document.querySelector('.results')?.getAttribute('data-run') ?? null);
  const before = await runNumber();
  if (via === 'keys') {
    await page.locator('.monaco .view-lines').click();
    await page.keyboard.press('ControlOrMeta+Enter');
  } else await page.getByRole('button', { name: 'Run tests' }).click();
  await expect.poll(runNumber, { timeout: 20_000 }).not.toBe(before);
  return (await page.locator('.results').getAttribute('data-status')) ?? '';
}

async function statuses(page: Page): Promise<{ name: string; status: string }[]> {
  return page.locator('.results li.test').evaluateAll((items) => items.map((li) => ({ name: li.getAttribute('data-name') ?? '', status: li.getAttribute('data-status') ?? '' })));
}

describeInBrowser('exercises', () => {
  const browser = useBrowser();

  it('grades what is typed in the editor: a failing attempt, then a passing one', async () => {
    const { page, errors } = await browser.open('/exercises/singleflight', { locale: 'en-US' });
    await editorReady(page);
    const solution = source('singleflight', 'solution.ts');
    // A plausible mistake: every caller gets shared: false.
    const wrong = solution.replace(/shared: (?!boolean)[^,}\n]+/g, 'shared: false');
    expect(wrong).not.toBe(solution);
    await typeCode(page, wrong);
    expect(await runAndWait(page, 'keys')).toBe('fail');
    const failed = (await statuses(page)).filter((t) => t.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    // The first failure is open, with the expected and received values.
    expect(await page.locator('.results details[open]').count()).toBe(1);
    await expect.poll(() => page.locator('.results details[open] .diff').textContent()).toMatch(/true[\s\S]*false|false[\s\S]*true/);
    await typeCode(page, solution);
    expect(await runAndWait(page)).toBe('pass');
    expect((await statuses(page)).every((t) => t.status === 'pass')).toBe(true);
    await expect.poll(() => page.getByTestId('exercise-status').textContent()).toBe('Passed');
    // The list shows it as passed too.
    await page.getByRole('link', { name: 'Exercises', exact: true }).first().click();
    await expect.poll(() => page.locator('[data-exercise=singleflight]').getAttribute('data-status'), { timeout: 10_000 }).toBe('passed');
    expect(errors).toEqual([]);
  });

  it('stops an infinite loop within the time limit and keeps the page responsive', async () => {
    const { page } = await browser.open('/exercises/singleflight', { locale: 'en-US' });
    await editorReady(page);
    await typeCode(page, `export class Group {\n  do(): never {\n    for (;;) {}\n  }\n  forget(): void {}\n}\n`);
    const started = Date.now();
    await page.getByRole('button', { name: 'Run tests' }).click();
    // While the learner's loop spins in the sandbox, the page still answers: a hint opens at once.
    await page.getByRole('button', { name: /Show a hint/ }).click();
    await expect.poll(() => page.locator('.hints li').count(), { timeout: 2_000 }).toBe(1);
    await expect.poll(() => page.locator('.results').getAttribute('data-status'), { timeout: 10_000 }).toBe('error');
    // The bound: stopped in at most 6 s (the limit is 5 s).
    expect(Date.now() - started).toBeLessThanOrEqual(6_000);
    expect(await page.locator('.results').textContent()).toContain('Your code did not finish within 5 s — is there an infinite loop?');
    // The sandbox starts afresh: the next run works.
    await typeCode(page, source('singleflight', 'solution.ts'));
    expect(await runAndWait(page)).toBe('pass');
  });

  it("shows TypeScript's diagnostics in the learner's file, and the tests in a read-only tab", async () => {
    const { page } = await browser.open('/exercises/bulkhead', { locale: 'en-US' });
    await editorReady(page);
    // A type error in the learner's own file, found by the TypeScript worker (no grading involved).
    await typeCode(page, "export const size: number = 'ten';\n");
    await expect.poll(() => page.locator('.monaco .squiggly-error').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // The tests' tab shows the test file, read-only; the learner's tab brings their code back.
    await page.getByRole('tab', { name: /bulkhead\.test\.ts/ }).click();
    await expect.poll(() => editorText(page)).toContain("from './bulkhead'");
    await page.locator('.monaco .view-lines').click();
    await page.keyboard.type('typed into the tests');
    expect(await editorText(page)).not.toContain('typed into the tests');
    await page.getByRole('tab', { name: 'bulkhead.ts' }).click();
    await expect.poll(() => editorText(page)).toContain("export const size: number = 'ten';");
    // The solution type-checks: its squiggles go away.
    await typeCode(page, source('bulkhead', 'solution.ts'));
    await expect.poll(() => page.locator('.monaco .squiggly-error').count(), { timeout: 30_000 }).toBe(0);
  });

  it('reports a syntax error with its line', async () => {
    const { page } = await browser.open('/exercises/bulkhead', { locale: 'en-US' });
    await editorReady(page);
    await typeCode(page, 'export const a = 1;\nexport const b = ;\n');
    expect(await runAndWait(page)).toBe('error');
    expect(await page.locator('.results .error-message').textContent()).toMatch(/bulkhead\.ts:2:\d+: SyntaxError/);
  });

  it('keeps the code across a reload, and resets to the starter only when confirmed', async () => {
    const { page } = await browser.open('/exercises/token-bucket', { locale: 'en-US' });
    await editorReady(page);
    // At the top, where Monaco renders it (it only renders the lines in view).
    const mine = `// my note ${Date.now()}\n${source('token-bucket', 'starter.ts')}`;
    await typeCode(page, mine);
    await expect.poll(() => page.locator('.save').textContent(), { timeout: 5_000 }).toContain('Saved');
    await page.reload();
    await editorReady(page);
    await expect.poll(() => editorText(page)).toContain('// my note');
    await page.getByRole('button', { name: 'Reset to starter' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => editorText(page)).toContain('// my note');
    await page.getByRole('button', { name: 'Reset to starter' }).click();
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect.poll(() => editorText(page)).not.toContain('// my note');
  });

  it("gives learner code nothing of the app's: no IndexedDB, localStorage, cookies or DOM", async () => {
    const { page } = await browser.open('/exercises/singleflight', { locale: 'en-US' });
    await editorReady(page);
    await page.evaluate(() => {
      localStorage.setItem('lab-secret', 'top-secret');
      document.cookie = 'lab-secret=top-secret; path=/';
    });
    const probe = `
async function probe(): Promise<string> {
  const g = globalThis as any;
  const out: string[] = [];
  const attempt = (name: string, f: () => unknown) => {
    try { out.push(name + '=' + String(f())); } catch (e) { out.push(name + ' threw ' + (e as Error).name); }
  };
  attempt('localStorage', () => g.localStorage?.getItem('lab-secret'));
  attempt('cookie', () => g.document?.cookie);
  attempt('parentDocument', () => g.parent?.document?.title);
  attempt('document', () => typeof g.document);
  out.push('indexedDB=' + await new Promise<string>((resolve) => {
    try {
      const request = g.indexedDB.open('go-interview-lab');
      request.onsuccess = () => resolve('opened[' + Array.from(request.result.objectStoreNames).join(',') + ']');
      request.onerror = () => resolve('error ' + request.error?.name);
    } catch (e) { resolve('threw ' + (e as Error).name); }
  }));
  return out.join(' ');
}
export class Group {
  async do<T>(key: string, fn: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
    console.log('PROBE ' + (await probe()));
    return { value: await fn(), shared: false };
  }
  forget(_key: string): void {}
}
`;
    await typeCode(page, probe);
    await runAndWait(page);
    const output = (await page.locator('.results pre.output').allTextContents()).join('\n');
    const line = output.split('\n').find((l) => l.startsWith('PROBE')) ?? '';
    expect(line).toContain('localStorage=undefined');
    expect(line).toContain('cookie=undefined');
    expect(line).toContain('parentDocument=undefined');
    expect(line).toContain('document=undefined');
    expect(line).toMatch(/indexedDB=(threw|error) \w+|indexedDB=opened\[\]/);
    expect(line).not.toContain('top-secret');
    // The app's own data is still there.
    expect(await page.evaluate(() => localStorage.getItem('lab-secret'))).toBe('top-secret');
  });

  it('runs my solved token bucket in the limiter lab in place of x/time/rate', async () => {
    const { page, errors } = await browser.open('/sims/limiter', { locale: 'en-US' });
    await page.getByTestId('my-limiter-run').click({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('my-limiter-error').textContent(), { timeout: 10_000 }).toContain('No saved token-bucket code yet');
    await page.goto('/exercises/token-bucket');
    await editorReady(page);
    // A bucket that forgets its cap: the lab's burst shows where it parts from x/time/rate.
    const uncapped = source('token-bucket', 'solution.ts').replace('return Math.min(tokens, this.burst);', 'return tokens;');
    expect(uncapped).not.toBe(source('token-bucket', 'solution.ts'));
    await typeCode(page, uncapped);
    await expect.poll(() => page.locator('.save').textContent(), { timeout: 5_000 }).toContain('Saved');
    await page.goto('/sims/limiter');
    await page.getByTestId('my-limiter-run').click({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('my-limiter-result').getAttribute('data-agree'), { timeout: 10_000 }).toBe('false');
    expect(await page.getByTestId('my-limiter').textContent()).toMatch(/First difference: request \d+ \(t = [\d.]+ s\): the reference rejected it, yours allowed it/);
    await page.goto('/exercises/token-bucket');
    await editorReady(page);
    await typeCode(page, source('token-bucket', 'solution.ts'));
    expect(await runAndWait(page)).toBe('pass');
    await page.goto('/sims/limiter');
    await page.getByTestId('my-limiter-run').click({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('my-limiter-result').getAttribute('data-agree'), { timeout: 10_000 }).toBe('true');
    expect(await page.getByTestId('my-limiter').textContent()).toContain('Every decision matches x/time/rate.');
    expect(errors).toEqual([]);
  });

  it('grades every exercise in Chromium exactly as Vitest does, starter and solution', async () => {
    const expectedFile = resolve(root, 'node_modules/.cache/exercises/expected.json');
    if (!existsSync(expectedFile)) throw new Error(`${expectedFile} is missing: run the unit tests first (npm test runs them before these)`);
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Record<'solution' | 'starter', Record<string, { name: string; status: string }[]>>;
    const ids = Object.keys(expected.solution).sort();
    expect(ids.length).toBeGreaterThanOrEqual(16);
    for (const id of ids) {
      const { page, context } = await browser.open(`/exercises/${id}`, { locale: 'en-US' });
      await editorReady(page);
      await runAndWait(page);
      expect(await statuses(page), `${id} (starter)`).toEqual(expected.starter[id]);
      await page.getByRole('button', { name: 'Show solution' }).click();
      await page.getByRole('button', { name: 'Replace my code with the solution…' }).click();
      await page.getByRole('button', { name: 'Replace', exact: true }).click();
      await runAndWait(page);
      expect(await statuses(page), `${id} (solution)`).toEqual(expected.solution[id]);
      await context.close();
    }
  }, 600_000);
});
