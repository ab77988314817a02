/**
 * The export file and the merge that imports it. Pure functions: the store feeds them records and
 * writes back what they decide, so the rules are testable without a browser.
 *
 * Merge rules ("merge, never clobber"), one per store (see RULES):
 * - settings: the preferences of this browser win; an imported setting fills only a missing key.
 * - lesson progress: the union; when both sides have a lesson, the earlier first-read time wins.
 * - quiz attempts: the union (an attempt never changes once made).
 * - interview sessions: the union; for the same session, the copy changed last wins.
 * - review cards: the union; for the same question, the card reviewed last wins (its schedule
 *   already accounts for the older reviews).
 * - exercise code: the union; for the same exercise, the copy saved last wins.
 * - exercise results: the union; for the same exercise, the later run wins, runs add up, and the
 *   earliest pass is kept (passing once on either device counts).
 */
import {
  isExerciseCode,
  isExerciseResult,
  isInterviewSession,
  isLessonProgress,
  isQuizAttempt,
  isReviewCard,
  isSettingRecord,
  type ExerciseCode,
  type ExerciseResult,
  type InterviewSession,
  type LessonProgress,
  type QuizAttempt,
  type ReviewCard,
  type SettingRecord,
} from './records';

export const BACKUP_FORMAT = 'go-interview-lab-backup';
/** v1: settings and lesson progress. v2 adds the quiz, interview, review and exercise stores. */
export const BACKUP_VERSION = 2;

export interface BackupData {
  settings: SettingRecord[];
  lessonProgress: LessonProgress[];
  quizAttempts: QuizAttempt[];
  interviewSessions: InterviewSession[];
  reviewCards: ReviewCard[];
  exerciseCode: ExerciseCode[];
  exerciseResults: ExerciseResult[];
}

export type BackupStore = keyof BackupData;

interface Rule<T> {
  guard: (v: unknown) => v is T;
  key: (r: T) => string;
  /** What to write when both sides have the key: a record, or null to keep ours. */
  resolve: (incoming: T, mine: T) => T | null;
  /** Drops fields that are not ours (an imported record may carry anything). */
  clean?: (r: T) => T;
}

type Rules = { [S in BackupStore]: Rule<BackupData[S][number]> };

const RULES: Rules = {
  settings: { guard: isSettingRecord, key: (r) => r.key, resolve: () => null, clean: (r) => ({ ...r }) as SettingRecord },
  lessonProgress: {
    guard: isLessonProgress,
    key: (r) => r.lessonId,
    resolve: (incoming, mine) => (incoming.readAt < mine.readAt ? incoming : null),
    clean: (r) => ({ lessonId: r.lessonId, readAt: r.readAt, how: r.how }),
  },
  quizAttempts: { guard: isQuizAttempt, key: (r) => r.id, resolve: () => null },
  interviewSessions: {
    guard: isInterviewSession,
    key: (r) => r.id,
    resolve: (incoming, mine) => (incoming.updatedAt > mine.updatedAt ? incoming : null),
  },
  reviewCards: {
    guard: isReviewCard,
    key: (r) => r.questionId,
    resolve: (incoming, mine) => ((incoming.lastReview ?? -1) > (mine.lastReview ?? -1) ? incoming : null),
  },
  exerciseCode: {
    guard: isExerciseCode,
    key: (r) => r.exerciseId,
    resolve: (incoming, mine) => (incoming.savedAt > mine.savedAt ? incoming : null),
  },
  exerciseResults: {
    guard: isExerciseResult,
    key: (r) => r.exerciseId,
    resolve: (incoming, mine) => {
      const later = incoming.at > mine.at ? incoming : mine;
      const passes = [incoming.passedAt, mine.passedAt].filter((t): t is number => t !== null);
      const passedAt = passes.length ? Math.min(...passes) : null;
      const merged: ExerciseResult = { ...later, runs: Math.max(incoming.runs, mine.runs), passedAt };
      return JSON.stringify(merged) === JSON.stringify(mine) ? null : merged;
    },
  },
};

export const BACKUP_STORES = Object.keys(RULES) as BackupStore[];

export function emptyBackupData(): BackupData {
  return { settings: [], lessonProgress: [], quizAttempts: [], interviewSessions: [], reviewCards: [], exerciseCode: [], exerciseResults: [] };
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
export function parseBackup(text: string): { data: Record<BackupStore, unknown[]>; version: number } {
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
  const field = (name: BackupStore) => {
    const value = (data as Record<string, unknown>)[name];
    return Array.isArray(value) ? value : [];
  };
  // A v1 file simply has no records for the newer stores.
  return { version, data: Object.fromEntries(BACKUP_STORES.map((s) => [s, field(s)])) as Record<BackupStore, unknown[]> };
}

export function mergeBackup(local: Partial<BackupData>, incoming: Partial<Record<BackupStore, unknown[]>>): MergeResult {
  const report: MergeReport = { added: 0, kept: 0, updated: 0, skipped: 0 };
  const writes = emptyBackupData();
  for (const store of BACKUP_STORES) {
    mergeStore(RULES[store] as Rule<unknown>, (local[store] ?? []) as unknown[], incoming[store] ?? [], writes[store] as unknown[], report);
  }
  return { ...report, writes };
}

function mergeStore<T>(rule: Rule<T>, local: readonly T[], incoming: readonly unknown[], writes: T[], report: MergeReport): void {
  const mine = new Map(local.map((r) => [rule.key(r), r]));
  for (const record of incoming) {
    if (!rule.guard(record)) {
      report.skipped++;
      continue;
    }
    const clean = rule.clean ? rule.clean(record) : record;
    const key = rule.key(clean);
    const existing = mine.get(key);
    let write: T | null = clean;
    if (existing === undefined) report.added++;
    else {
      write = rule.resolve(clean, existing);
      if (write === null) {
        report.kept++;
        continue;
      }
      report.updated++;
    }
    mine.set(key, write);
    writes.push(write);
  }
}
