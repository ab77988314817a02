/**
 * The app's one IndexedDB database (via `idb`), with a versioned schema. Each entry of `MIGRATIONS`
 * upgrades from the version before it; later features add stores by appending a migration, never by
 * editing an old one.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { ExerciseCode, ExerciseResult, InterviewSession, LessonProgress, QuizAttempt, ReviewCard, SettingRecord } from './records';

export const DB_NAME = 'go-interview-lab';

export interface LabSchema extends DBSchema {
  settings: { key: string; value: SettingRecord };
  lessonProgress: { key: string; value: LessonProgress };
  quizAttempts: { key: string; value: QuizAttempt };
  interviewSessions: { key: string; value: InterviewSession };
  reviewCards: { key: string; value: ReviewCard };
  exerciseCode: { key: string; value: ExerciseCode };
  exerciseResults: { key: string; value: ExerciseResult };
}

export type LabDB = IDBPDatabase<LabSchema>;
export type LabStore = StoreNames<LabSchema>;

type Migration = (db: LabDB, tx: IDBPTransaction<LabSchema, LabStore[], 'versionchange'>) => void;

const MIGRATIONS: Migration[] = [
  // v1: settings and lesson progress.
  (db) => {
    db.createObjectStore('settings', { keyPath: 'key' });
    db.createObjectStore('lessonProgress', { keyPath: 'lessonId' });
  },
  // v2: quiz attempts, mock interviews and review cards (#6); exercise code and results (#5).
  (db) => {
    db.createObjectStore('quizAttempts', { keyPath: 'id' });
    db.createObjectStore('interviewSessions', { keyPath: 'id' });
    db.createObjectStore('reviewCards', { keyPath: 'questionId' });
    db.createObjectStore('exerciseCode', { keyPath: 'exerciseId' });
    db.createObjectStore('exerciseResults', { keyPath: 'exerciseId' });
  },
];

export const DB_VERSION = MIGRATIONS.length;

export interface OpenOptions {
  name?: string;
  /** Called when another tab needs a newer schema; this connection has been closed for it. */
  onVersionChange?: () => void;
  /** How long to wait for the database before giving up (a blocked or stuck open never settles). */
  timeoutMs?: number;
}

export function openLabDB({ name = DB_NAME, onVersionChange, timeoutMs = 5000 }: OpenOptions = {}): Promise<LabDB> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`IndexedDB did not open within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const open = openDB<LabSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (let v = oldVersion; v < DB_VERSION; v++) MIGRATIONS[v]!(db, tx);
    },
    blocking(_current, _next, event) {
      // Another tab wants a newer schema: step aside so it can upgrade, and let the app say so.
      (event.target as IDBDatabase).close();
      onVersionChange?.();
    },
  });
  return Promise.race([open, timeout]).finally(() => clearTimeout(timer));
}
