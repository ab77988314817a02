/**
 * Persistence API over the database: reads skip and report records that fail their guards, writes
 * are transactional. Components never touch IndexedDB directly.
 */
import { BACKUP_STORES, emptyBackupData, mergeBackup, makeBackup, parseBackup, type BackupData, type BackupFile, type MergeReport } from './backup';
import { openLabDB, type LabDB, type LabStore, type OpenOptions } from './db';
import {
  isExerciseCode,
  isExerciseResult,
  isInterviewSession,
  isLessonProgress,
  isQuizAttempt,
  isReviewCard,
  isSettingRecord,
  nextExerciseResult,
  type ExerciseCode,
  type ExerciseResult,
  type InterviewSession,
  type LessonProgress,
  type QuizAttempt,
  type ReviewCard,
  type SettingRecord,
} from './records';

/** Each backed-up store's guard: what a valid record of it is. */
const GUARDS: { [S in LabStore]: (v: unknown) => boolean } = {
  settings: isSettingRecord,
  lessonProgress: isLessonProgress,
  quizAttempts: isQuizAttempt,
  interviewSessions: isInterviewSession,
  reviewCards: isReviewCard,
  exerciseCode: isExerciseCode,
  exerciseResults: isExerciseResult,
};

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

  // ---- Quiz, interview, review ----

  attempts(): Promise<QuizAttempt[]> {
    return this.readValid('quizAttempts', isQuizAttempt);
  }

  interviewSessions(): Promise<InterviewSession[]> {
    return this.readValid('interviewSessions', isInterviewSession);
  }

  async saveInterview(session: InterviewSession): Promise<void> {
    await this.db.put('interviewSessions', session);
  }

  async deleteInterview(id: string): Promise<void> {
    await this.db.delete('interviewSessions', id);
  }

  reviewCards(): Promise<ReviewCard[]> {
    return this.readValid('reviewCards', isReviewCard);
  }

  /** Records answers and the cards they created or moved, in one transaction. */
  async recordAnswers(attempts: readonly QuizAttempt[], cards: readonly ReviewCard[]): Promise<void> {
    const tx = this.db.transaction(['quizAttempts', 'reviewCards'], 'readwrite');
    await Promise.all([
      ...attempts.map((a) => tx.objectStore('quizAttempts').put(a)),
      ...cards.map((c) => tx.objectStore('reviewCards').put(c)),
      tx.done,
    ]);
  }

  // ---- Exercises ----

  async exerciseCode(exerciseId: string): Promise<ExerciseCode | undefined> {
    const record = await this.db.get('exerciseCode', exerciseId);
    if (record === undefined) return undefined;
    if (isExerciseCode(record)) return record;
    this.report('exerciseCode', exerciseId, `unexpected record ${JSON.stringify(record)?.slice(0, 120)}`);
    return undefined;
  }

  async saveExerciseCode(record: ExerciseCode): Promise<void> {
    await this.db.put('exerciseCode', record);
  }

  async deleteExerciseCode(exerciseId: string): Promise<void> {
    await this.db.delete('exerciseCode', exerciseId);
  }

  exerciseResults(): Promise<ExerciseResult[]> {
    return this.readValid('exerciseResults', isExerciseResult);
  }

  /** Adds one grading run to an exercise's result (read-modify-write in one transaction). */
  async recordGrade(exerciseId: string, run: Pick<ExerciseResult, 'status' | 'passed' | 'total'>, now = Date.now()): Promise<ExerciseResult> {
    const tx = this.db.transaction('exerciseResults', 'readwrite');
    const stored = await tx.store.get(exerciseId);
    const previous = stored && isExerciseResult(stored) ? stored : undefined;
    const record = nextExerciseResult(previous, exerciseId, run, now);
    await tx.store.put(record);
    await tx.done;
    return record;
  }

  // ---- Export and import ----

  async exportAll(now = new Date()): Promise<BackupFile> {
    const data = emptyBackupData();
    for (const store of BACKUP_STORES) {
      (data[store] as unknown[]) = await this.readValid(store, GUARDS[store] as (v: unknown) => v is unknown);
    }
    return makeBackup(data, now);
  }

  /** Merges an export file into this database in one transaction; throws BackupFormatError on a bad file. */
  async importText(text: string): Promise<MergeReport> {
    const incoming = parseBackup(text).data;
    const tx = this.db.transaction(BACKUP_STORES, 'readwrite');
    const local = emptyBackupData();
    for (const store of BACKUP_STORES) {
      (local[store] as unknown[]) = (await tx.objectStore(store).getAll()).filter(GUARDS[store]);
    }
    const { writes, ...report } = mergeBackup(local, incoming);
    await Promise.all(BACKUP_STORES.flatMap((store) => (writes[store] as BackupData[typeof store]).map((r) => tx.objectStore(store).put(r as never))));
    await tx.done;
    return report;
  }
}
