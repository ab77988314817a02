/**
 * Per-file browser setup for the end-to-end tests: one Chromium per file, a fresh context (and so a
 * fresh IndexedDB) per test, and a record of page errors and of any request that leaves the origin.
 */
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { compileContent, type CompiledContent } from '../../src/lib/content/build/compile';
import { launchChromium } from './browser';

export const baseURL = inject('baseURL');
export const chromiumPath = inject('chromiumPath');

/** `describe` that is skipped, with the reason printed by the global setup, when there is no browser. */
export const describeInBrowser = chromiumPath ? describe : describe.skip;

export interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
  foreignRequests: string[];
}

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  locale?: string;
  /** Only for tests that inject their own scripts (axe-core); app pages must pass the CSP. */
  bypassCSP?: boolean;
}

export function useBrowser(): { open(path?: string, options?: OpenOptions): Promise<Session>; content(): CompiledContent } {
  let browser: Browser | undefined;
  let content: CompiledContent | undefined;
  const contexts: BrowserContext[] = [];
  const sessions: Session[] = [];
  beforeAll(async () => {
    if (!chromiumPath) return;
    browser = await launchChromium(chromiumPath);
    content = await compileContent(resolve(import.meta.dirname, '../..'));
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    // Every page any test opened loaded nothing from another origin.
    expect(sessions.flatMap((s) => s.foreignRequests)).toEqual([]);
  });
  return {
    content: () => {
      if (!content) throw new Error('content not compiled (no browser?)');
      return content;
    },
    async open(path = '/', options = {}) {
      if (!browser) throw new Error('no browser');
      const context = await browser.newContext({
        baseURL,
        colorScheme: options.colorScheme ?? 'light',
        locale: options.locale ?? 'zh-CN',
        acceptDownloads: true,
        viewport: { width: 1280, height: 900 },
        bypassCSP: options.bypassCSP ?? false,
      });
      contexts.push(context);
      const page = await context.newPage();
      const errors: string[] = [];
      const foreignRequests: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(baseURL) && !url.startsWith('data:') && !url.startsWith('blob:')) foreignRequests.push(url);
      });
      await page.goto(path);
      const session = { context, page, errors, foreignRequests };
      sessions.push(session);
      return session;
    },
  };
}
