/**
 * The export file and the merge that imports it. Pure functions: the store feeds them records and
 * writes back what they decide, so the rules are testable without a browser.
 *
 * Merge rules ("merge, never clobber"):
 * - lesson progress: the union; when both sides have a lesson, the earlier first-read time wins.
 * - settings: the preferences of this browser win; an imported setting fills only a missing key.
 */
import { isLessonProgress, isSettingRecord, type LessonProgress, type SettingRecord } from './records';

export const BACKUP_FORMAT = 'go-interview-lab-backup';
export const BACKUP_VERSION = 1;

export interface BackupData {
  settings: SettingRecord[];
  lessonProgress: LessonProgress[];
}

export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: number;
  exportedAt: string;
  data: BackupData;
}

export interface MergeReport {
  added: number;
  kept: number;
  updated: number;
  skipped: number;
}

export interface MergeResult extends MergeReport {
  /** Records to write (new or changed). */
  writes: BackupData;
}

export function makeBackup(data: BackupData, now: Date): BackupFile {
  return { format: BACKUP_FORMAT, version: BACKUP_VERSION, exportedAt: now.toISOString(), data };
}

export class BackupFormatError extends Error {
  override name = 'BackupFormatError';
}

/** Reads an export file's text; throws BackupFormatError with a readable reason when it is not one. */
export function parseBackup(text: string): { data: Record<keyof BackupData, unknown[]>; version: number } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BackupFormatError(`not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== BACKUP_FORMAT) {
    throw new BackupFormatError(`not a ${BACKUP_FORMAT} file`);
  }
  const { version, data } = json as { version?: unknown; data?: unknown };
  if (typeof version !== 'number' || version < 1) throw new BackupFormatError('missing or invalid "version"');
  if (version > BACKUP_VERSION) {
    throw new BackupFormatError(`made by a newer version of the app (backup v${version}, this app reads up to v${BACKUP_VERSION})`);
  }
  if (typeof data !== 'object' || data === null) throw new BackupFormatError('missing "data"');
  const field = (name: keyof BackupData) => {
    const value = (data as Record<string, unknown>)[name];
    return Array.isArray(value) ? value : [];
  };
  return { version, data: { settings: field('settings'), lessonProgress: field('lessonProgress') } };
}

export function mergeBackup(local: BackupData, incoming: Record<keyof BackupData, unknown[]>): MergeResult {
  const report: MergeReport = { added: 0, kept: 0, updated: 0, skipped: 0 };
  const writes: BackupData = { settings: [], lessonProgress: [] };

  const localSettings = new Set(local.settings.map((s) => s.key));
  for (const record of incoming.settings) {
    if (!isSettingRecord(record)) report.skipped++;
    else if (localSettings.has(record.key)) report.kept++;
    else {
      writes.settings.push(record);
      localSettings.add(record.key);
      report.added++;
    }
  }

  const progress = new Map(local.lessonProgress.map((p) => [p.lessonId, p]));
  for (const record of incoming.lessonProgress) {
    if (!isLessonProgress(record)) {
      report.skipped++;
      continue;
    }
    const mine = progress.get(record.lessonId);
    if (!mine) {
      report.added++;
    } else if (record.readAt < mine.readAt) {
      report.updated++;
    } else {
      report.kept++;
      continue;
    }
    const clean: LessonProgress = { lessonId: record.lessonId, readAt: record.readAt, how: record.how };
    progress.set(record.lessonId, clean);
    writes.lessonProgress.push(clean);
  }
  return { ...report, writes };
}
