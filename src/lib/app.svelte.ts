/**
 * The app's reactive state: settings and progress, loaded from the store before the first render and
 * written through it on every change. If IndexedDB cannot be opened the app still works in memory
 * and says so.
 */
import type { Lang } from './content/types';
import { htmlLang, locale, preferredLang, t } from './i18n/index.svelte';
import type { MergeReport } from './store/backup';
import type { LessonProgress, ThemeSetting } from './store/records';
import { LabStorage, type StoreProblem } from './store/store';

export const app = $state({
  theme: 'system' as ThemeSetting,
  /** The theme actually shown: the setting, or the system's preference when it is "system". */
  resolvedTheme: 'light' as 'light' | 'dark',
  progress: {} as Record<string, LessonProgress>,
  storageError: undefined as string | undefined,
  storeProblems: [] as StoreProblem[],
});

let storage: LabStorage | undefined;
const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;

function applyTheme(): void {
  app.resolvedTheme = app.theme === 'system' ? (darkQuery?.matches ? 'dark' : 'light') : app.theme;
  document.documentElement.dataset.theme = app.resolvedTheme;
}

function applyLang(lang: Lang): void {
  locale.lang = lang;
  document.documentElement.lang = htmlLang(lang);
}

export async function initApp(): Promise<void> {
  darkQuery?.addEventListener('change', applyTheme);
  let lang = preferredLang(navigator.languages ?? [navigator.language]);
  try {
    storage = await LabStorage.open({
      onVersionChange: () => {
        storage = undefined;
        app.storageError = 'a newer version of the app opened in another tab; reload this tab to keep saving';
      },
    });
    for (const s of await storage.settings()) {
      if (s.key === 'lang') lang = s.value;
      if (s.key === 'theme') app.theme = s.value;
    }
    await refreshProgress();
  } catch (error) {
    storage = undefined;
    app.storageError = error instanceof Error ? error.message : String(error);
  }
  applyLang(lang);
  applyTheme();
}

async function refreshProgress(): Promise<void> {
  if (!storage) return;
  const records = await storage.progress();
  app.progress = Object.fromEntries(records.map((r) => [r.lessonId, r]));
  app.storeProblems = [...storage.problems];
}

/**
 * The open store, or undefined when IndexedDB is unavailable (the app then works in memory and the
 * storage notice says why). Features read through it; writes go through `persist`.
 */
export function currentStorage(): LabStorage | undefined {
  return storage;
}

/** Runs a write; a failure is shown in the storage notice instead of vanishing. */
export async function persist(write: (s: LabStorage) => Promise<unknown>): Promise<void> {
  if (!storage) return;
  try {
    await write(storage);
  } catch (error) {
    app.storageError = t('saveFailed', { message: error instanceof Error ? error.message : String(error) });
  }
}

export async function setLang(lang: Lang): Promise<void> {
  applyLang(lang);
  await persist((s) => s.saveSetting({ key: 'lang', value: lang }));
}

export async function setTheme(theme: ThemeSetting): Promise<void> {
  app.theme = theme;
  applyTheme();
  await persist((s) => s.saveSetting({ key: 'theme', value: theme }));
}

export async function markRead(lessonId: string, how: LessonProgress['how']): Promise<void> {
  if (app.progress[lessonId]) return;
  let record: LessonProgress = { lessonId, readAt: Date.now(), how };
  await persist(async (s) => (record = await s.markRead(lessonId, how)));
  app.progress = { ...app.progress, [lessonId]: record };
}

export async function markUnread(lessonId: string): Promise<void> {
  await persist((s) => s.markUnread(lessonId));
  const { [lessonId]: _removed, ...rest } = app.progress;
  app.progress = rest;
}

export async function exportData(): Promise<{ json: string; count: number }> {
  if (!storage) throw new Error(app.storageError ?? 'storage unavailable');
  const backup = await storage.exportAll();
  return {
    json: JSON.stringify(backup, null, 2),
    count: Object.values(backup.data).reduce((n, records) => n + records.length, 0),
  };
}

export async function importData(text: string): Promise<MergeReport> {
  if (!storage) throw new Error(app.storageError ?? 'storage unavailable');
  const report = await storage.importText(text);
  for (const s of await storage.settings()) {
    if (s.key === 'lang' && s.value !== locale.lang) applyLang(s.value);
    if (s.key === 'theme' && s.value !== app.theme) {
      app.theme = s.value;
      applyTheme();
    }
  }
  await refreshProgress();
  return report;
}
