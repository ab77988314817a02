import { describe, expect, it } from 'vitest';
import { BACKUP_FORMAT, BackupFormatError, makeBackup, mergeBackup, parseBackup, type BackupData } from '../../src/lib/store/backup';

const local: BackupData = {
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
    expect(parsed.version).toBe(1);
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
