import { describe, expect, it } from 'vitest';
import { BACKUP_FORMAT, BackupFormatError, emptyBackupData, makeBackup, mergeBackup, parseBackup, type BackupData } from '../../src/lib/store/backup';

const local: BackupData = {
  ...emptyBackupData(),
  settings: [{ key: 'lang', value: 'zh' }],
  lessonProgress: [
    { lessonId: 'registry', readAt: 2_000, how: 'scroll' },
    { lessonId: 'rate-limiting', readAt: 5_000, how: 'manual' },
  ],
};

describe('parseBackup', () => {
  it('reads what makeBackup writes', () => {
    const file = makeBackup(local, new Date('2026-11-21T00:00:00Z'));
    const parsed = parseBackup(JSON.stringify(file));
    expect(parsed.version).toBe(2);
    expect(parsed.data).toEqual(local);
  });

  it.each([
    ['not json', /not JSON/],
    ['{"format":"something-else","version":1,"data":{}}', /not a go-interview-lab-backup file/],
    [`{"format":"${BACKUP_FORMAT}","data":{}}`, /version/],
    [`{"format":"${BACKUP_FORMAT}","version":99,"data":{}}`, /newer version/],
    [`{"format":"${BACKUP_FORMAT}","version":1}`, /missing "data"/],
  ])('refuses %s', (text, reason) => {
    expect(() => parseBackup(text)).toThrow(BackupFormatError);
    expect(() => parseBackup(text)).toThrow(reason);
  });
});

describe('mergeBackup', () => {
  it('adds new lessons, keeps later duplicates, takes earlier first-read times, and skips junk', () => {
    const result = mergeBackup(local, {
      settings: [{ key: 'lang', value: 'en' }, { key: 'theme', value: 'dark' }, { key: 'theme', value: 'neon' }],
      lessonProgress: [
        { lessonId: 'registry', readAt: 9_000, how: 'manual' }, // later than ours: kept as is
        { lessonId: 'rate-limiting', readAt: 1_000, how: 'scroll' }, // earlier: updated
        { lessonId: 'circuit-breaking', readAt: 3_000, how: 'scroll', extra: 'dropped' },
        { lessonId: 'Bad Id', readAt: 1, how: 'scroll' },
        { lessonId: 'x', readAt: 'yesterday', how: 'scroll' },
        null,
      ],
    });
    expect(result.writes.settings).toEqual([{ key: 'theme', value: 'dark' }]);
    expect(result.writes.lessonProgress).toEqual([
      { lessonId: 'rate-limiting', readAt: 1_000, how: 'scroll' },
      { lessonId: 'circuit-breaking', readAt: 3_000, how: 'scroll' },
    ]);
    expect({ added: result.added, kept: result.kept, updated: result.updated, skipped: result.skipped }).toEqual({
      added: 2, // theme + circuit-breaking
      kept: 2, // lang + registry
      updated: 1,
      skipped: 4, // neon theme + three bad progress records
    });
  });

  it('is idempotent: importing the same file twice writes nothing the second time', () => {
    const incoming = { settings: [], lessonProgress: [{ lessonId: 'saga', readAt: 10, how: 'manual' }] };
    const first = mergeBackup(local, incoming);
    const after: BackupData = { ...local, lessonProgress: [...local.lessonProgress, ...first.writes.lessonProgress] };
    const second = mergeBackup(after, incoming);
    expect(second.writes.lessonProgress).toEqual([]);
    expect(second.kept).toBe(1);
  });
});

describe('mergeBackup: quiz, review and exercise stores', () => {
  const card = (questionId: string, lastReview: number | null, due: number) => ({
    questionId, due, stability: 1, difficulty: 5, elapsedDays: 0, scheduledDays: 0, learningSteps: 0, reps: 1, lapses: 0, state: 'learning' as const, lastReview,
  });
  const result = (exerciseId: string, at: number, passedAt: number | null, runs: number) => ({
    exerciseId, status: passedAt === null ? ('fail' as const) : ('pass' as const), passed: 1, total: 3, at, runs, passedAt,
  });

  it('keeps the card reviewed last for the same question and adds unknown ones', () => {
    const mine = { ...emptyBackupData(), reviewCards: [card('rl-1', 5_000, 9_000), card('rl-2', 5_000, 9_000)] };
    const merged = mergeBackup(mine, { reviewCards: [card('rl-1', 7_000, 99_000), card('rl-2', 1_000, 2_000), card('rl-3', null, 1), { questionId: 'x' }] });
    expect(merged.writes.reviewCards.map((c) => [c.questionId, c.due])).toEqual([['rl-1', 99_000], ['rl-3', 1]]);
    expect({ added: merged.added, kept: merged.kept, updated: merged.updated, skipped: merged.skipped }).toEqual({ added: 1, kept: 1, updated: 1, skipped: 1 });
  });

  it('takes the later exercise run but keeps the earliest pass from either side', () => {
    const mine = { ...emptyBackupData(), exerciseResults: [result('token-bucket', 9_000, null, 4)] };
    const merged = mergeBackup(mine, { exerciseResults: [result('token-bucket', 3_000, 2_000, 2)] });
    expect(merged.writes.exerciseResults).toEqual([{ ...result('token-bucket', 9_000, null, 4), passedAt: 2_000 }]);
    const again = mergeBackup({ ...emptyBackupData(), exerciseResults: merged.writes.exerciseResults }, { exerciseResults: [result('token-bucket', 3_000, 2_000, 2)] });
    expect(again.writes.exerciseResults).toEqual([]);
  });

  it('keeps the newer saved code and ignores attempts it already has', () => {
    const mine = {
      ...emptyBackupData(),
      exerciseCode: [{ exerciseId: 'bulkhead', code: 'mine', savedAt: 5_000 }],
      quizAttempts: [{ id: 'practice-1-rl-1', questionId: 'rl-1', topic: 'rate-limiting', mode: 'practice' as const, correct: true, score: 1, at: 1 }],
    };
    const merged = mergeBackup(mine, {
      exerciseCode: [{ exerciseId: 'bulkhead', code: 'older', savedAt: 4_000 }],
      quizAttempts: [
        { id: 'practice-1-rl-1', questionId: 'rl-1', topic: 'rate-limiting', mode: 'practice', correct: false, score: 0, at: 1 },
        { id: 'interview-2-rl-2', questionId: 'rl-2', topic: 'rate-limiting', mode: 'interview', correct: false, score: 0.5, at: 2 },
        { id: 'bad', questionId: 'rl-2', topic: 'rate-limiting', mode: 'exam', correct: false, score: 0, at: 2 },
      ],
    });
    expect(merged.writes.exerciseCode).toEqual([]);
    expect(merged.writes.quizAttempts.map((a) => a.id)).toEqual(['interview-2-rl-2']);
    expect(merged.skipped).toBe(1);
  });

  it('reads a v1 file as having no records in the newer stores', () => {
    const v1 = JSON.stringify({ format: BACKUP_FORMAT, version: 1, exportedAt: 'x', data: { settings: [], lessonProgress: [] } });
    expect(parseBackup(v1).data.reviewCards).toEqual([]);
  });
});
