/**
 * Finds and launches the system Chromium (Debian's `chromium`, or CHROME_PATH). Playwright's own
 * browser download is not used: this project installs Chromium from the OS.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** CHROME_PATH if set, else the first Chromium on PATH (the same lookup `.ci/run` does). */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of NAMES) {
    for (const dir of [...dirs, '/usr/bin']) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Waits until no font is loading and the app's re-shape pass (src/lib/fonts.ts, which runs again
 * after a quiet second) has not run for 1.5 s, so that a screenshot shows text as it will stay.
 */
export async function waitForFontsToSettle(page: Page): Promise<void> {
  let last = '';
  for (let quiet = 0; quiet < 15; ) {
    const state = await page.evaluate(async () => {
      await document.fonts.ready;
      return `${document.fonts.status}:${document.documentElement.dataset.fontPass ?? ''}`;
    });
    quiet = state === last && state.startsWith('loaded') ? quiet + 1 : 0;
    last = state;
    await page.waitForTimeout(100);
  }
}
