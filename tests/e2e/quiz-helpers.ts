/** Helpers for the interview and review end-to-end tests: the question on screen, and the app's IndexedDB. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Question } from '../../src/lib/quiz/types';

type Store = 'interviewSessions' | 'reviewCards' | 'quizAttempts';

/** The bank question whose prompt is on screen (matched on the start of its plain English text). */
export async function questionOnScreen(page: Page, bank: readonly Question[]): Promise<Question> {
  const prompt = (await page.getByTestId('quiz-prompt').textContent()) ?? '';
  const found = bank.filter((q) => prompt.includes(plain(q.en.prompt).slice(0, 40)));
  expect(found.map((q) => q.id), prompt).toHaveLength(1);
  return found[0]!;
}

/** Text as the page shows it: without the `code` and **bold** markers. */
export function plain(text: string): string {
  return text.replace(/`|\*\*/g, '');
}

/** Every record of one of the app's stores. */
export function readStore<T = Record<string, unknown>>(page: Page, store: Store): Promise<T[]> {
  return page.evaluate(
    (store) =>
      new Promise<T[]>((done, fail) => {
        const open = indexedDB.open('go-interview-lab');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction(store, 'readonly').objectStore(store).getAll();
          request.onsuccess = () => {
            open.result.close();
            done(request.result as T[]);
          };
          request.onerror = () => fail(request.error);
        };
      }),
    store,
  );
}

/** Writes records into one of the app's stores (the app must have created the database first). */
export function putRecords(page: Page, store: Store, records: readonly unknown[]): Promise<void> {
  return page.evaluate(
    ({ store, records }) =>
      new Promise<void>((done, fail) => {
        const open = indexedDB.open('go-interview-lab');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(store, 'readwrite');
          for (const record of records) tx.objectStore(store).put(record);
          tx.oncomplete = () => {
            open.result.close();
            done();
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
    { store, records },
  );
}

/** The countdown's mm:ss in seconds. */
export async function countdownSeconds(page: Page): Promise<number> {
  const text = (await page.getByTestId('countdown').textContent()) ?? '';
  const match = /^(\d+):(\d{2})$/.exec(text.trim());
  expect(match, `countdown "${text}"`).not.toBeNull();
  return Number(match![1]) * 60 + Number(match![2]);
}
