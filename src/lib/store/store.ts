/**
 * Persistence API over the database: reads skip and report records that fail their guards, writes
 * are transactional. Components never touch IndexedDB directly.
 */
import { mergeBackup, makeBackup, parseBackup, type BackupData, type BackupFile, type MergeReport } from './backup';
import { openLabDB, type LabDB, type LabStore, type OpenOptions } from './db';
import { isLessonProgress, isSettingRecord, type LessonProgress, type SettingRecord } from './records';

export interface StoreProblem {
  store: string;
  key: string;
  reason: string;
}

export class LabStorage {
  readonly problems: StoreProblem[] = [];

  private constructor(private readonly db: LabDB) {}

  static async open(options?: OpenOptions): Promise<LabStorage> {
    return new LabStorage(await openLabDB(options));
  }

  close(): void {
    this.db.close();
  }

  private async readValid<T>(store: LabStore, guard: (v: unknown) => v is T): Promise<T[]> {
    const tx = this.db.transaction(store, 'readonly');
    const valid: T[] = [];
    let cursor = await tx.store.openCursor();
    while (cursor) {
      if (guard(cursor.value)) valid.push(cursor.value);
      else this.report(store, String(cursor.key), `unexpected record ${JSON.stringify(cursor.value)?.slice(0, 120)}`);
      cursor = await cursor.continue();
    }
    await tx.done;
    return valid;
  }

  private report(store: string, key: string, reason: string): void {
    if (!this.problems.some((p) => p.store === store && p.key === key)) this.problems.push({ store, key, reason });
  }

  settings(): Promise<SettingRecord[]> {
    return this.readValid('settings', isSettingRecord);
  }

  async saveSetting(record: SettingRecord): Promise<void> {
    await this.db.put('settings', record);
  }

  progress(): Promise<LessonProgress[]> {
    return this.readValid('lessonProgress', isLessonProgress);
  }

  async markRead(lessonId: string, how: LessonProgress['how'], now = Date.now()): Promise<LessonProgress> {
    const tx = this.db.transaction('lessonProgress', 'readwrite');
    const existing = await tx.store.get(lessonId);
    const record = existing && isLessonProgress(existing) ? existing : { lessonId, readAt: now, how };
    if (record !== existing) await tx.store.put(record);
    await tx.done;
    return record;
  }

  async markUnread(lessonId: string): Promise<void> {
    await this.db.delete('lessonProgress', lessonId);
  }

  async exportAll(now = new Date()): Promise<BackupFile> {
    const data: BackupData = { settings: await this.settings(), lessonProgress: await this.progress() };
    return makeBackup(data, now);
  }

  /** Merges an export file into this database in one transaction; throws BackupFormatError on a bad file. */
  async importText(text: string): Promise<MergeReport> {
    const incoming = parseBackup(text).data;
    const tx = this.db.transaction(['settings', 'lessonProgress'], 'readwrite');
    const local: BackupData = {
      settings: (await tx.objectStore('settings').getAll()).filter(isSettingRecord),
      lessonProgress: (await tx.objectStore('lessonProgress').getAll()).filter(isLessonProgress),
    };
    const { writes, ...report } = mergeBackup(local, incoming);
    await Promise.all([
      ...writes.settings.map((r) => tx.objectStore('settings').put(r)),
      ...writes.lessonProgress.map((r) => tx.objectStore('lessonProgress').put(r)),
    ]);
    await tx.done;
    return report;
  }
}
